// Buckets and object versions in the emulator's state: lookup with S3's error codes, the region
// rule (a bucket answers only requests signed for its own region), and version bookkeeping.
import { createHash } from 'node:crypto';
import { AwsError } from '../errors.js';
import type { BucketRecord, EmulatorData, S3VersionRecord } from '../model.js';

export const S3_NAMESPACE = 'http://s3.amazonaws.com/doc/2006-03-01/';

export function buckets(d: EmulatorData): Record<string, BucketRecord> {
  return (d.buckets ??= {});
}

/** The bucket, or NoSuchBucket; a bucket of another region answers 301 PermanentRedirect as S3 does. */
export function getBucket(d: EmulatorData, name: string, anyRegion = false): BucketRecord {
  const b = Object.hasOwn(buckets(d), name) ? buckets(d)[name] : undefined;
  if (b === undefined) throw new AwsError('NoSuchBucket', 'The specified bucket does not exist', 404);
  if (!anyRegion && b.region !== d.region) {
    throw new RedirectError(b.region);
  }
  return b;
}

/** 301 with the bucket's region in `x-amz-bucket-region`, which clients use to retry elsewhere. */
export class RedirectError extends AwsError {
  constructor(readonly bucketRegion: string) {
    super(
      'PermanentRedirect',
      'The bucket you are attempting to access must be addressed using the specified endpoint. Please send all future requests to this endpoint.',
      301,
      { 'x-amz-bucket-region': bucketRegion },
    );
  }
}

export function current(b: BucketRecord, key: string): S3VersionRecord | undefined {
  const versions = Object.hasOwn(b.objects, key) ? b.objects[key] : undefined;
  return versions?.[versions.length - 1];
}

export function isEmpty(b: BucketRecord): boolean {
  return Object.values(b.objects).every((v) => v.length === 0);
}

/** Opaque, unique version ids (S3's are 32 URL-safe characters). */
export function newVersionId(d: EmulatorData): string {
  const n = (d.counters['s3-version'] ?? 0) + 1;
  d.counters['s3-version'] = n;
  return `v${n.toString(36).padStart(31, '0')}`;
}

/** The id a new version gets: unique while versioning is on, else the single "null" version. */
export function versionIdFor(d: EmulatorData, b: BucketRecord): string {
  return b.versioning === 'Enabled' ? newVersionId(d) : 'null';
}

/** Adds a version (or marker) as current; a "null" version replaces the previous "null" one. */
export function pushVersion(b: BucketRecord, key: string, v: S3VersionRecord): void {
  const list = (Object.hasOwn(b.objects, key) ? b.objects[key]! : []).filter(
    (x) => v.versionId !== 'null' || x.versionId !== 'null',
  );
  list.push(v);
  b.objects[key] = list;
}

export function removeVersion(b: BucketRecord, key: string, versionId: string): S3VersionRecord | undefined {
  const list = Object.hasOwn(b.objects, key) ? b.objects[key]! : [];
  const i = list.findIndex((x) => x.versionId === versionId);
  if (i < 0) return undefined;
  const [gone] = list.splice(i, 1);
  if (list.length === 0) delete b.objects[key];
  return gone;
}

export function etagOf(bytes: Buffer): string {
  return `"${createHash('md5').update(bytes).digest('hex')}"`;
}

/** Whether responses carry x-amz-version-id (once versioning was ever configured). */
export function versioned(b: BucketRecord): boolean {
  return b.versioning !== undefined;
}
