// The sandbox's NodeProvider: the lab node (a systemd-booted Debian container) booted as the
// instance kops' stand-in launched — its primary private address the instance ENI's, its public
// address the instance's, the Kubernetes control plane started in it with a Node named after the
// instance — plus the sandbox DNS on the lab's internet side and the gateway's NAT for the
// instance's public address. The same instance launched again finds its node running and reuses it;
// a different instance replaces it. Terminating the instance removes the node and its namespaces.
// A freshly booted node gets its instance's user data applied once, by the cloud-init stand-in,
// after it was linked to its instance's metadata service and EC2 (instance-link.ts). etcd's data
// lives outside the node (sandboxEtcdDir), as on kops' etcd volumes, so a replacement or a resume
// finds the cluster's objects; the Node of the instance that is gone is then deleted, as the AWS
// cloud-controller-manager's node lifecycle controller does (cloud-node-lifecycle.ts).

import { readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse, stringify } from 'yaml';
import type { SolokubeConfig } from '../../config/schema.js';
import { SolokubeError } from '../../core/errors.js';
import type { IoHost } from '../../core/io.js';
import { info, warn } from '../../core/io.js';
import { sleep } from '../../core/sleep.js';
import { attachLab, destroyLab, readLabRecord, startLab, INTERNET_DNS } from '../lab/index.js';
import type { Lab } from '../lab/index.js';
import type { NodeControlPlaneSpec } from '../lab/node-control-plane.js';
import { ensureGoTools } from '../gotools/build.js';
import type { AdminCredentials, LaunchedInstance, NodeProvider, NodeStatus } from '../kops/node-provider.js';
import { applyCloudInit, cloudInitPlan } from './cloud-init-standin.js';
import { emulatorState } from './emulator-process.js';
import { syncLabGateway } from './gateway-sync.js';
import { isSandboxDnsAlive, startSandboxDns, stopSandboxDns } from './dns-process.js';
import { deleteNodesOfGoneInstances } from './cloud-node-lifecycle.js';
import { isInstanceLinkAlive, setInstanceMac, startInstanceLink, stopInstanceLink } from './instance-link.js';
import { adminKubeconfig } from '../kops/standin.js';
import { readRecord, sandboxDir, sandboxEtcdDir, sandboxKubeconfigPath, writeRecord } from './record.js';

/**
 * The lab node recorded at `path`, when it still answers; one that does not is cleaned away. A node
 * that booted with a failed unit ("degraded") still runs, as a degraded EC2 instance does: the
 * reclaim unit fails at the first boot of a new cluster, before `up` made the Elastic IP it claims.
 */
export async function attachRunningLab(path: string | undefined): Promise<Lab | undefined> {
  if (path === undefined || !existsSync(path)) return undefined;
  try {
    const lab = await attachLab(path);
    await lab.node.waitReady(30_000).catch((err: unknown) => {
      if (!(err instanceof SolokubeError && err.code === 'lab.node-degraded')) throw err;
    });
    return lab;
  } catch {
    await destroyLab(await readLabRecord(path)).catch(() => undefined);
    return undefined;
  }
}

export { syncLabGateway };

const CONTROL_PLANE_WAIT_MS = 240_000;

async function nodesOf(kubeconfigPath: string, clusterName: string): Promise<NodeStatus[]> {
  const { KubeClient } = await import('../../k8s/client.js');
  const client = KubeClient.fromKubeconfig(kubeconfigPath, { clusterName, requestTimeoutMs: 3_000 });
  try {
    const nodes = await client.request<{
      items: { metadata: { name: string }; status?: { conditions?: { type: string; status: string }[] } }[];
    }>({ method: 'GET', path: '/api/v1/nodes' });
    return nodes.items.map((n) => ({
      name: n.metadata.name,
      ready: n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false,
    }));
  } finally {
    client.close();
  }
}

/**
 * Waits, as the instance's boot does before kops validates it, until the node's API answers and its
 * Node is Ready (a fresh boot starts etcd, kube-apiserver and the controllers; a reused one answers at once).
 * With `nodeName`, that Node: with etcd's data kept, the Node of a replaced instance is still listed.
 */
export async function waitForControlPlane(
  kubeconfigPath: string,
  clusterName: string,
  io: IoHost,
  nodeName?: string,
): Promise<void> {
  const started = Date.now();
  let told = 0;
  let last = '';
  while (Date.now() - started < CONTROL_PLANE_WAIT_MS) {
    try {
      const nodes = await nodesOf(kubeconfigPath, clusterName);
      if (nodes.some((n) => n.ready && (nodeName === undefined || n.name === nodeName))) {
        if (told > 0)
          info(
            io,
            `the sandbox node's Kubernetes API answers and its node is Ready (${Math.round((Date.now() - started) / 1000)} s)`,
          );
        return;
      }
      last = 'the node is not Ready yet';
    } catch (err) {
      last = err instanceof Error ? err.message : String(err);
    }
    if (Date.now() - started >= told * 10_000) {
      info(
        io,
        `waiting for the sandbox node's Kubernetes control plane (${Math.round((Date.now() - started) / 1000)} s; ${last})`,
      );
      told += 1;
    }
    await sleep(1_000);
  }
  throw new SolokubeError({
    code: 'sandbox.control-plane-not-ready',
    message: `the sandbox node's Kubernetes control plane did not become ready within ${CONTROL_PLANE_WAIT_MS / 1000} s (last: ${last})`,
    remedy:
      'Look at the node\'s units (`journalctl -u "solokube-lab-*"` inside it), or run `solokube down --sandbox --yes` and `up --sandbox` again.',
  });
}

/** The node runs a real Kubernetes control plane, as kops' instance does, with a Node named after the instance. */
async function nodeControlPlane(
  instance: LaunchedInstance,
  io: IoHost,
  etcdDataDir: string,
): Promise<NodeControlPlaneSpec> {
  const bins = await ensureGoTools(['k8s', 'etcd', 'kwok'], { io });
  const toolDir = (bin: string | undefined): string => dirname(dirname(bin ?? ''));
  return {
    toolDirs: { k8s: toolDir(bins['kube-apiserver']), etcd: toolDir(bins.etcd), kwok: toolDir(bins.kwok) },
    node: {
      instanceId: instance.instanceId,
      zone: instance.availabilityZone,
      instanceType: instance.instanceType,
    },
    etcdDataDir,
  };
}

export class LabNodeProvider implements NodeProvider {
  constructor(
    private readonly o: {
      config: SolokubeConfig;
      io: IoHost;
      endpoint: string;
      stateFile: string;
      /** Runs once the node's control plane answers (the sandbox starts its ingress half here). */
      onNodeReady?: (lab: Lab) => Promise<void>;
    },
  ) {}

  private async labFor(instance: LaunchedInstance): Promise<Lab | undefined> {
    const record = await readRecord();
    if (record?.instanceId !== instance.instanceId) return undefined;
    return attachRunningLab(record.labRecordPath);
  }

  async onInstanceLaunched(instance: LaunchedInstance): Promise<void> {
    const { config, io } = this.o;
    let lab = await this.labFor(instance);
    let fresh = false;
    if (!lab) {
      await this.removeNode();
      info(
        io,
        `booting the sandbox node as instance ${instance.instanceId} (${instance.privateIp}; a systemd-booted Debian container, the first run builds its image)`,
      );
      lab = await startLab({
        io,
        clusterName: config.name,
        appsDomain: config.appsDomain,
        primaryAddress: instance.privateIp,
        apiAddresses: instance.publicIp ? [instance.publicIp] : [],
        controlPlane: await nodeControlPlane(instance, io, sandboxEtcdDir(config.name)),
      });
      await this.update({ labRecordPath: lab.record.recordPath, instanceId: instance.instanceId });
      await this.ensureInstanceLink(lab, instance);
      await this.runUserData(lab, instance);
      fresh = true;
    } else {
      await this.ensureInstanceLink(lab, instance);
    }
    await this.ensureDns(lab);
    await syncLabGateway(this.o.endpoint, lab);
    const kubeconfig = lab.record.controlPlane?.kubeconfigPath;
    if (kubeconfig) {
      await waitForControlPlane(kubeconfig, config.name, io, instance.instanceId);
      const gone = await deleteNodesOfGoneInstances(kubeconfig, config.name, this.o.endpoint);
      for (const n of gone)
        info(io, `deleted the Node ${n}: its instance no longer runs (as the cloud controller does)`);
      if (fresh) await this.refreshExportedKubeconfig(instance);
    }
    await this.o.onNodeReady?.(lab);
  }

  /**
   * On AWS the kubeconfig kops exported keeps working across an instance replacement (the CA stays in
   * the state store, api.<c> follows the instance by DNS). The sandbox's node has a CA and a forward
   * port of its own, so an exported kubeconfig is written again for the new node — a sandbox-only step.
   */
  private async refreshExportedKubeconfig(instance: LaunchedInstance): Promise<void> {
    const path = sandboxKubeconfigPath();
    if (!existsSync(path)) return;
    const kubeconfig = adminKubeconfig(this.o.config.name, await this.adminCredentials(instance));
    await writeFile(path, stringify(kubeconfig), { mode: 0o600 });
  }

  /** The node's link to its instance's metadata service and EC2, started unless it runs. */
  private async ensureInstanceLink(lab: Lab, instance: LaunchedInstance): Promise<void> {
    const record = await readRecord();
    const link = record?.instanceLink;
    if (link && link.instanceId === instance.instanceId && isInstanceLinkAlive(link)) return;
    if (link) await stopInstanceLink(link);
    const state = await emulatorState(this.o.endpoint);
    const eni = [state, ...Object.values(state.regions ?? {})]
      .flatMap((r) => Object.values(r.networkInterfaces ?? {}))
      .find((e) => e.attachment?.instanceId === instance.instanceId && e.attachment.deviceIndex === 0);
    if (eni) await setInstanceMac(lab, eni.macAddress);
    const started = await startInstanceLink({
      lab,
      endpoint: this.o.endpoint,
      instanceId: instance.instanceId,
      logDir: sandboxDir(),
    });
    await this.update({ instanceLink: started });
  }

  /**
   * The instance's first boot: its user data applied by the cloud-init stand-in (cloud-init-standin.ts),
   * as cloud-init does once per instance. A failing step is a warning, not a failed boot, as on EC2.
   */
  private async runUserData(lab: Lab, instance: LaunchedInstance): Promise<void> {
    const state = await emulatorState(this.o.endpoint);
    const record =
      state.instances[instance.instanceId] ??
      Object.values(state.regions ?? {})
        .map((r) => r.instances?.[instance.instanceId])
        .find((i) => i !== undefined);
    if (record?.userData === undefined) return;
    const result = await applyCloudInit(lab.node, cloudInitPlan(record.userData));
    info(
      this.o.io,
      `cloud-init stand-in on ${instance.instanceId}: wrote ${result.written.length} file(s), ran ${result.ran.length} step(s)`,
    );
    for (const step of result.ran.filter((r) => r.code !== 0))
      warn(
        this.o.io,
        `cloud-init stand-in on ${instance.instanceId}: ${step.script} step \`${step.argv.join(' ')}\` exited ${String(step.code)}: ${step.stderr.trim()}`,
      );
  }

  async nodeStatus(instance: LaunchedInstance): Promise<NodeStatus[]> {
    const kubeconfig = (await this.labFor(instance))?.record.controlPlane?.kubeconfigPath;
    if (!kubeconfig) return [{ name: instance.instanceId, ready: false }];
    try {
      return await nodesOf(kubeconfig, this.o.config.name);
    } catch {
      return [{ name: instance.instanceId, ready: false }];
    }
  }

  async adminCredentials(instance: LaunchedInstance): Promise<AdminCredentials> {
    const kubeconfig = (await this.labFor(instance))?.record.controlPlane?.kubeconfigPath;
    if (!kubeconfig)
      throw new SolokubeError({
        code: 'sandbox.no-node',
        message: `no sandbox node runs as instance ${instance.instanceId}`,
        remedy: 'Run `solokube up --sandbox` again: kops update boots it.',
      });
    const doc = parse(await readFile(kubeconfig, 'utf8')) as {
      clusters: { cluster: { server: string; 'certificate-authority-data': string } }[];
      users: { user: { 'client-certificate-data': string; 'client-key-data': string } }[];
    };
    return {
      server: doc.clusters[0]!.cluster.server,
      certificateAuthorityData: doc.clusters[0]!.cluster['certificate-authority-data'],
      clientCertificateData: doc.users[0]!.user['client-certificate-data'],
      clientKeyData: doc.users[0]!.user['client-key-data'],
    };
  }

  async onInstanceTerminating(): Promise<void> {
    await this.removeNode();
  }

  /** kops deletes the cluster's etcd volumes with it: its etcd folder goes. */
  async onClusterDeleted(cluster: string): Promise<void> {
    await rm(sandboxEtcdDir(cluster), { recursive: true, force: true });
  }

  /** Stop the DNS and remove the lab node with its namespaces, and say so in the record. */
  private async removeNode(): Promise<void> {
    const record = await readRecord();
    if (!record) return;
    if (record.dns) await stopSandboxDns(record.dns);
    if (record.instanceLink) await stopInstanceLink(record.instanceLink);
    // pebble lives in the node's client namespace (and cgroup): it goes with the node.
    if (record.labRecordPath && existsSync(record.labRecordPath)) {
      const lab = await readLabRecord(record.labRecordPath);
      info(this.o.io, `removing the sandbox node ${lab.name} and its namespaces (its instance is terminating)`);
      await destroyLab(lab);
    }
    const { labRecordPath: _lab, instanceId: _id, dns: _dns, pebble: _pebble, instanceLink: _link, ...rest } = record;
    await writeRecord(rest);
  }

  private async ensureDns(lab: Lab): Promise<void> {
    const record = await readRecord();
    if (!record) return;
    let dns = record.dns;
    if (dns && dns.netns === lab.record.netns.gw && isSandboxDnsAlive(dns)) return;
    if (dns) await stopSandboxDns(dns);
    info(
      this.o.io,
      `starting the sandbox DNS on ${INTERNET_DNS}:53 (the emulator's Route 53 zones, for the internet side)`,
    );
    dns = await startSandboxDns({
      labName: lab.name,
      gwNetns: lab.record.netns.gw,
      address: INTERNET_DNS,
      stateFile: this.o.stateFile,
      logFile: join(sandboxDir(), 'dns.log'),
    });
    await this.update({ dns });
  }

  private async update(patch: Partial<Awaited<ReturnType<typeof readRecord>>>): Promise<void> {
    const record = await readRecord();
    if (!record) throw new Error('the sandbox record vanished while its node was booting');
    await writeRecord({ ...record, ...patch });
  }
}
