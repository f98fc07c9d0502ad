import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig } from '../../src/config/load.js';
import { EXAMPLE_CONFIG } from '../../src/config/example.js';
import { renderUpSummary, upSummary } from '../../src/stack/summary.js';
import { unknownAfter } from '../../src/core/unknown.js';
import { publicMappings } from '../../src/sandbox/env/gateway-sync.js';
import type { ControlPlane } from '../../src/aws/resources/control-plane.js';
import type { EmulatorStateView } from '../../src/sandbox/aws/index.js';

const config = parseConfig(EXAMPLE_CONFIG, 'example');
const controlPlane = {
  instanceId: 'i-1',
  primaryPrivateIp: '198.18.0.10',
  primaryPublicIp: '198.19.1.10',
} as ControlPlane;

describe('up summary', () => {
  test('GIVEN the secondary path THEN apps go to the Elastic IP, the API to the primary public IP, the checks rely on DNS, and the cost is one IPv4', () => {
    const s = upSummary({
      config,
      controlPlane,
      secondary: { networkInterfaceId: 'eni-1', address: '198.18.0.4', prefixLength: 24, recorded: true },
      elasticIp: { allocationId: 'eipalloc-1', publicIp: '198.19.1.1', owned: true, source: 'tagged' },
    });
    assert.equal(s.monthlyCostUsd, 3.65);
    assert.deepEqual(s.checks, [
      'curl -sS https://hello.example.com/',
      'curl -sS https://api.c1.example.com/version',
      'curl -sS http://hello.example.com/',
    ]);
    assert.match(renderUpSummary(s), /Elastic IP 198\.19\.1\.1 → secondary 198\.18\.0\.4:443\/80/);
  });

  test('GIVEN addresses not known yet THEN no placeholder address is printed', () => {
    const s = upSummary({
      config,
      controlPlane,
      elasticIp: { allocationId: unknownAfter('x'), publicIp: unknownAfter('x'), owned: true, source: 'tagged' },
    });
    assert.equal(s.elasticIp, undefined);
    assert.match(renderUpSummary(s), /Elastic IP \? →/);
  });

  test('GIVEN no secondary IP THEN the NodePort URLs on the primary address, and no cost', () => {
    const s = upSummary({ config: { ...config, secondaryIp: false }, controlPlane });
    assert.equal(s.appUrl, 'https://<app>.example.com:30443');
    assert.equal(s.monthlyCostUsd, 0);
    assert.equal(
      s.checks[0],
      'curl -sS https://hello.example.com:30443/',
      'the name resolves to the primary public address',
    );
  });
});

describe('sandbox gateway mappings', () => {
  test('the instance public IP maps to the primary; an EIP maps to the private IP it is associated with; an idle EIP maps nowhere', () => {
    const state = {
      networkInterfaces: {
        'eni-1': {
          privateIps: [
            { address: '198.18.0.10', primary: true },
            { address: '198.18.0.4', primary: false },
          ],
          autoPublicIp: '198.19.1.10',
        },
      },
      addresses: {
        a: {
          allocationId: 'a',
          publicIp: '198.19.1.1',
          tags: {},
          association: { associationId: 'x', networkInterfaceId: 'eni-1', privateIpAddress: '198.18.0.4' },
        },
        b: { allocationId: 'b', publicIp: '198.19.1.2', tags: {} },
      },
    } as unknown as EmulatorStateView;
    assert.deepEqual(publicMappings(state, 'eni-1'), [
      { publicIp: '198.19.1.1', privateIp: '198.18.0.4' },
      { publicIp: '198.19.1.10', privateIp: '198.18.0.10' },
    ]);
    assert.deepEqual(publicMappings(state, 'eni-unknown'), []);
  });
});
