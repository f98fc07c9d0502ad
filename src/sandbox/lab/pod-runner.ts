// STAND-IN for the kubelet and container runtime, for the few hostNetwork pods the sandbox runs for
// real (Traefik, the ingress). In the lab, kwok reports every pod Running, but no container runs:
// there is no image registry to pull from and no runtime in the node. For a pod scheduled on the
// lab node with `hostNetwork: true` whose image the lab has as a static binary (built from its Go
// module), this runs that binary as a systemd service in the node, the way the kubelet would run
// the container, following the Pod API's documented semantics for what it supports:
//   - command/args: the binary replaces the image's entrypoint (`command[0]`, or the image's own);
//     `args` follow, as the container would receive them;
//   - env: literal values, and fieldRef metadata.name / metadata.namespace / spec.nodeName;
//   - volumes: configMap (files written from the API), hostPath (bound), emptyDir (a fresh folder),
//     and the service account's token, CA and namespace at /var/run/secrets/kubernetes.io/serviceaccount
//     (a token from the TokenRequest API), each bound at its mountPath in the service's own mount
//     namespace (systemd BindPaths), so the program sees the paths the pod spec names;
//   - in-cluster API access through KUBERNETES_SERVICE_HOST/PORT (the node's own API on 127.0.0.1:443).
// A pod that is not hostNetwork is run too when the node names its address and interface
// (`podNetwork`): in a network namespace of its own holding its pod IP (pod-network.ts), reaching
// the API on the node's address; that is how Traefik runs behind its NodePorts (node-ports.ts).
// Anything else in a pod spec (probes, resources, securityContext) is ignored, as it is only a
// stand-in. Pods that are gone or changed have their services stopped and removed. A sync that
// finds a pod as it was (same pod, same container, same ConfigMap contents) leaves its service
// running untouched, so the sync can run in a loop as the kubelet's does (kubelet-standin.ts).
import { createHash } from 'node:crypto';
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { KubeClient } from '../../k8s/client.js';
import type { KubeList, KubeObject } from '../../k8s/types.js';
import { isPodNetns, podNetwork, podNetworkDown, podNetworkUp, type PodNetwork } from './pod-network.js';
import { renderServiceUnit } from './systemd-unit.js';

const PODS_DIR = '/var/lib/solokube-lab-pods';
const UNIT_PREFIX = 'solokube-lab-pod-';
const SA_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';
const SAFE_PATH = /^\/[A-Za-z0-9/_.@+-]*$/;
const SAFE_NAME = /^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$/;

interface Container {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  env?: { name: string; value?: string; valueFrom?: { fieldRef?: { fieldPath: string } } }[];
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean; subPath?: string }[];
}
interface Volume {
  name: string;
  configMap?: { name: string; items?: { key: string; path: string }[] };
  hostPath?: { path: string };
  emptyDir?: Record<string, unknown>;
  projected?: unknown;
}
interface Pod extends KubeObject {
  spec: {
    nodeName?: string;
    hostNetwork?: boolean;
    serviceAccountName?: string;
    containers: Container[];
    volumes?: Volume[];
  };
  status?: { phase?: string; podIP?: string };
}

export interface PodRunnerNode {
  /** The node's root folder as seen from the host (files are written there). */
  root: string;
  nodeName: string;
  /** Runs argv in the node (systemctl). */
  exec(argv: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }>;
  /** Given: pods that are not hostNetwork run too, each in its own network namespace (pod-network.ts). */
  podNetwork?: { nodeAddress: string; nodeInterface: string };
}

export interface PodRunnerResult {
  running: string[];
  removed: string[];
  /** Services (re)started by this sync: new or changed pods. */
  restarted: string[];
}

/**
 * Makes the node's services match the hostNetwork pods it can run: one service per pod container
 * whose image is in `programs` (image without tag → binary path inside the node).
 */
export async function syncHostNetworkPods(
  client: KubeClient,
  node: PodRunnerNode,
  programs: Readonly<Record<string, string>>,
): Promise<PodRunnerResult> {
  const pods = await client.request<KubeList<Pod>>({
    method: 'GET',
    path: '/api/v1/pods',
    query: { fieldSelector: `spec.nodeName=${node.nodeName}` },
  });
  const unitDir = join(node.root, 'etc/systemd/system');
  const wanted = new Set<string>();
  const changed = new Map<string, string>();
  const networks = new Map<string, PodNetwork>();
  for (const pod of pods.items) {
    if (pod.metadata.deletionTimestamp || !(pod.spec.hostNetwork || (node.podNetwork && pod.status?.podIP))) continue;
    for (const c of pod.spec.containers) {
      const program = programs[imageName(c.image)];
      if (!program) continue;
      const unit = `${UNIT_PREFIX}${safe(pod.metadata.namespace ?? 'default')}-${safe(pod.metadata.name ?? '')}-${safe(c.name)}.service`;
      wanted.add(unit);
      const network = networkOf(pod, node);
      if (network) networks.set(network.netns, network);
      const mark = `${FINGERPRINT_MARK}${await podFingerprint(client, pod, c, program)}\n`;
      const current = await readFile(join(unitDir, unit), 'utf8').catch(() => '');
      if (!current.startsWith(mark)) changed.set(unit, mark + (await renderPodService(client, node, pod, c, program)));
    }
  }
  const existing = (await readdir(unitDir)).filter((f) => f.startsWith(UNIT_PREFIX));
  const removed = existing.filter((u) => !wanted.has(u));
  for (const u of removed) {
    await node.exec(['systemctl', 'disable', '--now', u]);
    // A program that exits non-zero on stop (Traefik, when its graceful stop times out) would leave
    // the unit failed, and the node "degraded" for as long as it runs.
    await node.exec(['systemctl', 'reset-failed', u]);
    await rm(join(unitDir, u), { force: true });
  }
  // Pod networks: made (again, after a reboot) for the pods that run, removed for those gone; a
  // unit waiting for its namespace starts at its next restart.
  for (const n of networks.values()) await must(node, ['sh', '-c', podNetworkUp(n)]);
  const netnsNow = await node.exec(['ls', '/run/netns']);
  for (const name of netnsNow.stdout.split(/\s+/).filter((x) => isPodNetns(x) && !networks.has(x)))
    await node.exec(['sh', '-c', podNetworkDown(name)]);
  for (const [unit, text] of changed) await writeFile(join(unitDir, unit), text);
  if (changed.size > 0 || removed.length > 0) await must(node, ['systemctl', 'daemon-reload']);
  // restart, not start: a changed pod (new args, new config) must take effect.
  for (const unit of changed.keys()) await must(node, ['systemctl', 'enable', unit], ['systemctl', 'restart', unit]);
  return { running: [...wanted], removed, restarted: [...changed.keys()] };
}

const FINGERPRINT_MARK = '# solokube-lab pod fingerprint ';

/** What the service is made of: the pod (its uid: a new pod is a new service), the container and its ConfigMaps' contents. */
async function podFingerprint(client: KubeClient, pod: Pod, c: Container, program: string): Promise<string> {
  const ns = pod.metadata.namespace ?? 'default';
  const mounted = new Set((c.volumeMounts ?? []).map((m) => m.name));
  const configMaps: unknown[] = [];
  for (const v of pod.spec.volumes ?? []) {
    if (!v.configMap || !mounted.has(v.name)) continue;
    const cm = await client.request<KubeObject & { data?: Record<string, string> }>({
      method: 'GET',
      path: `/api/v1/namespaces/${ns}/configmaps/${v.configMap.name}`,
    });
    configMaps.push([v.name, cm.data ?? {}]);
  }
  const what = {
    uid: pod.metadata.uid,
    c,
    volumes: pod.spec.volumes ?? [],
    configMaps,
    program,
    ...(pod.spec.hostNetwork ? {} : { podIp: pod.status?.podIP }),
  };
  return createHash('sha256').update(JSON.stringify(what)).digest('hex').slice(0, 32);
}

async function renderPodService(
  client: KubeClient,
  node: PodRunnerNode,
  pod: Pod,
  c: Container,
  program: string,
): Promise<string> {
  const ns = pod.metadata.namespace ?? 'default';
  const podDir = `${PODS_DIR}/${safe(ns)}/${safe(pod.metadata.name ?? '')}`;
  const hostPodDir = join(node.root, podDir);
  await rm(hostPodDir, { recursive: true, force: true });
  await mkdir(hostPodDir, { recursive: true, mode: 0o700 });
  const binds: string[] = [];
  const readOnlyBinds: string[] = [];
  const volumes = new Map((pod.spec.volumes ?? []).map((v) => [v.name, v]));
  for (const m of c.volumeMounts ?? []) {
    if (!SAFE_PATH.test(m.mountPath))
      throw new Error(
        `pod ${ns}/${pod.metadata.name}: mount path ${JSON.stringify(m.mountPath)} is not supported by the lab's pod runner`,
      );
    if (m.mountPath === SA_DIR) continue; // the service account volume is written below
    const v = volumes.get(m.name);
    const source = `${podDir}/volumes/${safe(m.name)}`;
    if (v?.configMap) {
      await writeConfigMap(client, ns, v.configMap, join(node.root, source));
      readOnlyBinds.push(`${source}:${m.mountPath}`);
    } else if (v?.hostPath) {
      if (!SAFE_PATH.test(v.hostPath.path))
        throw new Error(`hostPath ${JSON.stringify(v.hostPath.path)} is not supported`);
      await mkdir(join(node.root, v.hostPath.path), { recursive: true });
      (m.readOnly ? readOnlyBinds : binds).push(`${v.hostPath.path}:${m.mountPath}`);
    } else if (v?.emptyDir) {
      await mkdir(join(node.root, source), { recursive: true });
      binds.push(`${source}:${m.mountPath}`);
    }
  }
  const sa = pod.spec.serviceAccountName ?? 'default';
  await writeServiceAccount(client, ns, sa, join(node.root, `${podDir}/serviceaccount`));
  readOnlyBinds.push(`${podDir}/serviceaccount:${SA_DIR}`);

  const network = networkOf(pod, node);
  const env: Record<string, string> = {
    KUBERNETES_SERVICE_HOST: network ? network.nodeAddress : '127.0.0.1',
    KUBERNETES_SERVICE_PORT: '443',
  };
  for (const e of c.env ?? []) {
    const field = e.valueFrom?.fieldRef?.fieldPath;
    const value =
      e.value ??
      (field === 'metadata.name'
        ? pod.metadata.name
        : field === 'metadata.namespace'
          ? ns
          : field === 'spec.nodeName'
            ? node.nodeName
            : undefined);
    if (value !== undefined) env[e.name] = value;
  }
  const argv = [program, ...(c.command ?? []).slice(1), ...(c.args ?? [])];
  const unit = renderServiceUnit({
    description: `pod ${ns}/${pod.metadata.name} container ${c.name} (lab stand-in for the kubelet)`,
    argv,
    env,
    after: ['solokube-lab-kube-apiserver.service'],
  });
  // systemd's own mount namespace per service puts each volume where the pod spec says.
  // The pod's own network namespace (made by the sync); the kubelet restarts a container for as long
  // as its pod exists, so no start limit either (a reboot starts the unit before the sync made it).
  const networkLines = network ? `NetworkNamespacePath=/run/netns/${network.netns}\n` : '';
  return unit
    .replace('[Unit]\n', network ? '[Unit]\nStartLimitIntervalSec=0\n' : '[Unit]\n')
    .replace(
      '[Service]\n',
      `[Service]\n${networkLines}${readOnlyBinds.map((b) => `BindReadOnlyPaths=${b}\n`).join('')}${binds.map((b) => `BindPaths=${b}\n`).join('')}`,
    );
}

async function writeConfigMap(
  client: KubeClient,
  ns: string,
  ref: NonNullable<Volume['configMap']>,
  dir: string,
): Promise<void> {
  const cm = await client.request<KubeObject & { data?: Record<string, string> }>({
    method: 'GET',
    path: `/api/v1/namespaces/${ns}/configmaps/${ref.name}`,
  });
  await mkdir(dir, { recursive: true });
  const items = ref.items ?? Object.keys(cm.data ?? {}).map((key) => ({ key, path: key }));
  for (const item of items) {
    if (!/^[A-Za-z0-9_.-]+$/.test(item.path))
      throw new Error(`configMap item path ${JSON.stringify(item.path)} is not supported`);
    await writeFile(join(dir, item.path), cm.data?.[item.key] ?? '', { mode: 0o644 });
  }
}

/** What the kubelet projects for a pod's service account: a bound token, the cluster CA and the namespace. */
async function writeServiceAccount(client: KubeClient, ns: string, sa: string, dir: string): Promise<void> {
  const tr = await client.request<{ status: { token: string } }>({
    method: 'POST',
    path: `/api/v1/namespaces/${ns}/serviceaccounts/${sa}/token`,
    body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 86_400 } },
  });
  const ca = await client.request<{ data?: Record<string, string> }>({
    method: 'GET',
    path: `/api/v1/namespaces/${ns}/configmaps/kube-root-ca.crt`,
  });
  await mkdir(dir, { recursive: true, mode: 0o755 });
  await writeFile(join(dir, 'token'), tr.status.token, { mode: 0o600 });
  await writeFile(join(dir, 'ca.crt'), ca.data?.['ca.crt'] ?? '', { mode: 0o644 });
  await writeFile(join(dir, 'namespace'), ns, { mode: 0o644 });
}

/** `traefik:v3.6.12` and `docker.io/library/traefik:v3.6.12` → `traefik`. */
export function imageName(image: string): string {
  const noDigest = image.split('@')[0] ?? image;
  const lastSlash = noDigest.lastIndexOf('/');
  const colon = noDigest.indexOf(':', lastSlash + 1);
  return colon >= 0 ? noDigest.slice(lastSlash + 1, colon) : noDigest.slice(lastSlash + 1);
}

/** The pod's own network when it is not hostNetwork and the node runs such pods. */
function networkOf(pod: Pod, node: PodRunnerNode): PodNetwork | undefined {
  if (pod.spec.hostNetwork || !node.podNetwork) return undefined;
  return podNetwork(
    pod.metadata.uid ?? '',
    pod.status?.podIP ?? '',
    node.podNetwork.nodeAddress,
    node.podNetwork.nodeInterface,
  );
}

function safe(name: string): string {
  if (!SAFE_NAME.test(name)) throw new Error(`not a Kubernetes object name: ${JSON.stringify(name)}`);
  return name;
}

async function must(node: PodRunnerNode, ...commands: (readonly string[])[]): Promise<void> {
  for (const argv of commands) {
    const r = await node.exec(argv);
    if (r.code !== 0) throw new Error(`${argv.join(' ')} failed on the lab node: ${r.stderr.trim()}`);
  }
}
