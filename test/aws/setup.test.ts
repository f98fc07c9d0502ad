// secondary-ip setup through the CLI against the emulator: a fresh account ends with one tagged
// Elastic IP on a secondary private IP and solokube's security group attached; a rerun changes
// nothing.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { addressesOf, controlPlaneEni, mutatingCalls, ourGroups, startLab } from './harness.js';
import type { Lab } from './harness.js';

describe('secondary-ip setup on a fresh account', () => {
  let lab: Lab;
  before(async () => {
    lab = await startLab();
  });
  after(async () => {
    await lab.close();
  });

  test(
    'GIVEN a kops cluster and no addresses WHEN setup runs with --yes THEN one tagged EIP ' +
      'sits on a new secondary IP and 80/443 are open on an attached owned group',
    async () => {
      const run = await lab.cli(['secondary-ip', 'setup', '--yes']);
      assert.equal(run.code, 0, run.stderr);
      const state = lab.emu.state();
      const ours = addressesOf(state);
      assert.equal(ours.length, 1);
      const eip = ours[0]!;
      assert.equal(eip.tags['solokube.io/role'], 'apps-elastic-ip');
      const eni = controlPlaneEni(state);
      const secondary = eni.privateIps.find((p) => !p.primary);
      assert.ok(secondary, 'a secondary private IP was assigned');
      assert.equal(eip.association?.networkInterfaceId, eni.networkInterfaceId);
      assert.equal(eip.association?.privateIpAddress, secondary.address);
      const groups = ourGroups(state);
      assert.equal(groups.length, 1);
      const g = groups[0]!;
      assert.deepEqual(g.ingress.map((r) => `${r.ipProtocol}/${r.fromPort}-${r.toPort} ${r.cidrIp}`).sort(), [
        'tcp/443-443 0.0.0.0/0',
        'tcp/80-80 0.0.0.0/0',
      ]);
      assert.ok(eni.groupIds.includes(g.groupId), 'our group is attached');
      assert.ok(eni.groupIds.length >= 2, "kops' groups stay attached");
    },
  );

  test('GIVEN setup has run WHEN it runs again THEN the plan has no changes and nothing is modified', async () => {
    lab.emu.resetCalls();
    const run = await lab.cli(['secondary-ip', 'setup', '--yes', '--output', 'json']);
    assert.equal(run.code, 0, run.stderr);
    const out = run.json();
    assert.equal(out.result?.decision, 'nothing-to-do');
    assert.ok(out.result?.plan?.steps.every((s) => s.action === 'unchanged'));
    assert.deepEqual(mutatingCalls(lab.emu), []);
  });

  test('GIVEN setup has run WHEN status is asked THEN it reports ready with the same addresses', async () => {
    const run = await lab.cli(['secondary-ip', 'status', '--output', 'json']);
    assert.equal(run.code, 0, run.stderr);
    const status = run.json<{ result: { ready: boolean; elasticIp: { publicIp: string; owned: boolean } } }>().result;
    assert.equal(status.ready, true);
    assert.equal(status.elasticIp.owned, true);
    assert.equal(status.elasticIp.publicIp, addressesOf(lab.emu.state())[0]!.publicIp);
    const text = await lab.cli(['secondary-ip', 'status']);
    assert.equal(text.code, 0);
    assert.match(text.stdout, /ready/);
  });

  test('GIVEN a fresh account WHEN setup runs with --dry-run THEN the plan is shown and nothing changes', async () => {
    const fresh = await startLab();
    try {
      const run = await fresh.cli(['secondary-ip', 'setup', '--dry-run', '--output', 'json']);
      assert.equal(run.code, 0, run.stderr);
      const out = run.json();
      assert.equal(out.result?.decision, 'dry-run');
      assert.deepEqual(
        out.result?.plan?.steps
          .filter((s) => s.action === 'create')
          .map((s) => s.id)
          .sort(),
        ['aws/app-security-group', 'aws/eip-association', 'aws/elastic-ip', 'aws/secondary-private-ip'],
      );
      assert.deepEqual(mutatingCalls(fresh.emu), []);
    } finally {
      await fresh.close();
    }
  });

  test('GIVEN no terminal and no --yes WHEN setup runs THEN it refuses and changes nothing', async () => {
    const fresh = await startLab();
    try {
      const run = await fresh.cli(['secondary-ip', 'setup']);
      assert.equal(run.code, 1);
      assert.deepEqual(mutatingCalls(fresh.emu), []);
    } finally {
      await fresh.close();
    }
  });
});
