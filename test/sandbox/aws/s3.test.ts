// S3 in the emulator through the real @aws-sdk/client-s3 (path-style, as a custom endpoint needs):
// bucket configurations, versions and delete markers, listings, DeleteBucket refused while anything
// is left, and the region rule (a bucket answers only requests signed for its own region).
import { describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetBucketEncryptionCommand,
  GetBucketTaggingCommand,
  GetBucketVersioningCommand,
  GetObjectCommand,
  GetPublicAccessBlockCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  PutBucketEncryptionCommand,
  PutBucketTaggingCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  DeletePublicAccessBlockCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { startAwsEmulator, type AwsEmulator } from '../../../src/sandbox/aws/index.js';
import { clientConfig, rejection } from './harness.js';

function s3(endpoint: string, region: string): S3Client {
  return new S3Client({ ...clientConfig(endpoint), region, forcePathStyle: true });
}

async function emulator(t: TestContext, region = 'eu-west-1'): Promise<{ emu: AwsEmulator; client: S3Client }> {
  const emu = await startAwsEmulator({ region });
  const client = s3(emu.endpoint, region);
  t.after(async () => {
    client.destroy();
    await emu.close();
  });
  return { emu, client };
}

const create = (c: S3Client, Bucket: string, region = 'eu-west-1') =>
  c.send(
    new CreateBucketCommand({
      Bucket,
      ...(region === 'us-east-1' ? {} : { CreateBucketConfiguration: { LocationConstraint: region as 'eu-west-1' } }),
    }),
  );

describe('AWS emulator: S3', () => {
  test(
    'GIVEN a new bucket WHEN reading its configuration THEN it has SSE-S3 and every ' +
      'public-access block, no versioning and no tags, as AWS makes buckets now',
    async (t) => {
      const { client } = await emulator(t);
      await create(client, 'state-a');
      const enc = await client.send(new GetBucketEncryptionCommand({ Bucket: 'state-a' }));
      assert.equal(
        enc.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm,
        'AES256',
      );
      const pab = await client.send(new GetPublicAccessBlockCommand({ Bucket: 'state-a' }));
      assert.deepEqual(pab.PublicAccessBlockConfiguration, {
        BlockPublicAcls: true,
        IgnorePublicAcls: true,
        BlockPublicPolicy: true,
        RestrictPublicBuckets: true,
      });
      assert.equal((await client.send(new GetBucketVersioningCommand({ Bucket: 'state-a' }))).Status, undefined);
      assert.equal(
        (await rejection(client.send(new GetBucketTaggingCommand({ Bucket: 'state-a' })))).name,
        'NoSuchTagSet',
      );
      await client.send(new DeletePublicAccessBlockCommand({ Bucket: 'state-a' }));
      assert.equal(
        (await rejection(client.send(new GetPublicAccessBlockCommand({ Bucket: 'state-a' })))).name,
        'NoSuchPublicAccessBlockConfiguration',
      );
    },
  );

  test('GIVEN configurations written WHEN read back THEN versioning, KMS encryption and tags are what was written', async (t) => {
    const { client } = await emulator(t);
    await create(client, 'state-b');
    await client.send(
      new PutBucketVersioningCommand({ Bucket: 'state-b', VersioningConfiguration: { Status: 'Enabled' } }),
    );
    await client.send(
      new PutBucketEncryptionCommand({
        Bucket: 'state-b',
        ServerSideEncryptionConfiguration: {
          Rules: [
            {
              ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: 'alias/x' },
              BucketKeyEnabled: true,
            },
          ],
        },
      }),
    );
    await client.send(
      new PutBucketTaggingCommand({
        Bucket: 'state-b',
        Tagging: {
          TagSet: [
            { Key: 'solokube.io/cluster', Value: 'c1.example.com' },
            { Key: 'a&b', Value: '<x>' },
          ],
        },
      }),
    );
    assert.equal((await client.send(new GetBucketVersioningCommand({ Bucket: 'state-b' }))).Status, 'Enabled');
    const rule = (await client.send(new GetBucketEncryptionCommand({ Bucket: 'state-b' })))
      .ServerSideEncryptionConfiguration!.Rules![0]!;
    assert.deepEqual(
      [
        rule.ApplyServerSideEncryptionByDefault?.SSEAlgorithm,
        rule.ApplyServerSideEncryptionByDefault?.KMSMasterKeyID,
        rule.BucketKeyEnabled,
      ],
      ['aws:kms', 'alias/x', true],
    );
    const tags = (await client.send(new GetBucketTaggingCommand({ Bucket: 'state-b' }))).TagSet!;
    assert.deepEqual(Object.fromEntries(tags.map((x) => [x.Key, x.Value])), {
      'solokube.io/cluster': 'c1.example.com',
      'a&b': '<x>',
    });
  });

  test(
    'GIVEN versioning on WHEN an object is written twice and deleted THEN GET says NoSuchKey, ' +
      'the versions and the delete marker are listed, and each version reads back',
    async (t) => {
      const { client } = await emulator(t);
      await create(client, 'state-c');
      await client.send(
        new PutBucketVersioningCommand({ Bucket: 'state-c', VersioningConfiguration: { Status: 'Enabled' } }),
      );
      const v1 = await client.send(new PutObjectCommand({ Bucket: 'state-c', Key: 'c1/config', Body: 'one' }));
      const v2 = await client.send(
        new PutObjectCommand({ Bucket: 'state-c', Key: 'c1/config', Body: Buffer.from([0, 255, 10]) }),
      );
      assert.notEqual(v1.VersionId, v2.VersionId);
      const got = await client.send(new GetObjectCommand({ Bucket: 'state-c', Key: 'c1/config' }));
      assert.deepEqual([...(await got.Body!.transformToByteArray())], [0, 255, 10]);
      const del = await client.send(new DeleteObjectCommand({ Bucket: 'state-c', Key: 'c1/config' }));
      assert.equal(del.DeleteMarker, true);
      assert.equal(
        (await rejection(client.send(new GetObjectCommand({ Bucket: 'state-c', Key: 'c1/config' })))).name,
        'NoSuchKey',
      );
      assert.equal(
        (await rejection(client.send(new HeadObjectCommand({ Bucket: 'state-c', Key: 'c1/config' })))).name,
        'NotFound',
      );
      const old = await client.send(
        new GetObjectCommand({ Bucket: 'state-c', Key: 'c1/config', VersionId: v1.VersionId }),
      );
      assert.equal(await old.Body!.transformToString(), 'one');
      const versions = await client.send(new ListObjectVersionsCommand({ Bucket: 'state-c' }));
      assert.deepEqual(
        versions.Versions!.map((v) => [v.VersionId, v.IsLatest]),
        [
          [v2.VersionId, false],
          [v1.VersionId, false],
        ],
      );
      assert.deepEqual(
        versions.DeleteMarkers!.map((m) => [m.VersionId, m.IsLatest]),
        [[del.VersionId, true]],
      );
      assert.equal((await client.send(new ListObjectsV2Command({ Bucket: 'state-c' }))).KeyCount, 0);
    },
  );

  test(
    'GIVEN anything left in a bucket, even a lone delete marker, WHEN DeleteBucket THEN ' +
      'BucketNotEmpty; after every version is removed THEN it goes',
    async (t) => {
      const { client, emu } = await emulator(t);
      await create(client, 'state-d');
      await client.send(
        new PutBucketVersioningCommand({ Bucket: 'state-d', VersioningConfiguration: { Status: 'Enabled' } }),
      );
      const put = await client.send(new PutObjectCommand({ Bucket: 'state-d', Key: 'k', Body: 'x' }));
      const marker = await client.send(new DeleteObjectCommand({ Bucket: 'state-d', Key: 'k' }));
      await client.send(new DeleteObjectCommand({ Bucket: 'state-d', Key: 'k', VersionId: put.VersionId }));
      const err = await rejection(client.send(new DeleteBucketCommand({ Bucket: 'state-d' })));
      assert.equal(err.name, 'BucketNotEmpty');
      assert.equal(err.$metadata?.httpStatusCode, 409);
      const out = await client.send(
        new DeleteObjectsCommand({
          Bucket: 'state-d',
          Delete: { Objects: [{ Key: 'k', VersionId: marker.VersionId }] },
        }),
      );
      assert.deepEqual(
        out.Deleted?.map((d) => [d.Key, d.DeleteMarker]),
        [['k', true]],
      );
      await client.send(new DeleteBucketCommand({ Bucket: 'state-d' }));
      assert.deepEqual(emu.state().buckets, {});
      assert.equal((await rejection(client.send(new HeadBucketCommand({ Bucket: 'state-d' })))).name, 'NotFound');
    },
  );

  test(
    'GIVEN keys under prefixes WHEN ListObjectsV2 with a delimiter and pages of 2 THEN common ' +
      'prefixes and continuation tokens walk everything once',
    async (t) => {
      const { client } = await emulator(t);
      await create(client, 'state-e');
      for (const k of ['c1/config', 'c1/instancegroup/a', 'c1/instancegroup/b', 'c1/pki/x', 'c2/config'])
        await client.send(new PutObjectCommand({ Bucket: 'state-e', Key: k, Body: k }));
      const top = await client.send(new ListObjectsV2Command({ Bucket: 'state-e', Prefix: 'c1/', Delimiter: '/' }));
      assert.deepEqual(
        top.Contents?.map((c) => c.Key),
        ['c1/config'],
      );
      assert.deepEqual(
        top.CommonPrefixes?.map((p) => p.Prefix),
        ['c1/instancegroup/', 'c1/pki/'],
      );
      const seen: string[] = [];
      let token: string | undefined;
      do {
        const page = await client.send(
          new ListObjectsV2Command({ Bucket: 'state-e', MaxKeys: 2, ContinuationToken: token }),
        );
        seen.push(...page.Contents!.map((c) => c.Key!));
        token = page.NextContinuationToken;
      } while (token !== undefined);
      assert.deepEqual(seen, ['c1/config', 'c1/instancegroup/a', 'c1/instancegroup/b', 'c1/pki/x', 'c2/config']);
    },
  );

  test(
    'GIVEN a bucket in eu-west-1 WHEN a client signed for us-east-1 reads it THEN ' +
      'PermanentRedirect names the region; creating without a matching constraint is refused',
    async (t) => {
      const { client, emu } = await emulator(t);
      await create(client, 'state-f');
      const east = s3(emu.endpoint, 'us-east-1');
      t.after(() => east.destroy());
      const err = await rejection(east.send(new GetBucketVersioningCommand({ Bucket: 'state-f' })));
      assert.equal(err.name, 'PermanentRedirect');
      // (The SDK itself adds the client's region as the constraint when none is given.)
      assert.equal(
        (
          await rejection(
            client.send(
              new CreateBucketCommand({
                Bucket: 'state-g',
                CreateBucketConfiguration: { LocationConstraint: 'eu-central-1' },
              }),
            ),
          )
        ).name,
        'IllegalLocationConstraintException',
      );
      assert.equal((await rejection(create(client, 'state-f'))).name, 'BucketAlreadyOwnedByYou');
      assert.equal((await rejection(create(client, 'Bad_Name'))).name, 'InvalidBucketName');
    },
  );
});
