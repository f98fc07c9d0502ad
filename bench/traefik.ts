// The real Traefik path (issue 11), in one lab run, side by side: the client through solokube's
// data path on the secondary address to Traefik on the node, against the client straight to
// Traefik's own listener on the node's primary address (the floor), with keep-alive and with a new
// TLS connection per request; first `proxy: direct` (kernel redirect to :8443), then `proxy:
// haproxy` with PROXY v2 (redirect → HAProxy :8443 → Traefik on the NodePort 30443). Traefik's
// resident memory is read after each phase. Node configured through the node layer over SSH; the
// app behind Traefik is the lab's app stand-in; TLS with the lab CA's certificate (no ACME here).
import { loadavg } from 'node:os';
import { info, type IoHost } from '../src/core/io.js';
import type { IngressSettings } from '../src/ingress/index.js';
import { SshShell, type ProxyMode } from '../src/node/index.js';
import { ensureGoTools } from '../src/sandbox/gotools/build.js';
import {
  installLabTraefik,
  labTraefikRssKib,
  releaseStandinNodePorts,
  startAppStandin,
  startLabTraefik,
  stopLabTraefik,
  writeLabTlsCertificate,
} from '../src/sandbox/ingress/lab-traefik.js';
import { labPrerequisites, startLab, type Lab } from '../src/sandbox/lab/index.js';
import { convergeNode, DURATION_S, LOAD_CPU, measurePaired, NODE_CPU, ROUNDS, SECONDARY } from './datapath.js';
import type { BenchModule } from './run.js';
import type { BenchTable } from './table.js';

interface Phase {
  label: string;
  proxy: ProxyMode;
  proxyProtocol: boolean;
  /** Traefik's HTTPS port on the node: the floor's target. */
  websecure: number;
  web: number;
}

const PHASES: Phase[] = [
  {
    label: 'direct: :443 → kernel redirect → Traefik :8443',
    proxy: 'direct',
    proxyProtocol: false,
    websecure: 8443,
    web: 8080,
  },
  {
    label: 'haproxy + PROXY v2: :443 → HAProxy → Traefik :30443',
    proxy: 'haproxy',
    proxyProtocol: true,
    websecure: 30443,
    web: 30080,
  },
];
const VARIANTS = [
  { conn: 'keep-alive', newConnectionPerRequest: false },
  { conn: 'new TLS conn', newConnectionPerRequest: true },
] as const;

export const traefikBench: BenchModule = {
  name: 'traefik',
  async run(io) {
    const missing = await labPrerequisites();
    if (missing.length) throw new Error(`the traefik benchmark needs ${missing.join(', ')}`);
    const { traefik } = await ensureGoTools(['traefik'], { io });
    const lab = await startLab({ io, cpus: NODE_CPU });
    try {
      return [await measure(io, lab, traefik!)];
    } finally {
      await lab.destroy();
    }
  },
};

async function measure(io: IoHost, lab: Lab, binary: string): Promise<BenchTable> {
  const appHost = `app.${lab.appsDomain}`;
  const floorHost = `floor.${lab.appsDomain}`;
  await lab.client.setHosts({ [appHost]: SECONDARY, [floorHost]: lab.node.primaryAddress });
  await releaseStandinNodePorts(lab);
  const backend = await startAppStandin(lab, 'app');
  const shell = new SshShell({
    host: lab.node.ssh.host,
    port: lab.node.ssh.port,
    user: lab.node.ssh.user,
    privateKeyPath: lab.node.ssh.privateKeyPath,
    knownHostsPath: lab.node.ssh.knownHostsPath,
    io,
  });
  const rows: string[][] = [];
  const notes: string[] = [];
  const loadBefore = loadavg()[0] ?? 0;
  try {
    for (const phase of PHASES) {
      await stopLabTraefik(lab);
      await convergeNode(io, lab, shell, phase);
      const settings = traefikSettings(lab, phase, [appHost, floorHost]);
      await installLabTraefik(lab, binary, { settings, backends: { app: backend, floor: backend } });
      await writeLabTlsCertificate(lab, '/etc/solokube-lab/tls/ingress.crt', '/etc/solokube-lab/tls/ingress.key');
      await startLabTraefik(lab);
      const pathUrl = `https://${appHost}/`;
      const floorUrl = `https://${floorHost}:${phase.websecure}/`;
      await expectApp(lab, pathUrl, true);
      await expectApp(lab, floorUrl, true);
      for (const v of VARIANTS) {
        info(io, `bench traefik: ${phase.label}, ${v.conn}: ${ROUNDS} × (floor, path) of ${DURATION_S} s`);
        rows.push([phase.label, v.conn, ...(await measurePaired(lab, floorUrl, pathUrl, v.newConnectionPerRequest))]);
      }
      notes.push(
        `Traefik RSS after the ${phase.proxy} phase: ${((await labTraefikRssKib(lab)) / 1024).toFixed(1)} MiB`,
      );
    }
  } finally {
    await shell.close();
  }
  return {
    title: `traefik: real Traefik on the node pinned to CPU ${NODE_CPU}, wrk on CPU ${LOAD_CPU} (1 thread, 4 connections), ${ROUNDS} × ${DURATION_S} s per figure, TLS, small responses from the app stand-in`,
    columns: [
      'path (client → secondary:443)',
      'connections',
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
      "floor: the client straight to Traefik's own HTTPS listener on the node's primary address (no redirect, no HAProxy), alternated with each path run.",
      '× floor: median over rounds of path/floor; range: lowest–highest round. Ratios whose ranges overlap are not different.',
      ...notes,
      `1-minute load average ${loadBefore.toFixed(2)} before, ${(loadavg()[0] ?? 0).toFixed(2)} after.`,
    ],
  };
}

function traefikSettings(lab: Lab, phase: Phase, hosts: string[]): IngressSettings {
  return {
    mode: phase.proxy,
    ...(phase.proxyProtocol ? { proxyProtocolTrustedIps: ['127.0.0.1/32', `${lab.node.primaryAddress}/32`] } : {}),
    // Never contacted: the file-provider certificate covers both names, so no order is placed.
    acme: { directory: 'https://127.0.0.1:9/unused', resolver: 'le' },
    apps: hosts.map((host) => ({
      name: host.split('.')[0]!,
      host,
      serviceName: 'app',
      servicePort: 18080,
      mode: 'https-and-http' as const,
    })),
    appsNamespace: 'default',
    ports: { web: phase.web, websecure: phase.websecure },
  };
}

async function expectApp(lab: Lab, url: string, keepsClientAddress: boolean): Promise<void> {
  const r = await lab.client.exec(['curl', '-sS', '-m', '5', '--cacert', lab.caCertPath, url]);
  const ok = r.stdout.startsWith('app ') && (!keepsClientAddress || r.stdout.includes(`xff=${lab.client.address} `));
  if (!ok)
    throw new Error(`bench URL ${url} does not reach the app through Traefik as expected: ${r.stdout || r.stderr}`);
}
