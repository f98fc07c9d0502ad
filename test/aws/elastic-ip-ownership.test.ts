// Which Elastic IP setup uses: only one tagged for this cluster or one the user names; never
// someone else's idle address; an exhausted quota fails before anything changes.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CLUSTER, addressesOf, controlPlaneEni, mutatingCalls, operations, startLab } from './harness.js';

const ourTags = { 'solokube.io/cluster': CLUSTER, 'solokube.io/role': 'apps-elastic-ip' };

describe('Elastic IP ownership and quota', () => {
  test('GIVEN the quota is full with one idle address of this cluster WHEN setup runs THEN that address is reused and nothing is allocated', async () => {
    const lab = await startLab({
      seed: {
        eipQuota: 2,
        addresses: [
          { publicIp: '198.51.100.200', tags: { owner: 'someone-else' } },
          { publicIp: '198.51.100.201', tags: ourTags },
        ],
      },
    });
    try {
      const run = await lab.cli(['secondary-ip', 'setup', '--yes']);
      assert.equal(run.code, 0, run.stderr);
      assert.ok(!operations(lab.emu).includes('AllocateAddress'));
      const state = lab.emu.state();
      const ours = addressesOf(state);
      assert.equal(ours.length, 1);
      assert.equal(ours[0]!.publicIp, '198.51.100.201');
      assert.equal(ours[0]!.association?.networkInterfaceId, controlPlaneEni(state).networkInterfaceId);
      const foreign = Object.values(state.addresses).find((a) => a.publicIp === '198.51.100.200')!;
      assert.equal(foreign.association, undefined, 'the foreign idle address was not adopted');
    } finally {
      await lab.close();
    }
  });

  test('GIVEN the quota is full with only foreign addresses WHEN setup runs THEN it fails with the quota error and changes nothing', async () => {
    const lab = await startLab({
      seed: {
        eipQuota: 2,
        addresses: [
          { publicIp: '198.51.100.200' },
          {
            publicIp: '198.51.100.201',
            tags: { 'solokube.io/cluster': 'other.example.com', 'solokube.io/role': 'apps-elastic-ip' },
          },
        ],
      },
    });
    try {
      const before = lab.emu.state();
      const run = await lab.cli(['secondary-ip', 'setup', '--yes', '--output', 'json']);
      assert.equal(run.code, 1);
      const err = run.json().error!;
      assert.equal(err.code, 'aws.eip-quota');
      assert.match(err.remedy ?? '', /L-0263D0A3/);
      assert.match(err.remedy ?? '', /--no-secondary-ip/);
      const idle = (err.details?.idle ?? []) as { publicIp: string }[];
      assert.deepEqual(idle.map((a) => a.publicIp).sort(), ['198.51.100.200', '198.51.100.201']);
      assert.deepEqual(mutatingCalls(lab.emu), []);
      assert.ok(!operations(lab.emu).includes('AllocateAddress'));
      assert.deepEqual(lab.emu.state().addresses, before.addresses);
      assert.deepEqual(controlPlaneEni(lab.emu.state()).privateIps, controlPlaneEni(before).privateIps);
    } finally {
      await lab.close();
    }
  });

  test("GIVEN Service Quotas is denied WHEN the quota is full THEN EC2's own account attribute still gives the quota and the error is the same", async () => {
    const lab = await startLab({ seed: { eipQuota: 1, addresses: [{ publicIp: '198.51.100.200' }] } });
    try {
      lab.emu.injectFault({
        service: 'servicequotas',
        kind: 'error',
        status: 400,
        code: 'AccessDeniedException',
        times: Infinity,
      });
      const run = await lab.cli(['secondary-ip', 'setup', '--yes', '--output', 'json']);
      assert.equal(run.code, 1);
      const err = run.json().error!;
      assert.equal(err.code, 'aws.eip-quota');
      assert.equal(err.details?.quota, 1);
      assert.ok(operations(lab.emu).includes('DescribeAccountAttributes'));
      assert.deepEqual(mutatingCalls(lab.emu), []);
    } finally {
      await lab.close();
    }
  });

  test(
    'GIVEN a foreign idle address named with --allocation-id WHEN setup and then cleanup run ' +
      'THEN it is used, and cleanup disassociates but never releases it',
    async () => {
      const lab = await startLab({
        seed: { addresses: [{ allocationId: 'eipalloc-0123456789abcdef0', publicIp: '198.51.100.210' }] },
      });
      try {
        const setup = await lab.cli([
          'secondary-ip',
          'setup',
          '--yes',
          '--allocation-id',
          'eipalloc-0123456789abcdef0',
        ]);
        assert.equal(setup.code, 0, setup.stderr);
        assert.ok(!operations(lab.emu).includes('AllocateAddress'));
        const named = () => lab.emu.state().addresses['eipalloc-0123456789abcdef0'];
        assert.equal(named()?.association?.networkInterfaceId, controlPlaneEni(lab.emu.state()).networkInterfaceId);
        assert.deepEqual(named()?.tags, {}, 'solokube never tags afterwards');

        // Named again on the rerun (without the flag it is not ours: see secondary-ip-ownership.test.ts).
        const rerun = await lab.cli([
          'secondary-ip',
          'setup',
          '--yes',
          '--allocation-id',
          'eipalloc-0123456789abcdef0',
          '--output',
          'json',
        ]);
        assert.equal(rerun.code, 0, rerun.stderr);
        assert.equal(
          rerun.json().result?.decision,
          'nothing-to-do',
          'a rerun naming the address again changes nothing',
        );

        const cleanup = await lab.cli([
          'secondary-ip',
          'cleanup',
          '--yes',
          '--allocation-id',
          'eipalloc-0123456789abcdef0',
        ]);
        assert.equal(cleanup.code, 0, cleanup.stderr);
        assert.ok(named(), 'the named address is still allocated');
        assert.equal(named()?.association, undefined);
        assert.ok(!operations(lab.emu).includes('ReleaseAddress'));
      } finally {
        await lab.close();
      }
    },
  );

  test('GIVEN --allocation-id names no address WHEN setup runs THEN it fails clearly and changes nothing', async () => {
    const lab = await startLab();
    try {
      const run = await lab.cli([
        'secondary-ip',
        'setup',
        '--yes',
        '--allocation-id',
        'eipalloc-00000000000000000',
        '--output',
        'json',
      ]);
      assert.equal(run.code, 1);
      assert.equal(run.json().error?.code, 'aws.named-eip-missing');
      assert.deepEqual(mutatingCalls(lab.emu), []);
    } finally {
      await lab.close();
    }
  });

  test('GIVEN our tagged address is associated with another private IP WHEN setup runs THEN it fails with a remedy and does not move it', async () => {
    const lab = await startLab();
    try {
      const eni = controlPlaneEni(lab.emu.state());
      lab.emu.seed({
        addresses: [
          {
            publicIp: '198.51.100.220',
            tags: ourTags,
            association: { networkInterfaceId: eni.networkInterfaceId, privateIpAddress: eni.privateIps[0]!.address },
          },
        ],
      });
      lab.emu.resetCalls();
      const run = await lab.cli(['secondary-ip', 'setup', '--yes', '--output', 'json']);
      assert.equal(run.code, 1);
      const err = run.json().error!;
      assert.equal(err.code, 'aws.eip-associated-elsewhere');
      assert.match(err.remedy ?? '', /disassociate/);
      assert.deepEqual(mutatingCalls(lab.emu), []);
    } finally {
      await lab.close();
    }
  });
});
