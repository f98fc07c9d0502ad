// The app's objects, deployment record and URLs as pure functions of the configuration: what
// `apps render` prints and what `apps deploy` applies.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseConfig } from '../../src/config/load.js';
import { renderAppManifests } from '../../src/apps/manifests.js';
import {
  nextRecords,
  readRecords,
  recordAnnotations,
  HISTORY_LIMIT,
  type DeploymentRecord,
} from '../../src/apps/record.js';
import { appUrls } from '../../src/apps/urls.js';
import type { KubeObject } from '../../src/k8s/types.js';

const yaml = (extra = '', app = '') => `name: c1.example.com
dnsZone: example.com
region: eu-west-1
${extra}
apps:
  - name: web
    port: 8080
    replicas: 2
    healthPath: /healthz
    env: { LOG_LEVEL: debug, A_FIRST: "1" }
    resources: { cpu: 250m, memory: 128Mi }
  - name: plain
    port: 3000
    tls: false
${app}`;

const D = (n: number): string => `sha256:${String(n).repeat(64).slice(0, 64)}`;
const record = (revision: number, n: number): DeploymentRecord => ({
  revision,
  by: 'dev@example.com',
  at: '2026-11-30T10:00:00.000Z',
  version: `v${n}`,
  commit: `c${n}`,
  digest: D(n),
  image: `123.dkr.ecr.eu-west-1.amazonaws.com/c1.example.com/web@${D(n)}`,
});

type Dep = KubeObject & {
  spec: {
    replicas: number;
    strategy: { rollingUpdate: { maxUnavailable: number } };
    selector: { matchLabels: Record<string, string> };
    template: {
      metadata: { labels: Record<string, string> };
      spec: {
        tolerations?: unknown;
        containers: { image: string; env?: unknown; readinessProbe?: unknown; resources?: unknown }[];
      };
    };
  };
};

describe('apps: manifests, records, URLs', () => {
  it('GIVEN an app WHEN rendered THEN a Deployment by digest, a Service and its Ingresses, all labelled as solokube’s', () => {
    const config = parseConfig(yaml(), 't');
    const objs = renderAppManifests(config, 'web', { record: record(1, 1) });
    assert.deepEqual(
      objs.map((o) => `${o.kind}/${o.metadata.name}`),
      ['Deployment/web', 'Service/web', 'Ingress/web-https', 'Ingress/web-http'],
    );
    for (const o of objs) {
      assert.equal(o.metadata.labels?.['app.kubernetes.io/managed-by'], 'solokube');
      assert.equal(o.metadata.labels?.['solokube.io/app'], 'web');
    }
    const dep = objs[0] as Dep;
    assert.equal(dep.metadata.labels?.['app.kubernetes.io/name'], 'web');
    const c = dep.spec.template.spec.containers[0]!;
    assert.match(c.image, /@sha256:[0-9a-f]{64}$/, 'runs the image by digest, never a tag');
    assert.equal(dep.spec.replicas, 2);
    assert.equal(
      dep.spec.strategy.rollingUpdate.maxUnavailable,
      0,
      'the old version serves until the new one is ready',
    );
    assert.deepEqual(c.env, [
      { name: 'A_FIRST', value: '1' },
      { name: 'LOG_LEVEL', value: 'debug' },
    ]);
    assert.deepEqual(c.readinessProbe, { httpGet: { path: '/healthz', port: 8080 }, periodSeconds: 5 });
    assert.deepEqual(c.resources, { requests: { cpu: '250m', memory: '128Mi' }, limits: { memory: '128Mi' } });
    assert.deepEqual(dep.spec.selector.matchLabels, { 'app.kubernetes.io/name': 'web' });
    assert.deepEqual(
      dep.spec.template.spec.tolerations,
      [{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' }],
      'the pods schedule on the one node while kops has put its taint back (a replaced or resumed instance)',
    );
    const svc = objs[1] as KubeObject & { spec: { selector: unknown; ports: { port: number }[] } };
    assert.deepEqual(svc.spec.selector, { 'app.kubernetes.io/name': 'web' });
    assert.equal(svc.spec.ports[0]?.port, 8080);
    assert.equal(readRecords(dep)?.current.digest, D(1));
  });

  it('GIVEN tls: false WHEN rendered THEN only the http Ingress, and the only URL is http', () => {
    const config = parseConfig(yaml(), 't');
    assert.deepEqual(
      renderAppManifests(config, 'plain', { record: record(1, 1) }).map((o) => o.metadata.name),
      ['plain', 'plain', 'plain-http'],
    );
    assert.deepEqual(appUrls(config, 'plain'), ['http://plain.example.com/']);
  });

  it('GIVEN the secondary IP on or off WHEN the URLs are asked THEN https on 443, or on NodePort 30443 without it', () => {
    assert.deepEqual(appUrls(parseConfig(yaml(), 't'), 'web'), ['https://web.example.com/']);
    assert.deepEqual(appUrls(parseConfig(yaml('httpsRedirect: false'), 't'), 'web'), [
      'https://web.example.com/',
      'http://web.example.com/',
    ]);
    assert.deepEqual(appUrls(parseConfig(yaml('secondaryIp: false'), 't'), 'web'), ['https://web.example.com:30443/']);
  });

  it('GIVEN an unknown app WHEN rendered THEN a usage error naming the configured apps', () => {
    const config = parseConfig(yaml(), 't');
    assert.throws(
      () => renderAppManifests(config, 'nope', { record: record(1, 1) }),
      (e: Error & { exitCode?: number; remedy?: string }) => e.exitCode === 2 && /web, plain/.test(e.remedy ?? ''),
    );
  });

  it('GIVEN hostile app settings WHEN the configuration is read THEN they are refused', () => {
    for (const bad of [
      'healthPath: "/x; rm -rf /"',
      'env: { "BAD NAME": x }',
      'resources: { memory: "1e9$(id)" }',
      'replicas: -1',
    ]) {
      assert.throws(() => parseConfig(yaml('', `  - name: evil\n    port: 80\n    ${bad}\n`), 't'), /evil|apps/);
    }
  });

  it('GIVEN a running record WHEN the same digest is deployed again THEN the record is kept as it is (no change to apply)', () => {
    const live = { metadata: { annotations: recordAnnotations(record(3, 3), [record(2, 2)]) } };
    const next = nextRecords(live, { ...record(9, 3), at: '2027-01-01T00:00:00.000Z', by: 'other' });
    assert.deepEqual(next, { current: record(3, 3), earlier: [record(2, 2)] });
  });

  it('GIVEN a running record WHEN another digest is deployed THEN the revision grows and the old record moves into the bounded history', () => {
    const earlier = Array.from({ length: HISTORY_LIMIT }, (_, i) => record(HISTORY_LIMIT - i, 1));
    const live = { metadata: { annotations: recordAnnotations(record(HISTORY_LIMIT + 1, 2), earlier) } };
    const { revision: _r, ...wanted } = record(0, 4);
    const next = nextRecords(live, wanted);
    assert.equal(next.current.revision, HISTORY_LIMIT + 2);
    assert.equal(next.earlier.length, HISTORY_LIMIT);
    assert.deepEqual(next.earlier[0], record(HISTORY_LIMIT + 1, 2));
    assert.equal(nextRecords(undefined, wanted).current.revision, 1);
  });

  it('GIVEN a history annotation edited into garbage WHEN read THEN the current record still stands', () => {
    const ann = { ...recordAnnotations(record(2, 2), []), 'solokube.io/history': '{not json' };
    assert.deepEqual(readRecords({ metadata: { annotations: ann } }), { current: record(2, 2), earlier: [] });
    assert.equal(readRecords({ metadata: { annotations: {} } }), undefined);
  });
});
