// S3 REST routing, path-style only (`/<bucket>/<key>`, as clients configured with a custom
// endpoint and forcePathStyle, and kops with S3_ENDPOINT, address it): method, path and the
// sub-resource in the query string pick the operation.
import type { IncomingHttpHeaders } from 'node:http';
import type { RawRequest, Routed } from '../dispatch.js';
import { AwsError } from '../errors.js';
import type { BucketRecord, EmulatorData } from '../model.js';
import * as bucketOps from './buckets.js';
import { decodeAwsChunked, isAwsChunked } from './chunked.js';
import { listObjectsV2, listObjectVersions } from './listing.js';
import { deleteObject, deleteObjects, getObject, putObject } from './objects.js';
import type { S3Reply } from './reply.js';
import { getBucket } from './store.js';

type Handler = (d: EmulatorData) => S3Reply;
interface Operation {
  name: string;
  mutates: boolean;
  run: Handler;
}

const SUBRESOURCES = [
  'versioning',
  'encryption',
  'publicAccessBlock',
  'tagging',
  'location',
  'versions',
  'delete',
  'acl',
  'policy',
  'uploads',
  'lifecycle',
  'cors',
] as const;

function subresource(q: URLSearchParams): string | undefined {
  return SUBRESOURCES.find((s) => q.has(s));
}

function notImplemented(what: string): Operation {
  return {
    name: what,
    mutates: false,
    run: () => {
      throw new AwsError('NotImplemented', `The emulator does not implement ${what}.`, 501);
    },
  };
}

const withBucket =
  (name: string, fn: (b: BucketRecord, d: EmulatorData) => S3Reply): Handler =>
  (d) =>
    fn(getBucket(d, name), d);

function bucketOperation(method: string, bucket: string, q: URLSearchParams, body: string): Operation {
  const sub = subresource(q);
  const read = (name: string, fn: (b: BucketRecord, d: EmulatorData) => S3Reply): Operation => ({
    name,
    mutates: false,
    run: withBucket(bucket, fn),
  });
  const write = (name: string, fn: (b: BucketRecord, d: EmulatorData) => S3Reply): Operation => ({
    name,
    mutates: true,
    run: withBucket(bucket, fn),
  });
  switch (`${method} ${sub ?? ''}`) {
    case 'PUT ':
      return { name: 'CreateBucket', mutates: true, run: (d) => bucketOps.createBucket(d, bucket, body) };
    case 'HEAD ':
      return { name: 'HeadBucket', mutates: false, run: (d) => bucketOps.headBucket(d, bucket) };
    case 'DELETE ':
      return { name: 'DeleteBucket', mutates: true, run: (d) => bucketOps.deleteBucket(d, bucket) };
    case 'GET location':
      return { name: 'GetBucketLocation', mutates: false, run: (d) => bucketOps.getBucketLocation(d, bucket) };
    case 'GET ':
      return q.get('list-type') === '2'
        ? read('ListObjectsV2', (b) => listObjectsV2(b, q))
        : notImplemented('ListObjects (v1); use ListObjectsV2');
    case 'GET versions':
      return read('ListObjectVersions', (b) => listObjectVersions(b, q));
    case 'POST delete':
      return write('DeleteObjects', (b, d) => deleteObjects(d, b, body));
    case 'GET versioning':
      return read('GetBucketVersioning', bucketOps.getVersioning);
    case 'PUT versioning':
      return write('PutBucketVersioning', (b) => bucketOps.putVersioning(b, body));
    case 'GET encryption':
      return read('GetBucketEncryption', bucketOps.getEncryption);
    case 'PUT encryption':
      return write('PutBucketEncryption', (b) => bucketOps.putEncryption(b, body));
    case 'DELETE encryption':
      return write('DeleteBucketEncryption', bucketOps.deleteEncryption);
    case 'GET publicAccessBlock':
      return read('GetPublicAccessBlock', bucketOps.getPublicAccessBlock);
    case 'PUT publicAccessBlock':
      return write('PutPublicAccessBlock', (b) => bucketOps.putPublicAccessBlock(b, body));
    case 'DELETE publicAccessBlock':
      return write('DeletePublicAccessBlock', bucketOps.deletePublicAccessBlock);
    case 'GET tagging':
      return read('GetBucketTagging', bucketOps.getTagging);
    case 'PUT tagging':
      return write('PutBucketTagging', (b) => bucketOps.putTagging(b, body));
    case 'DELETE tagging':
      return write('DeleteBucketTagging', bucketOps.deleteTagging);
    default:
      return notImplemented(`${method} on a bucket${sub ? ` with ?${sub}` : ''}`);
  }
}

function payload(headers: IncomingHttpHeaders, bytes: Buffer): Buffer {
  return isAwsChunked(headers) ? decodeAwsChunked(bytes) : bytes;
}

function objectOperation(
  method: string,
  bucket: string,
  key: string,
  q: URLSearchParams,
  headers: IncomingHttpHeaders,
  bytes: Buffer,
): Operation {
  const sub = subresource(q);
  if (sub !== undefined) return notImplemented(`${method} on an object with ?${sub}`);
  const versionId = q.get('versionId');
  switch (method) {
    case 'PUT':
      if (headers['x-amz-copy-source'] !== undefined) return notImplemented('CopyObject');
      return {
        name: 'PutObject',
        mutates: true,
        run: withBucket(bucket, (b, d) => putObject(d, b, key, payload(headers, bytes), headers)),
      };
    case 'GET':
      return { name: 'GetObject', mutates: false, run: withBucket(bucket, (b) => getObject(b, key, versionId, false)) };
    case 'HEAD':
      return { name: 'HeadObject', mutates: false, run: withBucket(bucket, (b) => getObject(b, key, versionId, true)) };
    case 'DELETE':
      return {
        name: 'DeleteObject',
        mutates: true,
        run: withBucket(bucket, (b, d) => deleteObject(d, b, key, versionId)),
      };
    default:
      return notImplemented(`${method} on an object`);
  }
}

export function routeS3(req: RawRequest): Routed {
  const q = new URLSearchParams(req.search);
  const [, bucket = '', ...rest] = req.path.split('/');
  const key = decodeURIComponent(rest.join('/'));
  const op =
    bucket === ''
      ? req.method === 'GET'
        ? { name: 'ListBuckets', mutates: false, run: bucketOps.listBuckets }
        : notImplemented(`${req.method} /`)
      : key === ''
        ? bucketOperation(req.method, decodeURIComponent(bucket), q, req.body)
        : objectOperation(
            req.method,
            decodeURIComponent(bucket),
            key,
            q,
            req.headers,
            req.bytes ?? Buffer.from(req.body),
          );
  return { service: 's3', operation: op.name, protocol: 's3', mutates: op.mutates, execute: (d) => op.run(d) };
}
