// The stand-in's instance replacement, as the control-plane Auto Scaling group does it, against the
// emulator: the node provider hears the old instance terminate and the fresh one launch (a new
// instance id, interface and primary address), and the group holds only the fresh one. kops itself
// is never called for this (it is the cloud acting), so the real kops here refuses every command.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kopsClusterSeed, startAwsEmulator } from '../../src/sandbox/aws/index.js';
import { KopsStandIn } from '../../src/sandbox/kops/standin.js';
import type { LaunchedInstance } from '../../src/sandbox/kops/node-provider.js';

const CLUSTER = 'swap.example.com';
const REGION = 'eu-west-1';

test(
  'GIVEN a running cluster with its control-plane group WHEN the stand-in replaces the ' +
    'instance THEN the node provider sees the old one terminate and a fresh one launch',
  async (t) => {
    const emu = await startAwsEmulator({ region: REGION, publicIpPool: '198.19.1.0/24' });
    const events: string[] = [];
    const launched: LaunchedInstance[] = [];
    const kops = new KopsStandIn({
      real: { run: () => Promise.reject(new Error('real kops is not part of an instance replacement')) },
      endpoint: emu.endpoint,
      region: REGION,
      credentials: { accessKeyId: 'AKIDSWAP', secretAccessKey: 'swap-secret' },
      stateStore: 's3://unused',
      nodeProvider: {
        onInstanceLaunched: async (i) => {
          events.push(`launched ${i.instanceId}`);
          launched.push(i);
        },
        onInstanceTerminating: async (i) => {
          events.push(`terminating ${i.instanceId}`);
        },
      },
    });
    t.after(async () => {
      kops.close();
      await emu.close();
    });
    emu.seed(kopsClusterSeed({ clusterName: CLUSTER, dnsZone: 'example.com', region: REGION }));
    const before = emu.state();
    const old = Object.values(before.instances)[0]!;
    const oldEni = Object.values(before.networkInterfaces).find((e) => e.attachment?.instanceId === old.instanceId)!;
    const res = await fetch(`${emu.endpoint}/_sandbox/autoscaling/group`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        name: `control-plane-eu-west-1a.masters.${CLUSTER}`,
        minSize: 1,
        maxSize: 1,
        subnetId: old.subnetId,
        tags: { KubernetesCluster: CLUSTER },
        adopt: [old.instanceId],
        template: { instanceType: old.instanceType, imageId: old.imageId, securityGroupIds: [], tags: old.tags },
      }),
    });
    assert.equal(res.status, 200);

    const r = await kops.replaceControlPlaneInstance(CLUSTER);
    assert.equal(r.terminated, old.instanceId);
    assert.notEqual(r.launched.instanceId, old.instanceId);
    assert.deepEqual(events, [`terminating ${old.instanceId}`, `launched ${r.launched.instanceId}`]);
    const after = emu.state();
    assert.equal(after.instances[old.instanceId]!.state, 'terminated');
    assert.equal(after.networkInterfaces[oldEni.networkInterfaceId], undefined, 'the old interface went with it');
    const freshEni = Object.values(after.networkInterfaces).find(
      (e) => e.attachment?.instanceId === r.launched.instanceId,
    )!;
    assert.equal(launched[0]!.privateIp, freshEni.privateIps.find((p) => p.primary)!.address);
    assert.deepEqual(after.autoScalingGroups![`control-plane-eu-west-1a.masters.${CLUSTER}`]!.instances, [
      r.launched.instanceId,
    ]);
  },
);
