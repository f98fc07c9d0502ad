// test:integration — needs root, the lab node or the Go-built Kubernetes/kops/Traefik binaries.
// KubeObject against a real kube-apiserver: create, update and no-op by server-side apply; fields
// other managers own survive; a conflicting change to a solokube field is refused with the field
// and the manager named, and taken with --force-conflicts; prune and delete touch only objects
// solokube labelled for this cluster config; kubectl (the independent client) sees it all.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { RecordingIoHost } from '../../src/core/io.js';
import { planConverge, planDestroy } from '../../src/core/plan.js';
import { planAndApply } from '../../src/core/run.js';
import { KubeFieldConflictError } from '../../src/k8s/errors.js';
import { kubeObject, kubeResources } from '../../src/k8s/resources/index.js';
import { PRUNE_ID } from '../../src/k8s/resources/prune.js';
import type { KubeObject } from '../../src/k8s/types.js';
import { assertIdempotent } from '../support/idempotency.js';
import {
  configMap,
  deployment,
  kubectlGet,
  namespace,
  sharedControlPlane,
  targetFor,
  uniqueName,
} from '../support/control-plane.js';

const signal = (): AbortSignal => AbortSignal.timeout(120_000);
const apply = (resources: Parameters<typeof planAndApply>[0]) =>
  planAndApply(resources, { io: new RecordingIoHost(), signal: signal(), mode: 'converge', yes: true, dryRun: false });

describe('server-side apply of solokube objects', () => {
  test(
    'GIVEN a namespace, a ConfigMap and a Deployment WHEN applied and planned again THEN ' +
      'nothing is left to change, and kubectl sees them labelled and owned by solokube',
    async () => {
      const cp = await sharedControlPlane();
      const ns = uniqueName('ssa-create');
      const target = targetFor(cp, ns);
      const manifests = [namespace(ns), configMap(ns, 'settings', { mode: 'fast' }), deployment(ns, 'web')];
      await assertIdempotent(kubeResources(target, manifests));
      const cm = await kubectlGet(cp, ['configmap', 'settings', '-n', ns, '--show-managed-fields']);
      assert.equal((cm as KubeObject & { data: Record<string, string> }).data.mode, 'fast');
      assert.equal(cm?.metadata.labels?.['app.kubernetes.io/managed-by'], 'solokube');
      assert.ok(
        cm?.metadata.managedFields?.some((m) => m.manager === 'solokube' && m.operation === 'Apply'),
        'solokube applies with its own field manager',
      );
      const dep = await kubectlGet(cp, ['deployment', 'web', '-n', ns]);
      assert.equal(
        (dep as KubeObject & { status: { availableReplicas: number } }).status.availableReplicas,
        2,
        'the apply waited for the rollout',
      );
    },
  );

  test(
    'GIVEN applied objects WHEN the config changes THEN the plan names exactly the changed ' +
      'fields, the apply makes them, and the next plan is empty',
    async () => {
      const cp = await sharedControlPlane();
      const ns = uniqueName('ssa-update');
      const target = targetFor(cp, ns);
      await apply(
        kubeResources(target, [namespace(ns), configMap(ns, 'settings', { mode: 'fast' }), deployment(ns, 'web')]),
      );
      const changed = kubeResources(target, [
        namespace(ns),
        configMap(ns, 'settings', { mode: 'safe' }),
        deployment(ns, 'web', { replicas: 3 }),
      ]);
      const { plan } = await planConverge(changed, new RecordingIoHost(), signal());
      const updates = plan.steps
        .filter((s) => s.action !== 'unchanged')
        .map((s) => ({ id: s.id, changes: s.changes.map((c) => `${c.field}: ${String(c.from)} → ${String(c.to)}`) }));
      assert.deepEqual(
        updates.find((u) => u.id === `k8s/configmap/${ns}/settings`)?.changes.filter((c) => c.startsWith('data.')),
        ['data.mode: fast → safe'],
      );
      assert.deepEqual(
        updates.find((u) => u.id === `k8s/deployment/${ns}/web`)?.changes.filter((c) => c.startsWith('spec.')),
        ['spec.replicas: 2 → 3'],
      );
      await assertIdempotent(changed);
      const dep = await kubectlGet(cp, ['deployment', 'web', '-n', ns]);
      assert.equal((dep as KubeObject & { spec: { replicas: number } }).spec.replicas, 3);
    },
  );

  test(
    'GIVEN applied objects WHEN another client annotates one and sets a field solokube does ' +
      'not set THEN a later solokube apply keeps both, and plans show no change for them',
    async () => {
      const cp = await sharedControlPlane();
      const ns = uniqueName('ssa-others');
      const target = targetFor(cp, ns);
      await apply(
        kubeResources(target, [namespace(ns), configMap(ns, 'settings', { mode: 'fast' }), deployment(ns, 'web')]),
      );
      assert.equal((await cp.kubectl(['annotate', 'configmap', 'settings', '-n', ns, 'team=blue'])).code, 0);
      assert.equal(
        (
          await cp.kubectl([
            'patch',
            'deployment',
            'web',
            '-n',
            ns,
            '--type=merge',
            '-p',
            '{"spec":{"minReadySeconds":1}}',
          ])
        ).code,
        0,
      );
      // Their change restarts the availability clock; once it has settled there is nothing for solokube to do.
      assert.equal((await cp.kubectl(['rollout', 'status', 'deployment/web', '-n', ns, '--timeout=30s'])).code, 0);
      const unchanged = await planConverge(
        kubeResources(target, [namespace(ns), configMap(ns, 'settings', { mode: 'fast' }), deployment(ns, 'web')]),
        new RecordingIoHost(),
        signal(),
      );
      assert.deepEqual(
        unchanged.plan.steps.filter((s) => s.action !== 'unchanged').map((s) => [s.id, s.changes]),
        [],
        "other managers' fields are not changes",
      );
      await assertIdempotent(
        kubeResources(target, [namespace(ns), configMap(ns, 'settings', { mode: 'safe' }), deployment(ns, 'web')]),
      );
      const cm = await kubectlGet(cp, ['configmap', 'settings', '-n', ns]);
      assert.equal(cm?.metadata.annotations?.team, 'blue', 'the annotation survived');
      assert.equal((cm as KubeObject & { data: Record<string, string> }).data.mode, 'safe');
      const dep = await kubectlGet(cp, ['deployment', 'web', '-n', ns]);
      assert.equal(
        (dep as KubeObject & { spec: { minReadySeconds: number } }).spec.minReadySeconds,
        1,
        "the other manager's field survived",
      );
    },
  );

  test(
    'GIVEN another client changed a field solokube owns WHEN solokube plans THEN it refuses, ' +
      'naming the field and the manager, and changes nothing; WHEN forced THEN it takes the field back',
    async () => {
      const cp = await sharedControlPlane();
      const ns = uniqueName('ssa-conflict');
      const manifests = [namespace(ns), configMap(ns, 'settings', { mode: 'fast' }), deployment(ns, 'web')];
      await apply(kubeResources(targetFor(cp, ns), manifests));
      assert.equal(
        (await cp.kubectl(['patch', 'deployment', 'web', '-n', ns, '--type=merge', '-p', '{"spec":{"replicas":4}}']))
          .code,
        0,
      );

      await assert.rejects(
        planConverge(kubeResources(targetFor(cp, ns), manifests), new RecordingIoHost(), signal()),
        (err: unknown) => {
          assert.ok(err instanceof KubeFieldConflictError, String(err));
          assert.deepEqual(err.conflicts, [{ field: '.spec.replicas', manager: 'kubectl-patch' }]);
          assert.match(err.message, /\.spec\.replicas \(owned by "kubectl-patch"\)/);
          assert.match(err.remedy ?? '', /--force-conflicts/);
          return true;
        },
      );
      await assert.rejects(apply(kubeResources(targetFor(cp, ns), manifests)), KubeFieldConflictError);
      let dep = await kubectlGet(cp, ['deployment', 'web', '-n', ns]);
      assert.equal(
        (dep as KubeObject & { spec: { replicas: number } }).spec.replicas,
        4,
        'the refused run changed nothing',
      );

      const forced = kubeResources(targetFor(cp, ns, { forceConflicts: true }), manifests);
      const { plan } = await planConverge(forced, new RecordingIoHost(), signal());
      const step = plan.steps.find((s) => s.id === `k8s/deployment/${ns}/web`);
      assert.deepEqual(
        step?.changes.filter((c) => c.field === 'spec.replicas').map((c) => [c.from, c.to]),
        [[4, 2]],
      );
      await assertIdempotent(forced);
      dep = await kubectlGet(cp, ['deployment', 'web', '-n', ns, '--show-managed-fields']);
      assert.equal((dep as KubeObject & { spec: { replicas: number } }).spec.replicas, 2);
      const owners = dep?.metadata.managedFields
        ?.filter((m) => (m.fieldsV1?.['f:spec'] as Record<string, unknown> | undefined)?.['f:replicas'] !== undefined)
        .map((m) => m.manager);
      assert.deepEqual(owners, ['solokube'], 'solokube owns spec.replicas again');
      // Unforced runs are quiet again now that solokube owns the field.
      await assertIdempotent(kubeResources(targetFor(cp, ns), manifests));
    },
  );

  test(
    "GIVEN solokube objects, a hand-made object and another config's object in one namespace " +
      'WHEN solokube stops wanting one of its own THEN prune deletes only that one',
    async () => {
      const cp = await sharedControlPlane();
      const ns = uniqueName('ssa-prune');
      const target = targetFor(cp, ns);
      await apply(
        kubeResources(target, [namespace(ns), configMap(ns, 'keep', { a: '1' }), configMap(ns, 'drop', { b: '2' })]),
      );
      assert.equal((await cp.kubectl(['create', 'configmap', 'hand-made', '-n', ns, '--from-literal=c=3'])).code, 0);
      const foreign = JSON.stringify({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: {
          name: 'other-config',
          namespace: ns,
          labels: { 'app.kubernetes.io/managed-by': 'solokube', 'solokube.io/cluster': 'someone-else' },
        },
        data: { d: '4' },
      });
      assert.equal((await cp.kubectl(['apply', '-f', '-'], { input: foreign })).code, 0);

      const wanted = kubeResources(target, [namespace(ns), configMap(ns, 'keep', { a: '1' })], {
        pruneKinds: [
          { apiVersion: 'v1', kind: 'ConfigMap' },
          { apiVersion: 'v1', kind: 'Namespace' },
        ],
      });
      const { plan } = await planConverge(wanted, new RecordingIoHost(), signal());
      assert.deepEqual(plan.steps.find((s) => s.id === PRUNE_ID)?.changes, [
        { field: 'unwanted', from: [`k8s/configmap/${ns}/drop`], to: [] },
      ]);
      await assertIdempotent(wanted);
      const names = JSON.parse((await cp.kubectl(['get', 'configmaps', '-n', ns, '-o', 'json'])).stdout)
        .items.map((i: KubeObject) => i.metadata.name)
        .sort();
      assert.deepEqual(names, ['hand-made', 'keep', 'kube-root-ca.crt', 'other-config']);
    },
  );

  test(
    'GIVEN a solokube object and a same-named object someone else made WHEN solokube removes ' +
      'its objects THEN only the labelled one is deleted',
    async () => {
      const cp = await sharedControlPlane();
      const ns = uniqueName('ssa-delete');
      const target = targetFor(cp, ns);
      assert.equal((await cp.kubectl(['create', 'namespace', ns])).code, 0);
      assert.equal((await cp.kubectl(['create', 'configmap', 'theirs', '-n', ns, '--from-literal=x=1'])).code, 0);
      const ours = kubeObject(target, configMap(ns, 'ours', { y: '2' }));
      await apply([ours]);
      const destroyList = [ours, kubeObject(target, configMap(ns, 'theirs', { x: '1' }))];
      const { plan } = await planDestroy(destroyList, new RecordingIoHost(), signal());
      assert.deepEqual(
        plan.steps.map((s) => [s.id, s.action]),
        [
          [`k8s/configmap/${ns}/theirs`, 'unchanged'],
          [`k8s/configmap/${ns}/ours`, 'delete'],
        ],
      );
      await planAndApply(destroyList, {
        io: new RecordingIoHost(),
        signal: signal(),
        mode: 'destroy',
        yes: true,
        dryRun: false,
      });
      assert.equal(await kubectlGet(cp, ['configmap', 'ours', '-n', ns]), undefined);
      assert.ok(await kubectlGet(cp, ['configmap', 'theirs', '-n', ns]), 'the unlabelled object is still there');
    },
  );

  test(
    "GIVEN a namespace solokube made that now also holds someone else's object WHEN solokube " +
      'removes it THEN it refuses, naming the object, and deletes nothing',
    async () => {
      const cp = await sharedControlPlane();
      const ns = uniqueName('ssa-ns-guard');
      const objects = () =>
        kubeResources(
          targetFor(cp, ns),
          [namespace(ns), configMap(ns, 'ours', { a: '1' }), deployment(ns, 'web', { replicas: 1 })],
          { untaint: false },
        );
      await apply(objects());
      assert.equal((await cp.kubectl(['create', 'configmap', 'theirs', '-n', ns, '--from-literal=x=1'])).code, 0);
      await assert.rejects(
        planAndApply(objects(), {
          io: new RecordingIoHost(),
          signal: signal(),
          mode: 'destroy',
          yes: true,
          dryRun: false,
        }),
        (err: unknown) => {
          assert.equal((err as { code?: string }).code, 'k8s.namespace-not-ours');
          assert.match(
            (err as Error).message,
            new RegExp(`namespace ${ns} holds objects solokube did not make \\(configmaps/theirs\\)`),
          );
          return true;
        },
      );
      assert.ok(await kubectlGet(cp, ['namespace', ns]), 'the namespace is still there');
      assert.ok(await kubectlGet(cp, ['configmap', 'theirs', '-n', ns]), 'their object is still there');
      assert.equal((await cp.kubectl(['delete', 'configmap', 'theirs', '-n', ns])).code, 0);
      await planAndApply(objects(), {
        io: new RecordingIoHost(),
        signal: signal(),
        mode: 'destroy',
        yes: true,
        dryRun: false,
      });
      const gone = await kubectlGet(cp, ['namespace', ns]);
      assert.ok(
        gone === undefined || gone.metadata.deletionTimestamp !== undefined,
        "with only solokube's objects left, the namespace goes",
      );
    },
  );
});
