// What an EC2 instance has around it that the lab node lacks, for the instance the sandbox's node
// plays: its own IMDSv2 (the emulator's per-instance listener, with the credentials of the instance
// profile's role), the regional EC2 endpoint, and an internet gateway that follows EC2's public
// addresses by itself — on AWS an Elastic IP answers as soon as it is associated, with nobody
// running a command. A detached process holds the forwards and follows the emulator's state; it
// joins the lab's cgroup, so it ends with the node.
//
// The node's interface takes the MAC of the instance's network interface, as an EC2 instance's does
// (systemd-nspawn gives the container's veth a MAC of its own): live, and through a networkd drop-in
// for later boots. The reclaim finds its interface by that MAC.
//
// The one deviation from AWS on the node: /etc/solokube/reclaim.env names the EC2 endpoint (the
// emulator's forward) for the reclaim unit. On AWS that file does not exist and the unit speaks to
// ec2.<region>.amazonaws.com.
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { SolokubeError } from '../../core/errors.js';
import { RECLAIM_PATHS } from '../../reclaim/paths.js';
import { joinLabCgroup } from '../lab/cgroup.js';
import { repeatEvery, type Repeating } from '../lab/repeat.js';
import { runOk } from '../lab/run.js';
import type { Lab } from '../lab/index.js';
import { isAlive, isOurProcess, signal, waitGone } from '../lab/processes.js';
import { startDetached } from './detached.js';
import { syncLabGateway } from './gateway-sync.js';

const LINK_MAIN = fileURLToPath(new URL('./instance-link-main.js', import.meta.url));
const LINK_ARGV_MARK = 'sandbox/env/instance-link-main.js';
const FOLLOW_INTERVAL_MS = 1_000;

export interface InstanceLink {
  pid: number;
  instanceId: string;
}

/** Where the node reaches a host service through the gateway (a HostForward's address and port). */
export interface GatewayEndpoint {
  address: string;
  port: number;
}

/** The reclaim unit's environment file: the sandbox's EC2 endpoint, and optional overrides. */
export function reclaimEnvironment(ec2: GatewayEndpoint, extra: Record<string, string> = {}): string {
  const lines = [
    '# solokube sandbox: the EC2 endpoint is the AWS emulator (on AWS this file does not exist).',
    `SOLOKUBE_EC2_ENDPOINT=http://${ec2.address}:${ec2.port}/`,
    ...Object.entries(extra).map(([k, v]) => `${k}=${v}`),
  ];
  return `${lines.join('\n')}\n`;
}

/** Write the reclaim unit's environment file on the node. */
export async function writeReclaimEnvironment(
  lab: Lab,
  ec2: GatewayEndpoint,
  extra: Record<string, string> = {},
): Promise<void> {
  const r = await lab.node.exec(
    ['sh', '-c', 'mkdir -p "$(dirname "$1")" && cat > "$1"', 'sh', RECLAIM_PATHS.environment],
    { input: reclaimEnvironment(ec2, extra), timeoutMs: 30_000 },
  );
  if (r.code !== 0) throw new Error(`writing ${RECLAIM_PATHS.environment} on the node failed: ${r.stderr.trim()}`);
}

const MAC = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/;

/** Give the node's interface the MAC of the instance's primary network interface (now and at every boot). */
export async function setInstanceMac(lab: Lab, mac: string): Promise<void> {
  if (!MAC.test(mac)) throw new Error(`not a MAC address: ${JSON.stringify(mac)}`);
  const iface = lab.node.interface;
  const dropIn = `/etc/systemd/network/10-${iface}.network.d/40-solokube-sandbox-mac.conf`;
  const r = await lab.node.exec(
    [
      'sh',
      '-c',
      'set -e; mkdir -p "$(dirname "$3")"; printf "# solokube sandbox: the instance ENI\'s MAC, as EC2 gives it\\n[Link]\\nMACAddress=%s\\n" "$2" > "$3"; ' +
        'if [ "$(cat /sys/class/net/$1/address)" != "$2" ]; then ip link set dev "$1" address "$2"; fi',
      'sh',
      iface,
      mac,
      dropIn,
    ],
    { timeoutMs: 30_000 },
  );
  if (r.code !== 0) throw new Error(`setting the node's MAC to ${mac} failed: ${r.stderr.trim()}`);
  // The gateway still has the old MAC for the node's address: forget it, so the next packet asks again.
  await runOk(['ip', '-n', lab.gateway.netns, 'neigh', 'flush', 'all']);
}

/**
 * Link the freshly booted node to its instance: the emulator serves the instance's metadata, the
 * link process forwards it and the EC2 endpoint into the lab, and the node gets the endpoint file.
 * Before the instance's user data runs, as IMDS is there before cloud-init on EC2.
 */
export async function startInstanceLink(o: {
  lab: Lab;
  endpoint: string;
  instanceId: string;
  logDir: string;
}): Promise<InstanceLink> {
  const res = await fetch(`${o.endpoint}/_sandbox/imds`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    // The node's own processes call it: one hop, within kops' default hop limit of 1.
    body: JSON.stringify({ instanceId: o.instanceId, callerHops: 1 }),
  });
  const imds = (await res.json()) as { port?: number; error?: string };
  if (!res.ok || imds.port === undefined)
    throw new SolokubeError({
      code: 'sandbox.imds',
      message: `the emulator did not serve metadata for ${o.instanceId}: ${imds.error ?? `HTTP ${res.status}`}`,
    });
  const first = await startDetached(
    [
      process.execPath,
      LINK_MAIN,
      '--lab-record',
      o.lab.record.recordPath,
      '--endpoint',
      o.endpoint,
      '--imds-port',
      String(imds.port),
    ],
    join(o.logDir, 'instance-link.log'),
    20_000,
  ).catch((err: Error) => {
    throw new SolokubeError({
      code: 'sandbox.instance-link',
      message: `the sandbox could not link the node to instance ${o.instanceId}: ${err.message}`,
      remedy: `Look at ${join(o.logDir, 'instance-link.log')}.`,
      cause: err,
    });
  });
  const { pid, ec2 } = JSON.parse(first) as { pid: number; ec2: GatewayEndpoint };
  await joinLabCgroup(o.lab.name, pid);
  await writeReclaimEnvironment(o.lab, ec2);
  return { pid, instanceId: o.instanceId };
}

export function isInstanceLinkAlive(link: InstanceLink): boolean {
  return isAlive(link.pid) && isOurProcess(link.pid, [LINK_ARGV_MARK]);
}

export async function stopInstanceLink(link: InstanceLink): Promise<void> {
  if (!isInstanceLinkAlive(link)) return;
  signal(link.pid, 'SIGTERM');
  if (!(await waitGone(link.pid, 5_000))) signal(link.pid, 'SIGKILL');
}

/** Keep the gateway's NAT equal to the emulator's public addresses, as AWS's internet gateway is. */
export function followGateway(endpoint: string, lab: Lab, log: (msg: string) => void): Repeating {
  const round = async (): Promise<void> => {
    const { added, removed } = await syncLabGateway(endpoint, lab, AbortSignal.timeout(5_000));
    for (const a of added) log(`gateway: ${a.publicIp} -> ${a.privateIp}`);
    for (const r of removed) log(`gateway: ${r} unmapped`);
  };
  return repeatEvery(FOLLOW_INTERVAL_MS, round, log, { prefix: 'gateway', startNow: true });
}
