// test:integration — needs root, the lab node or the Go-built Kubernetes/kops/Traefik binaries.
// The control-plane taint and Deployment rollouts against a real control plane whose node is
// simulated by kwok: kops' taint is removed (other taints kept) and removed again when it comes
// back; a rollout wait returns when the Deployment is Available and fails at its deadline naming
// the pods' own reasons (the scheduler's message, ImagePullBackOff, CrashLoopBackOff).

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { RecordingIoHost } from '../../src/core/io.js';
import { planConverge } from '../../src/core/plan.js';
import { planAndApply } from '../../src/core/run.js';
import { RolloutFailedError } from '../../src/k8s/errors.js';
import { CONTROL_PLANE_TAINT_ID, controlPlaneTaint } from '../../src/k8s/resources/control-plane-taint.js';
import { kubeResources } from '../../src/k8s/resources/index.js';
import type { DeploymentObject, NodeObject } from '../../src/k8s/types.js';
import { POD_BEHAVIOUR_LABEL } from '../../src/sandbox/k8s/kwok-stages.js';
import { assertIdempotent } from '../support/idempotency.js';
import {
  deployment,
  kubectlGet,
  namespace,
  sharedControlPlane,
  targetFor,
  uniqueName,
} from '../support/control-plane.js';

const apply = (resources: Parameters<typeof planAndApply>[0]) =>
  planAndApply(resources, {
    io: new RecordingIoHost(),
    signal: AbortSignal.timeout(120_000),
    mode: 'converge',
    yes: true,
    dryRun: false,
  });

describe('control-plane taint and rollouts', () => {
  test(
    'GIVEN the kops-like node with its control-plane taint and a taint of someone else WHEN ' +
      'solokube converges THEN only the control-plane taints are gone, and a rerun has nothing to do',
    async () => {
      const cp = await sharedControlPlane();
      const node = cp.nodeName!;
      assert.equal(
        (
          await cp.kubectl([
            'taint',
            'node',
            node,
            'example.com/keep=yes:PreferNoSchedule',
            'node-role.kubernetes.io/master:NoSchedule',
          ])
        ).code,
        0,
      );
      let seen = (await kubectlGet(cp, ['node', node])) as NodeObject;
      assert.deepEqual(seen.spec?.taints?.map((t) => t.key).sort(), [
        'example.com/keep',
        'node-role.kubernetes.io/control-plane',
        'node-role.kubernetes.io/master',
      ]);
      const target = targetFor(cp, uniqueName('taint'));
      const { plan } = await planConverge(
        [controlPlaneTaint(target)],
        new RecordingIoHost(),
        AbortSignal.timeout(30_000),
      );
      assert.deepEqual(JSON.parse(JSON.stringify(plan.steps[0]?.changes)), [
        {
          field: 'taints',
          from: ['node-role.kubernetes.io/control-plane:NoSchedule', 'node-role.kubernetes.io/master:NoSchedule'],
          to: [],
        },
      ]);
      await assertIdempotent([controlPlaneTaint(target)]);
      seen = (await kubectlGet(cp, ['node', node])) as NodeObject;
      assert.deepEqual(
        seen.spec?.taints?.map((t) => `${t.key}=${t.value}:${t.effect}`),
        ['example.com/keep=yes:PreferNoSchedule'],
      );
    },
  );

  test('GIVEN the taint came back (kops replaced the instance) WHEN solokube converges again THEN it is removed again', async () => {
    const cp = await sharedControlPlane();
    const node = cp.nodeName!;
    assert.equal(
      (await cp.kubectl(['taint', 'node', node, 'node-role.kubernetes.io/control-plane:NoSchedule', '--overwrite']))
        .code,
      0,
    );
    const target = targetFor(cp, uniqueName('taint'));
    const first = await apply([controlPlaneTaint(target)]);
    assert.equal(first.plan.steps.find((s) => s.id === CONTROL_PLANE_TAINT_ID)?.action, 'update');
    const seen = (await kubectlGet(cp, ['node', node])) as NodeObject;
    assert.equal(
      seen.spec?.taints?.some((t) => t.key.startsWith('node-role.kubernetes.io/')),
      false,
    );
  });

  test('GIVEN an untainted node WHEN a Deployment is applied THEN the apply returns once it is Available, and kubectl agrees', async () => {
    const cp = await sharedControlPlane();
    const ns = uniqueName('rollout-ok');
    const started = Date.now();
    await assertIdempotent(kubeResources(targetFor(cp, ns), [namespace(ns), deployment(ns, 'web', { replicas: 3 })]));
    const dep = (await kubectlGet(cp, ['deployment', 'web', '-n', ns])) as DeploymentObject;
    assert.equal(dep.status?.availableReplicas, 3);
    assert.equal(dep.status?.conditions?.find((c) => c.type === 'Available')?.status, 'True');
    assert.ok(Date.now() - started < 60_000);
    const rollout = await cp.kubectl(['rollout', 'status', `deployment/web`, '-n', ns, '--timeout=5s']);
    assert.equal(rollout.code, 0, rollout.stderr);
  });

  test("GIVEN pods that can never be scheduled WHEN the Deployment is applied THEN it fails at its deadline with the scheduler's reason", async () => {
    const cp = await sharedControlPlane();
    const ns = uniqueName('rollout-pending');
    const started = Date.now();
    await assert.rejects(
      apply(
        kubeResources(
          targetFor(cp, ns),
          [namespace(ns), deployment(ns, 'web', { replicas: 1, nodeSelector: { 'example.com/gpu': 'true' } })],
          { objectOptions: () => ({ deadlineMs: 6_000 }) },
        ),
      ),
      (err: unknown) => {
        assert.ok(err instanceof RolloutFailedError, String(err));
        assert.match(err.message, /Deployment .*\/web did not become available: not available within 6s/);
        assert.match(
          err.message,
          /Pending — Unschedulable: 0\/1 nodes are available: 1 node\(s\) didn't match Pod's node affinity\/selector/,
        );
        return true;
      },
    );
    assert.ok(Date.now() - started < 20_000, `failed after ${Date.now() - started} ms`);
  });

  test(
    'GIVEN pods whose image cannot be pulled and a 2 s progress deadline WHEN the Deployment ' +
      "is applied THEN the controller's ProgressDeadlineExceeded ends the wait, naming ImagePullBackOff",
    async () => {
      const cp = await sharedControlPlane();
      const ns = uniqueName('rollout-pull');
      const started = Date.now();
      const dep = deployment(ns, 'web', {
        replicas: 1,
        image: 'registry.example/missing:9',
        podLabels: { [POD_BEHAVIOUR_LABEL]: 'image-pull-backoff' },
        progressDeadlineSeconds: 2,
      });
      await assert.rejects(
        apply(
          kubeResources(targetFor(cp, ns), [namespace(ns), dep], { objectOptions: () => ({ deadlineMs: 60_000 }) }),
        ),
        (err: unknown) => {
          assert.ok(err instanceof RolloutFailedError, String(err));
          assert.match(err.message, /ProgressDeadlineExceeded/);
          assert.match(
            err.message,
            /web-[a-z0-9]+-[a-z0-9]+: ImagePullBackOff \(Back-off pulling image "registry.example\/missing:9"/,
          );
          return true;
        },
      );
      assert.ok(
        Date.now() - started < 40_000,
        `failed after ${Date.now() - started} ms, not at the controller's deadline`,
      );
    },
  );

  test("GIVEN containers that keep crashing WHEN the Deployment is applied THEN it fails at solokube's deadline, naming CrashLoopBackOff", async () => {
    const cp = await sharedControlPlane();
    const ns = uniqueName('rollout-crash');
    const dep = deployment(ns, 'web', { replicas: 2, podLabels: { [POD_BEHAVIOUR_LABEL]: 'crash-loop' } });
    await assert.rejects(
      apply(kubeResources(targetFor(cp, ns), [namespace(ns), dep], { objectOptions: () => ({ deadlineMs: 5_000 }) })),
      (err: unknown) => {
        assert.ok(err instanceof RolloutFailedError, String(err));
        assert.match(err.message, /CrashLoopBackOff \(back-off 40s restarting failed container=web/);
        assert.equal((err.details?.podReasons as string[]).length, 2);
        return true;
      },
    );
    const { plan } = await planConverge(
      kubeResources(targetFor(cp, ns), [namespace(ns), dep]),
      new RecordingIoHost(),
      AbortSignal.timeout(30_000),
    );
    const step = plan.steps.find((s) => s.id === `k8s/deployment/${ns}/web`);
    assert.deepEqual(
      step?.changes.map((c) => [c.field, c.to]),
      [['rollout', 'available']],
      'the unavailable Deployment is still work for the next up',
    );
  });
});
