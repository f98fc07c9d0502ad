// The check `down --sandbox` reports (and its end-to-end test asserts empty) must see everything of
// the cluster the emulator can hold: kops' objects (instance, interface, groups, subnet, VPC, api
// records) and the state bucket down to a single old version or delete marker. Against the real
// emulator over HTTP, with the real S3 client; nothing is faked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  ListObjectVersionsCommand,
  PutBucketTaggingCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { kopsClusterSeed, startAwsEmulator } from '../../../src/sandbox/aws/index.js';
import { isEmpty, ownedLeftovers } from '../../../src/sandbox/env/leftovers.js';

const CLUSTER = 'c1.example.com';
const REGION = 'eu-west-1';

test(
  'GIVEN kops objects and a versioned state bucket WHEN they are removed one kind at a time ' +
    'THEN the leftovers name each until nothing is left',
  async (t) => {
    const emu = await startAwsEmulator({ region: REGION });
    const s3 = new S3Client({
      endpoint: emu.endpoint,
      region: REGION,
      forcePathStyle: true,
      credentials: { accessKeyId: 'AKIDLEFT', secretAccessKey: 'left-secret' },
    });
    t.after(async () => {
      s3.destroy();
      await emu.close();
    });
    const Bucket = 'solokube-state-123456789012-eu-west-1';
    emu.seed(kopsClusterSeed({ clusterName: CLUSTER, dnsZone: 'example.com', region: REGION }));
    await s3.send(new CreateBucketCommand({ Bucket, CreateBucketConfiguration: { LocationConstraint: REGION } }));
    await s3.send(new PutBucketVersioningCommand({ Bucket, VersioningConfiguration: { Status: 'Enabled' } }));
    await s3.send(
      new PutBucketTaggingCommand({
        Bucket,
        Tagging: { TagSet: [{ Key: 'solokube.io/cluster', Value: CLUSTER }] },
      }),
    );
    await s3.send(new PutObjectCommand({ Bucket, Key: `${CLUSTER}/config`, Body: 'a' }));
    await s3.send(new DeleteObjectCommand({ Bucket, Key: `${CLUSTER}/config` }));

    const before = ownedLeftovers(emu.state(), CLUSTER);
    assert.deepEqual(before.kopsObjects.map((o) => o.split(' ')[0]).sort(), [
      'instance',
      'network',
      'record',
      'record',
      'security',
      'security',
      'subnet',
      'vpc',
    ]);
    assert.deepEqual(before.buckets, [`${Bucket} (1 keys, 2 versions and delete markers)`]);

    // kops delete cluster's share (the stand-in calls the same admin removal).
    const res = await fetch(`${emu.endpoint}/_sandbox/remove-kops-cluster`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ cluster: CLUSTER }),
    });
    assert.equal(res.ok, true);
    const afterKops = ownedLeftovers(emu.state(), CLUSTER);
    assert.deepEqual(afterKops.kopsObjects, []);
    assert.equal(isEmpty(afterKops), false, 'the bucket still holds an old version and a delete marker');

    // Only the delete marker gone: the old version alone still counts.
    const versions = await s3.send(new ListObjectVersionsCommand({ Bucket }));
    const marker = versions.DeleteMarkers![0]!;
    await s3.send(new DeleteObjectCommand({ Bucket, Key: marker.Key!, VersionId: marker.VersionId! }));
    assert.deepEqual(ownedLeftovers(emu.state(), CLUSTER).buckets, [
      `${Bucket} (1 keys, 1 versions and delete markers)`,
    ]);
    const version = versions.Versions![0]!;
    await s3.send(new DeleteObjectCommand({ Bucket, Key: version.Key!, VersionId: version.VersionId! }));
    await s3.send(new DeleteBucketCommand({ Bucket }));
    assert.equal(isEmpty(ownedLeftovers(emu.state(), CLUSTER)), true);
  },
);
