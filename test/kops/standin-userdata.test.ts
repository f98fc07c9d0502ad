// The instance group's user data reaches every instance the stand-in's groups launch, and api.<c>
// follows the control-plane instance as kops' dns-controller makes it. The state store holds the
// cluster and its control-plane InstanceGroup as kops writes them (written here directly into the
// emulator's S3: the stand-in reads only those keys, so real kops is not needed); the group's
// additionalUserData is solokube's real reclaim part. The instance's own IMDSv2 listener is read with
// a token, as the node reads it.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  ChangeResourceRecordSetsCommand,
  ListHostedZonesCommand,
  ListResourceRecordSetsCommand,
  Route53Client,
} from '@aws-sdk/client-route-53';
import { stringify } from 'yaml';
import { parseConfig } from '../../src/config/load.js';
import { EXAMPLE_CONFIG } from '../../src/config/example.js';
import { reclaimAdditionalUserData, reclaimSpecFor } from '../../src/reclaim/index.js';
import { startAwsEmulator, type AwsEmulator } from '../../src/sandbox/aws/index.js';
import { KopsStandIn } from '../../src/sandbox/kops/standin.js';
import { parseUserData, renderInstanceGroupUserData } from '../../src/sandbox/kops/user-data.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const REGION = 'eu-west-1';
const CREDS = { accessKeyId: 'AKIDUSERDATA', secretAccessKey: 'userdata-secret' };
const BUCKET = 'state-userdata';
const CLUSTER = 'heal.example.com';
const IG = 'control-plane-eu-west-1a';
const PLACEHOLDER = '203.0.113.123';
const reclaimPart = reclaimAdditionalUserData(
  reclaimSpecFor({ ...parseConfig(EXAMPLE_CONFIG, 'example'), name: CLUSTER }),
);

const signal = () => AbortSignal.timeout(30_000);

async function imdsUserData(emu: AwsEmulator, instanceId: string): Promise<{ status: number; text: string }> {
  const imds = await emu.serveImds(instanceId);
  const token = await (
    await fetch(`${imds.endpoint}/latest/api/token`, {
      method: 'PUT',
      headers: { 'x-aws-ec2-metadata-token-ttl-seconds': '60' },
    })
  ).text();
  const res = await fetch(`${imds.endpoint}/latest/user-data`, { headers: { 'x-aws-ec2-metadata-token': token } });
  const text = await res.text();
  await imds.close();
  return { status: res.status, text };
}

describe('the stand-in launches instances with the instance group user data and moves api.<c> with them', () => {
  let emu: AwsEmulator;
  let kops: KopsStandIn;
  let s3: S3Client;
  let r53: Route53Client;

  const update = () =>
    kops.run('update', ['update', 'cluster', '--name', CLUSTER, '--yes'], { deadlineMs: 30_000, signal: signal() });
  const controlPlane = () =>
    Object.values(emu.state().instances).filter(
      (i) => i.state === 'running' && i.tags['KubernetesCluster'] === CLUSTER,
    );
  const publicIpOf = (instanceId: string) =>
    Object.values(emu.state().networkInterfaces).find(
      (e) => e.attachment?.instanceId === instanceId && e.attachment.deviceIndex === 0,
    )!.autoPublicIp;
  const privateIpOf = (instanceId: string) =>
    Object.values(emu.state().networkInterfaces)
      .find((e) => e.attachment?.instanceId === instanceId && e.attachment.deviceIndex === 0)!
      .privateIps.find((p) => p.primary)!.address;
  const zoneId = async () =>
    (await r53.send(new ListHostedZonesCommand({}))).HostedZones!.find((z) => z.Name === 'example.com.')!.Id!;
  async function apiRecords(): Promise<Record<string, string>> {
    const sets = (await r53.send(new ListResourceRecordSetsCommand({ HostedZoneId: await zoneId() })))
      .ResourceRecordSets!;
    return Object.fromEntries(
      sets
        .filter((s) => s.Type === 'A' && s.Name!.startsWith('api.'))
        .map((s) => [s.Name!, s.ResourceRecords![0]!.Value!]),
    );
  }

  const events: string[] = [];
  const put = (key: string, doc: unknown) =>
    s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: stringify(doc) }));
  const putControlPlaneGroup = (size: number) =>
    put(`${CLUSTER}/instancegroup/${IG}`, {
      apiVersion: 'kops.k8s.io/v1alpha2',
      kind: 'InstanceGroup',
      metadata: { name: IG, labels: { 'kops.k8s.io/cluster': CLUSTER } },
      spec: {
        role: 'ControlPlane',
        machineType: 't3.medium',
        subnets: ['eu-west-1a'],
        minSize: size,
        maxSize: size,
        additionalUserData: [reclaimPart],
      },
    });

  before(async () => {
    emu = await startAwsEmulator({ region: REGION, publicIpPool: '198.19.1.0/24' });
    const client = { endpoint: emu.endpoint, region: REGION, credentials: CREDS };
    s3 = new S3Client({ ...client, forcePathStyle: true });
    r53 = new Route53Client(client);
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    await put(`${CLUSTER}/config`, {
      apiVersion: 'kops.k8s.io/v1alpha2',
      kind: 'Cluster',
      metadata: { name: CLUSTER },
      spec: { dnsZone: 'example.com', subnets: [{ name: 'eu-west-1a', zone: 'eu-west-1a', type: 'Public' }] },
    });
    await putControlPlaneGroup(1);
    kops = new KopsStandIn({
      real: { run: () => Promise.reject(new Error('real kops is not needed here')) },
      endpoint: emu.endpoint,
      region: REGION,
      credentials: CREDS,
      stateStore: `s3://${BUCKET}`,
      nodeProvider: {
        onInstanceLaunched: async (i) => {
          if (events.at(-1) !== `launched ${i.instanceId}`) events.push(`launched ${i.instanceId}`);
        },
        onInstanceTerminating: async (i) => {
          events.push(`terminating ${i.instanceId}`);
        },
      },
    });
  });
  after(async () => {
    kops?.close();
    s3?.destroy();
    r53?.destroy();
    await emu?.close();
  });

  test(
    'GIVEN a control-plane group with additionalUserData WHEN kops update --yes THEN the ' +
      'instance serves kops-shaped user data at IMDS /latest/user-data holding that part ' +
      'unchanged',
    async () => {
      await update();
      const [instance] = controlPlane();
      assert.ok(instance, 'update launched the control-plane instance');
      const served = await imdsUserData(emu, instance.instanceId);
      assert.equal(served.status, 200);
      assert.match(served.text, /^Content-Type: multipart\/mixed; boundary="MIMEBOUNDARY"\n/);
      const parts = parseUserData(served.text);
      assert.deepEqual(
        parts.map((p) => [p.name, p.type]),
        [
          ['nodeup.sh', 'text/x-shellscript'],
          ['solokube-reclaim.cfg', 'text/cloud-config'],
        ],
      );
      assert.equal(parts[1]!.content, reclaimPart.content, 'the reclaim cloud-config arrives byte for byte');
    },
  );

  test('GIVEN the cluster applied WHEN kops update --yes runs again THEN nothing changes: same instance, same records, same user data', async () => {
    const snapshot = async () => {
      const [i] = controlPlane();
      return {
        instances: controlPlane().map((x) => x.instanceId),
        records: await apiRecords(),
        userData: i ? emu.state().instances[i.instanceId]!.userData : undefined,
      };
    };
    const before = await snapshot();
    await update();
    assert.deepEqual(await snapshot(), before);
    assert.equal(before.instances.length, 1);
  });

  test(
    'GIVEN a running control plane WHEN the stand-in replaces its instance THEN the fresh one ' +
      'gets the same user data and api.<c> / api.internal.<c> follow it',
    async () => {
      const [old] = controlPlane();
      const oldUserData = (await imdsUserData(emu, old!.instanceId)).text;
      assert.equal((await apiRecords())[`api.${CLUSTER}.`], publicIpOf(old!.instanceId), 'before: api is the old one');
      // The emulator may hand the released public IP straight to the fresh instance, so the records are
      // first set to kops' placeholder (what kops writes before dns-controller runs) to see them move.
      await r53.send(
        new ChangeResourceRecordSetsCommand({
          HostedZoneId: await zoneId(),
          ChangeBatch: {
            Changes: [`api.${CLUSTER}`, `api.internal.${CLUSTER}`].map((Name) => ({
              Action: 'UPSERT',
              ResourceRecordSet: { Name, Type: 'A', TTL: 60, ResourceRecords: [{ Value: PLACEHOLDER }] },
            })),
          },
        }),
      );

      const r = await kops.replaceControlPlaneInstance(CLUSTER);

      assert.notEqual(r.launched.instanceId, old!.instanceId);
      assert.equal((await imdsUserData(emu, r.launched.instanceId)).text, oldUserData);
      const records = await apiRecords();
      assert.equal(records[`api.${CLUSTER}.`], publicIpOf(r.launched.instanceId));
      assert.equal(records[`api.internal.${CLUSTER}.`], privateIpOf(r.launched.instanceId));
    },
  );

  test(
    'GIVEN a running control plane WHEN its group goes to 0/0 and update runs THEN the ' +
      'instance is gone, the node heard it, DNS stays; WHEN back to 1/1 THEN a fresh instance ' +
      'with the same user data and api.<c> on it',
    async () => {
      const [running] = controlPlane();
      const userData = emu.state().instances[running!.instanceId]!.userData;
      const recordsBefore = await apiRecords();
      events.length = 0;

      await putControlPlaneGroup(0);
      await update();

      assert.deepEqual(controlPlane(), [], 'paused: no running control-plane instance');
      assert.deepEqual(events, [`terminating ${running!.instanceId}`]);
      assert.deepEqual(await apiRecords(), recordsBefore, 'paused: the records stay');
      await update();
      assert.deepEqual(controlPlane(), [], 'a second update while paused launches nothing');

      await putControlPlaneGroup(1);
      await update();

      const [fresh] = controlPlane();
      assert.ok(fresh && fresh.instanceId !== running!.instanceId, 'resumed: a fresh instance');
      assert.equal(emu.state().instances[fresh.instanceId]!.userData, userData);
      assert.equal((await apiRecords())[`api.${CLUSTER}.`], publicIpOf(fresh.instanceId));
      assert.deepEqual(events, [`terminating ${running!.instanceId}`, `launched ${fresh.instanceId}`]);
    },
  );
});

test('GIVEN an instance launched without user data WHEN IMDS is asked for /latest/user-data THEN 404, as EC2 answers', async (t) => {
  const emu = await startAwsEmulator({ region: REGION, publicIpPool: '198.19.2.0/24' });
  t.after(() => emu.close());
  const { kopsClusterSeed } = await import('../../src/sandbox/aws/index.js');
  emu.seed(kopsClusterSeed({ clusterName: 'bare.example.com', dnsZone: 'example.com', region: REGION }));
  const instance = Object.values(emu.state().instances)[0]!;
  assert.equal((await imdsUserData(emu, instance.instanceId)).status, 404);
});

test('GIVEN kops-shaped user data WHEN parsed THEN the parts come back in order with their names, types and exact content', () => {
  const additional = [
    { name: 'a.cfg', type: 'text/cloud-config', content: '#cloud-config\nruncmd:\n  - [true]\n' },
    { name: 'b.sh', type: 'text/x-shellscript', content: '#!/bin/sh\necho b' },
  ];
  const parts = parseUserData(renderInstanceGroupUserData('c.example.com', 'ig', additional));
  assert.equal(parts[0]!.name, 'nodeup.sh');
  assert.match(parts[0]!.content, /STAND-IN for kops nodeup\.sh/);
  assert.deepEqual(parts.slice(1), [additional[0], { ...additional[1], content: '#!/bin/sh\necho b\n' }]);
});

test('GIVEN user data that is one document, not multipart WHEN parsed THEN it is one part typed by its first line', () => {
  assert.deepEqual(parseUserData('#cloud-config\nruncmd: []\n'), [
    { name: 'user-data', type: 'text/cloud-config', content: '#cloud-config\nruncmd: []\n' },
  ]);
  assert.equal(parseUserData('#!/bin/bash\necho hi\n')[0]!.type, 'text/x-shellscript');
});

test('GIVEN an instance group whose additionalUserData lacks a field WHEN the stand-in reads it THEN it fails naming the entry', async () => {
  const { additionalUserDataOf } = await import('../../src/sandbox/kops/user-data.js');
  assert.throws(
    () => additionalUserDataOf({ additionalUserData: [{ name: 'x', content: 'y' }] }),
    /additionalUserData\[0\] needs name, type and content/,
  );
  assert.deepEqual(additionalUserDataOf({}), []);
});
