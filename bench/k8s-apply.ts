// Kubernetes figures: API requests and wall time for 30 objects (1 Namespace, 20 ConfigMaps,
// 5 Services, 4 Deployments) on a real control plane (kwok node): the first apply, which includes
// waiting for the Deployments to roll out, and a converged plan. Goal (issue 9): a converged plan
// makes at most one request per object, or one list per kind. The prune step lists each kind once
// in both runs.

import { RecordingIoHost } from '../src/core/io.js';
import type { IoHost } from '../src/core/io.js';
import { planConverge } from '../src/core/plan.js';
import { planAndApply } from '../src/core/run.js';
import { KubeClient } from '../src/k8s/client.js';
import { loadKubeconfig } from '../src/k8s/kubeconfig.js';
import { kubeResources } from '../src/k8s/resources/index.js';
import type { KubeObject } from '../src/k8s/types.js';
import { startControlPlane } from '../src/sandbox/k8s/control-plane.js';
import type { BenchTable } from './table.js';

const NS = 'bench';

export function benchObjects(): KubeObject[] {
  const objects: KubeObject[] = [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } }];
  for (let i = 0; i < 20; i++)
    objects.push({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: `settings-${i}`, namespace: NS },
      data: { index: String(i), mode: 'fast' },
    });
  for (let i = 0; i < 5; i++) {
    objects.push({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: `svc-${i}`, namespace: NS },
      spec: { selector: { app: `app-${i}` }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] },
    });
  }
  for (let i = 0; i < 4; i++) {
    const labels = { app: `app-${i}` };
    objects.push({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: `app-${i}`, namespace: NS },
      spec: {
        replicas: 2,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: { containers: [{ name: 'web', image: `registry.example/app-${i}:1` }] },
        },
      },
    });
  }
  return objects;
}

interface Row {
  name: string;
  requests: number;
  wallMs: number;
  byKind: string;
}

export async function k8sApplyBench(io: IoHost): Promise<BenchTable[]> {
  const cp = await startControlPlane({ io });
  try {
    const objects = benchObjects();
    const measure = async (name: string, run: (client: KubeClient) => Promise<unknown>): Promise<Row> => {
      const client = new KubeClient(loadKubeconfig(cp.kubeconfigPath).kc, { logRequests: true });
      const started = performance.now();
      await run(client);
      const wallMs = Math.round(performance.now() - started);
      client.close();
      const counts = new Map<string, number>();
      for (const line of client.requestLog ?? []) {
        const key = line
          .replace(/\/namespaces\/[^/]+/, '/namespaces/*')
          .replace(
            /^(GET|PATCH|DELETE|POST) (\/apis?\/(?:[^/]+\/)?v1(?:\/namespaces\/\*)?\/[a-z]+)(\/[^ ]+)?/,
            (_m, verb: string, coll: string, item?: string) => `${verb} ${coll}${item ? '/<name>' : ''}`,
          );
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
      return {
        name,
        requests: client.requests,
        wallMs,
        byKind: [...counts.entries()].map(([k, n]) => `${n}× ${k}`).join(', '),
      };
    };
    const resources = (client: KubeClient) =>
      kubeResources({ client, cluster: 'bench', forceConflicts: false }, objects, { untaint: true });
    const io2 = new RecordingIoHost();
    const first = await measure('first apply (30 objects + taint + prune; waits for 4 rollouts)', (client) =>
      planAndApply(resources(client), {
        io: io2,
        signal: AbortSignal.timeout(300_000),
        mode: 'converge',
        yes: true,
        dryRun: false,
      }),
    );
    const converged = await measure('converged plan (30 objects + taint + prune)', async (client) => {
      const { plan } = await planConverge(resources(client), io2, AbortSignal.timeout(120_000));
      const pending = plan.steps.filter((s) => s.action !== 'unchanged');
      if (pending.length > 0)
        throw new Error(`the converged plan still has changes: ${pending.map((s) => s.id).join(', ')}`);
    });
    const rows = [first, converged];
    return [
      {
        title: 'Kubernetes layer: API requests and wall time for 30 objects (real kube-apiserver, kwok node)',
        columns: ['run', 'requests', 'wall time', 'goal'],
        rows: rows.map((r) => [
          r.name,
          String(r.requests),
          `${r.wallMs} ms`,
          r === converged ? '≤ 30 object reads + 1 list per kind' : '—',
        ]),
        notes: rows.map((r) => `${r.name}: ${r.byKind}`),
      },
    ];
  } finally {
    await cp.stop();
  }
}
