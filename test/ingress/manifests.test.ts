// Traefik's manifests and the apps' Ingress objects against golden files (UPDATE_GOLDEN=1
// rewrites them), plus the properties that matter whatever the layout: modes, ports, RBAC,
// per-app redirect, no AWS credentials anywhere.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { parse } from 'yaml';
import { parseConfig } from '../../src/config/load.js';
import {
  ingressSettings,
  manifestsToYaml,
  renderFileRoutes,
  renderIngressManifests,
  type K8sObject,
} from '../../src/ingress/index.js';

/** Traefik's configuration is free-form YAML; the tests index into it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type FreeForm = any;

function golden(name: string, actual: string): void {
  const url = new URL(`../../../test/ingress/golden/${name}`, import.meta.url);
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(url, actual);
  assert.equal(actual, readFileSync(url, 'utf8'), `golden file ${name} differs (UPDATE_GOLDEN=1 to accept)`);
}

const base = `name: c1.example.com
dnsZone: example.com
region: eu-west-1
tlsEmail: ops@example.com
apps:
  - {name: hello, port: 8080}
  - {name: shop, port: 3000, host: shop.example.com, httpsRedirect: false}
  - {name: legacy, port: 80, tls: false}
`;

const find = (objs: K8sObject[], kind: string, name?: string): K8sObject => {
  const o = objs.find((x) => x.kind === kind && (name === undefined || x.metadata.name === name));
  assert.ok(o, `${kind} ${name ?? ''} rendered`);
  return o;
};
const podSpec = (objs: K8sObject[]) =>
  (
    find(objs, 'Deployment') as unknown as {
      spec: { template: { spec: Record<string, unknown> & { containers: { ports: { containerPort: number }[] }[] } } };
    }
  ).spec.template.spec;
const staticConfig = (objs: K8sObject[]) =>
  parse((find(objs, 'ConfigMap') as unknown as { data: Record<string, string> }).data['traefik.yaml']!) as Record<
    string,
    FreeForm
  >;
const dynamicConfig = (objs: K8sObject[]) =>
  parse((find(objs, 'ConfigMap') as unknown as { data: Record<string, string> }).data['dynamic.yaml']!) as Record<
    string,
    FreeForm
  >;

describe('ingress manifests', () => {
  test(
    'GIVEN the default (direct) mode THEN hostNetwork Traefik on 8080/8443 with one replica, ' +
      'the pinned image, ACME over HTTP-01 on web, and the golden file',
    () => {
      const objs = renderIngressManifests(parseConfig(base, 't'));
      golden('direct.yaml', manifestsToYaml(objs));
      const spec = podSpec(objs);
      assert.equal(spec.hostNetwork, true);
      assert.deepEqual(
        spec.containers[0]!.ports.map((p) => p.containerPort),
        [8080, 8443, 9000],
      );
      const d = find(objs, 'Deployment') as unknown as {
        spec: { replicas: number; strategy: { type: string }; template: { spec: { containers: { image: string }[] } } };
      };
      assert.equal(d.spec.replicas, 1);
      assert.equal(d.spec.strategy.type, 'Recreate');
      assert.equal(d.spec.template.spec.containers[0]!.image, 'traefik:v3.6.12');
      const st = staticConfig(objs);
      assert.equal(st.entryPoints.web.address, ':8080');
      assert.equal(st.entryPoints.websecure.address, ':8443');
      assert.equal(
        st.entryPoints.traefik.address,
        '127.0.0.1:9000',
        'admin entrypoint defined, so Traefik does not create one on :8080',
      );
      assert.deepEqual(st.certificatesResolvers.le.acme, {
        email: 'ops@example.com',
        caServer: 'https://acme-v02.api.letsencrypt.org/directory',
        storage: '/data/acme.json',
        keyType: 'EC256',
        httpChallenge: { entryPoint: 'web' },
      });
      assert.equal(
        objs.some((o) => o.kind === 'Service'),
        false,
        'no NodePort Service in direct mode',
      );
      assert.equal(
        dynamicConfig(objs).http.middlewares['solokube-redirect-https'].redirectScheme.port,
        undefined,
        'redirect to the standard 443',
      );
    },
  );

  test('GIVEN apps in the three HTTP modes THEN redirect, both, and HTTP-only Ingresses carry the matching Traefik annotations', () => {
    const objs = renderIngressManifests(parseConfig(base, 't'));
    const ingresses = objs.filter((o) => o.kind === 'Ingress');
    assert.deepEqual(
      ingresses.map((i) => i.metadata.name),
      ['hello-https', 'hello-http', 'shop-https', 'shop-http', 'legacy-http'],
    );
    const ann = (n: string) => find(objs, 'Ingress', n).metadata.annotations!;
    assert.equal(ann('hello-https')['traefik.ingress.kubernetes.io/router.entrypoints'], 'websecure');
    assert.equal(ann('hello-https')['traefik.ingress.kubernetes.io/router.tls.certresolver'], 'le');
    assert.equal(ann('hello-http')['traefik.ingress.kubernetes.io/router.middlewares'], 'solokube-redirect-https@file');
    assert.equal(
      ann('shop-http')['traefik.ingress.kubernetes.io/router.middlewares'],
      undefined,
      'redirect disabled for shop',
    );
    assert.equal(ann('legacy-http')['traefik.ingress.kubernetes.io/router.tls'], undefined);
    assert.equal(
      objs.some((o) => o.metadata.name === 'legacy-https'),
      false,
      'tls: false has no HTTPS router and so no certificate order',
    );
  });

  test('GIVEN proxy: haproxy with PROXY v2 THEN a pod behind NodePorts 30080/30443 trusting PROXY from the node only, and the golden file', () => {
    const objs = renderIngressManifests(parseConfig(`${base}proxy: haproxy\nproxyProtocol: true\n`, 't'), {
      nodePrimaryIp: '198.18.0.10',
    });
    golden('haproxy-proxy-v2.yaml', manifestsToYaml(objs));
    assert.equal(podSpec(objs).hostNetwork, undefined);
    const svc = find(objs, 'Service') as unknown as {
      spec: { type: string; ports: { nodePort: number; targetPort: number }[] };
    };
    assert.equal(svc.spec.type, 'NodePort');
    assert.deepEqual(
      svc.spec.ports.map((p) => [p.nodePort, p.targetPort]),
      [
        [30080, 8080],
        [30443, 8443],
      ],
    );
    const st = staticConfig(objs);
    for (const ep of ['web', 'websecure'])
      assert.deepEqual(st.entryPoints[ep].proxyProtocol.trustedIPs, [
        '127.0.0.1/32',
        '198.18.0.10/32',
        '100.96.0.0/11',
      ]);
    assert.equal(st.entryPoints.traefik.address, ':9000', 'probes reach the pod IP');
    const plain = staticConfig(renderIngressManifests(parseConfig(`${base}proxy: haproxy\n`, 't')));
    assert.equal(plain.entryPoints.web.proxyProtocol, undefined, 'no PROXY trust without proxyProtocol');
  });

  test('GIVEN no secondary IP THEN Traefik serves :80 and HTTPS on 30443 on the node, and the redirect names :30443', () => {
    const objs = renderIngressManifests(parseConfig(`${base}secondaryIp: false\n`, 't'));
    golden('no-secondary.yaml', manifestsToYaml(objs));
    const st = staticConfig(objs);
    assert.equal(st.entryPoints.web.address, ':80');
    assert.equal(st.entryPoints.websecure.address, ':30443');
    assert.equal(dynamicConfig(objs).http.middlewares['solokube-redirect-https'].redirectScheme.port, '30443');
    const caps = (podSpec(objs).containers[0] as unknown as { securityContext: { capabilities: { add?: string[] } } })
      .securityContext.capabilities;
    assert.deepEqual(caps.add, ['NET_BIND_SERVICE'], 'port 80 needs it; the other modes do not');
  });

  test('GIVEN acme staging or a directory URL THEN the resolver uses it', () => {
    assert.equal(
      staticConfig(renderIngressManifests(parseConfig(`${base}acme: staging\n`, 't'))).certificatesResolvers.le.acme
        .caServer,
      'https://acme-staging-v02.api.letsencrypt.org/directory',
    );
    assert.equal(
      staticConfig(renderIngressManifests(parseConfig(`${base}acme: https://198.19.0.100:14000/dir\n`, 't')))
        .certificatesResolvers.le.acme.caServer,
      'https://198.19.0.100:14000/dir',
    );
  });

  test(
    'GIVEN every mode THEN RBAC is read-only on what the Ingress provider watches, every ' +
      'object is labelled ours, and no AWS credential appears anywhere',
    () => {
      for (const extra of ['', 'proxy: haproxy\nproxyProtocol: true\n', 'secondaryIp: false\n']) {
        const objs = renderIngressManifests(parseConfig(`${base}${extra}`, 't'));
        const role = find(objs, 'ClusterRole') as unknown as { rules: { resources: string[]; verbs: string[] }[] };
        assert.ok(
          role.rules.every((r) => r.verbs.every((v) => ['get', 'list', 'watch'].includes(v))),
          'no write verbs',
        );
        assert.deepEqual(role.rules.flatMap((r) => r.resources).sort(), [
          'endpointslices',
          'ingressclasses',
          'ingresses',
          'nodes',
          'secrets',
          'services',
        ]);
        assert.ok(objs.every((o) => o.metadata.labels?.['app.kubernetes.io/managed-by'] === 'solokube'));
        assert.ok(
          objs.every(
            (o) => typeof o.apiVersion === 'string' && typeof o.kind === 'string' && o.metadata.name.length > 0,
          ),
          'plain objects for server-side apply',
        );
        assert.doesNotMatch(manifestsToYaml(objs), /AWS_|aws_access|secretAccessKey|route53/i);
      }
    },
  );

  test('GIVEN the apps WHEN rendered as file-provider routes (the lab, no cluster) THEN each router carries what its Ingress annotations say', () => {
    const config = parseConfig(base, 't');
    const ingresses = renderIngressManifests(config).filter((o) => o.kind === 'Ingress');
    const routes = renderFileRoutes(ingressSettings(config), { hello: 'http://127.0.0.1:1' }) as {
      http: { routers: Record<string, FreeForm>; services: Record<string, unknown> };
    };
    assert.deepEqual(
      Object.keys(routes.http.routers),
      ingresses.map((i) => i.metadata.name),
    );
    for (const ing of ingresses) {
      const a = ing.metadata.annotations!;
      const r = routes.http.routers[ing.metadata.name];
      assert.deepEqual(r.entryPoints, [a['traefik.ingress.kubernetes.io/router.entrypoints']]);
      assert.equal(r.tls?.certResolver, a['traefik.ingress.kubernetes.io/router.tls.certresolver']);
      assert.deepEqual(r.middlewares, a['traefik.ingress.kubernetes.io/router.middlewares']?.split(','));
      assert.equal(
        r.rule,
        `Host(\`${(ing as unknown as { spec: { rules: { host: string }[] } }).spec.rules[0]!.host}\`)`,
      );
    }
    assert.deepEqual(Object.keys(routes.http.services), ['hello'], 'only apps with a backend get a service');
  });

  test(
    "GIVEN a test ACME server's listener CA (the sandbox's pebble) THEN it travels in the " +
      'ConfigMap, is mounted beside the static config and Traefik trusts it for the directory; ' +
      'without one, nothing of it is rendered',
    () => {
      const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
      const config = parseConfig(`${base}acme: https://198.19.0.100:14000/dir\n`, 't');
      const objs = renderIngressManifests(config, { acmeCaPem: pem });
      const cm = find(objs, 'ConfigMap') as unknown as { data: Record<string, string> };
      assert.equal(cm.data['acme-ca.pem'], pem);
      const acme = staticConfig(objs).certificatesResolvers.le.acme;
      assert.equal(acme.caServer, 'https://198.19.0.100:14000/dir');
      assert.deepEqual(acme.caCertificates, ['/etc/traefik/static/acme-ca.pem']);
      const volumes = (
        podSpec(objs) as unknown as { volumes: { name: string; configMap?: { items: { path: string }[] } }[] }
      ).volumes;
      const mount = (
        podSpec(objs).containers[0] as unknown as { volumeMounts: { name: string; mountPath: string }[] }
      ).volumeMounts.find((m) => m.mountPath === '/etc/traefik/static');
      const items = volumes.find((v) => v.name === mount?.name)?.configMap?.items.map((i) => i.path);
      assert.deepEqual(items, ['traefik.yaml', 'acme-ca.pem']);

      const plain = renderIngressManifests(config);
      assert.equal(
        (find(plain, 'ConfigMap') as unknown as { data: Record<string, string> }).data['acme-ca.pem'],
        undefined,
      );
      assert.equal(staticConfig(plain).certificatesResolvers.le.acme.caCertificates, undefined);
    },
  );
});
