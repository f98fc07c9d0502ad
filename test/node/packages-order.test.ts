// The node steps' order: only the packages step runs apt, and every step that needs a package
// waits for it, so two apt runs can never overlap (pure: no command runs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LocalShell, nodeResources, NODE_RESOURCE_IDS, parseNodeSpec } from '../../src/node/index.js';

test('GIVEN either proxy mode WHEN the node resources are built THEN rules and proxy depend on the one packages step', () => {
  for (const proxy of ['haproxy', 'direct'] as const) {
    const spec = parseNodeSpec({
      clusterName: 'c1.example.com',
      apiServerNames: ['api.c1.example.com'],
      primaryIp: '198.18.0.10',
      secondaryIp: '198.18.0.20',
      prefixLength: 24,
      interface: 'eth0',
      proxy,
    });
    const resources = nodeResources(spec, new LocalShell({ sudo: false }));
    assert.equal(resources.filter((r) => r.id === NODE_RESOURCE_IDS.packages).length, 1);
    for (const id of [NODE_RESOURCE_IDS.redirectRules, NODE_RESOURCE_IDS.proxyConfig]) {
      assert.ok(
        resources.find((r) => r.id === id)?.dependsOn?.includes(NODE_RESOURCE_IDS.packages),
        `${id} waits for packages (${proxy})`,
      );
    }
  }
});
