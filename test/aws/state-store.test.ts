// The kops state store bucket, through the real @aws-sdk/client-s3 against the emulator: created
// with versioning, encryption, public access blocked and our tags; idempotent; a bucket that is
// not ours is used as it is and never deleted; `down` removes ours with every version and delete
// marker, but keeps it while anything else is in it; S3 throttling is retried to convergence.
import { s3Of } from '../../src/aws/s3.js';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateBucketCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  DeleteObjectCommand,
  DeleteBucketEncryptionCommand,
} from '@aws-sdk/client-s3';
import { names } from '../../src/config/naming.js';
import { parseConfig } from '../../src/config/load.js';
import { planAndApply } from '../../src/core/run.js';
import { stateStore } from '../../src/aws/resources/state-store.js';
import { assertIdempotent } from '../support/idempotency.js';
import { CONFIG_YAML, REGION, withLibraryLab, type LibraryLab } from './harness.js';

const DEFAULT_BUCKET = `solokube-state-123456789012-${REGION}`;

function resource(l: LibraryLab, yaml = CONFIG_YAML) {
  const config = parseConfig(yaml, 'test');
  return stateStore({ config, names: names(config), clients: l.clients });
}

async function destroy(l: LibraryLab, yaml?: string) {
  return planAndApply([resource(l, yaml)], { io: l.io, signal: l.signal, mode: 'destroy', yes: true, dryRun: false });
}

describe('kops state store', () => {
  test(
    'GIVEN no bucket WHEN the state store is applied and planned again THEN it exists with ' +
      'versioning, SSE, every public-access block and our tags, and the second plan has no changes',
    () =>
      withLibraryLab(async (l) => {
        await assertIdempotent([resource(l)], { io: l.io, signal: l.signal, reruns: 2 });
        const b = l.lab.emu.state().buckets![DEFAULT_BUCKET]!;
        assert.equal(b.region, REGION);
        assert.equal(b.versioning, 'Enabled');
        assert.equal(b.encryption.sseAlgorithm, 'AES256');
        assert.deepEqual(b.publicAccessBlock, {
          blockPublicAcls: true,
          ignorePublicAcls: true,
          blockPublicPolicy: true,
          restrictPublicBuckets: true,
        });
        assert.deepEqual(b.tags, { 'solokube.io/cluster': 'c1.example.com', 'solokube.io/role': 'state-store' });
      }),
  );

  test('GIVEN our bucket whose encryption rule was removed and versioning suspended WHEN applied THEN only those two are put back', () =>
    withLibraryLab(async (l) => {
      await planAndApply([resource(l)], { io: l.io, signal: l.signal, mode: 'converge', yes: true, dryRun: false });
      await s3Of(l.clients).send(
        new PutBucketVersioningCommand({ Bucket: DEFAULT_BUCKET, VersioningConfiguration: { Status: 'Suspended' } }),
      );
      await s3Of(l.clients).send(new DeleteBucketEncryptionCommand({ Bucket: DEFAULT_BUCKET }));
      const run = await planAndApply([resource(l)], {
        io: l.io,
        signal: l.signal,
        mode: 'converge',
        yes: true,
        dryRun: false,
      });
      // S3 brings SSE-S3 back by itself; versioning is the one change.
      assert.deepEqual(
        run.plan.steps[0]!.changes.map((c) => c.field),
        ['versioning'],
      );
      assert.equal(l.lab.emu.state().buckets![DEFAULT_BUCKET]!.versioning, 'Enabled');
    }));

  test('GIVEN a configured bucket that exists and is not ours WHEN up and then down run THEN nothing about it changes and it is never deleted', () =>
    withLibraryLab(async (l) => {
      const yaml = `${CONFIG_YAML}stateStore: my-kops-state\n`;
      await s3Of(l.clients).send(
        new CreateBucketCommand({ Bucket: 'my-kops-state', CreateBucketConfiguration: { LocationConstraint: REGION } }),
      );
      const before = l.lab.emu.state().buckets!['my-kops-state'];
      const up = await planAndApply([resource(l, yaml)], {
        io: l.io,
        signal: l.signal,
        mode: 'converge',
        yes: true,
        dryRun: false,
      });
      assert.deepEqual(
        up.plan.steps.map((s) => s.action),
        ['unchanged'],
      );
      const down = await destroy(l, yaml);
      assert.deepEqual(
        down.plan.steps.map((s) => s.action),
        ['unchanged'],
      );
      assert.deepEqual(l.lab.emu.state().buckets!['my-kops-state'], before);
    }));

  test('GIVEN our bucket holding old versions and delete markers of this cluster only WHEN down runs THEN every version goes and then the bucket', () =>
    withLibraryLab(async (l) => {
      await planAndApply([resource(l)], { io: l.io, signal: l.signal, mode: 'converge', yes: true, dryRun: false });
      for (const key of ['c1.example.com/config', 'c1.example.com/instancegroup/a']) {
        await s3Of(l.clients).send(new PutObjectCommand({ Bucket: DEFAULT_BUCKET, Key: key, Body: 'v1' }));
        await s3Of(l.clients).send(new PutObjectCommand({ Bucket: DEFAULT_BUCKET, Key: key, Body: 'v2' }));
        await s3Of(l.clients).send(new DeleteObjectCommand({ Bucket: DEFAULT_BUCKET, Key: key }));
      }
      await destroy(l);
      assert.equal(l.lab.emu.state().buckets![DEFAULT_BUCKET], undefined);
    }));

  test("GIVEN our bucket with another cluster's state, or this cluster's live state WHEN down runs THEN the bucket and all of it stay", () =>
    withLibraryLab(async (l) => {
      await planAndApply([resource(l)], { io: l.io, signal: l.signal, mode: 'converge', yes: true, dryRun: false });
      await s3Of(l.clients).send(
        new PutObjectCommand({ Bucket: DEFAULT_BUCKET, Key: 'other.example.com/config', Body: 'x' }),
      );
      await destroy(l);
      assert.deepEqual(Object.keys(l.lab.emu.state().buckets![DEFAULT_BUCKET]!.objects), ['other.example.com/config']);
      await s3Of(l.clients).send(new DeleteObjectCommand({ Bucket: DEFAULT_BUCKET, Key: 'other.example.com/config' }));
      await s3Of(l.clients).send(
        new PutObjectCommand({ Bucket: DEFAULT_BUCKET, Key: 'c1.example.com/config', Body: 'live' }),
      );
      // Only the delete marker and old version of the other cluster remain besides our live config: still kept.
      await destroy(l);
      assert.ok(l.lab.emu.state().buckets![DEFAULT_BUCKET]);
      assert.ok(l.io.events.some((e) => e.level === 'warn' && /keeping the state store/.test(e.message)));
    }));

  test('GIVEN S3 throttles twice WHEN the state store is applied THEN the SDK retries and it converges with exactly one bucket', () =>
    withLibraryLab(async (l) => {
      l.lab.emu.injectFault({ service: 's3', kind: 'error', code: 'SlowDown', status: 503, times: 2 });
      await assertIdempotent([resource(l)], { io: l.io, signal: l.signal });
      assert.deepEqual(Object.keys(l.lab.emu.state().buckets!), [DEFAULT_BUCKET]);
      assert.ok(l.lab.emu.calls().some((c) => c.errorCode === 'SlowDown'));
    }));

  test(
    'GIVEN a create that stopped before tagging (untagged, empty bucket of the default name) ' +
      'WHEN applied THEN it is claimed and tagged, not refused or duplicated',
    () =>
      withLibraryLab(async (l) => {
        await s3Of(l.clients).send(
          new CreateBucketCommand({
            Bucket: DEFAULT_BUCKET,
            CreateBucketConfiguration: { LocationConstraint: REGION },
          }),
        );
        await assertIdempotent([resource(l)], { io: l.io, signal: l.signal });
        assert.equal(l.lab.emu.state().buckets![DEFAULT_BUCKET]!.tags?.['solokube.io/role'], 'state-store');
      }),
  );
});
