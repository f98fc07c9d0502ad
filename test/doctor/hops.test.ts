// The first broken hop is the earliest along the path, whatever order the checks finished in.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { firstBroken, inPathOrder } from '../../src/doctor/hops.js';
import type { Check } from '../../src/aws/doctor.js';

const c = (hop: string, id: string, status: Check['status']): Check => ({ id, hop, status, summary: id });

test('GIVEN failures on e2e, dns and node reported in that order WHEN the first broken is asked THEN it is the node one', () => {
  const checks = [
    c('e2e', 'e2e/hello', 'fail'),
    c('dns', 'dns/hello', 'fail'),
    c('aws', 'credentials', 'pass'),
    c('node', 'node/redirect', 'fail'),
    c('node', 'node/secondary-address', 'pass'),
  ];
  assert.equal(firstBroken(checks)?.id, 'node/redirect');
  assert.deepEqual(
    inPathOrder(checks).map((x) => x.id),
    ['credentials', 'node/redirect', 'node/secondary-address', 'dns/hello', 'e2e/hello'],
  );
});

test('GIVEN only passes, warnings and skips WHEN the first broken is asked THEN there is none', () => {
  assert.equal(firstBroken([c('aws', 'a', 'pass'), c('node', 'b', 'warn'), c('cluster', 'd', 'skip')]), undefined);
});
