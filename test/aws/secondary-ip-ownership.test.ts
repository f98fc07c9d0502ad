// Which secondary private IP and which Elastic IP on the control-plane ENI are solokube's: only what
// carries our tags (the Elastic IP's own tags, the ENI tag that names our secondary IP) or what the
// user names with a flag on this run. Foreign addresses on the same ENI — a pod's IP under a CNI
// that hands out secondary IPs, someone's untagged Elastic IP — are never adopted, moved or removed.
// Also: a cleanup interrupted after the disassociation still converges on the next run, and extras
// of our own (two runs at once) are given back by a rerun.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AllocateAddressCommand,
  AssignPrivateIpAddressesCommand,
  AssociateAddressCommand,
  CreateTagsCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import {
  CLUSTER,
  REGION,
  TEST_CREDENTIALS,
  addressesOf,
  controlPlaneEni,
  mutatingCalls,
  operations,
  recordedSecondaryIps,
  secondaryIpsOnEni,
  startLab,
} from './harness.js';
import type { Lab } from './harness.js';

const SECONDARY_TAG_PREFIX = 'solokube.io/secondary-ip/';
const ourTags = { 'solokube.io/cluster': CLUSTER, 'solokube.io/role': 'apps-elastic-ip' };

function ec2Of(lab: Lab): EC2Client {
  return new EC2Client({ region: REGION, endpoint: lab.emu.endpoint, credentials: TEST_CREDENTIALS, maxAttempts: 1 });
}

/** Put an extra secondary IP on the control-plane ENI, as another tool (a CNI) would. */
async function foreignSecondaryIp(lab: Lab): Promise<string> {
  const ec2 = ec2Of(lab);
  try {
    const eni = controlPlaneEni(lab.emu.state()).networkInterfaceId;
    const out = await ec2.send(
      new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: eni, SecondaryPrivateIpAddressCount: 1 }),
    );
    return out.AssignedPrivateIpAddresses![0]!.PrivateIpAddress!;
  } finally {
    ec2.destroy();
  }
}

const secondaries = secondaryIpsOnEni;
const recordedIps = recordedSecondaryIps;

describe('secondary IP and Elastic IP ownership on the control-plane ENI', () => {
  test('GIVEN an untagged Elastic IP on a foreign secondary IP of the ENI WHEN setup and cleanup run THEN neither is adopted, moved or removed', async () => {
    const lab = await startLab();
    try {
      const foreignIp = await foreignSecondaryIp(lab);
      const eni = controlPlaneEni(lab.emu.state()).networkInterfaceId;
      lab.emu.seed({
        addresses: [
          {
            allocationId: 'eipalloc-0f0f0f0f0f0f0f0f0',
            publicIp: '198.51.100.240',
            association: { networkInterfaceId: eni, privateIpAddress: foreignIp },
          },
        ],
      });
      const foreign = () => lab.emu.state().addresses['eipalloc-0f0f0f0f0f0f0f0f0']!;

      const setup = await lab.cli(['secondary-ip', 'setup', '--yes']);
      assert.equal(setup.code, 0, setup.stderr);
      const ours = addressesOf(lab.emu.state());
      assert.equal(ours.length, 1, 'a tagged Elastic IP of our own was allocated');
      const ourIp = ours[0]!.association?.privateIpAddress;
      assert.ok(ourIp && ourIp !== foreignIp, 'ours sits on a secondary IP of our own');
      assert.deepEqual(recordedIps(lab), [ourIp], 'the ENI tag names our secondary IP');
      assert.equal(foreign().association?.privateIpAddress, foreignIp, 'the foreign address was not touched');

      const cleanup = await lab.cli(['secondary-ip', 'cleanup', '--yes']);
      assert.equal(cleanup.code, 0, cleanup.stderr);
      assert.deepEqual(secondaries(lab), [foreignIp], 'only our secondary IP was unassigned');
      assert.equal(foreign().association?.privateIpAddress, foreignIp, 'the foreign address is still associated');
      assert.deepEqual(addressesOf(lab.emu.state()), []);
      assert.deepEqual(recordedIps(lab), [], 'the ENI tag is gone with the address');
    } finally {
      await lab.close();
    }
  });

  test('GIVEN an idle foreign secondary IP on the ENI WHEN setup runs THEN it assigns one of its own and cleanup leaves the foreign one', async () => {
    const lab = await startLab();
    try {
      const foreignIp = await foreignSecondaryIp(lab);
      const setup = await lab.cli(['secondary-ip', 'setup', '--yes']);
      assert.equal(setup.code, 0, setup.stderr);
      assert.equal(secondaries(lab).length, 2, 'a secondary IP of our own was added');
      const ourIp = addressesOf(lab.emu.state())[0]!.association?.privateIpAddress;
      assert.notEqual(ourIp, foreignIp);
      assert.deepEqual(recordedIps(lab), [ourIp]);

      lab.emu.resetCalls();
      const again = await lab.cli(['secondary-ip', 'setup', '--yes', '--output', 'json']);
      assert.equal(again.json().result?.decision, 'nothing-to-do');
      assert.deepEqual(mutatingCalls(lab.emu), []);

      const cleanup = await lab.cli(['secondary-ip', 'cleanup', '--yes']);
      assert.equal(cleanup.code, 0, cleanup.stderr);
      assert.deepEqual(secondaries(lab), [foreignIp]);
    } finally {
      await lab.close();
    }
  });

  test(
    'GIVEN an address named with --allocation-id at setup WHEN setup or cleanup run without ' +
      'the flag THEN they refuse with a remedy and change nothing; with the flag cleanup ' +
      'disassociates it and releases nothing',
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
        const named = () => lab.emu.state().addresses['eipalloc-0123456789abcdef0'];
        assert.deepEqual(named()?.tags, {}, 'solokube never tags afterwards');

        lab.emu.resetCalls();
        for (const verb of ['setup', 'cleanup']) {
          const run = await lab.cli(['secondary-ip', verb, '--yes', '--output', 'json']);
          assert.equal(run.code, 1, `${verb} without the flag: ${run.stdout}`);
          const err = run.json().error!;
          assert.equal(err.code, 'aws.foreign-eip-on-our-ip');
          assert.match(err.remedy ?? '', /--allocation-id eipalloc-0123456789abcdef0/);
        }
        assert.deepEqual(mutatingCalls(lab.emu), []);

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
        assert.deepEqual(secondaries(lab), []);
      } finally {
        await lab.close();
      }
    },
  );

  test(
    'GIVEN cleanup failed right after disassociating the address WHEN cleanup runs again THEN ' +
      'it unassigns our secondary IP instead of reporting no changes',
    async () => {
      const lab = await startLab();
      try {
        assert.equal((await lab.cli(['secondary-ip', 'setup', '--yes'])).code, 0);
        lab.emu.injectFault({
          service: 'ec2',
          operation: 'UnassignPrivateIpAddresses',
          kind: 'error',
          status: 400,
          code: 'InjectedFault',
          times: Infinity,
        });
        const first = await lab.cli(['secondary-ip', 'cleanup', '--yes']);
        assert.equal(first.code, 1, 'the injected failure stops the first cleanup');
        assert.equal(secondaries(lab).length, 1, 'the secondary IP is left behind');
        lab.emu.clearFaults();

        const second = await lab.cli(['secondary-ip', 'cleanup', '--yes', '--output', 'json']);
        assert.equal(second.code, 0, second.stderr);
        assert.notEqual(second.json().result?.decision, 'nothing-to-do');
        assert.deepEqual(secondaries(lab), []);
        assert.deepEqual(recordedIps(lab), []);
        assert.deepEqual(addressesOf(lab.emu.state()), []);
      } finally {
        await lab.close();
      }
    },
  );

  test(
    'GIVEN the ENI tag that records the address cannot be written WHEN setup fails THEN no ' +
      'address is assigned, so none is left behind unprovable',
    async () => {
      const lab = await startLab();
      try {
        lab.emu.injectFault({
          service: 'ec2',
          operation: 'CreateTags',
          kind: 'error',
          status: 400,
          code: 'InjectedFault',
          times: Infinity,
        });
        const run = await lab.cli(['secondary-ip', 'setup', '--yes']);
        assert.equal(run.code, 1);
        assert.ok(operations(lab.emu).includes('CreateTags'), 'the record was attempted');
        assert.ok(!operations(lab.emu).includes('AssignPrivateIpAddresses'), 'the record comes before the assignment');
        assert.deepEqual(secondaries(lab), []);
      } finally {
        await lab.close();
      }
    },
  );

  test(
    'GIVEN two runs left two tagged Elastic IPs and two recorded secondary IPs WHEN setup ' +
      'reruns THEN exactly one of each remains and our extras are given back',
    async () => {
      const lab = await startLab();
      try {
        assert.equal((await lab.cli(['secondary-ip', 'setup', '--yes'])).code, 0);
        // What the losing run of a race leaves: its own secondary IP, recorded on the ENI, carrying
        // its own tagged Elastic IP, plus one more tagged address that never got associated.
        const ec2 = ec2Of(lab);
        const eni = controlPlaneEni(lab.emu.state()).networkInterfaceId;
        try {
          const extraIp = (
            await ec2.send(
              new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: eni, SecondaryPrivateIpAddressCount: 1 }),
            )
          ).AssignedPrivateIpAddresses![0]!.PrivateIpAddress!;
          await ec2.send(
            new CreateTagsCommand({
              Resources: [eni],
              Tags: [{ Key: `${SECONDARY_TAG_PREFIX}${extraIp}`, Value: CLUSTER }],
            }),
          );
          const tagSpec = [
            {
              ResourceType: 'elastic-ip' as const,
              Tags: Object.entries(ourTags).map(([Key, Value]) => ({ Key, Value })),
            },
          ];
          const extraEip = await ec2.send(new AllocateAddressCommand({ Domain: 'vpc', TagSpecifications: tagSpec }));
          await ec2.send(
            new AssociateAddressCommand({
              AllocationId: extraEip.AllocationId,
              NetworkInterfaceId: eni,
              PrivateIpAddress: extraIp,
            }),
          );
          await ec2.send(new AllocateAddressCommand({ Domain: 'vpc', TagSpecifications: tagSpec }));
        } finally {
          ec2.destroy();
        }
        const foreignIp = await foreignSecondaryIp(lab);
        assert.equal(addressesOf(lab.emu.state()).length, 3);

        const rerun = await lab.cli(['secondary-ip', 'setup', '--yes']);
        assert.equal(rerun.code, 0, rerun.stderr);
        const ours = addressesOf(lab.emu.state());
        assert.equal(ours.length, 1, 'one tagged Elastic IP remains');
        const ourIp = ours[0]!.association?.privateIpAddress;
        assert.ok(ourIp);
        assert.deepEqual(recordedIps(lab), [ourIp]);
        assert.deepEqual(
          secondaries(lab),
          [ourIp, foreignIp].sort(),
          'our extra secondary IP was unassigned, the foreign one kept',
        );

        lab.emu.resetCalls();
        const again = await lab.cli(['secondary-ip', 'setup', '--yes', '--output', 'json']);
        assert.equal(again.json().result?.decision, 'nothing-to-do');
      } finally {
        await lab.close();
      }
    },
  );
});
