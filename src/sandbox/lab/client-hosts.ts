// The client namespace's own /etc/hosts. `ip netns exec <ns>` bind-mounts /etc/netns/<ns>/hosts
// over /etc/hosts, so names resolve for any tool run there without touching the host's file.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isHostName } from '../../config/validators.js';
import { UsageError } from '../../core/errors.js';
import { ipv4ToInt } from './addresses.js';

export function clientEtcDir(netns: string): string {
  return join('/etc/netns', netns);
}

export async function writeClientHosts(netns: string, entries: Readonly<Record<string, string>>): Promise<void> {
  const lines = ['127.0.0.1 localhost'];
  for (const [name, address] of Object.entries(entries)) {
    if (!isHostName(name)) throw new UsageError(`not a host name: ${JSON.stringify(name)}`);
    ipv4ToInt(address); // validates
    lines.push(`${address} ${name}`);
  }
  await mkdir(clientEtcDir(netns), { recursive: true });
  await writeFile(join(clientEtcDir(netns), 'hosts'), `${lines.join('\n')}\n`);
}

/** The client's resolv.conf (bind-mounted by `ip netns exec`): the sandbox's internet DNS, nothing else. */
export async function writeClientResolver(netns: string, nameserver: string): Promise<void> {
  ipv4ToInt(nameserver); // validates
  await mkdir(clientEtcDir(netns), { recursive: true });
  await writeFile(
    join(clientEtcDir(netns), 'resolv.conf'),
    `nameserver ${nameserver}
options timeout:2 attempts:2
`,
  );
}

export async function removeClientEtc(netns: string): Promise<void> {
  await rm(clientEtcDir(netns), { recursive: true, force: true });
}
