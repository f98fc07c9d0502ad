// Choosing a free address in a subnet: AWS's five reserved addresses are never offered, nor any in use.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { freeSubnetAddresses, pickFreeSubnetAddress } from '../../src/aws/subnet-addresses.js';

describe('free addresses in a subnet', () => {
  test('GIVEN a /28 WHEN nothing is in use THEN the first four and the last address are not offered', () => {
    const free = freeSubnetAddresses('10.0.1.16/28', new Set());
    assert.deepEqual(free, [
      '10.0.1.20',
      '10.0.1.21',
      '10.0.1.22',
      '10.0.1.23',
      '10.0.1.24',
      '10.0.1.25',
      '10.0.1.26',
      '10.0.1.27',
      '10.0.1.28',
      '10.0.1.29',
      '10.0.1.30',
    ]);
  });

  test('GIVEN addresses in use WHEN picking THEN only a free one is returned, and none once all are taken', () => {
    const all = freeSubnetAddresses('198.18.0.0/28', new Set())!;
    const taken = new Set(all.slice(0, -1));
    assert.equal(
      pickFreeSubnetAddress('198.18.0.0/28', taken, () => 0.99),
      all.at(-1),
    );
    assert.equal(pickFreeSubnetAddress('198.18.0.0/28', new Set(all)), undefined);
  });

  test('GIVEN a random source WHEN picking THEN the choice spreads over the free addresses instead of always the lowest', () => {
    const free = freeSubnetAddresses('198.18.0.0/24', new Set())!;
    assert.equal(
      pickFreeSubnetAddress('198.18.0.0/24', new Set(), () => 0),
      free[0],
    );
    assert.equal(
      pickFreeSubnetAddress('198.18.0.0/24', new Set(), () => 0.5),
      free[Math.floor(free.length / 2)],
    );
  });

  test('GIVEN a malformed or too small CIDR WHEN asked THEN there is no answer rather than a wrong one', () => {
    for (const cidr of ['10.0.0.0', '10.0.0/24', '10.0.0.0/33', '10.0.0.0/30', 'x/24']) {
      assert.equal(freeSubnetAddresses(cidr, new Set()), undefined, cidr);
    }
  });
});
