// What the ingress tests share: converging resources as `up` does, and a lab node running a real
// control plane (kops' layout) with its API ready, for the tests that need the node itself.
import assert from 'node:assert/strict';
import { dirname } from 'node:path';
import { RecordingIoHost } from '../../../src/core/io.js';
import type { Resource } from '../../../src/core/resource.js';
import { planAndApply } from '../../../src/core/run.js';
import { sleep } from '../../../src/core/sleep.js';
import { KubeClient } from '../../../src/k8s/client.js';
import type { KubeList, NodeObject } from '../../../src/k8s/types.js';
import { ensureGoTools } from '../../../src/sandbox/gotools/build.js';
import { startLab, type Lab } from '../../../src/sandbox/lab/index.js';

/** One converge run, as `up --yes` applies it. */
export const applyAll = (resources: readonly Resource[]) =>
  planAndApply(resources, {
    io: new RecordingIoHost(),
    signal: AbortSignal.timeout(180_000),
    mode: 'converge',
    yes: true,
    dryRun: false,
  });

export interface LabCluster {
  lab: Lab;
  client: KubeClient;
  /** Host paths of the Go tools built for it (traefik included). */
  bins: Record<string, string>;
}

/** A lab node with a real control plane whose Node (named after instanceId) is Ready. */
export async function startLabCluster(clusterName: string, instanceId: string, publicIp: string): Promise<LabCluster> {
  const io = new RecordingIoHost();
  const bins = await ensureGoTools(['k8s', 'etcd', 'kwok', 'traefik'], { io });
  const toolDir = (bin: string | undefined): string => dirname(dirname(bin ?? ''));
  const lab = await startLab({
    io,
    clusterName,
    apiAddresses: [publicIp],
    controlPlane: {
      toolDirs: { k8s: toolDir(bins['kube-apiserver']), etcd: toolDir(bins.etcd), kwok: toolDir(bins.kwok) },
      node: { instanceId, zone: 'eu-west-1a', instanceType: 't3.medium' },
    },
  });
  const client = KubeClient.fromKubeconfig(lab.record.controlPlane?.kubeconfigPath ?? '');
  const end = Date.now() + 180_000;
  for (;;) {
    const nodes = await client
      .request<KubeList<NodeObject>>({ method: 'GET', path: '/api/v1/nodes' })
      .catch(() => undefined);
    const ready = nodes?.items[0]?.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
    if (ready) return { lab, client, bins };
    if (Date.now() > end) {
      client.close();
      await lab.destroy();
      assert.fail('the lab node did not become Ready within 180 s');
    }
    await sleep(1000);
  }
}
