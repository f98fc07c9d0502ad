// Bucket-level S3 operations: create, head, delete (refused while anything is left, versions and
// delete markers included), location, and the four configurations solokube's state store sets:
// versioning, default encryption, public access block, tagging. New buckets start the way AWS
// makes them since 2023: SSE-S3 default encryption and every public-access block on.
import { AwsError } from '../errors.js';
import type { BucketRecord, EmulatorData } from '../model.js';
import { el, escapeXml, list, opt, Xml, xmlDocument } from '../xml.js';
import { checkBucketName } from './names.js';
import { buckets, getBucket, isEmpty, S3_NAMESPACE } from './store.js';
import { elements, text } from './xml-in.js';
import type { S3Reply } from './reply.js';
import { empty, xml } from './reply.js';

const doc = (root: string, children: (Xml | undefined)[]) => xml(xmlDocument(root, S3_NAMESPACE, children));
const malformed = () =>
  new AwsError(
    'MalformedXML',
    'The XML you provided was not well-formed or did not validate against our published schema',
    400,
  );

export function listBuckets(d: EmulatorData): S3Reply {
  const all = Object.values(buckets(d)).sort((a, b) => a.name.localeCompare(b.name));
  return doc('ListAllMyBucketsResult', [
    el('Owner', [el('ID', d.accountId), el('DisplayName', 'solokube-sandbox')]),
    el(
      'Buckets',
      all.map((b) =>
        el('Bucket', [el('Name', b.name), el('CreationDate', b.creationDate), el('BucketRegion', b.region)]),
      ),
    ),
  ]);
}

export function createBucket(d: EmulatorData, name: string, body: string): S3Reply {
  checkBucketName(name);
  const constraint = body.trim() === '' ? undefined : text(body, 'LocationConstraint');
  if ((constraint ?? 'us-east-1') !== d.region) {
    throw new AwsError(
      'IllegalLocationConstraintException',
      constraint === undefined
        ? 'The unspecified location constraint is incompatible for the region specific endpoint this request was sent to.'
        : `The ${constraint} location constraint is incompatible for the region specific endpoint this request was sent to.`,
      400,
    );
  }
  const existing = Object.hasOwn(buckets(d), name) ? buckets(d)[name] : undefined;
  if (existing !== undefined) {
    // us-east-1 keeps its legacy answer: re-creating your own bucket there succeeds and changes nothing.
    if (existing.region === 'us-east-1' && d.region === 'us-east-1') return empty(200, { location: `/${name}` });
    throw new AwsError(
      'BucketAlreadyOwnedByYou',
      'Your previous request to create the named bucket succeeded and you already own it.',
      409,
    );
  }
  buckets(d)[name] = {
    name,
    region: d.region,
    creationDate: new Date().toISOString(),
    objects: {},
    encryption: { sseAlgorithm: 'AES256' },
    publicAccessBlock: {
      blockPublicAcls: true,
      ignorePublicAcls: true,
      blockPublicPolicy: true,
      restrictPublicBuckets: true,
    },
  };
  return empty(200, { location: `/${name}` });
}

export function headBucket(d: EmulatorData, name: string): S3Reply {
  const b = getBucket(d, name, true);
  if (b.region !== d.region) throw new AwsError('PermanentRedirect', '', 301, { 'x-amz-bucket-region': b.region });
  return empty(200, { 'x-amz-bucket-region': b.region });
}

export function deleteBucket(d: EmulatorData, name: string): S3Reply {
  const b = getBucket(d, name);
  if (!isEmpty(b)) throw new AwsError('BucketNotEmpty', 'The bucket you tried to delete is not empty', 409);
  delete buckets(d)[name];
  return empty(204);
}

export function getBucketLocation(d: EmulatorData, name: string): S3Reply {
  const b = getBucket(d, name, true);
  // us-east-1 is the empty constraint, as S3 has always answered it.
  return xml(
    xmlDocument('LocationConstraint', S3_NAMESPACE, b.region === 'us-east-1' ? [] : [new Xml(escapeXml(b.region))]),
  );
}

export function getVersioning(b: BucketRecord): S3Reply {
  return doc('VersioningConfiguration', [opt('Status', b.versioning)]);
}

export function putVersioning(b: BucketRecord, body: string): S3Reply {
  const status = text(body, 'Status');
  if (status !== 'Enabled' && status !== 'Suspended') throw malformed();
  b.versioning = status;
  return empty(200);
}

export function getEncryption(b: BucketRecord): S3Reply {
  const e = b.encryption;
  return doc('ServerSideEncryptionConfiguration', [
    el('Rule', [
      el('ApplyServerSideEncryptionByDefault', [
        el('SSEAlgorithm', e.sseAlgorithm),
        opt('KMSMasterKeyID', e.kmsMasterKeyId),
      ]),
      el('BucketKeyEnabled', e.bucketKeyEnabled ?? false),
    ]),
  ]);
}

export function putEncryption(b: BucketRecord, body: string): S3Reply {
  const algorithm = text(body, 'SSEAlgorithm');
  if (algorithm !== 'AES256' && algorithm !== 'aws:kms' && algorithm !== 'aws:kms:dsse') throw malformed();
  const kmsKey = text(body, 'KMSMasterKeyID');
  if (kmsKey !== undefined && algorithm === 'AES256') {
    throw new AwsError(
      'InvalidArgument',
      'a KMSMasterKeyID is not applicable if the default sse algorithm is not aws:kms or aws:kms:dsse',
      400,
    );
  }
  const bucketKey = text(body, 'BucketKeyEnabled');
  b.encryption = {
    sseAlgorithm: algorithm,
    ...(kmsKey === undefined ? {} : { kmsMasterKeyId: kmsKey }),
    ...(bucketKey === undefined ? {} : { bucketKeyEnabled: bucketKey === 'true' }),
  };
  return empty(200);
}

/** S3 cannot be without default encryption any more: deleting the rule brings back SSE-S3. */
export function deleteEncryption(b: BucketRecord): S3Reply {
  b.encryption = { sseAlgorithm: 'AES256' };
  return empty(204);
}

const PAB_FIELDS = [
  ['BlockPublicAcls', 'blockPublicAcls'],
  ['IgnorePublicAcls', 'ignorePublicAcls'],
  ['BlockPublicPolicy', 'blockPublicPolicy'],
  ['RestrictPublicBuckets', 'restrictPublicBuckets'],
] as const;

export function getPublicAccessBlock(b: BucketRecord): S3Reply {
  const p = b.publicAccessBlock;
  if (p === undefined)
    throw new AwsError(
      'NoSuchPublicAccessBlockConfiguration',
      'The public access block configuration was not found',
      404,
    );
  return doc(
    'PublicAccessBlockConfiguration',
    PAB_FIELDS.map(([xmlName, field]) => el(xmlName, p[field])),
  );
}

export function putPublicAccessBlock(b: BucketRecord, body: string): S3Reply {
  if (elements(body, 'PublicAccessBlockConfiguration').length === 0) throw malformed();
  const flag = (name: string) => text(body, name) === 'true';
  b.publicAccessBlock = {
    blockPublicAcls: flag('BlockPublicAcls'),
    ignorePublicAcls: flag('IgnorePublicAcls'),
    blockPublicPolicy: flag('BlockPublicPolicy'),
    restrictPublicBuckets: flag('RestrictPublicBuckets'),
  };
  return empty(200);
}

export function deletePublicAccessBlock(b: BucketRecord): S3Reply {
  delete b.publicAccessBlock;
  return empty(204);
}

export function getTagging(b: BucketRecord): S3Reply {
  if (b.tags === undefined) throw new AwsError('NoSuchTagSet', 'The TagSet does not exist', 404);
  return doc('Tagging', [list('TagSet', Object.entries(b.tags), ([k, v]) => [el('Key', k), el('Value', v)], 'Tag')]);
}

export function putTagging(b: BucketRecord, body: string): S3Reply {
  const tags: Record<string, string> = {};
  for (const t of elements(body, 'Tag')) {
    const key = text(t, 'Key');
    if (key === undefined || key === '' || key.length > 128)
      throw new AwsError('InvalidTag', 'The TagKey you have provided is invalid', 400);
    if (key.toLowerCase().startsWith('aws:'))
      throw new AwsError('InvalidTag', 'Your TagKey cannot be prefixed with aws:', 400);
    if (Object.hasOwn(tags, key))
      throw new AwsError('InvalidTag', 'Cannot provide multiple Tags with the same key', 400);
    tags[key] = text(t, 'Value') ?? '';
  }
  if (Object.keys(tags).length > 50)
    throw new AwsError('BadRequest', 'Bucket tag count cannot be greater than 50', 400);
  b.tags = tags;
  return empty(204);
}

export function deleteTagging(b: BucketRecord): S3Reply {
  delete b.tags;
  return empty(204);
}

export { malformed };
