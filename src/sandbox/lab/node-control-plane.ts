// A real Kubernetes control plane inside the lab node, laid out the way kops runs one on its
// control-plane instance: etcd on loopback, kube-apiserver on *:443 (the very listener that keeps
// apps off 443 and that solokube works around), kube-controller-manager and kube-scheduler; kwok
// stands in for the kubelet (the node's pods are simulated; no container runtime runs in the lab).
// kops runs these as static pods under kubelet; here they are systemd units, which is what the
// node needs to show: the same processes, ports and restarts across reboots.
//
// Everything is written into the node's root before its first boot. The binaries come from the
// host's Go tool cache, bound read-only into the container (they are static). The admin
// kubeconfig for the host reaches the API through the lab's loopback forward.
import { chmod, copyFile, mkdir, symlink, writeFile, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { controlPlaneCommands, type ControlPlaneBinaries, type ControlPlaneLayout } from '../k8s/components.js';
import { kopsControlPlaneNode, type KopsNodeSpec } from '../k8s/kops-node.js';
import { writeKubeconfig } from '../k8s/kubeconfig-file.js';
import { kwokStages } from '../k8s/kwok-stages.js';
import { makeControlPlanePki } from '../k8s/pki.js';
import { LAB_POD_RANGE } from './pod-network.js';
import { renderServiceUnit } from './systemd-unit.js';

/** Where the host's Go tool cache folders appear inside the node. */
export const NODE_TOOL_DIRS = {
  k8s: '/opt/solokube/k8s',
  etcd: '/opt/solokube/etcd',
  kwok: '/opt/solokube/kwok',
} as const;
const PKI_DIR = '/etc/kubernetes/pki';
const NODE_KUBECONFIG = '/etc/kubernetes/admin.kubeconfig';
const STAGES = '/etc/kubernetes/kwok-stages.yaml';
/** The node's own Node object, registered once at boot; its name is the node's, as a kubelet knows its own. */
export const NODE_OBJECT = '/etc/kubernetes/node.json';
const DATA_DIR = '/var/lib/solokube-cp';
/** etcd's data (components.ts: --data-dir=<dataDir>/etcd). */
const ETCD_DATA_DIR = `${DATA_DIR}/etcd`;
const UNIT_PREFIX = 'solokube-lab-';
/** kube-apiserver's port on the node: kops binds it to *:443. */
export const NODE_API_PORT = 443;

export interface NodeControlPlaneSpec {
  /** Host folders (each holding bin/) of the k8s, etcd and kwok Go tools. */
  toolDirs: { k8s: string; etcd: string; kwok: string };
  /** The Node object kwok will keep Ready, shaped like kops' control-plane node. */
  node: KopsNodeSpec;
  /**
   * A host folder that holds etcd's data instead of the node's own disk, bound read-write: it
   * outlives the node, as kops' etcd EBS volumes outlive a replaced control-plane instance.
   */
  etcdDataDir?: string;
}

export interface NodeControlPlaneFiles {
  /** Host folder → node folder, bound read-only at every boot. */
  binds: { host: string; node: string }[];
  /** Host folder → node folder, bound read-write at every boot (etcd's data, when kept outside). */
  stateBinds: { host: string; node: string }[];
  /** The admin kubeconfig for the host side; its server is filled in once the forward port is known. */
  hostPki: { caCert: string; adminCert: string; adminKey: string };
}

export interface NodeAddressing {
  primaryAddress: string;
  dnsNames: readonly string[];
  /** Public addresses the API may be reached on (the instance's public IPv4). */
  extraAddresses?: readonly string[];
}

export async function installNodeControlPlane(
  root: string,
  hostDir: string,
  spec: NodeControlPlaneSpec,
  addr: NodeAddressing,
): Promise<NodeControlPlaneFiles> {
  const pki = await makeControlPlanePki(join(hostDir, 'pki'), {
    addresses: ['127.0.0.1', addr.primaryAddress, ...(addr.extraAddresses ?? [])],
    dnsNames: addr.dnsNames,
  });
  const at = (p: string): string => join(root, p);
  await mkdir(at(PKI_DIR), { recursive: true, mode: 0o700 });
  const nodePki = {
    caCert: `${PKI_DIR}/ca.crt`,
    serverCert: `${PKI_DIR}/apiserver.crt`,
    serverKey: `${PKI_DIR}/apiserver.key`,
    serviceAccountKey: `${PKI_DIR}/sa.key`,
    serviceAccountPub: `${PKI_DIR}/sa.pub`,
    adminCert: `${PKI_DIR}/admin.crt`,
    adminKey: `${PKI_DIR}/admin.key`,
  };
  for (const [from, to] of [
    [pki.caCert, nodePki.caCert],
    [pki.serverCert, nodePki.serverCert],
    [pki.serverKey, nodePki.serverKey],
    [pki.serviceAccountKey, nodePki.serviceAccountKey],
    [pki.serviceAccountPub, nodePki.serviceAccountPub],
    [pki.adminCert, nodePki.adminCert],
    [pki.adminKey, nodePki.adminKey],
  ] as const) {
    await copyFile(from, at(to));
    await chmod(at(to), to.endsWith('.key') ? 0o600 : 0o644);
  }
  // Inside the node the components reach the API on loopback, as kops' do.
  await writeKubeconfig(at(NODE_KUBECONFIG), {
    name: 'lab',
    server: `https://127.0.0.1:${NODE_API_PORT}`,
    caCertPath: pki.caCert,
    clientCertPath: pki.adminCert,
    clientKeyPath: pki.adminKey,
  });
  await put(at(STAGES), kwokStages());
  await put(at(NODE_OBJECT), JSON.stringify(kopsControlPlaneNode(spec.node), null, 2));

  const layout = nodeLayout(addr.primaryAddress, nodePki);
  const commands = controlPlaneCommands(layout);
  const units: Record<string, string> = {};
  let previous: string | undefined;
  for (const c of commands) {
    const unit = `${UNIT_PREFIX}${c.name}.service`;
    units[unit] = renderServiceUnit({
      description: `${c.name} (solokube lab control plane)`,
      argv: c.argv,
      ...(c.env ? { env: c.env } : {}),
      after: ['network-online.target', ...(previous ? [previous] : [])],
    });
    previous = unit;
  }
  units[`${UNIT_PREFIX}register-node.service`] = renderServiceUnit({
    description: 'register the node with its taint once, as kubelet --register-with-taints does',
    type: 'oneshot',
    after: [`${UNIT_PREFIX}kube-apiserver.service`],
    argv: ['/bin/sh', '-c', registerNodeScript(layout.binaries.kubectl, spec.node.instanceId)],
  });
  await mkdir(at(DATA_DIR), { recursive: true, mode: 0o700 });
  if (spec.etcdDataDir) await mkdir(spec.etcdDataDir, { recursive: true, mode: 0o700 });
  for (const [name, text] of Object.entries(units)) {
    await put(at(`/etc/systemd/system/${name}`), text);
    const link = at(`/etc/systemd/system/multi-user.target.wants/${name}`);
    await mkdir(dirname(link), { recursive: true });
    await rm(link, { force: true });
    await symlink(`/etc/systemd/system/${name}`, link);
  }
  return {
    binds: (Object.keys(NODE_TOOL_DIRS) as (keyof typeof NODE_TOOL_DIRS)[]).map((k) => ({
      host: spec.toolDirs[k],
      node: NODE_TOOL_DIRS[k],
    })),
    stateBinds: spec.etcdDataDir ? [{ host: spec.etcdDataDir, node: ETCD_DATA_DIR }] : [],
    hostPki: { caCert: pki.caCert, adminCert: pki.adminCert, adminKey: pki.adminKey },
  };
}

/** The host's kubeconfig: the API through the lab's loopback forward (its certificate names 127.0.0.1). */
export async function writeHostKubeconfig(
  path: string,
  clusterName: string,
  forwardPort: number,
  hostPki: NodeControlPlaneFiles['hostPki'],
): Promise<void> {
  await writeKubeconfig(path, {
    name: clusterName,
    server: `https://127.0.0.1:${forwardPort}`,
    caCertPath: hostPki.caCert,
    clientCertPath: hostPki.adminCert,
    clientKeyPath: hostPki.adminKey,
  });
}

function nodeLayout(primaryAddress: string, pki: ControlPlaneLayout['pki']): ControlPlaneLayout {
  const bin = (dir: string, name: string): string => `${dir}/bin/${name}`;
  const binaries: ControlPlaneBinaries = {
    etcd: bin(NODE_TOOL_DIRS.etcd, 'etcd'),
    'kube-apiserver': bin(NODE_TOOL_DIRS.k8s, 'kube-apiserver'),
    'kube-controller-manager': bin(NODE_TOOL_DIRS.k8s, 'kube-controller-manager'),
    'kube-scheduler': bin(NODE_TOOL_DIRS.k8s, 'kube-scheduler'),
    kwok: bin(NODE_TOOL_DIRS.kwok, 'kwok'),
    kubectl: bin(NODE_TOOL_DIRS.k8s, 'kubectl'),
  };
  return {
    binaries,
    // kops' ports: etcd clients on 2379 (loopback here), the API on *:443, the controllers' health ports.
    ports: {
      etcdClient: 2379,
      etcdPeer: 2380,
      apiserver: NODE_API_PORT,
      controllerManager: 10257,
      scheduler: 10259,
      kwok: 10247,
    },
    bindAddress: '0.0.0.0',
    loopback: '127.0.0.1',
    dataDir: DATA_DIR,
    pki,
    kubeconfig: NODE_KUBECONFIG,
    kwokStages: STAGES,
    serviceRange: '198.18.192.0/20',
    podRange: LAB_POD_RANGE,
    nodeIp: primaryAddress,
  };
}

/** Create the Node once (a reboot keeps the one that exists, and with it any taint change made since). */
function registerNodeScript(kubectl: string, nodeName: string): string {
  // The name goes into a shell line: only an instance id's shape is accepted.
  if (!/^i-[0-9a-f]{8,17}$/.test(nodeName)) throw new Error(`not an EC2 instance id: ${JSON.stringify(nodeName)}`);
  const k = `${kubectl} --kubeconfig=${NODE_KUBECONFIG} --request-timeout=5s`;
  return `for i in $(seq 1 300); do ${k} get node ${nodeName} >/dev/null 2>&1 && exit 0; ${k} create -f ${NODE_OBJECT} && exit 0; sleep 1; done; exit 1`;
}

async function put(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, text, { mode: 0o644 });
}
