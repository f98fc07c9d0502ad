// ListObjectsV2 (current versions that are not delete markers, with prefix, delimiter, start-after
// and continuation tokens) and ListObjectVersions (every version and delete marker, keys in order,
// newest first within a key, with key and version-id markers).
import { AwsError } from '../errors.js';
import type { BucketRecord } from '../model.js';
import { el, opt, xmlDocument, type Xml } from '../xml.js';
import type { S3Reply } from './reply.js';
import { xml } from './reply.js';
import { current, S3_NAMESPACE } from './store.js';

function maxKeys(q: URLSearchParams): number {
  const raw = q.get('max-keys');
  if (raw === null) return 1000;
  if (!/^\d+$/.test(raw))
    throw new AwsError('InvalidArgument', 'Provided max-keys not an integer or within integer range', 400);
  return Math.min(Number(raw), 1000);
}

const sortedKeys = (b: BucketRecord) => Object.keys(b.objects).sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));

export function listObjectsV2(b: BucketRecord, q: URLSearchParams): S3Reply {
  const prefix = q.get('prefix') ?? '';
  const delimiter = q.get('delimiter') ?? '';
  const max = maxKeys(q);
  const token = q.get('continuation-token');
  const after = token !== null ? Buffer.from(token, 'base64url').toString('utf8') : (q.get('start-after') ?? '');
  const contents: Xml[] = [];
  const prefixes: string[] = [];
  let last = '';
  let truncated = false;
  for (const key of sortedKeys(b)) {
    if (!key.startsWith(prefix) || key <= after) continue;
    const v = current(b, key);
    if (v === undefined || v.deleteMarker) continue;
    let entry = key;
    if (delimiter !== '') {
      const at = key.indexOf(delimiter, prefix.length);
      if (at >= 0) entry = key.slice(0, at + delimiter.length);
    }
    if (entry !== key && prefixes.includes(entry)) {
      last = key;
      continue;
    }
    if (contents.length + prefixes.length >= max) {
      truncated = true;
      break;
    }
    if (entry !== key) prefixes.push(entry);
    else
      contents.push(
        el('Contents', [
          el('Key', key),
          el('LastModified', v.lastModified),
          el('ETag', v.etag!),
          el('Size', v.size ?? 0),
          el('StorageClass', 'STANDARD'),
        ]),
      );
    last = key;
  }
  return xml(
    xmlDocument('ListBucketResult', S3_NAMESPACE, [
      el('Name', b.name),
      el('Prefix', prefix),
      opt('Delimiter', delimiter === '' ? undefined : delimiter),
      el('MaxKeys', max),
      el('KeyCount', contents.length + prefixes.length),
      el('IsTruncated', truncated),
      opt('ContinuationToken', token ?? undefined),
      opt('StartAfter', q.get('start-after') ?? undefined),
      opt('NextContinuationToken', truncated ? Buffer.from(last).toString('base64url') : undefined),
      ...contents,
      ...prefixes.map((p) => el('CommonPrefixes', [el('Prefix', p)])),
    ]),
  );
}

export function listObjectVersions(b: BucketRecord, q: URLSearchParams): S3Reply {
  const prefix = q.get('prefix') ?? '';
  const max = maxKeys(q);
  const keyMarker = q.get('key-marker') ?? '';
  const versionMarker = q.get('version-id-marker') ?? '';
  const entries: Xml[] = [];
  let next: { key: string; versionId: string } | undefined;
  let truncated = false;
  outer: for (const key of sortedKeys(b)) {
    if (!key.startsWith(prefix) || key < keyMarker || (key === keyMarker && versionMarker === '')) continue;
    const versions = [...b.objects[key]!].reverse();
    let skipping = key === keyMarker;
    for (const [i, v] of versions.entries()) {
      if (skipping) {
        if (v.versionId === versionMarker) skipping = false;
        continue;
      }
      if (entries.length >= max) {
        truncated = true;
        break outer;
      }
      const common = [
        el('Key', key),
        el('VersionId', v.versionId),
        el('IsLatest', i === 0),
        el('LastModified', v.lastModified),
        el('Owner', [el('ID', 'solokube-sandbox')]),
      ];
      entries.push(
        v.deleteMarker
          ? el('DeleteMarker', common)
          : el('Version', [...common, el('ETag', v.etag!), el('Size', v.size ?? 0), el('StorageClass', 'STANDARD')]),
      );
      next = { key, versionId: v.versionId };
    }
  }
  return xml(
    xmlDocument('ListVersionsResult', S3_NAMESPACE, [
      el('Name', b.name),
      el('Prefix', prefix),
      el('KeyMarker', keyMarker),
      el('VersionIdMarker', versionMarker),
      el('MaxKeys', max),
      el('IsTruncated', truncated),
      ...(truncated && next ? [el('NextKeyMarker', next.key), el('NextVersionIdMarker', next.versionId)] : []),
      ...entries,
    ]),
  );
}
