// Private IPs, security groups, tags and the describe calls of the emulator through the real EC2
// client (note §4.2–§4.4).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AllocateAddressCommand,
  AssignPrivateIpAddressesCommand,
  AssociateAddressCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  CreateTagsCommand,
  DeleteSecurityGroupCommand,
  DeleteTagsCommand,
  DescribeAddressesCommand,
  DescribeInstancesCommand,
  DescribeNetworkInterfacesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
  ModifyNetworkInterfaceAttributeCommand,
  RevokeSecurityGroupIngressCommand,
  UnassignPrivateIpAddressesCommand,
} from '@aws-sdk/client-ec2';
import { CLUSTER, harness, rejection } from './harness.js';

const privateIps = async (h: Awaited<ReturnType<typeof harness>>) =>
  (
    await h.ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [h.eniId] }))
  ).NetworkInterfaces![0]!.PrivateIpAddresses!.map((p) => p.PrivateIpAddress);

describe('AWS emulator: private IPs', () => {
  test('GIVEN the kops control-plane ENI WHEN assigning by count THEN the lowest free addresses come back and the subnet count drops', async (t) => {
    const h = await harness(t);
    const before = (await h.ec2.send(new DescribeSubnetsCommand({}))).Subnets![0]!.AvailableIpAddressCount!;
    const r = await h.ec2.send(
      new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: h.eniId, SecondaryPrivateIpAddressCount: 2 }),
    );
    // .0–.3 are reserved and .10 is the primary.
    assert.deepEqual(
      r.AssignedPrivateIpAddresses!.map((a) => a.PrivateIpAddress),
      ['198.18.0.4', '198.18.0.5'],
    );
    assert.deepEqual(await privateIps(h), ['198.18.0.10', '198.18.0.4', '198.18.0.5']);
    const after = (await h.ec2.send(new DescribeSubnetsCommand({}))).Subnets![0]!.AvailableIpAddressCount!;
    assert.equal(before - after, 2);
  });

  test('GIVEN explicit addresses WHEN assigning THEN they are used; outside the subnet, reserved, or in use elsewhere is refused', async (t) => {
    const h = await harness(t);
    await h.ec2.send(
      new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: h.eniId, PrivateIpAddresses: ['198.18.0.50'] }),
    );
    assert.ok((await privateIps(h)).includes('198.18.0.50'));
    const other = Object.values(h.emu.state().subnets)[0]!.subnetId;
    h.emu.seed({ networkInterfaces: [{ subnetId: other, privateIpAddresses: ['198.18.0.60'] }] });
    assert.equal(
      (
        await rejection(
          h.ec2.send(
            new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: h.eniId, PrivateIpAddresses: ['10.0.0.5'] }),
          ),
        )
      ).name,
      'InvalidParameterValue',
    );
    assert.equal(
      (
        await rejection(
          h.ec2.send(
            new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: h.eniId, PrivateIpAddresses: ['198.18.0.255'] }),
          ),
        )
      ).name,
      'InvalidParameterValue',
    );
    assert.equal(
      (
        await rejection(
          h.ec2.send(
            new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: h.eniId, PrivateIpAddresses: ['198.18.0.60'] }),
          ),
        )
      ).name,
      'InvalidIPAddress.InUse',
    );
    assert.equal(
      (
        await rejection(
          h.ec2.send(
            new AssignPrivateIpAddressesCommand({
              NetworkInterfaceId: h.eniId,
              PrivateIpAddresses: ['198.18.0.70'],
              SecondaryPrivateIpAddressCount: 1,
            }),
          ),
        )
      ).name,
      'InvalidParameterCombination',
    );
    assert.equal(
      (await rejection(h.ec2.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: h.eniId })))).name,
      'MissingParameter',
    );
    assert.equal(
      (
        await rejection(
          h.ec2.send(
            new AssignPrivateIpAddressesCommand({
              NetworkInterfaceId: 'eni-00000000000000bad',
              SecondaryPrivateIpAddressCount: 1,
            }),
          ),
        )
      ).name,
      'InvalidNetworkInterfaceID.NotFound',
    );
  });

  test('GIVEN a t3.medium (6 IPv4 per ENI) WHEN asking past the limit THEN PrivateIpAddressLimitExceeded and nothing at all is assigned', async (t) => {
    const h = await harness(t);
    await h.ec2.send(
      new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: h.eniId, SecondaryPrivateIpAddressCount: 3 }),
    );
    const err = await rejection(
      h.ec2.send(
        new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: h.eniId, SecondaryPrivateIpAddressCount: 3 }),
      ),
    );
    assert.equal(err.name, 'PrivateIpAddressLimitExceeded');
    const explicit = await rejection(
      h.ec2.send(
        new AssignPrivateIpAddressesCommand({
          NetworkInterfaceId: h.eniId,
          PrivateIpAddresses: ['198.18.0.80', '198.18.0.81', '198.18.0.82'],
        }),
      ),
    );
    assert.equal(explicit.name, 'PrivateIpAddressLimitExceeded');
    assert.equal((await privateIps(h)).length, 4);
    await h.ec2.send(
      new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: h.eniId, SecondaryPrivateIpAddressCount: 2 }),
    );
    assert.equal((await privateIps(h)).length, 6);
  });

  test(
    'GIVEN an address on another ENI with an EIP WHEN assigning it with AllowReassignment THEN ' +
      "it moves and its EIP moves along; the other ENI's primary never moves",
    async (t) => {
      const h = await harness(t);
      const subnetId = Object.keys(h.emu.state().subnets)[0]!;
      h.emu.seed({
        networkInterfaces: [
          { networkInterfaceId: 'eni-000000000000000e2', subnetId, privateIpAddresses: ['198.18.0.20', '198.18.0.21'] },
        ],
        addresses: [
          {
            allocationId: 'eipalloc-000000000000000e2',
            publicIp: '198.19.1.100',
            association: { networkInterfaceId: 'eni-000000000000000e2', privateIpAddress: '198.18.0.21' },
          },
        ],
      });
      await h.ec2.send(
        new AssignPrivateIpAddressesCommand({
          NetworkInterfaceId: h.eniId,
          PrivateIpAddresses: ['198.18.0.21'],
          AllowReassignment: true,
        }),
      );
      assert.ok((await privateIps(h)).includes('198.18.0.21'));
      const addr = (await h.ec2.send(new DescribeAddressesCommand({ AllocationIds: ['eipalloc-000000000000000e2'] })))
        .Addresses![0]!;
      assert.equal(addr.NetworkInterfaceId, h.eniId);
      assert.equal(addr.PrivateIpAddress, '198.18.0.21');
      const primary = await rejection(
        h.ec2.send(
          new AssignPrivateIpAddressesCommand({
            NetworkInterfaceId: h.eniId,
            PrivateIpAddresses: ['198.18.0.20'],
            AllowReassignment: true,
          }),
        ),
      );
      assert.equal(primary.name, 'InvalidParameterValue');
    },
  );

  test(
    'GIVEN an EIP on a secondary IP WHEN unassigning that IP THEN the IP is gone and the EIP ' +
      'stays allocated but unassociated; the primary cannot be unassigned',
    async (t) => {
      const h = await harness(t);
      const ip = (
        await h.ec2.send(
          new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: h.eniId, SecondaryPrivateIpAddressCount: 1 }),
        )
      ).AssignedPrivateIpAddresses![0]!.PrivateIpAddress!;
      const a = await h.ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }));
      await h.ec2.send(
        new AssociateAddressCommand({
          AllocationId: a.AllocationId,
          NetworkInterfaceId: h.eniId,
          PrivateIpAddress: ip,
        }),
      );
      await h.ec2.send(
        new UnassignPrivateIpAddressesCommand({ NetworkInterfaceId: h.eniId, PrivateIpAddresses: [ip] }),
      );
      assert.deepEqual(await privateIps(h), ['198.18.0.10']);
      const addr = (await h.ec2.send(new DescribeAddressesCommand({}))).Addresses![0]!;
      assert.equal(addr.AllocationId, a.AllocationId);
      assert.equal(addr.AssociationId, undefined);
      assert.equal(
        (
          await rejection(
            h.ec2.send(
              new UnassignPrivateIpAddressesCommand({
                NetworkInterfaceId: h.eniId,
                PrivateIpAddresses: ['198.18.0.10'],
              }),
            ),
          )
        ).name,
        'InvalidParameterValue',
      );
      assert.equal(
        (
          await rejection(
            h.ec2.send(
              new UnassignPrivateIpAddressesCommand({ NetworkInterfaceId: h.eniId, PrivateIpAddresses: [ip] }),
            ),
          )
        ).name,
        'InvalidParameterValue',
      );
    },
  );
});

describe('AWS emulator: discovery of the kops cluster', () => {
  test('GIVEN the kops seed WHEN filtering instances, ENIs, subnets and VPCs by the cluster tags THEN exactly the cluster objects come back', async (t) => {
    const h = await harness(t);
    const inst = await h.ec2.send(
      new DescribeInstancesCommand({
        Filters: [
          { Name: `tag:kubernetes.io/cluster/${CLUSTER}`, Values: ['owned'] },
          { Name: 'tag-key', Values: ['k8s.io/role/control-plane'] },
          { Name: 'instance-state-name', Values: ['running', 'pending'] },
        ],
      }),
    );
    const i = inst.Reservations![0]!.Instances![0]!;
    assert.equal(i.InstanceType, 't3.medium');
    assert.equal(i.PrivateIpAddress, '198.18.0.10');
    assert.equal(i.PublicIpAddress, '198.19.1.10');
    assert.equal(i.NetworkInterfaces![0]!.Attachment!.DeviceIndex, 0);
    assert.equal(i.Tags!.find((x) => x.Key === 'Name')!.Value, `control-plane-us-east-1a.masters.${CLUSTER}`);
    const enis = await h.ec2.send(
      new DescribeNetworkInterfacesCommand({ Filters: [{ Name: 'attachment.instance-id', Values: [i.InstanceId!] }] }),
    );
    assert.deepEqual(
      enis.NetworkInterfaces!.map((e) => e.NetworkInterfaceId),
      [h.eniId],
    );
    const subnets = await h.ec2.send(
      new DescribeSubnetsCommand({
        Filters: [
          { Name: 'vpc-id', Values: [i.VpcId!] },
          { Name: 'tag:KubernetesCluster', Values: [CLUSTER] },
        ],
      }),
    );
    assert.equal(subnets.Subnets![0]!.CidrBlock, '198.18.0.0/24');
    const vpcs = await h.ec2.send(
      new DescribeVpcsCommand({ Filters: [{ Name: `tag:kubernetes.io/cluster/${CLUSTER}`, Values: ['owned'] }] }),
    );
    assert.equal(vpcs.Vpcs![0]!.CidrBlock, '198.18.0.0/16');
    const none = await h.ec2.send(
      new DescribeInstancesCommand({ Filters: [{ Name: 'tag:KubernetesCluster', Values: ['other.example.com'] }] }),
    );
    assert.deepEqual(none.Reservations, []);
    assert.equal(
      (await rejection(h.ec2.send(new DescribeInstancesCommand({ InstanceIds: ['i-00000000000000bad'] })))).name,
      'InvalidInstanceID.NotFound',
    );
    assert.equal(
      (await rejection(h.ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'flavour', Values: ['x'] }] }))))
        .name,
      'InvalidParameterValue',
    );
  });
});

describe('AWS emulator: security groups and tags', () => {
  test('GIVEN a new tagged group WHEN authorizing, revoking and attaching it THEN rules, duplicates and the ENI group set behave like EC2', async (t) => {
    const h = await harness(t);
    const vpcId = Object.keys(h.emu.state().vpcs)[0]!;
    const created = await h.ec2.send(
      new CreateSecurityGroupCommand({
        GroupName: `solokube-apps.${CLUSTER}`,
        Description: 'apps 80/443',
        VpcId: vpcId,
        TagSpecifications: [{ ResourceType: 'security-group', Tags: [{ Key: 'solokube.io/cluster', Value: CLUSTER }] }],
      }),
    );
    const groupId = created.GroupId!;
    const dupName = await rejection(
      h.ec2.send(
        new CreateSecurityGroupCommand({ GroupName: `solokube-apps.${CLUSTER}`, Description: 'x', VpcId: vpcId }),
      ),
    );
    assert.equal(dupName.name, 'InvalidGroup.Duplicate');
    const perms = [80, 443].map((p) => ({
      IpProtocol: 'tcp',
      FromPort: p,
      ToPort: p,
      IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'apps' }],
    }));
    const auth = await h.ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: perms }));
    assert.equal(auth.Return, true);
    assert.equal(auth.SecurityGroupRules!.length, 2);
    assert.match(auth.SecurityGroupRules![0]!.SecurityGroupRuleId!, /^sgr-/);
    const dup = await rejection(
      h.ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: [perms[0]!] })),
    );
    assert.equal(dup.name, 'InvalidPermission.Duplicate');
    const g = (
      await h.ec2.send(
        new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'tag:solokube.io/cluster', Values: [CLUSTER] }] }),
      )
    ).SecurityGroups!;
    assert.equal(g.length, 1);
    assert.deepEqual(
      g[0]!.IpPermissions!.map((p) => [p.IpProtocol, p.FromPort, p.IpRanges![0]!.CidrIp]),
      [
        ['tcp', 80, '0.0.0.0/0'],
        ['tcp', 443, '0.0.0.0/0'],
      ],
    );
    assert.equal(g[0]!.IpPermissionsEgress![0]!.IpProtocol, '-1');
    await h.ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: [perms[0]!] }));
    const left = (await h.ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [groupId] }))).SecurityGroups![0]!
      .IpPermissions!;
    assert.deepEqual(
      left.map((p) => p.FromPort),
      [443],
    );
    const mastersSg = Object.values(h.emu.state().securityGroups).find(
      (x) => x.groupName === `masters.${CLUSTER}`,
    )!.groupId;
    await h.ec2.send(
      new ModifyNetworkInterfaceAttributeCommand({ NetworkInterfaceId: h.eniId, Groups: [mastersSg, groupId] }),
    );
    const eni = (
      await h.ec2.send(new DescribeNetworkInterfacesCommand({ Filters: [{ Name: 'group-id', Values: [groupId] }] }))
    ).NetworkInterfaces!;
    assert.deepEqual(
      eni[0]!.Groups!.map((x) => x.GroupId),
      [mastersSg, groupId],
    );
    assert.equal(
      (await rejection(h.ec2.send(new DeleteSecurityGroupCommand({ GroupId: groupId })))).name,
      'DependencyViolation',
    );
    await h.ec2.send(new ModifyNetworkInterfaceAttributeCommand({ NetworkInterfaceId: h.eniId, Groups: [mastersSg] }));
    await h.ec2.send(new DeleteSecurityGroupCommand({ GroupId: groupId }));
    assert.equal(
      (await rejection(h.ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [groupId] })))).name,
      'InvalidGroup.NotFound',
    );
    assert.equal(
      (
        await rejection(
          h.ec2.send(
            new ModifyNetworkInterfaceAttributeCommand({
              NetworkInterfaceId: h.eniId,
              Groups: ['sg-00000000000000bad'],
            }),
          ),
        )
      ).name,
      'InvalidGroup.NotFound',
    );
  });

  test('GIVEN kops groups that reference each other WHEN deleting one THEN DependencyViolation', async (t) => {
    const h = await harness(t);
    const nodes = Object.values(h.emu.state().securityGroups).find((x) => x.groupName === `nodes.${CLUSTER}`)!.groupId;
    assert.equal(
      (await rejection(h.ec2.send(new DeleteSecurityGroupCommand({ GroupId: nodes })))).name,
      'DependencyViolation',
    );
  });

  test(
    'GIVEN an EIP WHEN creating and deleting tags THEN upserts apply, value-qualified deletes ' +
      'only match that value, aws: keys and unknown ids are refused',
    async (t) => {
      const h = await harness(t);
      const id = (await h.ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }))).AllocationId!;
      await h.ec2.send(
        new CreateTagsCommand({
          Resources: [id],
          Tags: [
            { Key: 'a', Value: '1' },
            { Key: 'b', Value: '' },
          ],
        }),
      );
      await h.ec2.send(new CreateTagsCommand({ Resources: [id], Tags: [{ Key: 'a', Value: '2' }] }));
      await h.ec2.send(new DeleteTagsCommand({ Resources: [id], Tags: [{ Key: 'a', Value: '1' }] }));
      assert.deepEqual(h.emu.state().addresses[id]!.tags, { a: '2', b: '' });
      await h.ec2.send(new DeleteTagsCommand({ Resources: [id], Tags: [{ Key: 'a' }] }));
      assert.deepEqual(h.emu.state().addresses[id]!.tags, { b: '' });
      assert.equal(
        (await rejection(h.ec2.send(new CreateTagsCommand({ Resources: [id], Tags: [{ Key: 'aws:x', Value: '1' }] }))))
          .name,
        'InvalidParameterValue',
      );
      assert.equal(
        (
          await rejection(
            h.ec2.send(
              new CreateTagsCommand({ Resources: ['eipalloc-00000000000000bad'], Tags: [{ Key: 'a', Value: '1' }] }),
            ),
          )
        ).name,
        'InvalidAllocationID.NotFound',
      );
      const many = Array.from({ length: 50 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
      assert.equal(
        (await rejection(h.ec2.send(new CreateTagsCommand({ Resources: [id], Tags: many })))).name,
        'TagLimitExceeded',
      );
      assert.deepEqual(h.emu.state().addresses[id]!.tags, { b: '' });
    },
  );
});
