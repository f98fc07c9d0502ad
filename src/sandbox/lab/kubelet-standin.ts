// STAND-IN for the kubelet's sync loop, for a lab node that runs a real control plane: every few
// seconds, the node's pods whose image the lab has as a program run as systemd services
// (pod-runner.ts: Traefik reading Ingresses from the real API; in hostNetwork, or in a network
// namespace of its own behind NodePorts, node-ports.ts), and the app pods kwok scheduled get a
// stand-in listening on their pod IP (app-pods.ts). The lab's supervisor runs the loop for as
// long as the node runs; it does nothing until the lab is enabled for it (enableKubeletStandin),
// which copies the programs into the node and writes what the loop needs next to the lab record.
// A node with a real control plane gets no nginx ingress stand-in (standins.ts); one written by an
// older lab is moved aside here, as Traefik takes its ports.

import { copyFile, mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { KubeClient } from '../../k8s/client.js';
import type { NodeObject } from '../../k8s/types.js';
import { syncAppPods } from './app-pods.js';
import { attachLab } from './lab-handle.js';
import { NODE_OBJECT } from './node-control-plane.js';
import { syncNodePorts } from './node-ports.js';
import { syncHostNetworkPods } from './pod-runner.js';
import { repeatEvery } from './repeat.js';
import type { LabRecord } from './record.js';
import { STANDIN_CONFIG_PATH } from './standins.js';

const NODE_PROGRAM_DIR = '/usr/local/lib/solokube-lab/pod-programs';
const CONFIG_FILE = 'kubelet-standin.json';
const KUBECONFIG_FILE = 'kubelet-standin.kubeconfig';
/** Outside sites-enabled, which nginx includes whatever the file's name. */
const RETIRED_STANDIN_PATH = '/etc/nginx/solokube-lab.conf.off';
export const KUBELET_STANDIN_INTERVAL_MS = 2_000;

interface StandinConfig {
  /** Image name (no registry, no tag) → program path inside the node. */
  programs: Record<string, string>;
  kubeconfigPath: string;
}

/**
 * Makes the lab's supervisor run the kubelet stand-in: each program (image name → host binary) is
 * copied into the node, and the loop gets a kubeconfig that reaches the API on the node's own
 * address (the supervisor lives in the gateway's network namespace, not on the host's loopback).
 */
export async function enableKubeletStandin(
  record: LabRecord,
  programs: Readonly<Record<string, string>>,
): Promise<void> {
  if (!record.controlPlane) throw new Error(`lab ${record.name} runs no control plane; the kubelet stand-in needs one`);
  await mkdir(join(record.root, NODE_PROGRAM_DIR), { recursive: true });
  const inNode: Record<string, string> = {};
  for (const [image, binary] of Object.entries(programs)) {
    if (!/^[a-z0-9][a-z0-9._-]*$/.test(image)) throw new Error(`not an image name: ${JSON.stringify(image)}`);
    const nodePath = `${NODE_PROGRAM_DIR}/${image}`;
    const target = join(record.root, nodePath);
    const [src, dst] = await Promise.all([stat(binary), stat(target).catch(() => undefined)]);
    if (!dst || dst.size !== src.size || dst.mtimeMs < src.mtimeMs) await copyFile(binary, target);
    inNode[image] = nodePath;
  }
  const kubeconfig = parse(await readFile(record.controlPlane.kubeconfigPath, 'utf8')) as {
    clusters: { cluster: { server: string } }[];
  };
  for (const c of kubeconfig.clusters) c.cluster.server = `https://${record.node.primaryAddress}:443`;
  const kubeconfigPath = join(record.dir, KUBECONFIG_FILE);
  await writeFile(kubeconfigPath, stringify(kubeconfig), { mode: 0o600 });
  const config: StandinConfig = { programs: inNode, kubeconfigPath };
  await writeFile(join(record.dir, CONFIG_FILE), JSON.stringify(config, null, 2), { mode: 0o600 });
  await releaseNginxIngress(record);
}

/**
 * The real Traefik takes the ingress ports (8443/8080, or 30443/:80): the lab's nginx ingress
 * stand-in gives them up (its file is moved aside; with a real API it holds nothing else).
 */
async function releaseNginxIngress(record: LabRecord): Promise<void> {
  const moved = await rename(join(record.root, STANDIN_CONFIG_PATH), join(record.root, RETIRED_STANDIN_PATH))
    .then(() => true)
    .catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return false;
      throw err;
    });
  if (!moved) return;
  const r = await (await attachLab(record)).node.exec(['systemctl', 'reload-or-restart', 'nginx']);
  if (r.code !== 0) throw new Error(`nginx did not give up the ingress ports on the lab node: ${r.stderr.trim()}`);
}

/** The name of the Node object this lab node registers (undefined before the control plane is laid out). */
async function ownNodeName(record: LabRecord): Promise<string | undefined> {
  const text = await readFile(join(record.root, NODE_OBJECT), 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw err;
  });
  return text === undefined ? undefined : (JSON.parse(text) as NodeObject).metadata.name;
}

export interface KubeletStandinLoop {
  stop(): void;
}

/** The loop the supervisor runs; `log` receives what changed and each new error (repeats are not logged again). */
export function startKubeletStandin(
  record: LabRecord,
  log: (msg: string) => void,
  intervalMs = KUBELET_STANDIN_INTERVAL_MS,
): KubeletStandinLoop {
  let client: KubeClient | undefined;

  const tick = async (): Promise<void> => {
    const config = await readConfig(record);
    if (!config) return;
    client ??= KubeClient.fromKubeconfig(config.kubeconfigPath, { requestTimeoutMs: 10_000 });
    // Its own Node, as a kubelet knows it: after an instance replacement the old instance's Node
    // is still listed for a while, and its pods are not this node's to run.
    const nodeName = await ownNodeName(record);
    if (!nodeName) return;
    const lab = await attachLab(record);
    const node = {
      root: record.root,
      nodeName,
      exec: (argv: readonly string[]) => lab.node.exec(argv),
      podNetwork: { nodeAddress: record.node.primaryAddress, nodeInterface: record.node.interface },
    };
    const pods = await syncHostNetworkPods(client, node, config.programs);
    for (const unit of pods.restarted) log(`kubelet stand-in: started ${unit}`);
    for (const unit of pods.removed) log(`kubelet stand-in: stopped ${unit}`);
    if (await syncNodePorts(client, node)) log('kubelet stand-in: NodePorts rewritten');
    const apps = await syncAppPods(client, node, new Set(Object.keys(config.programs)));
    if (apps.changed)
      log(
        `kubelet stand-in: app pods now ${apps.listeners.map((l) => `${l.pod}@${l.ip}:${l.port}`).join(', ') || 'none'}`,
      );
  };

  // The API is away while the node reboots; the next round tries again.
  const loop = repeatEvery(intervalMs, tick, log, { prefix: 'kubelet stand-in' });
  return {
    stop() {
      loop.stop();
      client?.close();
    },
  };
}

async function readConfig(record: LabRecord): Promise<StandinConfig | undefined> {
  const text = await readFile(join(record.dir, CONFIG_FILE), 'utf8').catch(() => undefined);
  return text ? (JSON.parse(text) as StandinConfig) : undefined;
}
