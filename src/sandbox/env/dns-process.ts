// The sandbox's DNS: the emulator's Route 53 zones answered on the lab's "internet" at
// INTERNET_DNS:53 (UDP and TCP), where the client namespace's resolv.conf and pebble point. It runs
// inside the gateway namespace (the emulator's loopback is out of reach there; it reads the state
// file instead) and joins the lab's cgroup, so destroying the lab also ends it.

import { fileURLToPath } from 'node:url';
import { SolokubeError } from '../../core/errors.js';
import { joinLabCgroup } from '../lab/cgroup.js';
import { inNetns } from '../lab/gateway.js';
import { isAlive, isOurProcess, signal, waitGone } from '../lab/processes.js';
import { startDetached } from './detached.js';
import { GW_INTERNET_IF } from '../lab/addresses.js';
import { runOk } from '../lab/run.js';

const DNS_MAIN = fileURLToPath(new URL('../aws/dns/main.js', import.meta.url));
const DNS_ARGV_MARK = 'sandbox/aws/dns/main.js';

export interface SandboxDns {
  pid: number;
  netns: string;
  address: string;
}

export async function startSandboxDns(o: {
  labName: string;
  gwNetns: string;
  address: string;
  stateFile: string;
  logFile: string;
}): Promise<SandboxDns> {
  // Labs booted before the DNS existed lack the address; `replace` adds it or leaves it as it is.
  await runOk(['ip', '-n', o.gwNetns, 'addr', 'replace', `${o.address}/24`, 'dev', GW_INTERNET_IF]);
  const argv = inNetns(o.gwNetns, [
    process.execPath,
    DNS_MAIN,
    '--state',
    o.stateFile,
    '--address',
    o.address,
    '--port',
    '53',
  ]);
  const first = await startDetached(argv, o.logFile, 10_000).catch((err: Error) => {
    throw new SolokubeError({
      code: 'sandbox.dns-start',
      message: `the sandbox's DNS server did not start: ${err.message}`,
      remedy: `Look at ${o.logFile}.`,
      cause: err,
    });
  });
  const { pid } = JSON.parse(first) as { pid: number };
  await joinLabCgroup(o.labName, pid);
  return { pid, netns: o.gwNetns, address: o.address };
}

export function isSandboxDnsAlive(dns: SandboxDns): boolean {
  return isAlive(dns.pid) && isOurProcess(dns.pid, [DNS_ARGV_MARK]);
}

export async function stopSandboxDns(dns: SandboxDns): Promise<void> {
  if (!isSandboxDnsAlive(dns)) return;
  signal(dns.pid, 'SIGTERM');
  if (!(await waitGone(dns.pid, 5_000))) signal(dns.pid, 'SIGKILL');
}
