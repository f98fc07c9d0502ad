// Auto Scaling groups in the emulator, driven through its admin API as the kops stand-in drives
// them, observed through the real EC2 client: a group sized from min/max launches and terminates to
// match, and replacing an instance does what AWS does to its network (interface and secondary IP
// gone, Elastic IP disassociated but kept) and launches a fresh one with a new interface.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import {
  AllocateAddressCommand,
  AssignPrivateIpAddressesCommand,
  AssociateAddressCommand,
  DescribeAddressesCommand,
  DescribeInstancesCommand,
  DescribeNetworkInterfacesCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import { kopsClusterSeed, startAwsEmulator, type AwsEmulator } from '../../../src/sandbox/aws/index.js';
import { clientConfig } from './harness.js';

const CLUSTER = 'asg.example.com';
const REGION = 'eu-west-1';

async function world(t: TestContext): Promise<{ emu: AwsEmulator; ec2: EC2Client; seeded: string; subnetId: string }> {
  const emu = await startAwsEmulator({ region: REGION, publicIpPool: '198.19.1.0/24' });
  const ec2 = new EC2Client({ ...clientConfig(emu.endpoint), region: REGION });
  t.after(async () => {
    ec2.destroy();
    await emu.close();
  });
  emu.seed(kopsClusterSeed({ clusterName: CLUSTER, dnsZone: 'example.com', region: REGION }));
  const s = emu.state();
  return {
    emu,
    ec2,
    seeded: Object.keys(s.instances)[0]!,
    subnetId: Object.keys(s.subnets)[0]!,
  };
}

async function admin<T>(emu: AwsEmulator, path: string, body: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(`${emu.endpoint}/_sandbox/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as T };
}

const group = (subnetId: string, size: number, adopt?: string) => ({
  name: `control-plane-eu-west-1a.masters.${CLUSTER}`,
  minSize: size,
  maxSize: size,
  subnetId,
  tags: { KubernetesCluster: CLUSTER },
  ...(adopt ? { adopt: [adopt] } : {}),
  template: {
    instanceType: 't3.medium',
    imageId: 'ami-00000000000000001',
    securityGroupIds: [],
    userData: '#!/bin/sh\necho boot\n',
    tags: { KubernetesCluster: CLUSTER, 'k8s.io/role/control-plane': '1' },
  },
});

interface Activity {
  launched: string[];
  terminated: string[];
}

async function stateOf(ec2: EC2Client, id: string): Promise<string | undefined> {
  const out = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }));
  return out.Reservations?.[0]?.Instances?.[0]?.State?.Name;
}

test('GIVEN the control-plane instance kops launched WHEN its group is created at 1/1 THEN the group holds it and launches nothing', async (t) => {
  const { emu, seeded, subnetId } = await world(t);
  const r = await admin<Activity>(emu, 'autoscaling/group', group(subnetId, 1, seeded));
  assert.equal(r.status, 200);
  assert.deepEqual(r.body, { launched: [], terminated: [] });
  assert.deepEqual(emu.state().autoScalingGroups![`control-plane-eu-west-1a.masters.${CLUSTER}`]!.instances, [seeded]);
});

test(
  'GIVEN a group at 1/1 WHEN it is set to 0/0 and back to 1/1 THEN its instance is ' +
    'terminated, then a fresh one launched with a new interface and the template',
  async (t) => {
    const { emu, ec2, seeded, subnetId } = await world(t);
    await admin(emu, 'autoscaling/group', group(subnetId, 1, seeded));
    const paused = await admin<Activity>(emu, 'autoscaling/group', group(subnetId, 0));
    assert.deepEqual(paused.body, { launched: [], terminated: [seeded] });
    assert.equal(await stateOf(ec2, seeded), 'terminated');
    const resumed = await admin<Activity>(emu, 'autoscaling/group', group(subnetId, 1));
    assert.equal(resumed.body.launched.length, 1);
    const fresh = resumed.body.launched[0]!;
    assert.notEqual(fresh, seeded);
    assert.equal(await stateOf(ec2, fresh), 'running');
    const instance = emu.state().instances[fresh]!;
    assert.equal(instance.tags['k8s.io/role/control-plane'], '1');
    assert.equal(instance.userData, '#!/bin/sh\necho boot\n');
    const enis = await ec2.send(
      new DescribeNetworkInterfacesCommand({ Filters: [{ Name: 'attachment.instance-id', Values: [fresh] }] }),
    );
    assert.equal(enis.NetworkInterfaces?.length, 1);
  },
);

test(
  'GIVEN the instance carries a secondary IP with an Elastic IP WHEN the group replaces it ' +
    'THEN interface and secondary IP are gone, the Elastic IP stays allocated but unattached, ' +
    'and a fresh instance runs',
  async (t) => {
    const { emu, ec2, seeded, subnetId } = await world(t);
    await admin(emu, 'autoscaling/group', group(subnetId, 1, seeded));
    const eni = Object.values(emu.state().networkInterfaces).find((e) => e.attachment?.instanceId === seeded)!;
    const assigned = await ec2.send(
      new AssignPrivateIpAddressesCommand({
        NetworkInterfaceId: eni.networkInterfaceId,
        SecondaryPrivateIpAddressCount: 1,
      }),
    );
    const secondary = assigned.AssignedPrivateIpAddresses![0]!.PrivateIpAddress!;
    const eip = await ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }));
    await ec2.send(
      new AssociateAddressCommand({
        AllocationId: eip.AllocationId!,
        NetworkInterfaceId: eni.networkInterfaceId,
        PrivateIpAddress: secondary,
      }),
    );

    const r = await admin<Activity>(emu, 'autoscaling/replace-instance', { instanceId: seeded });
    assert.equal(r.status, 200);
    assert.deepEqual(r.body.terminated, [seeded]);
    assert.equal(r.body.launched.length, 1);
    assert.equal(await stateOf(ec2, seeded), 'terminated');
    const all = await ec2.send(new DescribeNetworkInterfacesCommand({}));
    assert.ok(
      !(all.NetworkInterfaces ?? []).some((n) => n.NetworkInterfaceId === eni.networkInterfaceId),
      'the old interface is gone',
    );
    assert.deepEqual(
      (all.NetworkInterfaces ?? []).flatMap((n) =>
        (n.PrivateIpAddresses ?? []).filter((p) => !p.Primary).map((p) => p.PrivateIpAddress),
      ),
      [],
      'no interface holds a secondary address any more',
    );
    const addresses = await ec2.send(new DescribeAddressesCommand({ AllocationIds: [eip.AllocationId!] }));
    assert.equal(addresses.Addresses?.[0]?.PublicIp, eip.PublicIp, 'the Elastic IP is still ours');
    assert.equal(addresses.Addresses?.[0]?.AssociationId, undefined, 'and no longer associated');
    const fresh = r.body.launched[0]!;
    const freshEni = Object.values(emu.state().networkInterfaces).find((e) => e.attachment?.instanceId === fresh)!;
    assert.notEqual(freshEni.networkInterfaceId, eni.networkInterfaceId);
    assert.deepEqual(
      freshEni.privateIps.map((p) => p.primary),
      [true],
      'a fresh interface with only its primary address',
    );
  },
);

test('GIVEN invalid sizes or an instance outside any group WHEN asked THEN the emulator refuses with 400 and changes nothing', async (t) => {
  const { emu, seeded, subnetId } = await world(t);
  const bad = await admin<{ error: string }>(emu, 'autoscaling/group', { ...group(subnetId, 1, seeded), maxSize: 0 });
  assert.equal(bad.status, 400);
  assert.equal(emu.state().autoScalingGroups, undefined);
  const stray = await admin<{ error: string }>(emu, 'autoscaling/replace-instance', { instanceId: seeded });
  assert.equal(stray.status, 400);
  assert.match(stray.body.error, /not part of an Auto Scaling group/);
  assert.equal(emu.state().instances[seeded]!.state, 'running');
});
