// The emulator's eventual-consistency mode through the real EC2 client: for lagMs after a change
// the rest of the API has not seen it, answering as EC2 does in that window (consistency.ts).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  AllocateAddressCommand,
  AssociateAddressCommand,
  CreateSecurityGroupCommand,
  DeleteSecurityGroupCommand,
  DescribeNetworkInterfacesCommand,
  DisassociateAddressCommand,
  ModifyNetworkInterfaceAttributeCommand,
  ReleaseAddressCommand,
} from '@aws-sdk/client-ec2';
import { harness, rejection } from './harness.js';

const LAG = 400;

describe('AWS emulator: eventual-consistency mode', () => {
  test(
    'GIVEN a lag WHEN an address was just allocated THEN AssociateAddress and ReleaseAddress ' +
      'say InvalidAllocationID.NotFound until the lag passes',
    async (t) => {
      const h = await harness(t, { consistencyLagMs: LAG });
      const a = await h.ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }));
      assert.equal(
        (
          await rejection(
            h.ec2.send(new AssociateAddressCommand({ AllocationId: a.AllocationId, InstanceId: h.instanceId })),
          )
        ).name,
        'InvalidAllocationID.NotFound',
      );
      assert.equal(
        (await rejection(h.ec2.send(new ReleaseAddressCommand({ AllocationId: a.AllocationId })))).name,
        'InvalidAllocationID.NotFound',
      );
      await sleep(LAG + 50);
      const assoc = await h.ec2.send(
        new AssociateAddressCommand({ AllocationId: a.AllocationId, InstanceId: h.instanceId }),
      );
      assert.ok(assoc.AssociationId);
    },
  );

  test('GIVEN a lag WHEN an association was just made THEN DisassociateAddress says InvalidAssociationID.NotFound, then works', async (t) => {
    const h = await harness(t, { consistencyLagMs: LAG });
    const a = await h.ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }));
    await sleep(LAG + 50);
    const assoc = await h.ec2.send(
      new AssociateAddressCommand({ AllocationId: a.AllocationId, InstanceId: h.instanceId }),
    );
    assert.equal(
      (await rejection(h.ec2.send(new DisassociateAddressCommand({ AssociationId: assoc.AssociationId })))).name,
      'InvalidAssociationID.NotFound',
    );
    assert.ok(h.emu.state().addresses[a.AllocationId!]?.association, 'still associated');
    await sleep(LAG + 50);
    await h.ec2.send(new DisassociateAddressCommand({ AssociationId: assoc.AssociationId }));
    assert.equal(h.emu.state().addresses[a.AllocationId!]?.association, undefined);
  });

  test(
    'GIVEN a lag WHEN a group was just detached from an ENI THEN describe still shows it there ' +
      'and DeleteSecurityGroup says DependencyViolation, then both catch up',
    async (t) => {
      const h = await harness(t);
      const vpcId = Object.values(h.emu.state().vpcs)[0]!.vpcId;
      const g = await h.ec2.send(
        new CreateSecurityGroupCommand({ GroupName: 'lagging', Description: 'x', VpcId: vpcId }),
      );
      const groupsOnEni = async () =>
        (await h.ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [h.eniId] })))
          .NetworkInterfaces![0]!.Groups!.map((x) => x.GroupId!)
          .sort();
      const kops = await groupsOnEni();
      await h.ec2.send(
        new ModifyNetworkInterfaceAttributeCommand({ NetworkInterfaceId: h.eniId, Groups: [...kops, g.GroupId!] }),
      );
      // Switched on while running, the way the admin API does it.
      const res = await fetch(`${h.emu.endpoint}/_sandbox/consistency`, {
        method: 'POST',
        body: JSON.stringify({ lagMs: LAG }),
      });
      assert.equal(res.status, 200);
      assert.deepEqual(await (await fetch(`${h.emu.endpoint}/_sandbox/consistency`)).json(), { lagMs: LAG });
      await h.ec2.send(new ModifyNetworkInterfaceAttributeCommand({ NetworkInterfaceId: h.eniId, Groups: kops }));
      assert.deepEqual(await groupsOnEni(), [...kops, g.GroupId!].sort(), 'readers still see the old list');
      assert.equal(
        (await rejection(h.ec2.send(new DeleteSecurityGroupCommand({ GroupId: g.GroupId })))).name,
        'DependencyViolation',
      );
      await sleep(LAG + 50);
      assert.deepEqual(await groupsOnEni(), kops);
      await h.ec2.send(new DeleteSecurityGroupCommand({ GroupId: g.GroupId }));
    },
  );

  test('GIVEN the default (lag 0) THEN every change is visible at once, and the admin API refuses a negative lag', async (t) => {
    const h = await harness(t);
    const a = await h.ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }));
    await h.ec2.send(new ReleaseAddressCommand({ AllocationId: a.AllocationId }));
    const res = await fetch(`${h.emu.endpoint}/_sandbox/consistency`, {
      method: 'POST',
      body: JSON.stringify({ lagMs: -1 }),
    });
    assert.equal(res.status, 400);
  });
});
