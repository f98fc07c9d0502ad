// The data-path benchmark (issue 3): in one lab run, side by side, the client's requests to the
// ingress directly (the floor) and through each of solokube's data paths on the secondary
// address — redirect + HAProxy, HAProxy with PROXY v2, and the kernel-only `direct` redirect —
// with keep-alive and with a new connection per request, small and 16 KB responses.
// The node is pinned to one CPU and wrk to the other, so the node's data path has one core.
// Floor and path runs alternate, so a machine whose load changes during the run (other work on
// it) skews both alike; ratios compare runs taken next to each other.
// The node is configured THROUGH solokube's node layer over SSH, exactly as `proxy setup` does.
import { loadavg } from 'node:os';
import { info, type IoHost } from '../src/core/io.js';
import { planAndApply } from '../src/core/run.js';
import { nodeResources, parseNodeSpec, SshShell, type ProxyMode } from '../src/node/index.js';
import {
  INGRESS_FLOOR_PORT,
  labPrerequisites,
  startLab,
  type IngressMode,
  type Lab,
} from '../src/sandbox/lab/index.js';
import type { BenchModule } from './run.js';
import type { BenchTable } from './table.js';
import { parseWrkOutput, wrkArgv, type WrkResult } from './wrk.js';

export const NODE_CPU = '1';
export const LOAD_CPU = '0';
export const SECONDARY = '198.18.0.11';
export const DURATION_S = Number(process.env.SOLOKUBE_BENCH_DURATION_S ?? 3);
// Three rounds by default so the per-round ratios have a median that one disturbed round cannot move.
export const ROUNDS = Number(process.env.SOLOKUBE_BENCH_ROUNDS ?? 3);
const CONNECTIONS = 4;

interface Phase {
  label: string;
  ingress: IngressMode;
  proxy: ProxyMode;
  proxyProtocol: boolean;
}

const PHASES: Phase[] = [
  {
    label: 'haproxy: :443 → redirect → HAProxy → :30443',
    ingress: { proxyProtocol: false, direct: false },
    proxy: 'haproxy',
    proxyProtocol: false,
  },
  {
    label: 'haproxy + PROXY v2',
    ingress: { proxyProtocol: true, direct: false },
    proxy: 'haproxy',
    proxyProtocol: true,
  },
  {
    label: 'direct: :443 → redirect → ingress :8443',
    ingress: { proxyProtocol: false, direct: true },
    proxy: 'direct',
    proxyProtocol: false,
  },
];
const VARIANTS = [
  { conn: 'keep-alive', newConnectionPerRequest: false, size: 'small', path: '/' },
  { conn: 'keep-alive', newConnectionPerRequest: false, size: '16 KB', path: '/16k' },
  { conn: 'new conn', newConnectionPerRequest: true, size: 'small', path: '/' },
  { conn: 'new conn', newConnectionPerRequest: true, size: '16 KB', path: '/16k' },
] as const;

export const datapathBench: BenchModule = {
  name: 'datapath',
  async run(io) {
    const missing = await labPrerequisites();
    if (missing.length) throw new Error(`the datapath benchmark needs ${missing.join(', ')}`);
    const lab = await startLab({ io, cpus: NODE_CPU });
    try {
      return [await measure(io, lab)];
    } finally {
      await lab.destroy();
    }
  },
};

async function measure(io: IoHost, lab: Lab): Promise<BenchTable> {
  const floorHost = `floor.${lab.appsDomain}`;
  const appHost = `app.${lab.appsDomain}`;
  await lab.client.setHosts({ [floorHost]: lab.node.primaryAddress, [appHost]: SECONDARY });
  const shell = new SshShell({
    host: lab.node.ssh.host,
    port: lab.node.ssh.port,
    user: lab.node.ssh.user,
    privateKeyPath: lab.node.ssh.privateKeyPath,
    knownHostsPath: lab.node.ssh.knownHostsPath,
    io,
  });
  const rows: string[][] = [];
  const loadBefore = loadavg()[0] ?? 0;
  try {
    for (const phase of PHASES) {
      await configure(io, lab, shell, phase);
      const floorUrl = (path: string): string => `https://${floorHost}:${INGRESS_FLOOR_PORT}${path}`;
      const pathUrl = (path: string): string => `https://${appHost}${path}`;
      await expectIngress(lab, floorUrl('/'), true);
      await expectIngress(lab, pathUrl('/'), phase.proxyProtocol || phase.proxy === 'direct');
      for (const v of VARIANTS) {
        info(io, `bench: ${phase.label}, ${v.conn}, ${v.size}: ${ROUNDS} × (floor, path) of ${DURATION_S} s`);
        rows.push([
          phase.label,
          v.conn,
          v.size,
          ...(await measurePaired(lab, floorUrl(v.path), pathUrl(v.path), v.newConnectionPerRequest)),
        ]);
      }
    }
  } finally {
    await shell.close();
  }
  return {
    title:
      `datapath: node pinned to CPU ${NODE_CPU}, wrk on CPU ${LOAD_CPU} (1 ` +
      `thread, ${CONNECTIONS} connections), ${ROUNDS} × ${DURATION_S} s per figure, TLS, nginx ` +
      `stand-in as the ingress`,
    columns: [
      'path (client → secondary:443)',
      'connections',
      'response',
      'req/s',
      'p50 ms',
      'p99 ms',
      'floor req/s',
      '× floor',
      'range',
      'errors',
    ],
    rows,
    notes: [
      `floor: the client straight to the same ingress (primary:${INGRESS_FLOOR_PORT}), measured alternately with each path.`,
      "× floor: median over rounds of path/floor, each round's floor run taken right before its path run; range: lowest–highest round.",
      'Ratios whose ranges overlap are not different. p50: mean over rounds; p99: worst round.',
      `1-minute load average ${loadBefore.toFixed(2)} before, ${(loadavg()[0] ?? 0).toFixed(2)} ` +
        `after (the node and wrk alone add about 2): more means other work shared the CPUs.`,
    ],
  };
}

/**
 * ROUNDS × (floor, path) side by side, and the figures a table row shows: path req/s, p50, p99,
 * floor req/s, the median of the per-round path/floor ratios, their range, and errors.
 */
export async function measurePaired(
  lab: Lab,
  floorUrl: string,
  pathUrl: string,
  newConnectionPerRequest: boolean,
): Promise<string[]> {
  const floor: WrkResult[] = [];
  const path: WrkResult[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    floor.push(await wrk(lab, floorUrl, newConnectionPerRequest));
    path.push(await wrk(lab, pathUrl, newConnectionPerRequest));
  }
  const f = combine(floor);
  const p = combine(path);
  const r = pairedRatios(floor, path);
  return [
    p.requestsPerSec.toFixed(0),
    p.p50Ms.toFixed(2),
    p.p99Ms.toFixed(2),
    f.requestsPerSec.toFixed(0),
    r.median.toFixed(2),
    `${r.min.toFixed(2)}–${r.max.toFixed(2)}`,
    String(p.errors + f.errors),
  ];
}

/** Converge the lab node for a proxy mode through the node layer itself (plan + apply over SSH). */
export async function convergeNode(
  io: IoHost,
  lab: Lab,
  shell: SshShell,
  mode: { proxy: ProxyMode; proxyProtocol: boolean },
): Promise<void> {
  const spec = parseNodeSpec({
    clusterName: lab.clusterName,
    apiServerNames: [`api.${lab.clusterName}`],
    primaryIp: lab.node.primaryAddress,
    secondaryIp: SECONDARY,
    prefixLength: lab.node.prefixLength,
    interface: lab.node.interface,
    proxy: mode.proxy,
    proxyProtocol: mode.proxyProtocol,
  });
  await planAndApply(nodeResources(spec, shell), {
    io,
    signal: AbortSignal.timeout(120_000),
    mode: 'converge',
    yes: true,
    dryRun: false,
  });
}

export async function wrk(lab: Lab, url: string, newConnectionPerRequest: boolean): Promise<WrkResult> {
  const r = await lab.client.exec(
    wrkArgv({ url, durationS: DURATION_S, connections: CONNECTIONS, newConnectionPerRequest, cpus: LOAD_CPU }),
    { timeoutMs: (DURATION_S + 15) * 1000 },
  );
  if (r.code !== 0) throw new Error(`wrk ${url} failed: ${r.stderr}`);
  return parseWrkOutput(r.stdout);
}

export function combine(runs: WrkResult[]): WrkResult {
  const mean = (f: (r: WrkResult) => number): number => runs.reduce((a, r) => a + f(r), 0) / runs.length;
  return {
    requestsPerSec: mean((r) => r.requestsPerSec),
    p50Ms: mean((r) => r.p50Ms),
    p99Ms: Math.max(...runs.map((r) => r.p99Ms)),
    requests: runs.reduce((a, r) => a + r.requests, 0),
    errors: runs.reduce((a, r) => a + r.errors, 0),
  };
}

/**
 * Each round's path run over the floor run taken just before it. Pairing adjacent runs cancels
 * load that changes slowly; the median ignores one round disturbed by a burst of other work.
 */
export function pairedRatios(
  floor: readonly WrkResult[],
  path: readonly WrkResult[],
): { median: number; min: number; max: number } {
  const ratios = path.map((p, i) => p.requestsPerSec / (floor[i]?.requestsPerSec ?? NaN)).sort((a, b) => a - b);
  const mid = ratios.length >> 1;
  const median = ratios.length % 2 ? (ratios[mid] ?? NaN) : ((ratios[mid - 1] ?? NaN) + (ratios[mid] ?? NaN)) / 2;
  return { median, min: ratios[0] ?? NaN, max: ratios[ratios.length - 1] ?? NaN };
}

/** Configure the node for a phase through the node layer (plan + apply over SSH), then the ingress stand-in to match. */
async function configure(io: IoHost, lab: Lab, shell: SshShell, phase: Phase): Promise<void> {
  // Node first: in direct mode the ingress takes :8443, which HAProxy holds until the node layer removes it.
  await convergeNode(io, lab, shell, phase);
  await lab.node.setIngressMode(phase.ingress);
}

/** Before measuring, prove the URL really reaches the ingress (and that it sees the client's address where it should). */
async function expectIngress(lab: Lab, url: string, keepsClientAddress: boolean): Promise<void> {
  const r = await lab.client.exec(['curl', '-sS', '-m', '5', '--cacert', lab.caCertPath, url]);
  const ok = /^ingress /.test(r.stdout) && (!keepsClientAddress || r.stdout.includes(`client=${lab.client.address} `));
  if (!ok) throw new Error(`bench URL ${url} does not reach the ingress as expected: ${r.stdout || r.stderr}`);
}
