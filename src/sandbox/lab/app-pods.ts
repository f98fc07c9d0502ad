// STAND-IN for the app pods' containers, for the sandbox's kubelet stand-in (kubelet-standin.ts).
// kwok schedules an app's pods and gives each a pod IP, so the Service's EndpointSlices name real
// addresses, but no container runs (no registry, no runtime in the lab). As a pod network would,
// this gives the pods a network namespace of their own in the node (`skl-pods`, joined to the
// node's by a veth pair, a /32 route per pod IP), puts every pod IP there and runs an nginx in it
// listening on <pod IP>:<containerPort> — apart from the node's own ports, so an app on 8080 does
// not meet Traefik's hostNetwork :8080. A request routed to the pod (by Traefik, from the
// EndpointSlice) is answered with which pod it reached, the client address it saw and the
// forwarded headers, under a header that says it is a stand-in. hostNetwork pods are the pod
// runner's (pod-runner.ts).

import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { isIpv4, isPort } from '../../config/validators.js';
import type { KubeClient } from '../../k8s/client.js';
import type { KubeList, KubeObject } from '../../k8s/types.js';
import { imageName, type PodRunnerNode } from './pod-runner.js';

export const APP_PODS_NETNS = 'skl-pods';
/** The veth pair: HOST_LINK in the node's namespace, POD_LINK in the pods'. */
const HOST_LINK = 'skl-pods0';
const POD_LINK = 'skl-pods1';
const NGINX_CONF = '/etc/solokube-lab/app-pods/nginx.conf';
const UNIT = 'solokube-lab-app-pods.service';
const UNIT_PATH = `/etc/systemd/system/${UNIT}`;
export const STANDIN_HEADER = 'X-Solokube-Standin';
const SAFE_NAME = /^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$/;

interface AppPod extends KubeObject {
  spec: {
    hostNetwork?: boolean;
    containers: { name: string; image?: string; ports?: { containerPort: number; protocol?: string }[] }[];
  };
  status?: { phase?: string; podIP?: string };
}

export interface AppListener {
  namespace: string;
  pod: string;
  container: string;
  ip: string;
  port: number;
}

export interface AppPodsResult {
  listeners: AppListener[];
  /** True when this sync rewrote the stand-in's configuration (a pod came, went or moved). */
  changed: boolean;
}

/**
 * The listeners the node's running app pods ask for (pure). A pod with a container whose image is
 * in `runElsewhere` is the pod runner's, with its own network (pod-network.ts), and gets none.
 */
export function appListeners(pods: readonly AppPod[], runElsewhere: ReadonlySet<string> = new Set()): AppListener[] {
  const out: AppListener[] = [];
  for (const pod of pods) {
    const ip = pod.status?.podIP;
    if (pod.spec.hostNetwork || pod.metadata.deletionTimestamp || pod.status?.phase !== 'Running') continue;
    if (pod.spec.containers.some((c) => runElsewhere.has(imageName(c.image ?? '')))) continue;
    if (!ip || !isIpv4(ip)) continue;
    const namespace = pod.metadata.namespace ?? 'default';
    const name = pod.metadata.name ?? '';
    if (!SAFE_NAME.test(namespace) || !SAFE_NAME.test(name)) continue;
    for (const c of pod.spec.containers) {
      if (!SAFE_NAME.test(c.name)) continue;
      for (const p of c.ports ?? []) {
        if ((p.protocol ?? 'TCP') !== 'TCP' || !isPort(p.containerPort)) continue;
        out.push({ namespace, pod: name, container: c.name, ip, port: p.containerPort });
      }
    }
  }
  return out.sort((a, b) => `${a.ip}:${a.port}`.localeCompare(`${b.ip}:${b.port}`));
}

/** The stand-in nginx's whole configuration for the listeners (pure). Names and addresses were checked by appListeners. */
export function renderAppPodsConfig(listeners: readonly AppListener[]): string {
  const blocks = listeners.map((l) => {
    const who = `app pod ${l.namespace}/${l.pod} container ${l.container}`;
    return [
      `  # ${who}`,
      '  server {',
      `    listen ${l.ip}:${l.port};`,
      '    location / {',
      `      add_header ${STANDIN_HEADER} "${who} (nginx on the lab node, standing in for the container)" always;`,
      `      return 200 "${who} stand-in pod=${l.ip}:${l.port} host=$host client=$remote_addr ` +
        'xff=$http_x_forwarded_for real_ip=$http_x_real_ip proto=$http_x_forwarded_proto\\n";',
      '    }',
      '  }',
    ].join('\n');
  });
  return [
    '# solokube lab: stand-ins for the app pods (written by the kubelet stand-in)',
    'pid /run/solokube-lab-app-pods.pid;',
    'error_log stderr;',
    'events {}',
    'http {',
    '  access_log off;',
    '  default_type text/plain;',
    ...blocks,
    '}',
    '',
  ].join('\n');
}

const UNIT_TEXT = `# written by the solokube lab: the app pods' stand-in, in the pods' network namespace
[Unit]
Description=stand-in for the app pods' containers (solokube lab)
After=network.target

[Service]
Type=simple
NetworkNamespacePath=/run/netns/${APP_PODS_NETNS}
ExecStart=/usr/sbin/nginx -c ${NGINX_CONF} -g "daemon off;"
ExecReload=/bin/kill -HUP $MAINPID
Restart=always
RestartSec=1
`;

/**
 * Makes the pods' namespace, its addresses and routes, and the stand-in's listeners match the running
 * app pods (but those of images in `runElsewhere`: the pod runner runs them).
 */
export async function syncAppPods(
  client: KubeClient,
  node: PodRunnerNode,
  runElsewhere: ReadonlySet<string> = new Set(),
): Promise<AppPodsResult> {
  const pods = await client.request<KubeList<AppPod>>({
    method: 'GET',
    path: '/api/v1/pods',
    query: { fieldSelector: `spec.nodeName=${node.nodeName}` },
  });
  const listeners = appListeners(pods.items, runElsewhere);
  const wantedIps = [...new Set(listeners.map((l) => l.ip))];
  await ensurePodNetwork(node);
  const text = renderAppPodsConfig(listeners);
  const confPath = join(node.root, NGINX_CONF);
  const current = await readFile(confPath, 'utf8').catch(() => undefined);
  const haveIps = await podAddresses(node);
  const stale = haveIps.filter((ip) => !wantedIps.includes(ip));
  const missing = wantedIps.filter((ip) => !haveIps.includes(ip));
  const running = (await node.exec(['systemctl', 'is-active', UNIT])).stdout.trim() === 'active';
  const settled = current === text && stale.length === 0 && missing.length === 0;
  if (settled && running === listeners.length > 0) return { listeners, changed: false };

  // Addresses first: nginx cannot listen on an address its namespace does not have.
  for (const ip of missing) {
    await must(node, ['ip', '-n', APP_PODS_NETNS, 'address', 'add', `${ip}/32`, 'dev', POD_LINK]);
    await must(node, ['ip', 'route', 'replace', `${ip}/32`, 'dev', HOST_LINK]);
  }
  await mkdir(dirname(confPath), { recursive: true });
  await writeFile(confPath, text);
  if (listeners.length > 0) await must(node, ['systemctl', 'reload-or-restart', UNIT]);
  else await must(node, ['systemctl', 'stop', UNIT]);
  for (const ip of stale) {
    await must(node, ['ip', '-n', APP_PODS_NETNS, 'address', 'del', `${ip}/32`, 'dev', POD_LINK]);
    await node.exec(['ip', 'route', 'del', `${ip}/32`, 'dev', HOST_LINK]);
  }
  return { listeners, changed: true };
}

/** The pods' namespace and its link to the node (kept across syncs; a node reboot starts without it). */
async function ensurePodNetwork(node: PodRunnerNode): Promise<void> {
  const unitPath = join(node.root, UNIT_PATH);
  if ((await readFile(unitPath, 'utf8').catch(() => '')) !== UNIT_TEXT) {
    await writeFile(unitPath, UNIT_TEXT);
    await must(node, ['systemctl', 'daemon-reload']);
  }
  if ((await node.exec(['ip', 'link', 'show', HOST_LINK])).code === 0) return;
  if ((await node.exec(['ip', 'netns', 'pids', APP_PODS_NETNS])).code !== 0)
    await must(node, ['ip', 'netns', 'add', APP_PODS_NETNS]);
  await must(node, ['ip', 'link', 'add', HOST_LINK, 'type', 'veth', 'peer', 'name', POD_LINK, 'netns', APP_PODS_NETNS]);
  await must(node, ['ip', 'link', 'set', HOST_LINK, 'up']);
  // The app pods answer pods of other namespaces (Traefik behind NodePorts) through the node, which
  // then answers ARP for those addresses too.
  await must(node, ['sysctl', '-qw', `net.ipv4.conf.${HOST_LINK}.proxy_arp=1`]);
  await must(node, ['ip', '-n', APP_PODS_NETNS, 'link', 'set', 'lo', 'up']);
  await must(node, ['ip', '-n', APP_PODS_NETNS, 'link', 'set', POD_LINK, 'up']);
  // Everything outside is reached through the node (which answers ARP for its own addresses).
  await must(node, ['ip', '-n', APP_PODS_NETNS, 'route', 'add', 'default', 'dev', POD_LINK]);
}

async function podAddresses(node: PodRunnerNode): Promise<string[]> {
  const show = await node.exec(['ip', '-n', APP_PODS_NETNS, '-4', '-o', 'address', 'show', 'dev', POD_LINK]);
  if (show.code !== 0) throw new Error(`ip address show failed on the lab node: ${show.stderr.trim()}`);
  return [...show.stdout.matchAll(/\binet (\d+\.\d+\.\d+\.\d+)\/\d+/g)].map((m) => m[1] ?? '');
}

async function must(node: PodRunnerNode, argv: readonly string[]): Promise<void> {
  const r = await node.exec(argv);
  if (r.code !== 0) throw new Error(`${argv.join(' ')} failed on the lab node: ${r.stderr.trim()}`);
}
