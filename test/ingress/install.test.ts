// test:integration — needs root, the lab node or the Go-built Kubernetes/kops/Traefik binaries.
// `up`'s cluster part installs Traefik for real through the Kubernetes layer, against a real
// control plane (kube-apiserver, controller-manager, scheduler; kwok runs the pods): the rendered
// objects are applied with server-side apply, the Deployment's rollout is waited for, a second plan
// has nothing to do, switching `proxy:` between direct and haproxy converges both ways (the NodePort
// Service comes and goes, the pod leaves and rejoins the host network), a removed app's Ingress
// objects are pruned, and objects that are not the ingress's (the user's, or apps deploy's) stay.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig } from '../../src/config/load.js';
import { RecordingIoHost } from '../../src/core/io.js';
import { planConverge } from '../../src/core/plan.js';
import type { Resource } from '../../src/core/resource.js';
import { TRAEFIK_NAMESPACE } from '../../src/ingress/index.js';
import { INGRESS_PRUNE_ID, ingressKubeResources } from '../../src/k8s/resources/ingress.js';
import { CLUSTER_LABEL, MANAGED_BY_LABEL, MANAGED_BY_VALUE } from '../../src/k8s/types.js';
import type { DeploymentObject, KubeObject } from '../../src/k8s/types.js';
import { clusterLabelValue } from '../../src/k8s/target.js';
import { assertIdempotent } from '../support/idempotency.js';
import { applyAll } from './support/cluster.js';
import { kubectlGet, sharedControlPlane, targetFor, uniqueName } from '../support/control-plane.js';

const cluster = uniqueName('ingress');
const config = (extra: string, apps = '  - {name: hello, port: 8080}\n') =>
  parseConfig(
    `name: c1.example.com\ndnsZone: example.com\nregion: eu-west-1\ntlsEmail: ops@example.com\n${extra}apps:\n${apps}`,
    'test',
  );

const apply = applyAll;

async function pending(resources: readonly Resource[]): Promise<{ id: string; action: string }[]> {
  const { plan } = await planConverge(resources, new RecordingIoHost(), AbortSignal.timeout(60_000));
  return plan.steps.filter((s) => s.action !== 'unchanged').map((s) => ({ id: s.id, action: s.action }));
}

type PodSpec = { hostNetwork?: boolean; containers: { ports?: { containerPort: number }[] }[] };
const podSpecOf = (d: KubeObject | undefined): PodSpec =>
  (d as unknown as { spec: { template: { spec: PodSpec } } }).spec.template.spec;

describe('Traefik installed by up through the Kubernetes layer', () => {
  test(
    'GIVEN a cluster without Traefik WHEN up converges proxy: direct THEN Traefik runs in the ' +
      'host network on 8443/8080 with the app routes, rolled out, and a second plan has no ' +
      'changes',
    async () => {
      const cp = await sharedControlPlane();
      const target = targetFor(cp, cluster);
      const resources = ingressKubeResources(target, config('proxy: direct\n'));

      const before = await pending(resources);
      assert.ok(
        before.some((s) => s.id === `k8s/deployment/${TRAEFIK_NAMESPACE}/traefik` && s.action === 'create'),
        JSON.stringify(before),
      );
      await assertIdempotent(resources, { signal: AbortSignal.timeout(180_000) });

      const dep = (await kubectlGet(cp, ['-n', TRAEFIK_NAMESPACE, 'deployment', 'traefik'])) as DeploymentObject;
      assert.equal(podSpecOf(dep).hostNetwork, true);
      assert.deepEqual(
        podSpecOf(dep).containers[0]?.ports?.map((p) => p.containerPort),
        [8080, 8443, 9000],
      );
      assert.equal(dep.status?.availableReplicas, 1, 'the rollout was waited for');
      assert.equal(dep.metadata.labels?.[MANAGED_BY_LABEL], MANAGED_BY_VALUE);
      for (const name of ['hello-https', 'hello-http'])
        assert.ok(await kubectlGet(cp, ['-n', 'default', 'ingress', name]), `Ingress ${name} exists`);
      assert.equal(await kubectlGet(cp, ['-n', TRAEFIK_NAMESPACE, 'service', 'traefik']), undefined);
    },
  );

  test(
    'GIVEN Traefik in direct mode WHEN proxy switches to haproxy and back THEN each switch ' +
      'converges: the NodePort Service comes and is pruned, the pod leaves and rejoins the host ' +
      'network',
    async () => {
      const cp = await sharedControlPlane();
      const target = targetFor(cp, cluster);
      await apply(ingressKubeResources(target, config('proxy: direct\n')));

      const haproxy = ingressKubeResources(target, config('proxy: haproxy\nproxyProtocol: true\n'));
      const toHaproxy = await pending(haproxy);
      assert.deepEqual(
        toHaproxy.filter((s) => s.id.includes('traefik')).sort((a, b) => a.id.localeCompare(b.id)),
        [
          { id: `k8s/configmap/${TRAEFIK_NAMESPACE}/traefik-config`, action: 'update' },
          { id: `k8s/deployment/${TRAEFIK_NAMESPACE}/traefik`, action: 'update' },
          { id: `k8s/service/${TRAEFIK_NAMESPACE}/traefik`, action: 'create' },
        ],
      );
      await assertIdempotent(haproxy, { signal: AbortSignal.timeout(180_000) });
      const svc = (await kubectlGet(cp, ['-n', TRAEFIK_NAMESPACE, 'service', 'traefik'])) as KubeObject & {
        spec: { type: string; ports: { nodePort: number }[] };
      };
      assert.equal(svc.spec.type, 'NodePort');
      assert.deepEqual(svc.spec.ports.map((p) => p.nodePort).sort(), [30080, 30443]);
      let dep = await kubectlGet(cp, ['-n', TRAEFIK_NAMESPACE, 'deployment', 'traefik']);
      assert.notEqual(podSpecOf(dep).hostNetwork, true);
      const cm = (await kubectlGet(cp, ['-n', TRAEFIK_NAMESPACE, 'configmap', 'traefik-config'])) as KubeObject & {
        data: Record<string, string>;
      };
      assert.match(cm.data['traefik.yaml'] ?? '', /proxyProtocol:\s+trustedIPs:/);

      const direct = ingressKubeResources(target, config('proxy: direct\n'));
      const back = await pending(direct);
      assert.ok(
        back.some((s) => s.id === INGRESS_PRUNE_ID && s.action === 'update'),
        `the prune removes the Service: ${JSON.stringify(back)}`,
      );
      await assertIdempotent(direct, { signal: AbortSignal.timeout(180_000) });
      assert.equal(await kubectlGet(cp, ['-n', TRAEFIK_NAMESPACE, 'service', 'traefik']), undefined, 'Service pruned');
      dep = await kubectlGet(cp, ['-n', TRAEFIK_NAMESPACE, 'deployment', 'traefik']);
      assert.equal(podSpecOf(dep).hostNetwork, true);
    },
  );

  test(
    "GIVEN an app's routes, a user's Ingress and apps deploy's Service WHEN the app leaves " +
      'solokube.yaml THEN only its Ingress objects are pruned',
    async () => {
      const cp = await sharedControlPlane();
      const target = targetFor(cp, cluster);
      const two = '  - {name: hello, port: 8080}\n  - {name: shop, port: 3000}\n';
      await apply(ingressKubeResources(target, config('proxy: direct\n', two)));
      assert.ok(await kubectlGet(cp, ['-n', 'default', 'ingress', 'shop-https']));

      // A user's own Ingress (no labels), and a Service as apps deploy labels it (solokube's, this
      // cluster's, but not part of the ingress).
      const userIngress = await cp.kubectl([
        'create',
        'ingress',
        'users-own',
        '-n',
        'default',
        '--rule=own.example.com/*=own:80',
      ]);
      assert.equal(userIngress.code, 0, userIngress.stderr);
      const appsService = await cp.kubectl([
        'create',
        'service',
        'clusterip',
        'shop',
        '-n',
        'default',
        '--tcp=3000:3000',
      ]);
      assert.equal(appsService.code, 0, appsService.stderr);
      const label = await cp.kubectl([
        'label',
        '-n',
        'default',
        'service',
        'shop',
        `${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE}`,
        `${CLUSTER_LABEL}=${clusterLabelValue(cluster)}`,
      ]);
      assert.equal(label.code, 0, label.stderr);

      const one = ingressKubeResources(target, config('proxy: direct\n'));
      await assertIdempotent(one, { signal: AbortSignal.timeout(180_000) });
      assert.equal(await kubectlGet(cp, ['-n', 'default', 'ingress', 'shop-https']), undefined);
      assert.equal(await kubectlGet(cp, ['-n', 'default', 'ingress', 'shop-http']), undefined);
      assert.ok(await kubectlGet(cp, ['-n', 'default', 'ingress', 'hello-https']), "the remaining app's route stays");
      assert.ok(await kubectlGet(cp, ['-n', 'default', 'ingress', 'users-own']), "the user's Ingress stays");
      assert.ok(await kubectlGet(cp, ['-n', 'default', 'service', 'shop']), "apps deploy's Service stays");
    },
  );

  test(
    'GIVEN the redirect switched off for an app WHEN up converges THEN only its routes change ' +
      '(the HTTP one loses the middleware), and switching it on brings the middleware back',
    async () => {
      const cp = await sharedControlPlane();
      const target = targetFor(cp, cluster);
      const middlewares = async (): Promise<string | undefined> =>
        (await kubectlGet(cp, ['-n', 'default', 'ingress', 'hello-http']))?.metadata.annotations?.[
          'traefik.ingress.kubernetes.io/router.middlewares'
        ];
      await apply(ingressKubeResources(target, config('proxy: direct\n')));
      assert.equal(await middlewares(), 'solokube-redirect-https@file');

      const off = ingressKubeResources(
        target,
        config('proxy: direct\n', '  - {name: hello, port: 8080, httpsRedirect: false}\n'),
      );
      // Both of the app's Ingresses record its mode (annotation); Traefik itself is untouched.
      assert.deepEqual(await pending(off), [
        { id: 'k8s/ingress/default/hello-https', action: 'update' },
        { id: 'k8s/ingress/default/hello-http', action: 'update' },
      ]);
      await assertIdempotent(off, { signal: AbortSignal.timeout(180_000) });
      assert.equal(await middlewares(), undefined);

      await assertIdempotent(ingressKubeResources(target, config('proxy: direct\n')), {
        signal: AbortSignal.timeout(180_000),
      });
      assert.equal(await middlewares(), 'solokube-redirect-https@file');
    },
  );

  test(
    'GIVEN an IngressClass named traefik that the user made for another controller WHEN up ' +
      "converges THEN it fails naming the conflict, and the user's object is left as it was",
    async () => {
      const cp = await sharedControlPlane();
      // A fresh control plane state for this test: remove ours, then the user claims the name.
      await cp.kubectl(['delete', 'ingressclass', 'traefik', '--wait=true']);
      const made = await cp.kubectl(['create', '-f', '-'], {
        input: JSON.stringify({
          apiVersion: 'networking.k8s.io/v1',
          kind: 'IngressClass',
          metadata: { name: 'traefik' },
          spec: { controller: 'example.com/another-controller' },
        }),
      });
      assert.equal(made.code, 0, made.stderr);
      const target = targetFor(cp, cluster);
      await assert.rejects(apply(ingressKubeResources(target, config('proxy: direct\n'))), (err: Error) => {
        assert.match(`${err.message} ${JSON.stringify(err)}`, /IngressClass traefik|spec\.controller/);
        return true;
      });
      const seen = (await kubectlGet(cp, ['ingressclass', 'traefik'])) as KubeObject & { spec: { controller: string } };
      assert.equal(seen.spec.controller, 'example.com/another-controller');
      assert.equal(seen.metadata.labels?.[MANAGED_BY_LABEL], undefined);
    },
  );
});
