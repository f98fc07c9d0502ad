// Object operations with S3's versioning rules: with versioning on, a PUT adds a version and a
// DELETE without a version id adds a delete marker; a DELETE with one removes that version for
// good; without versioning there is one "null" version per key. GET/HEAD of a key whose current
// version is a delete marker is NoSuchKey with x-amz-delete-marker: true.
import { AwsError } from '../errors.js';
import type { BucketRecord, EmulatorData, S3VersionRecord } from '../model.js';
import { el, opt, xmlDocument } from '../xml.js';
import { malformed } from './buckets.js';
import type { S3Reply } from './reply.js';
import { empty, xml } from './reply.js';
import {
  current,
  etagOf,
  newVersionId,
  pushVersion,
  removeVersion,
  S3_NAMESPACE,
  versioned,
  versionIdFor,
} from './store.js';
import { elements, text } from './xml-in.js';

const MAX_DELETE_KEYS = 1000;

function versionHeader(b: BucketRecord, v: S3VersionRecord): Record<string, string> {
  return versioned(b) ? { 'x-amz-version-id': v.versionId } : {};
}

export function putObject(
  d: EmulatorData,
  b: BucketRecord,
  key: string,
  bytes: Buffer,
  headers: Record<string, string | string[] | undefined>,
): S3Reply {
  if (key.length > 1024) throw new AwsError('KeyTooLongError', 'Your key is too long', 400);
  const sse = String(headers['x-amz-server-side-encryption'] ?? b.encryption.sseAlgorithm);
  const v: S3VersionRecord = {
    versionId: versionIdFor(d, b),
    deleteMarker: false,
    lastModified: new Date().toISOString(),
    body: bytes.toString('base64'),
    etag: etagOf(bytes),
    size: bytes.length,
    contentType: String(headers['content-type'] ?? 'binary/octet-stream'),
    serverSideEncryption: sse,
  };
  pushVersion(b, key, v);
  return empty(200, { etag: v.etag!, 'x-amz-server-side-encryption': sse, ...versionHeader(b, v) });
}

function find(b: BucketRecord, key: string, versionId: string | null): S3VersionRecord {
  if (versionId === null) {
    const v = current(b, key);
    if (v === undefined) throw new AwsError('NoSuchKey', 'The specified key does not exist.', 404);
    if (v.deleteMarker)
      throw new AwsError('NoSuchKey', 'The specified key does not exist.', 404, {
        'x-amz-delete-marker': 'true',
        'x-amz-version-id': v.versionId,
      });
    return v;
  }
  const v = (Object.hasOwn(b.objects, key) ? b.objects[key]! : []).find((x) => x.versionId === versionId);
  if (v === undefined) throw new AwsError('NoSuchVersion', 'The specified version does not exist.', 404);
  if (v.deleteMarker)
    throw new AwsError('MethodNotAllowed', 'The specified method is not allowed against this resource.', 405, {
      'x-amz-delete-marker': 'true',
      'x-amz-version-id': v.versionId,
    });
  return v;
}

export function getObject(b: BucketRecord, key: string, versionId: string | null, head: boolean): S3Reply {
  const v = find(b, key, versionId);
  const body = Buffer.from(v.body ?? '', 'base64');
  return {
    status: 200,
    contentType: v.contentType ?? 'binary/octet-stream',
    body: head ? '' : body,
    headers: {
      etag: v.etag!,
      'last-modified': new Date(v.lastModified).toUTCString(),
      'accept-ranges': 'bytes',
      ...(head ? { 'content-length': String(body.length) } : {}),
      ...(v.serverSideEncryption === undefined ? {} : { 'x-amz-server-side-encryption': v.serverSideEncryption }),
      ...versionHeader(b, v),
    },
  };
}

interface DeleteOutcome {
  versionId?: string;
  deleteMarker: boolean;
}

function deleteOne(d: EmulatorData, b: BucketRecord, key: string, versionId: string | null): DeleteOutcome {
  if (versionId !== null) {
    const gone = removeVersion(b, key, versionId);
    return { versionId, deleteMarker: gone?.deleteMarker ?? false };
  }
  if (b.versioning === undefined) {
    removeVersion(b, key, 'null');
    return { deleteMarker: false };
  }
  const marker: S3VersionRecord = {
    versionId: b.versioning === 'Enabled' ? newVersionId(d) : 'null',
    deleteMarker: true,
    lastModified: new Date().toISOString(),
  };
  pushVersion(b, key, marker);
  return { versionId: marker.versionId, deleteMarker: true };
}

export function deleteObject(d: EmulatorData, b: BucketRecord, key: string, versionId: string | null): S3Reply {
  const out = deleteOne(d, b, key, versionId);
  return empty(204, {
    ...(out.deleteMarker ? { 'x-amz-delete-marker': 'true' } : {}),
    ...(out.versionId === undefined ? {} : { 'x-amz-version-id': out.versionId }),
  });
}

/** DeleteObjects (POST ?delete): up to 1000 keys; Quiet leaves successes out of the answer. */
export function deleteObjects(d: EmulatorData, b: BucketRecord, body: string): S3Reply {
  const objects = elements(body, 'Object');
  if (objects.length === 0 || objects.length > MAX_DELETE_KEYS) throw malformed();
  const quiet = text(body, 'Quiet') === 'true';
  const deleted = objects.map((o) => {
    const key = text(o, 'Key');
    if (key === undefined) throw malformed();
    const versionId = text(o, 'VersionId') ?? null;
    const out = deleteOne(d, b, key, versionId);
    return el('Deleted', [
      el('Key', key),
      opt('VersionId', versionId ?? undefined),
      ...(out.deleteMarker ? [el('DeleteMarker', true), opt('DeleteMarkerVersionId', out.versionId)] : []),
    ]);
  });
  return xml(xmlDocument('DeleteResult', S3_NAMESPACE, quiet ? [] : deleted));
}
