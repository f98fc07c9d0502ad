// test:integration — needs root, the lab node or the Go-built Kubernetes/kops/Traefik binaries.
// The Kubernetes part wired into the commands: with `kubeconfig:` in solokube.yaml, `plan` lists
// k8s/ steps beside the AWS ones, `doctor` checks the API, the node's readiness and its taint,
// `up` removes the taint and installs Traefik, and `status` then reports everything converged. The real CLI as a
// subprocess, against the AWS emulator and a real control plane.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CONFIG_YAML, operations, startLab } from '../aws/harness.js';
import type { Lab } from '../aws/harness.js';
import type { NodeObject } from '../../src/k8s/types.js';
import { kubectlGet, sharedControlPlane } from '../support/control-plane.js';

interface Checks {
  checks: { id: string; status: string; summary: string }[];
}

/** The ingress's readiness is a cluster check too (k8s/…); this test is about the API, the node and its taint. */
const INGRESS_CHECK = 'k8s/ingress-ready';

describe('the Kubernetes part in plan, doctor, up and status', () => {
  let lab: Lab;
  before(async () => {
    const cp = await sharedControlPlane();
    lab = await startLab({ config: `${CONFIG_YAML}secondaryIp: false\nkubeconfig: ${cp.kubeconfigPath}\n` });
  });
  after(async () => lab?.close());

  test(
    "GIVEN a configured kubeconfig and kops' tainted node WHEN plan, doctor, up, status and " +
      'doctor run THEN the taint shows, is removed, and everything checks out',
    async () => {
      const cp = await sharedControlPlane();
      const plan = await lab.cli(['plan', '--output', 'json']);
      assert.equal(plan.code, 0, plan.stderr);
      const steps = plan.json().result?.plan?.steps ?? [];
      // The taint, and Traefik with the app's routes (test/ingress/install.test.ts covers them in depth).
      const k8sSteps = steps.filter((s) => s.id.startsWith('k8s/')).map((s) => [s.id, s.action]);
      assert.deepEqual(
        k8sSteps.filter(([id]) => id === 'k8s/control-plane-taint' || id === 'k8s/deployment/solokube-ingress/traefik'),
        [
          ['k8s/deployment/solokube-ingress/traefik', 'create'],
          ['k8s/control-plane-taint', 'update'],
        ],
      );
      assert.ok(
        k8sSteps.some(([id, action]) => id === 'k8s/ingress/default/hello-https' && action === 'create'),
        JSON.stringify(k8sSteps),
      );
      assert.ok(
        steps.some((s) => s.id === 'aws/control-plane'),
        'the AWS part is in the same plan',
      );

      const before = await lab.cli(['doctor', '--hops', 'aws,cluster', '--output', 'json']);
      const firstChecks =
        (before.json().error?.details as unknown as Checks | undefined)?.checks ??
        (before.json().result as unknown as Checks).checks;
      const k8sBefore = Object.fromEntries(
        firstChecks.filter((c) => c.id.startsWith('k8s/') && c.id !== INGRESS_CHECK).map((c) => [c.id, c.status]),
      );
      assert.deepEqual(k8sBefore, { 'k8s/api': 'pass', 'k8s/node-ready': 'pass', 'k8s/node-untainted': 'fail' });
      assert.match(firstChecks.find((c) => c.id === 'k8s/api')!.summary, /Kubernetes v1\.36\.3/);

      const up = await lab.cli(['up', '--yes', '--output', 'json']);
      assert.equal(up.code, 0, up.stderr);
      const node = (await kubectlGet(cp, ['node', cp.nodeName!])) as NodeObject;
      assert.equal(
        (node.spec?.taints ?? []).some((t) => t.key === 'node-role.kubernetes.io/control-plane'),
        false,
        'kubectl sees the taint gone',
      );

      const status = await lab.cli(['status', '--output', 'json']);
      assert.equal(status.code, 0, status.stderr);
      assert.equal(status.json().result?.converged, true);

      const afterUp = await lab.cli(['doctor', '--hops', 'aws,cluster', '--output', 'json']);
      const checks =
        (afterUp.json().error?.details as unknown as Checks | undefined)?.checks ??
        (afterUp.json().result as unknown as Checks).checks;
      assert.deepEqual(
        checks.filter((c) => c.id.startsWith('k8s/') && c.id !== INGRESS_CHECK).map((c) => c.status),
        ['pass', 'pass', 'pass'],
      );
    },
  );

  test('GIVEN a kubeconfig path that does not exist WHEN plan runs THEN it fails with the kubeconfig error before contacting anything', async () => {
    const bad = await startLab({
      config: `${CONFIG_YAML}secondaryIp: false\nkubeconfig: /nonexistent/solokube-test/kubeconfig\n`,
    });
    try {
      const run = await bad.cli(['plan', '--output', 'json']);
      assert.equal(run.code, 1);
      assert.equal(run.json().error?.code, 'k8s.kubeconfig');
      assert.deepEqual(operations(bad.emu), [], 'no AWS call was made');
    } finally {
      await bad.close();
    }
  });
});
