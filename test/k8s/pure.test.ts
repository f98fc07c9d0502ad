// The Kubernetes layer's pure parts: field-level diffs, the converged shortcut, the rollout
// reading, pod reasons, label values, conflict parsing, kubeconfig context choice, kwok stages.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { KubeApiError } from '../../src/k8s/errors.js';
import { KubeconfigError } from '../../src/k8s/errors.js';
import { loadKubeconfig } from '../../src/k8s/kubeconfig.js';
import { manifestChanges, objectChanges } from '../../src/k8s/object-diff.js';
import { containsManifest } from '../../src/k8s/resources/kube-object.js';
import { describePod, rolloutVerdict } from '../../src/k8s/rollout.js';
import { fieldConflicts } from '../../src/k8s/server-side-apply.js';
import { clusterLabelValue } from '../../src/k8s/target.js';
import type { DeploymentObject, PodObject } from '../../src/k8s/types.js';
import { kwokStages } from '../../src/sandbox/k8s/kwok-stages.js';

const dep = (over: {
  generation?: number;
  replicas?: number;
  status?: DeploymentObject['status'];
}): DeploymentObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'apps', generation: over.generation ?? 2 },
  spec: { replicas: over.replicas ?? 2 },
  status: over.status ?? {},
});

describe('Kubernetes layer, pure parts', () => {
  test('GIVEN a live object and what an apply would make of it THEN the changes are field paths, containers by name, bookkeeping left out', () => {
    const live = {
      metadata: { name: 'w', resourceVersion: '1', managedFields: [{ manager: 'x' }], labels: { a: '1' } },
      spec: { replicas: 1, template: { spec: { containers: [{ name: 'web', image: 'a:1' }] } } },
      status: { replicas: 1 },
    };
    const next = {
      metadata: { name: 'w', resourceVersion: '2', managedFields: [], labels: { a: '1', b: '2' } },
      spec: { replicas: 3, template: { spec: { containers: [{ name: 'web', image: 'a:2' }] } } },
      status: { replicas: 3 },
    };
    assert.deepEqual(objectChanges(live, next), [
      { field: 'metadata.labels.b', from: undefined, to: '2' },
      { field: 'spec.replicas', from: 1, to: 3 },
      { field: 'spec.template.spec.containers[web].image', from: 'a:1', to: 'a:2' },
    ]);
    assert.deepEqual(objectChanges(live, live), []);
  });

  test('GIVEN a manifest to create THEN every field but identity is listed', () => {
    assert.deepEqual(
      manifestChanges({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'c', namespace: 'n', labels: { x: 'y' } },
        data: { k: 'v' },
      }),
      [
        { field: 'data.k', from: undefined, to: 'v' },
        { field: 'metadata.labels.x', from: undefined, to: 'y' },
      ],
    );
  });

  test('GIVEN live objects with extra fields, changed fields or reordered lists THEN only the first counts as containing the manifest', () => {
    const wanted = { spec: { ports: [{ port: 80 }], replicas: 2 } };
    assert.equal(
      containsManifest({ spec: { ports: [{ port: 80, protocol: 'TCP' }], replicas: 2, extra: true } }, wanted),
      true,
    );
    assert.equal(containsManifest({ spec: { ports: [{ port: 80 }], replicas: 3 } }, wanted), false);
    assert.equal(containsManifest({ spec: { ports: [{ port: 80 }, { port: 81 }], replicas: 2 } }, wanted), false);
    assert.equal(containsManifest({ spec: {} }, wanted), false);
  });

  test('GIVEN Deployment statuses THEN the rollout reading matches kubectl rollout status', () => {
    assert.equal(rolloutVerdict(dep({ status: { observedGeneration: 1 } })).state, 'waiting');
    assert.equal(
      rolloutVerdict(dep({ status: { observedGeneration: 2, updatedReplicas: 1, replicas: 2, availableReplicas: 2 } }))
        .state,
      'waiting',
    );
    assert.equal(
      rolloutVerdict(dep({ status: { observedGeneration: 2, updatedReplicas: 2, replicas: 3, availableReplicas: 2 } }))
        .state,
      'waiting',
    );
    assert.equal(
      rolloutVerdict(
        dep({
          status: {
            observedGeneration: 2,
            updatedReplicas: 2,
            replicas: 2,
            availableReplicas: 2,
            conditions: [{ type: 'Available', status: 'True' }],
          },
        }),
      ).state,
      'done',
    );
    const stuck = rolloutVerdict(
      dep({
        status: {
          observedGeneration: 2,
          conditions: [
            {
              type: 'Progressing',
              status: 'False',
              reason: 'ProgressDeadlineExceeded',
              message: 'ReplicaSet "web-1" has timed out progressing.',
            },
          ],
        },
      }),
    );
    assert.deepEqual(stuck, {
      state: 'failed',
      why: 'ProgressDeadlineExceeded (ReplicaSet "web-1" has timed out progressing.)',
    });
  });

  test('GIVEN failing pods THEN each is described by its own reason', () => {
    const pod = (status: PodObject['status']): PodObject => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'web-1' },
      status,
    });
    assert.equal(
      describePod(
        pod({
          phase: 'Pending',
          containerStatuses: [
            { name: 'web', state: { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "x"' } } },
          ],
        }),
      ),
      'web-1: ImagePullBackOff (Back-off pulling image "x") [container web]',
    );
    assert.equal(
      describePod(
        pod({
          phase: 'Pending',
          conditions: [
            { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/1 nodes are available' },
          ],
        }),
      ),
      'web-1: Pending — Unschedulable: 0/1 nodes are available',
    );
    assert.equal(
      describePod(
        pod({
          phase: 'Running',
          containerStatuses: [{ name: 'web', state: { terminated: { reason: 'OOMKilled', exitCode: 137 } } }],
        }),
      ),
      'web-1: OOMKilled exit 137 [container web]',
    );
  });

  test('GIVEN cluster names THEN label values are valid, and long names stay distinct', () => {
    assert.equal(clusterLabelValue('c1.example.com'), 'c1.example.com');
    const a = clusterLabelValue(`${'a'.repeat(60)}.example.com`);
    const b = clusterLabelValue(`${'a'.repeat(60)}.example.org`);
    assert.ok(a.length <= 63 && /^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$/.test(a), a);
    assert.notEqual(a, b);
  });

  test('GIVEN a 409 from an apply THEN conflicts carry field and manager; other errors carry none', () => {
    const conflict = new KubeApiError('https://x', 409, 'Apply failed with 1 conflict', {
      httpStatus: 409,
      status: {
        causes: [
          {
            reason: 'FieldManagerConflict',
            message: 'conflict with "kubectl-edit" using apps/v1',
            field: '.spec.replicas',
          },
        ],
      },
    });
    assert.deepEqual(fieldConflicts(conflict), [{ field: '.spec.replicas', manager: 'kubectl-edit' }]);
    assert.deepEqual(
      fieldConflicts(new KubeApiError('https://x', 409, 'the object has been modified', { httpStatus: 409 })),
      [],
    );
  });

  test(
    'GIVEN a kubeconfig with several contexts THEN the one named after the cluster wins over ' +
      'the current one, and a missing one is a clear error',
    async () => {
      const dir = await mkdtemp(join(tmpdir(), 'solokube-kc-'));
      try {
        const cluster = (name: string, server: string) => ({ name, cluster: { server } });
        const path = join(dir, 'config');
        await writeFile(
          path,
          stringify({
            apiVersion: 'v1',
            kind: 'Config',
            'current-context': 'other',
            clusters: [cluster('other', 'https://198.18.0.1'), cluster('c1.example.com', 'https://198.18.0.2')],
            users: [{ name: 'u', user: { token: 't' } }],
            contexts: [
              { name: 'other', context: { cluster: 'other', user: 'u' } },
              { name: 'c1.example.com', context: { cluster: 'c1.example.com', user: 'u' } },
            ],
          }),
        );
        assert.equal(loadKubeconfig(path, { clusterName: 'c1.example.com' }).server, 'https://198.18.0.2');
        assert.equal(loadKubeconfig(path, { clusterName: 'c2.example.com' }).server, 'https://198.18.0.1');
        assert.throws(
          () => loadKubeconfig(path, { context: 'nope' }),
          /has no context named "nope" \(it has: other, c1.example.com\)/,
        );
        assert.throws(() => loadKubeconfig(join(dir, 'missing')), /the file does not exist/);

        const insecure = join(dir, 'insecure');
        await writeFile(
          insecure,
          stringify({
            apiVersion: 'v1',
            kind: 'Config',
            'current-context': 'c1.example.com',
            clusters: [
              { name: 'c1.example.com', cluster: { server: 'https://198.18.0.2', 'insecure-skip-tls-verify': true } },
            ],
            users: [{ name: 'u', user: { token: 't' } }],
            contexts: [{ name: 'c1.example.com', context: { cluster: 'c1.example.com', user: 'u' } }],
          }),
        );
        assert.throws(
          () => loadKubeconfig(insecure, { clusterName: 'c1.example.com' }),
          (err: unknown) => err instanceof KubeconfigError && /insecure-skip-tls-verify/.test(err.message),
        );
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  );

  test('GIVEN the kwok stage file THEN it is six Stage documents with the names solokube relies on', () => {
    const docs = parseAllDocuments(kwokStages()).map((d) => d.toJS() as { kind: string; metadata: { name: string } });
    assert.deepEqual(
      docs.map((d) => `${d.kind}/${d.metadata.name}`),
      [
        'Stage/node-ready',
        'Stage/node-heartbeat',
        'Stage/pod-ready',
        'Stage/pod-image-pull-backoff',
        'Stage/pod-crash-loop',
        'Stage/pod-delete',
      ],
    );
  });
});
