// App hosts must never name kops' own records (api.<cluster>, api.internal.<cluster>,
// kops-controller.internal.<cluster>, anything under internal.<cluster>, bastion, etcd) nor the
// cluster name or the zone apex: `dns sync` would point them at the Elastic IP and cleanup would
// delete them. However the host is derived: explicit `host:`, or `<app>.<appsDomain>`.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig } from '../../src/config/load.js';
import { ConfigError } from '../../src/core/errors.js';

const base = 'name: c1.example.com\ndnsZone: example.com\nregion: eu-west-1\n';

function refusedAt(yaml: string): string[] {
  try {
    parseConfig(yaml, 'test.yaml');
  } catch (e) {
    assert.ok(e instanceof ConfigError, String(e));
    return e.issues.map((i) => i.path);
  }
  return [];
}

describe("app hosts that would take over kops' records", () => {
  const explicit: [string, string][] = [
    ['the API name', 'api.c1.example.com'],
    ['the internal API name', 'api.internal.c1.example.com'],
    ["kops-controller's name", 'kops-controller.internal.c1.example.com'],
    ['a name under internal.<cluster>', 'x.internal.c1.example.com'],
    ['internal.<cluster> itself', 'internal.c1.example.com'],
    ['a name under the API name', 'www.api.c1.example.com'],
    ['the bastion name', 'bastion.c1.example.com'],
    ['an etcd name', 'etcd-a.internal.c1.example.com'],
    ['the cluster name itself', 'c1.example.com'],
    ['the zone apex', 'example.com'],
  ];
  for (const [what, host] of explicit) {
    test(`GIVEN host: ${host} (${what}) THEN it is refused at apps.0.host`, () => {
      assert.deepEqual(refusedAt(`${base}apps:\n  - {name: web, port: 80, host: ${host}}\n`), ['apps.0.host']);
    });
  }

  test('GIVEN app "api" with appsDomain equal to the cluster name THEN its derived host api.<cluster> is refused', () => {
    assert.deepEqual(refusedAt(`${base}appsDomain: c1.example.com\napps:\n  - {name: api, port: 80}\n`), [
      'apps.0.name',
    ]);
  });

  test('GIVEN appsDomain internal.<cluster> THEN the apps domain itself is refused (its wildcard would cover kops names)', () => {
    assert.ok(refusedAt(`${base}appsDomain: internal.c1.example.com\n`).includes('appsDomain'));
  });

  test('GIVEN ordinary hosts, also beside the cluster name THEN they are accepted', () => {
    assert.deepEqual(
      refusedAt(
        `${base}appsDomain: c1.example.com\napps:\n  - {name: web, port: 80}\n  - {name: shop, ` +
          `port: 81, host: shop.example.com}\n  - {name: apix, port: 82, host: ` +
          `apix.c1.example.com}\n`,
      ),
      [],
    );
  });
});
