// A real Kubernetes control plane for tests: etcd, kube-apiserver (real TLS, RBAC + Node
// authorization), kube-controller-manager, kube-scheduler and kwok (the node's kubelet and pods,
// simulated), on free loopback ports, built from the pinned upstream modules (gotools/). It
// registers one Node shaped like kops' control-plane node — taint included — and is ready when
// that node is Ready and the controllers work (namespace "default" has its service account).
// Everything it starts is stopped by PID; see processes.ts for why a crash leaves nothing behind.

import { existsSync } from 'node:fs';
import { mkdtemp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SolokubeError } from '../../core/errors.js';
import { info, type IoHost } from '../../core/io.js';
import { sleep } from '../../core/sleep.js';
import { KubeClient } from '../../k8s/client.js';
import { loadKubeconfig } from '../../k8s/kubeconfig.js';
import type { KubeObject, NodeObject } from '../../k8s/types.js';
import { ensureGoTools } from '../gotools/build.js';
import { isAlive } from '../lab/processes.js';
import { run } from '../lab/run.js';
import type { RunResult } from '../lab/run.js';
import { controlPlaneCommands } from './components.js';
import type { ComponentCommand, ControlPlaneBinaries, ControlPlaneLayout, ControlPlanePorts } from './components.js';
import { kopsControlPlaneNode } from './kops-node.js';
import type { KopsNodeSpec } from './kops-node.js';
import { kwokStages } from './kwok-stages.js';
import { makeControlPlanePki } from './pki.js';
import type { ControlPlanePki } from './pki.js';
import { freePorts, logTail, startLocal } from './processes.js';
import type { RunningComponent } from './processes.js';
import { writeKubeconfig } from './kubeconfig-file.js';

export interface ControlPlaneOptions {
  io: IoHost;
  /** Binaries to run; default: the pinned builds from gotools/ (built once per machine). */
  binaries?: ControlPlaneBinaries;
  /** Address kube-apiserver binds (default 127.0.0.1). */
  bindAddress?: string;
  ports?: Partial<ControlPlanePorts>;
  /** Working directory (certificates, etcd data, logs); default a fresh temp dir, removed on stop. */
  workDir?: string;
  /** Cluster and kubeconfig context name. */
  name?: string;
  /** The Node to register (default: kops-like control-plane node); false registers none. */
  node?: KopsNodeSpec | false;
  startTimeoutMs?: number;
}

export interface ControlPlane {
  readonly name: string;
  readonly dir: string;
  readonly server: string;
  readonly kubeconfigPath: string;
  readonly pki: ControlPlanePki;
  readonly binaries: ControlPlaneBinaries;
  readonly nodeName: string | undefined;
  /** A fresh client on the admin kubeconfig. */
  client(opts?: { requestTimeoutMs?: number }): KubeClient;
  /** Run the built kubectl against this control plane. */
  kubectl(args: readonly string[], opts?: { input?: string; timeoutMs?: number }): Promise<RunResult>;
  /** Stop one component (fault tests), and start it again. */
  stopComponent(name: ComponentCommand['name']): Promise<void>;
  startComponent(name: ComponentCommand['name']): Promise<void>;
  pids(): Record<string, number>;
  stop(): Promise<void>;
}

const DEFAULT_START_TIMEOUT_MS = 90_000;
const TEMP_PREFIX = 'solokube-k8s-';
const OWNER_FILE = 'owner.pid';

function tempRoot(): string {
  return existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
}

/**
 * Remove temp working dirs whose starting process is gone (killed before it could stop its control
 * plane; its components died with it, see processes.ts). Returns the dirs removed.
 */
export async function sweepStaleControlPlaneDirs(root = tempRoot()): Promise<string[]> {
  const removed: string[] = [];
  for (const entry of await readdir(root).catch(() => [] as string[])) {
    if (!entry.startsWith(TEMP_PREFIX)) continue;
    const dir = join(root, entry);
    const owner = Number((await readFile(join(dir, OWNER_FILE), 'utf8').catch(() => '')).trim());
    if (owner > 0 && !isAlive(owner)) {
      await rm(dir, { recursive: true, force: true });
      removed.push(dir);
    }
  }
  return removed;
}

export async function startControlPlane(opts: ControlPlaneOptions): Promise<ControlPlane> {
  const started = Date.now();
  const name = opts.name ?? 'solokube-test';
  const binaries = opts.binaries ?? (await defaultBinaries(opts.io));
  const ownDir = opts.workDir === undefined;
  if (ownDir) await sweepStaleControlPlaneDirs();
  const dir = opts.workDir ?? (await mkdtemp(join(tempRoot(), TEMP_PREFIX)));
  if (ownDir) await writeFile(join(dir, OWNER_FILE), `${process.pid}\n`);
  const bindAddress = opts.bindAddress ?? '127.0.0.1';
  const loopback = '127.0.0.1';
  const deadline = Date.now() + (opts.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS);
  const running = new Map<ComponentCommand['name'], RunningComponent>();
  const stopAll = async (): Promise<void> => {
    for (const c of [...running.values()].reverse()) await c.stop();
    running.clear();
  };
  try {
    await mkdir(join(dir, 'logs'), { recursive: true });
    await mkdir(join(dir, 'kwok'), { recursive: true });
    const free = await freePorts(6, loopback);
    const ports: ControlPlanePorts = {
      etcdClient: free[0]!,
      etcdPeer: free[1]!,
      apiserver: free[2]!,
      controllerManager: free[3]!,
      scheduler: free[4]!,
      kwok: free[5]!,
      ...opts.ports,
    };
    const pki = await makeControlPlanePki(join(dir, 'pki'), {
      addresses: [...new Set(['127.0.0.1', bindAddress].filter((a) => a !== '0.0.0.0'))],
    });
    const server = `https://${bindAddress === '0.0.0.0' ? loopback : bindAddress}:${ports.apiserver}`;
    const kubeconfigPath = await writeKubeconfig(join(dir, 'admin.kubeconfig'), {
      name,
      server,
      caCertPath: pki.caCert,
      clientCertPath: pki.adminCert,
      clientKeyPath: pki.adminKey,
    });
    const stagesPath = join(dir, 'kwok-stages.yaml');
    await writeFile(stagesPath, kwokStages());
    const layout: ControlPlaneLayout = {
      binaries,
      ports,
      bindAddress,
      loopback,
      dataDir: dir,
      pki,
      kubeconfig: kubeconfigPath,
      kwokStages: stagesPath,
      serviceRange: '198.18.192.0/20',
      podRange: '198.18.128.0/18',
      nodeIp: '198.18.0.10',
    };
    const commands = new Map(controlPlaneCommands(layout).map((c) => [c.name, c]));
    const start = (n: ComponentCommand['name']): RunningComponent => {
      const c = startLocal(commands.get(n)!, join(dir, 'logs'));
      running.set(n, c);
      return c;
    };
    const client = (o: { requestTimeoutMs?: number } = {}): KubeClient =>
      new KubeClient(loadKubeconfig(kubeconfigPath).kc, { requestTimeoutMs: o.requestTimeoutMs ?? 10_000 });

    await waitFor('etcd', [start('etcd')], deadline, () => etcdHealthy(loopback, ports.etcdClient));
    const apiClient = client({ requestTimeoutMs: 3_000 });
    try {
      await waitFor('kube-apiserver', [start('kube-apiserver')], deadline, () => apiReady(apiClient));
      const rest = [start('kube-controller-manager'), start('kube-scheduler'), start('kwok')];
      let nodeName: string | undefined;
      if (opts.node !== false) {
        const node = kopsControlPlaneNode(opts.node);
        nodeName = node.metadata.name;
        await apiClient.request({ method: 'POST', path: '/api/v1/nodes', body: node });
        await waitFor('the kwok node to become Ready', rest, deadline, () => nodeReady(apiClient, nodeName!));
      }
      await waitFor(
        'the controllers (service account "default")',
        rest,
        deadline,
        async () =>
          (await apiClient.getOrUndefined('/api/v1/namespaces/default/serviceaccounts/default')) !== undefined,
      );
      info(opts.io, `control plane ${name} ready at ${server} in ${((Date.now() - started) / 1000).toFixed(1)}s`);
      return {
        name,
        dir,
        server,
        kubeconfigPath,
        pki,
        binaries,
        nodeName,
        client,
        kubectl: (args, o = {}) =>
          run([binaries.kubectl, `--kubeconfig=${kubeconfigPath}`, ...args], {
            timeoutMs: o.timeoutMs ?? 30_000,
            ...(o.input !== undefined ? { input: o.input } : {}),
          }),
        async stopComponent(n) {
          await running.get(n)?.stop();
          running.delete(n);
        },
        async startComponent(n) {
          const c = start(n);
          if (n === 'kube-apiserver') await waitFor(n, [c], Date.now() + 60_000, () => apiReady(apiClient));
        },
        pids: () => Object.fromEntries([...running.entries()].map(([n, c]) => [n, c.pid])),
        async stop() {
          apiClient.close();
          await stopAll();
          if (ownDir) await rm(dir, { recursive: true, force: true });
        },
      };
    } catch (err) {
      apiClient.close();
      throw err;
    }
  } catch (err) {
    const logs = [...running.values()].map((c) => `--- ${c.name} (${c.logPath}):\n${logTail(c.logPath)}`).join('\n');
    await stopAll();
    if (ownDir) await rm(dir, { recursive: true, force: true });
    throw new SolokubeError({
      code: 'sandbox.k8s-start-failed',
      message: `the test control plane did not start: ${err instanceof Error ? err.message : String(err)}\n${logs}`,
      cause: err,
      remedy:
        'Read the component logs above; the binaries come from gotools/ (node dist/src/sandbox/gotools/main.js k8s etcd kwok).',
    });
  }
}

export async function defaultBinaries(io: IoHost): Promise<ControlPlaneBinaries> {
  const paths = await ensureGoTools(['k8s', 'etcd', 'kwok'], { io });
  const need = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kwok', 'kubectl'] as const;
  for (const b of need) if (!paths[b]) throw new Error(`gotools did not provide ${b}`);
  return Object.fromEntries(need.map((b) => [b, paths[b]!])) as unknown as ControlPlaneBinaries;
}

/** Poll check() until true; fail at the deadline, or at once when a component has exited. */
async function waitFor(
  what: string,
  watched: readonly RunningComponent[],
  deadline: number,
  check: () => Promise<boolean>,
): Promise<void> {
  let lastError: unknown;
  while (Date.now() < deadline) {
    const dead = watched.find((c) => c.exited());
    if (dead) throw new Error(`${dead.name} exited (${JSON.stringify(dead.exited())}) while waiting for ${what}`);
    try {
      if (await check()) return;
    } catch (err) {
      lastError = err;
    }
    await sleep(150);
  }
  throw new Error(`timed out waiting for ${what}${lastError instanceof Error ? ` (last: ${lastError.message})` : ''}`);
}

async function etcdHealthy(host: string, port: number): Promise<boolean> {
  const res = await fetch(`http://${host}:${port}/health`, { signal: AbortSignal.timeout(1_000) });
  return res.ok && ((await res.json()) as { health?: string }).health === 'true';
}

async function apiReady(client: KubeClient): Promise<boolean> {
  await client.request({ method: 'GET', path: '/readyz' });
  return true;
}

async function nodeReady(client: KubeClient, name: string): Promise<boolean> {
  const node = await client.getOrUndefined<NodeObject>(`/api/v1/nodes/${name}`);
  const ready = node?.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
  const notReadyTaint = (node?.spec?.taints ?? []).some((t) => t.key.startsWith('node.kubernetes.io/'));
  return ready && !notReadyTaint;
}

export type { KubeObject };
