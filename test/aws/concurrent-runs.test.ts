// Two mutating runs for the same cluster at once: the second waits for the first (a lock per
// cluster), so they end with exactly one secondary IP and one Elastic IP instead of two of each.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addressesOf, controlPlaneEni, startLab } from './harness.js';

test('GIVEN two setup runs started at once WHEN both finish THEN exactly one secondary IP and one tagged Elastic IP exist', async () => {
  const lab = await startLab();
  try {
    // Slow creates widen the window in which both runs have planned "create".
    lab.emu.injectFault({ service: 'ec2', operation: 'AssignPrivateIpAddresses', kind: 'latency', ms: 700, times: 2 });
    lab.emu.injectFault({ service: 'ec2', operation: 'AllocateAddress', kind: 'latency', ms: 700, times: 2 });
    const [a, b] = await Promise.all([
      lab.cli(['secondary-ip', 'setup', '--yes']),
      lab.cli(['secondary-ip', 'setup', '--yes']),
    ]);
    assert.equal(a.code, 0, a.stderr);
    assert.equal(b.code, 0, b.stderr);
    const s = lab.emu.state();
    assert.equal(controlPlaneEni(s).privateIps.filter((p) => !p.primary).length, 1);
    assert.equal(addressesOf(s).length, 1);
  } finally {
    await lab.close();
  }
});
