// A handle on a running lab, built from its record: the node (SSH endpoint for the code under
// test, plus an assertion-only exec that enters the container directly), the gateway (public
// address NAT) and the client namespace. attachLab works from any process, so a lab started by
// one command can be used and destroyed by a later one.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SolokubeError } from '../../core/errors.js';
import { sleep } from '../../core/sleep.js';
import { destroyLab } from './destroy.js';
import { CLIENT_ADDRESS, INTERNET_GATEWAY, VPC_GATEWAY } from './addresses.js';
import { writeClientHosts } from './client-hosts.js';
import { listPublicIps, mapPublicIp, unmapPublicIp, type PublicIpMapping } from './gateway.js';
import { childPids, isOurProcess } from './processes.js';
import {
  readLabRecord,
  readSupervisorStatus,
  writeJsonAtomic,
  type LabRecord,
  type SupervisorStatus,
} from './record.js';
import { run, type RunResult } from './run.js';
import { waitForSsh } from './ssh-probe.js';
import { STANDIN_CONFIG_PATH, assertIngressMode, renderStandinConfig, type IngressMode } from './standins.js';

export interface ExecOptions {
  timeoutMs?: number;
  input?: string;
}

/** Where and how the code under test reaches the node's sshd (a loopback port forwarded into the lab). */
export interface LabSshEndpoint {
  host: string;
  port: number;
  user: string;
  privateKeyPath: string;
  /** `ssh-ed25519 AAAA...`: the host key to pin. */
  hostPublicKey: string;
  /** `SHA256:...` of the host key. */
  hostKeyFingerprint: string;
  /** A known_hosts file holding only this node's key for host:port (for `ssh -o UserKnownHostsFile=`). */
  knownHostsPath: string;
}

export interface LabNode {
  machineName: string;
  /** The node's interface name (like eth0/ens5 on EC2). */
  interface: string;
  primaryAddress: string;
  prefixLength: number;
  gateway: string;
  ssh: LabSshEndpoint;
  /** FOR ASSERTIONS ONLY: runs argv inside the container (all its namespaces) as root. Code under test must use SSH. */
  exec(argv: readonly string[], opts?: ExecOptions): Promise<RunResult>;
  /** The container's PID 1 as seen from the host. */
  leaderPid(): Promise<number>;
  /** How many times the node has been launched (1 after startLab; +1 per reboot). */
  bootCount(): Promise<number>;
  /** `systemctl reboot` inside; resolves once sshd answers on the new boot and systemd finished booting. */
  reboot(opts?: { timeoutMs?: number }): Promise<{ ms: number }>;
  /** Waits for sshd and for systemd to finish booting. */
  waitReady(timeoutMs?: number): Promise<void>;
  /** Reconfigures the ingress stand-in (PROXY v2 on the NodePorts, or hostNetwork on 8443/8080). */
  setIngressMode(mode: IngressMode): Promise<void>;
}

export interface LabGateway {
  netns: string;
  vpcGateway: string;
  internetGateway: string;
  mapPublicIp(publicIp: string, privateIp: string): Promise<void>;
  unmapPublicIp(publicIp: string): Promise<void>;
  listPublicIps(): Promise<PublicIpMapping[]>;
}

export interface LabClient {
  netns: string;
  address: string;
  /** Runs argv in the client ("internet") namespace, where /etc/hosts is the one setHosts wrote. */
  exec(argv: readonly string[], opts?: ExecOptions): Promise<RunResult>;
  /** The client's own /etc/hosts (name → address), for tools without --resolve (e.g. wrk, which then sends the right SNI). */
  setHosts(entries: Readonly<Record<string, string>>): Promise<void>;
  /** curl from the client, verifying TLS with the lab CA; `address` pins the URL's host:port to it (curl --resolve). */
  curl(url: string, opts?: ClientCurlOptions): Promise<RunResult>;
}

export interface ClientCurlOptions {
  address?: string;
  headers?: readonly string[];
  /** Send a PROXY protocol (v1) header first, as curl --haproxy-protocol does. */
  haproxyProtocol?: boolean;
  timeoutMs?: number;
  /** Verify with this CA instead of the lab's (the cluster's own CA, for the real kube-apiserver). */
  caCertPath?: string;
}

export interface Lab {
  name: string;
  record: LabRecord;
  clusterName: string;
  appsDomain: string;
  /** CA that signed the stand-ins' certificates: `curl --cacert`. */
  caCertPath: string;
  node: LabNode;
  gateway: LabGateway;
  client: LabClient;
  /** Removes everything of this lab (container, supervisor, namespaces, mounts, dirs). Safe to call twice. */
  destroy(): Promise<void>;
}

const NODE_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
export const DEFAULT_BOOT_TIMEOUT_MS = 90_000;

export async function attachLab(recordOrPath: LabRecord | string): Promise<Lab> {
  const record = typeof recordOrPath === 'string' ? await readLabRecord(recordOrPath) : recordOrPath;
  const status = (): Promise<SupervisorStatus> => readSupervisorStatus(record.statusPath);

  const leaderPid = async (): Promise<number> => {
    const s = await status();
    if (s.state !== 'running' || !isOurProcess(s.nspawnPid, ['systemd-nspawn', `--machine=${record.machineName}`])) {
      throw notRunning(record, s);
    }
    const leader = childPids(s.nspawnPid)[0];
    if (!leader) throw notRunning(record, s);
    return leader;
  };

  const exec = async (argv: readonly string[], opts: ExecOptions = {}): Promise<RunResult> => {
    const pid = await leaderPid();
    return run(['nsenter', `--target=${pid}`, '--all', '--', 'env', '-i', `PATH=${NODE_PATH}`, ...argv], opts);
  };

  const waitReady = async (timeoutMs = DEFAULT_BOOT_TIMEOUT_MS): Promise<void> => {
    const end = Date.now() + timeoutMs;
    await waitForSsh(record.ssh.host, record.ssh.port, timeoutMs, async () => {
      const s = await status();
      // A killed supervisor never writes "stopped"; without it nothing would relaunch the node either.
      if (s.state === 'stopped' || !isOurProcess(record.supervisorPid, ['supervisor-main.js', record.recordPath]))
        throw notRunning(record, s);
    });
    // sshd may come up before the stand-ins; wait for systemd to finish the boot transaction.
    const r = await exec(['systemctl', 'is-system-running', '--wait'], { timeoutMs: Math.max(1000, end - Date.now()) });
    if (r.stdout.trim() !== 'running') {
      const failed = await exec(['systemctl', '--failed', '--no-legend', '--plain']);
      throw new SolokubeError({
        code: 'lab.node-degraded',
        message: `lab node ${record.name} booted ${r.stdout.trim() || 'badly'}: ${failed.stdout.trim()}`,
        remedy: `See ${record.logPath} and \`journalctl\` inside the node.`,
        actor: 'solokube',
      });
    }
  };

  const node: LabNode = {
    machineName: record.machineName,
    interface: record.node.interface,
    primaryAddress: record.node.primaryAddress,
    prefixLength: record.node.prefixLength,
    gateway: record.node.gateway,
    ssh: { ...record.ssh, knownHostsPath: record.knownHostsPath },
    exec,
    leaderPid,
    bootCount: async () => (await status()).boots,
    waitReady,
    async reboot(opts = {}) {
      const timeoutMs = opts.timeoutMs ?? DEFAULT_BOOT_TIMEOUT_MS;
      const started = Date.now();
      const before = (await status()).boots;
      await exec(['systemctl', 'reboot'], { timeoutMs: 10_000 });
      while ((await status()).boots <= before || (await status()).state !== 'running') {
        if (Date.now() - started > timeoutMs)
          throw new SolokubeError({
            code: 'lab.reboot-timeout',
            message: `lab node ${record.name} did not come back from reboot`,
            remedy: `See ${record.logPath}.`,
          });
        await sleep(50);
      }
      await waitReady(Math.max(1000, timeoutMs - (Date.now() - started)));
      return { ms: Date.now() - started };
    },
    async setIngressMode(mode) {
      assertIngressMode(mode);
      // The overlay is mounted on the host too; the container sees the same file.
      await writeFile(
        join(record.root, STANDIN_CONFIG_PATH),
        renderStandinConfig(mode, { realApi: record.controlPlane !== undefined }),
      );
      const r = await exec(['systemctl', 'restart', 'nginx'], { timeoutMs: 30_000 });
      if (r.code !== 0) {
        const journal = await exec(['journalctl', '--no-pager', '-o', 'cat', '-n', '8', '-u', 'nginx']);
        throw new SolokubeError({
          code: 'lab.ingress-mode',
          message: `restarting the stand-ins (nginx) failed:\n${journal.stdout.trim()}`,
          remedy:
            'A port the new mode needs may be held by something else on the node (e.g. HAProxy on 8443 before direct mode).',
        });
      }
      record.ingressMode = mode;
      await writeJsonAtomic(record.recordPath, record);
    },
  };

  const gateway: LabGateway = {
    netns: record.netns.gw,
    vpcGateway: VPC_GATEWAY,
    internetGateway: INTERNET_GATEWAY,
    mapPublicIp: (publicIp, privateIp) => mapPublicIp(record.netns.gw, { publicIp, privateIp }),
    unmapPublicIp: (publicIp) => unmapPublicIp(record.netns.gw, publicIp),
    listPublicIps: () => listPublicIps(record.netns.gw),
  };

  const client: LabClient = {
    netns: record.netns.client,
    address: CLIENT_ADDRESS,
    exec: (argv, opts = {}) => run(inClientNetns(record, argv), opts),
    curl: (url, opts = {}) =>
      run(inClientNetns(record, curlArgv(url, opts.caCertPath ?? record.tls.caCertPath, opts)), {
        timeoutMs: (opts.timeoutMs ?? 5000) + 2000,
      }),
    setHosts: (entries) => writeClientHosts(record.netns.client, entries),
  };

  return {
    name: record.name,
    record,
    clusterName: record.clusterName,
    appsDomain: record.appsDomain,
    caCertPath: record.tls.caCertPath,
    node,
    gateway,
    client,
    destroy: () => destroyLab(record),
  };
}

/** `ip netns exec` (unlike nsenter) also bind-mounts /etc/netns/<ns>/hosts over /etc/hosts. */
function inClientNetns(record: LabRecord, argv: readonly string[]): string[] {
  return ['ip', 'netns', 'exec', record.netns.client, ...argv];
}

function curlArgv(url: string, caCertPath: string, opts: ClientCurlOptions): string[] {
  const u = new URL(url);
  const port = u.port || (u.protocol === 'https:' ? '443' : '80');
  return [
    'curl',
    '--silent',
    '--show-error',
    '--max-time',
    String((opts.timeoutMs ?? 5000) / 1000),
    '--cacert',
    caCertPath,
    ...(opts.address ? ['--resolve', `${u.hostname}:${port}:${opts.address}`] : []),
    ...(opts.haproxyProtocol ? ['--haproxy-protocol'] : []),
    ...(opts.headers ?? []).flatMap((h) => ['--header', h]),
    '--',
    url,
  ];
}

function notRunning(record: LabRecord, s: SupervisorStatus): SolokubeError {
  return new SolokubeError({
    code: 'lab.node-not-running',
    message: `lab node ${record.name} is not running (supervisor state ${s.state}${s.lastExit ? `, last exit ${s.lastExit.signal ?? s.lastExit.code}` : ''})`,
    remedy: `See ${record.logPath}; destroy the lab and start a new one.`,
  });
}
