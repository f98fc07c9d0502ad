// STAND-IN for kube-proxy's NodePorts, for the lab node (no kube-proxy runs there): each port of a
// Service of type NodePort is DNATed, for traffic to any of the node's own addresses (from outside
// and from the node itself, as HAProxy's is), to a ready endpoint of the Service's EndpointSlices
// (the first; the lab runs one replica), in an nft table of the lab's own. The node's address
// stays the source, so the pod sees the node's primary address as its peer (kube-proxy would
// masquerade to the node's pod-network address, which the lab's pods do not have). No NodePort
// Service, no table. A node reboot loses the table; the next sync puts it back.

import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { isIpv4, isPort } from '../../config/validators.js';
import type { KubeClient } from '../../k8s/client.js';
import type { KubeList, KubeObject } from '../../k8s/types.js';
import type { PodRunnerNode } from './pod-runner.js';

export const NODE_PORTS_TABLE = 'solokube_lab_nodeports';
const RULES_PATH = '/etc/solokube-lab/node-ports.nft';

interface ServiceObject extends KubeObject {
  spec: {
    type?: string;
    ports?: { name?: string; port: number; nodePort?: number; targetPort?: number | string; protocol?: string }[];
  };
}
interface EndpointSlice extends KubeObject {
  ports?: { name?: string; port?: number; protocol?: string }[];
  endpoints?: { addresses: string[]; conditions?: { ready?: boolean } }[];
}

export interface NodePortMapping {
  service: string;
  nodePort: number;
  ip: string;
  port: number;
}

/** Where each NodePort goes (pure): the slice port of the same name, on the first ready endpoint. */
export function nodePortMappings(
  services: readonly ServiceObject[],
  slicesOf: (service: ServiceObject) => readonly EndpointSlice[],
): NodePortMapping[] {
  const out: NodePortMapping[] = [];
  for (const svc of services) {
    if (svc.spec.type !== 'NodePort') continue;
    const slices = slicesOf(svc);
    for (const p of svc.spec.ports ?? []) {
      if ((p.protocol ?? 'TCP') !== 'TCP' || p.nodePort === undefined || !isPort(p.nodePort)) continue;
      for (const slice of slices) {
        const port = slice.ports?.find((sp) => (sp.name ?? '') === (p.name ?? ''))?.port;
        const ip = slice.endpoints?.find((e) => e.conditions?.ready !== false)?.addresses[0];
        if (port === undefined || !isPort(port) || !ip || !isIpv4(ip)) continue;
        out.push({ service: `${svc.metadata.namespace}/${svc.metadata.name}`, nodePort: p.nodePort, ip, port });
        break;
      }
    }
  }
  return out.sort((a, b) => a.nodePort - b.nodePort);
}

/** The nft script replacing the lab's NodePort table (pure); empty mappings remove it. */
export function renderNodePorts(mappings: readonly NodePortMapping[]): string {
  const rules = mappings.map(
    (m) => `    fib daddr type local tcp dport ${m.nodePort} dnat to ${m.ip}:${m.port} comment "${m.service}"`,
  );
  const chain = (name: string, hook: string, priority: string) => [
    `  chain ${name} {`,
    `    type nat hook ${hook} priority ${priority}; policy accept;`,
    ...rules,
    '  }',
  ];
  return [
    '# solokube lab: the NodePorts kube-proxy would serve (written by the kubelet stand-in)',
    `add table ip ${NODE_PORTS_TABLE}`,
    `delete table ip ${NODE_PORTS_TABLE}`,
    ...(mappings.length === 0
      ? []
      : [
          `table ip ${NODE_PORTS_TABLE} {`,
          ...chain('prerouting', 'prerouting', 'dstnat'),
          ...chain('output', 'output', '-100'),
          '}',
        ]),
    '',
  ].join('\n');
}

/** Makes the node's NodePort table match the Services; true when it was rewritten. */
export async function syncNodePorts(client: KubeClient, node: PodRunnerNode): Promise<boolean> {
  const services = await client.request<KubeList<ServiceObject>>({ method: 'GET', path: '/api/v1/services' });
  const nodePorts = services.items.filter((s) => s.spec.type === 'NodePort');
  const slices = new Map<ServiceObject, EndpointSlice[]>();
  for (const svc of nodePorts) {
    const list = await client.request<KubeList<EndpointSlice>>({
      method: 'GET',
      path: `/apis/discovery.k8s.io/v1/namespaces/${encodeURIComponent(svc.metadata.namespace ?? 'default')}/endpointslices`,
      query: { labelSelector: `kubernetes.io/service-name=${svc.metadata.name ?? ''}` },
    });
    slices.set(svc, list.items);
  }
  const mappings = nodePortMappings(nodePorts, (s) => slices.get(s) ?? []);
  const text = renderNodePorts(mappings);
  const path = join(node.root, RULES_PATH);
  const written = await readFile(path, 'utf8').catch(() => undefined);
  const present = (await node.exec(['nft', 'list', 'table', 'ip', NODE_PORTS_TABLE])).code === 0;
  if (written === text && present === mappings.length > 0) return false;
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, text);
  const r = await node.exec(['nft', '-f', RULES_PATH]);
  if (r.code !== 0) throw new Error(`nft -f ${RULES_PATH} failed on the lab node: ${r.stderr.trim()}`);
  return true;
}
