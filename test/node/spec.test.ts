import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '../../src/core/errors.js';
import { parseNodeSpec } from '../../src/node/spec.js';
import { BASE_INPUT } from './support/specs.js';

function issuesOf(input: Record<string, unknown>): string[] {
  try {
    parseNodeSpec({ ...BASE_INPUT, ...input } as never);
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    return err.issues.map((i) => i.path);
  }
  return [];
}

describe('NodeSpec validation', () => {
  test('GIVEN a valid spec WHEN parsed THEN defaults fill the ports and proxyProtocol', () => {
    const s = parseNodeSpec(BASE_INPUT);
    assert.equal(s.ports.proxyHttps, 8443);
    assert.equal(s.ports.stats, 8404);
    assert.equal(s.proxyProtocol, false);
  });

  test('GIVEN hostile or malformed values WHEN parsed THEN each is reported with its path, all at once', () => {
    assert.deepEqual(
      issuesOf({ clusterName: 'c1;reboot', primaryIp: '198.18.0.010', interface: 'eth0 up', prefixLength: 33 }).sort(),
      ['clusterName', 'interface', 'prefixLength', 'primaryIp'],
    );
    assert.deepEqual(issuesOf({ apiServerNames: ['api.c1.example.com', '$(id)'] }), ['apiServerNames.1']);
    assert.deepEqual(issuesOf({ apiServerNames: [] }), ['apiServerNames']);
    assert.deepEqual(issuesOf({ interface: 'a-very-long-ifname' }), ['interface']);
    assert.deepEqual(issuesOf({ ports: { stats: 70000 } }), ['ports.stats']);
    assert.deepEqual(issuesOf({ secondaryIp: '198.18.0.999' }), ['secondaryIp']);
    assert.deepEqual(issuesOf({ extra: 1 }), ['']);
  });

  test('GIVEN a secondary address equal to the primary, outside its subnet, or the broadcast address THEN it is refused', () => {
    assert.deepEqual(issuesOf({ secondaryIp: '198.18.0.10' }), ['secondaryIp']);
    assert.deepEqual(issuesOf({ secondaryIp: '198.18.1.20' }), ['secondaryIp']);
    assert.deepEqual(issuesOf({ secondaryIp: '198.18.0.255' }), ['secondaryIp']);
    assert.deepEqual(issuesOf({ secondaryIp: '198.18.1.20', prefixLength: 20 }), []);
  });

  test('GIVEN colliding ports or PROXY protocol in direct mode THEN they are refused', () => {
    assert.deepEqual(issuesOf({ ports: { stats: 8443 } }), ['ports']);
    assert.deepEqual(issuesOf({ ports: { proxyHttps: 443 } }), ['ports']);
    assert.deepEqual(issuesOf({ proxy: 'direct', proxyProtocol: true }), ['proxyProtocol']);
  });
});
