// Elastic IP semantics of the emulator, exercised through the real EC2 client (note §4.1).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AllocateAddressCommand,
  AssignPrivateIpAddressesCommand,
  AssociateAddressCommand,
  DescribeAddressesCommand,
  DescribeInstancesCommand,
  DescribeNetworkInterfacesCommand,
  DisassociateAddressCommand,
  ReleaseAddressCommand,
  type EC2Client,
} from '@aws-sdk/client-ec2';
import { harness, rejection } from './harness.js';

const tagged = (cluster: string) => [
  {
    ResourceType: 'elastic-ip' as const,
    Tags: [
      { Key: 'solokube.io/cluster', Value: cluster },
      { Key: 'solokube.io/role', Value: 'apps' },
    ],
  },
];

async function allocate(ec2: EC2Client, cluster = 'dev') {
  const r = await ec2.send(new AllocateAddressCommand({ Domain: 'vpc', TagSpecifications: tagged(cluster) }));
  return { allocationId: r.AllocationId!, publicIp: r.PublicIp! };
}

async function addSecondary(ec2: EC2Client, eniId: string): Promise<string> {
  const r = await ec2.send(
    new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: eniId, SecondaryPrivateIpAddressCount: 1 }),
  );
  return r.AssignedPrivateIpAddresses![0]!.PrivateIpAddress!;
}

describe('AWS emulator: Elastic IPs', () => {
  test('GIVEN a fresh account WHEN allocating up to the quota THEN the 6th allocation fails with AddressLimitExceeded and nothing is added', async (t) => {
    const { ec2, emu } = await harness(t);
    const ips = [];
    for (let i = 0; i < 5; i++) ips.push((await allocate(ec2)).publicIp);
    // Lowest free first, skipping the instance's auto-assigned 198.19.1.10.
    assert.deepEqual(ips, ['198.19.1.1', '198.19.1.2', '198.19.1.3', '198.19.1.4', '198.19.1.5']);
    const err = await rejection(allocate(ec2));
    assert.equal(err.name, 'AddressLimitExceeded');
    assert.equal(err.$metadata?.httpStatusCode, 400);
    assert.equal(Object.keys(emu.state().addresses).length, 5);
  });

  test(
    'GIVEN an allocated EIP WHEN releasing it THEN it is gone, the quota unit is free again, ' +
      'and a second release is InvalidAllocationID.NotFound',
    async (t) => {
      const { ec2 } = await harness(t);
      const a = await allocate(ec2);
      await ec2.send(new ReleaseAddressCommand({ AllocationId: a.allocationId }));
      const after = await ec2.send(new DescribeAddressesCommand({}));
      assert.deepEqual(after.Addresses, []);
      assert.equal(
        (await rejection(ec2.send(new ReleaseAddressCommand({ AllocationId: a.allocationId })))).name,
        'InvalidAllocationID.NotFound',
      );
    },
  );

  test('GIVEN a secondary private IP WHEN associating with PrivateIpAddress THEN the EIP lands on it and the primary keeps its public IP', async (t) => {
    const { ec2, eniId, instanceId } = await harness(t);
    const secondary = await addSecondary(ec2, eniId);
    const a = await allocate(ec2);
    const assoc = await ec2.send(
      new AssociateAddressCommand({
        AllocationId: a.allocationId,
        NetworkInterfaceId: eniId,
        PrivateIpAddress: secondary,
      }),
    );
    assert.match(assoc.AssociationId!, /^eipassoc-/);
    const addr = (await ec2.send(new DescribeAddressesCommand({ AllocationIds: [a.allocationId] }))).Addresses![0]!;
    assert.equal(addr.PrivateIpAddress, secondary);
    assert.equal(addr.NetworkInterfaceId, eniId);
    assert.equal(addr.InstanceId, instanceId);
    assert.equal(addr.AssociationId, assoc.AssociationId);
    const inst = (await ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }))).Reservations![0]!
      .Instances![0]!;
    assert.equal(inst.PublicIpAddress, '198.19.1.10');
    const eni = (await ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [eniId] })))
      .NetworkInterfaces![0]!;
    const onSecondary = eni.PrivateIpAddresses!.find((p) => p.PrivateIpAddress === secondary)!;
    assert.equal(onSecondary.Association?.PublicIp, a.publicIp);
    assert.equal(onSecondary.Association?.AllocationId, a.allocationId);
  });

  test(
    'GIVEN no PrivateIpAddress WHEN associating THEN the EIP lands on the primary private IP ' +
      'and replaces the auto-assigned public IP until disassociated',
    async (t) => {
      const { ec2, eniId, instanceId } = await harness(t);
      await addSecondary(ec2, eniId);
      const a = await allocate(ec2);
      await ec2.send(new AssociateAddressCommand({ AllocationId: a.allocationId, NetworkInterfaceId: eniId }));
      const addr = (await ec2.send(new DescribeAddressesCommand({ AllocationIds: [a.allocationId] }))).Addresses![0]!;
      assert.equal(addr.PrivateIpAddress, '198.18.0.10');
      const inst = (await ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }))).Reservations![0]!
        .Instances![0]!;
      assert.equal(inst.PublicIpAddress, a.publicIp);
      // Taking the EIP away gives the instance a new auto-assigned public IP, as on AWS.
      await ec2.send(
        new DisassociateAddressCommand({
          AssociationId: (await ec2.send(new DescribeAddressesCommand({}))).Addresses![0]!.AssociationId,
        }),
      );
      const later = (await ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }))).Reservations![0]!
        .Instances![0]!;
      assert.ok(later.PublicIpAddress !== undefined && later.PublicIpAddress !== a.publicIp);
    },
  );

  test(
    'GIVEN AllowReassociation=false WHEN the EIP is associated elsewhere OR the target already ' +
      'has an EIP THEN Resource.AlreadyAssociated and nothing moves',
    async (t) => {
      const { ec2, eniId } = await harness(t);
      const s1 = await addSecondary(ec2, eniId);
      const s2 = await addSecondary(ec2, eniId);
      const a = await allocate(ec2);
      const b = await allocate(ec2);
      await ec2.send(
        new AssociateAddressCommand({ AllocationId: a.allocationId, NetworkInterfaceId: eniId, PrivateIpAddress: s1 }),
      );
      await ec2.send(
        new AssociateAddressCommand({ AllocationId: b.allocationId, NetworkInterfaceId: eniId, PrivateIpAddress: s2 }),
      );
      // EIP side: a is on s1 already.
      const eipSide = await rejection(
        ec2.send(
          new AssociateAddressCommand({
            AllocationId: a.allocationId,
            NetworkInterfaceId: eniId,
            PrivateIpAddress: s2,
            AllowReassociation: false,
          }),
        ),
      );
      assert.equal(eipSide.name, 'Resource.AlreadyAssociated');
      // Target side: take an unassociated EIP to s2, which holds b.
      const c = await allocate(ec2);
      const targetSide = await rejection(
        ec2.send(
          new AssociateAddressCommand({
            AllocationId: c.allocationId,
            NetworkInterfaceId: eniId,
            PrivateIpAddress: s2,
            AllowReassociation: false,
          }),
        ),
      );
      assert.equal(targetSide.name, 'Resource.AlreadyAssociated');
      const byId = Object.fromEntries(
        (await ec2.send(new DescribeAddressesCommand({}))).Addresses!.map((x) => [x.AllocationId, x.PrivateIpAddress]),
      );
      assert.deepEqual(byId, { [a.allocationId]: s1, [b.allocationId]: s2, [c.allocationId]: undefined });
    },
  );

  test(
    'GIVEN reassociation allowed (flag absent) WHEN associating an EIP that sits elsewhere THEN ' +
      'it moves with a new association id and the displaced EIP stays allocated',
    async (t) => {
      const { ec2, eniId } = await harness(t);
      const s1 = await addSecondary(ec2, eniId);
      const s2 = await addSecondary(ec2, eniId);
      const a = await allocate(ec2);
      const b = await allocate(ec2);
      const first = await ec2.send(
        new AssociateAddressCommand({ AllocationId: a.allocationId, NetworkInterfaceId: eniId, PrivateIpAddress: s1 }),
      );
      await ec2.send(
        new AssociateAddressCommand({ AllocationId: b.allocationId, NetworkInterfaceId: eniId, PrivateIpAddress: s2 }),
      );
      const moved = await ec2.send(
        new AssociateAddressCommand({ AllocationId: a.allocationId, NetworkInterfaceId: eniId, PrivateIpAddress: s2 }),
      );
      assert.notEqual(moved.AssociationId, first.AssociationId);
      const byId = Object.fromEntries(
        (await ec2.send(new DescribeAddressesCommand({}))).Addresses!.map((x) => [x.AllocationId, x.PrivateIpAddress]),
      );
      assert.deepEqual(byId, { [a.allocationId]: s2, [b.allocationId]: undefined });
      // The same association again is idempotent.
      const again = await ec2.send(
        new AssociateAddressCommand({
          AllocationId: a.allocationId,
          NetworkInterfaceId: eniId,
          PrivateIpAddress: s2,
          AllowReassociation: false,
        }),
      );
      assert.equal(again.AssociationId, moved.AssociationId);
    },
  );

  test(
    'GIVEN an associated EIP WHEN releasing it THEN InvalidIPAddress.InUse; after ' +
      'DisassociateAddress the release works and a stale association id is ' +
      'InvalidAssociationID.NotFound',
    async (t) => {
      const { ec2, eniId } = await harness(t);
      const s1 = await addSecondary(ec2, eniId);
      const a = await allocate(ec2);
      const assoc = await ec2.send(
        new AssociateAddressCommand({ AllocationId: a.allocationId, NetworkInterfaceId: eniId, PrivateIpAddress: s1 }),
      );
      assert.equal(
        (await rejection(ec2.send(new ReleaseAddressCommand({ AllocationId: a.allocationId })))).name,
        'InvalidIPAddress.InUse',
      );
      await ec2.send(new DisassociateAddressCommand({ AssociationId: assoc.AssociationId }));
      const addr = (await ec2.send(new DescribeAddressesCommand({ AllocationIds: [a.allocationId] }))).Addresses![0]!;
      assert.equal(addr.AssociationId, undefined);
      assert.equal(addr.NetworkInterfaceId, undefined);
      assert.equal(
        (await rejection(ec2.send(new DisassociateAddressCommand({ AssociationId: assoc.AssociationId })))).name,
        'InvalidAssociationID.NotFound',
      );
      await ec2.send(new ReleaseAddressCommand({ AllocationId: a.allocationId }));
    },
  );

  test('GIVEN a private IP not on the ENI, or both/neither targets WHEN associating THEN the call is refused', async (t) => {
    const { ec2, eniId, instanceId } = await harness(t);
    const a = await allocate(ec2);
    assert.equal(
      (
        await rejection(
          ec2.send(
            new AssociateAddressCommand({
              AllocationId: a.allocationId,
              NetworkInterfaceId: eniId,
              PrivateIpAddress: '198.18.0.99',
            }),
          ),
        )
      ).name,
      'InvalidParameterValue',
    );
    assert.equal(
      (
        await rejection(
          ec2.send(
            new AssociateAddressCommand({
              AllocationId: a.allocationId,
              NetworkInterfaceId: eniId,
              InstanceId: instanceId,
            }),
          ),
        )
      ).name,
      'InvalidParameterCombination',
    );
    assert.equal(
      (await rejection(ec2.send(new AssociateAddressCommand({ AllocationId: a.allocationId })))).name,
      'MissingParameter',
    );
    assert.equal(
      (
        await rejection(
          ec2.send(new AssociateAddressCommand({ AllocationId: 'eipalloc-0000000000000dead', InstanceId: instanceId })),
        )
      ).name,
      'InvalidAllocationID.NotFound',
    );
    // By instance id it goes to the single ENI's primary.
    await ec2.send(new AssociateAddressCommand({ AllocationId: a.allocationId, InstanceId: instanceId }));
  });

  test(
    'GIVEN tagged EIPs of two clusters WHEN filtering THEN tag:, tag-key, wildcards, ORed ' +
      'values and ANDed filters select exactly; unknown filters are refused',
    async (t) => {
      const { ec2, emu } = await harness(t);
      emu.seed({ addresses: [{ publicIp: '198.19.1.200', tags: { owner: 'someone-else' } }] });
      const mine = await allocate(ec2, 'dev');
      const theirs = await allocate(ec2, 'prod');
      const ids = async (filters: { Name: string; Values: string[] }[]) =>
        (await ec2.send(new DescribeAddressesCommand({ Filters: filters })))
          .Addresses!.map((x) => x.AllocationId)
          .sort();
      assert.deepEqual(await ids([{ Name: 'tag:solokube.io/cluster', Values: ['dev'] }]), [mine.allocationId]);
      assert.deepEqual(
        await ids([{ Name: 'tag:solokube.io/cluster', Values: ['dev', 'prod'] }]),
        [mine.allocationId, theirs.allocationId].sort(),
      );
      assert.deepEqual(await ids([{ Name: 'tag:solokube.io/cluster', Values: ['p*'] }]), [theirs.allocationId]);
      assert.deepEqual(await ids([{ Name: 'tag:solokube.io/cluster', Values: ['?ev'] }]), [mine.allocationId]);
      assert.equal((await ids([{ Name: 'tag-key', Values: ['solokube.io/*'] }])).length, 2);
      assert.deepEqual(
        await ids([
          { Name: 'tag:solokube.io/cluster', Values: ['dev', 'prod'] },
          { Name: 'public-ip', Values: [mine.publicIp] },
        ]),
        [mine.allocationId],
      );
      assert.deepEqual(await ids([{ Name: 'tag:solokube.io/cluster', Values: ['DEV'] }]), []);
      assert.equal((await ids([{ Name: 'tag:owner', Values: ['*'] }])).length, 1);
      assert.equal((await rejection(ids([{ Name: 'colour', Values: ['blue'] }]))).name, 'InvalidParameterValue');
      assert.equal(
        (
          await rejection(
            ec2.send(
              new DescribeAddressesCommand({ AllocationIds: [mine.allocationId, 'eipalloc-00000000000000bad'] }),
            ),
          )
        ).name,
        'InvalidAllocationID.NotFound',
      );
    },
  );

  test('GIVEN a TagSpecification for another resource type WHEN allocating THEN InvalidParameterValue and nothing is allocated', async (t) => {
    const { ec2, emu } = await harness(t);
    const err = await rejection(
      ec2.send(
        new AllocateAddressCommand({
          Domain: 'vpc',
          TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'a', Value: 'b' }] }],
        }),
      ),
    );
    assert.equal(err.name, 'InvalidParameterValue');
    assert.deepEqual(emu.state().addresses, {});
  });
});
