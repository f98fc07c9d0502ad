// The ECR control plane (JSON 1.1, X-Amz-Target AmazonEC2ContainerRegistry_V20150921.<Op>).
// Shapes follow the botocore ECR model as summarised in shared/reference/ecr-registry-notes.md §1
// and aws-wire-notes.md §2.4/§4.6. Timestamps are epoch seconds.
import { randomBytes } from 'node:crypto';
import { AwsError } from '../errors.js';
import type { EmulatorData } from '../model.js';
import type { BlobStore } from './blob-store.js';
import { expiredByPolicy, parseLifecyclePolicy } from './lifecycle.js';
import { ManifestRefused, parentsOf, putManifest, removeTag } from './manifests.js';
import { imageByTag, type EcrImageRecord, type EcrRepositoryRecord } from './model.js';
import { DIGEST_RE, isRepositoryName } from './names.js';

export const ECR_TARGET = 'AmazonEC2ContainerRegistry_V20150921.';

/** What the API needs beyond the state: where the registry answers, and its bytes. */
export interface EcrEnv {
  /** host:port clients use, e.g. 127.0.0.1:5123 (the emulator's stand-in for <acct>.dkr.ecr.<region>.amazonaws.com). */
  registryHost: string;
  blobs: BlobStore;
  now(): number;
}

type Input = Record<string, unknown>;
interface ImageId {
  imageDigest?: string;
  imageTag?: string;
}

const MUTATING = new Set([
  'CreateRepository',
  'DeleteRepository',
  'GetAuthorizationToken',
  'BatchDeleteImage',
  'PutImage',
  'PutLifecyclePolicy',
  'DeleteLifecyclePolicy',
  'PutImageScanningConfiguration',
  'PutImageTagMutability',
  'TagResource',
  'UntagResource',
]);

export function ecrOperationMutates(op: string): boolean {
  return MUTATING.has(op);
}

function str(input: Input, key: string, required: true): string;
function str(input: Input, key: string, required?: false): string | undefined;
function str(input: Input, key: string, required = false): string | undefined {
  const v = input[key];
  if (v === undefined || v === null) {
    if (required) throw new AwsError('InvalidParameterException', `Invalid parameter: ${key} is required`);
    return undefined;
  }
  if (typeof v !== 'string')
    throw new AwsError('InvalidParameterException', `Invalid parameter: ${key} must be a string`);
  return v;
}

function repoNotFound(d: EmulatorData, name: string): AwsError {
  return new AwsError(
    'RepositoryNotFoundException',
    `The repository with name '${name}' does not exist in the registry with id '${d.accountId}'`,
  );
}

function repoOf(d: EmulatorData, input: Input): EcrRepositoryRecord {
  const name = str(input, 'repositoryName', true);
  const registryId = str(input, 'registryId');
  const repo = d.ecr.repositories[name];
  if (!repo || (registryId !== undefined && registryId !== d.accountId)) throw repoNotFound(d, name);
  return repo;
}

const arnOf = (d: EmulatorData, name: string) => `arn:aws:ecr:${d.region}:${d.accountId}:repository/${name}`;

function repositoryJson(d: EmulatorData, env: EcrEnv, r: EcrRepositoryRecord) {
  return {
    repositoryArn: arnOf(d, r.name),
    registryId: d.accountId,
    repositoryName: r.name,
    repositoryUri: `${env.registryHost}/${r.name}`,
    createdAt: r.createdAt,
    imageTagMutability: r.imageTagMutability,
    imageScanningConfiguration: { scanOnPush: r.scanOnPush },
    encryptionConfiguration: { encryptionType: r.encryptionType },
  };
}

function checkTags(list: unknown): Record<string, string> {
  if (list === undefined) return {};
  if (!Array.isArray(list)) throw new AwsError('InvalidParameterException', 'tags must be a list');
  if (list.length > 50) throw new AwsError('TooManyTagsException', 'A repository can have at most 50 tags');
  const out: Record<string, string> = {};
  for (const t of list as { Key?: unknown; Value?: unknown }[]) {
    if (
      typeof t.Key !== 'string' ||
      t.Key.length < 1 ||
      t.Key.length > 128 ||
      typeof t.Value !== 'string' ||
      t.Value.length > 256 ||
      t.Key.startsWith('aws:')
    ) {
      throw new AwsError(
        'InvalidTagParameterException',
        `Invalid tag ${JSON.stringify(t)}: Key 1-128 chars not starting with aws:, Value up to 256 chars`,
      );
    }
    out[t.Key] = t.Value;
  }
  return out;
}

const tagList = (tags: Record<string, string>) => Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));

function repoByArn(d: EmulatorData, input: Input): EcrRepositoryRecord {
  const arn = str(input, 'resourceArn', true);
  const prefix = `arn:aws:ecr:${d.region}:${d.accountId}:repository/`;
  const repo = arn.startsWith(prefix) ? d.ecr.repositories[arn.slice(prefix.length)] : undefined;
  if (!repo)
    throw new AwsError(
      arn.startsWith('arn:aws:ecr:') ? 'RepositoryNotFoundException' : 'InvalidParameterException',
      `Invalid parameter or unknown repository ARN ${arn}`,
    );
  return repo;
}

function page<T>(items: T[], input: Input, max = 1000, def = 100): { items: T[]; nextToken?: string } {
  const maxResults = input['maxResults'] === undefined ? def : Number(input['maxResults']);
  if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > max)
    throw new AwsError('InvalidParameterException', `maxResults must be 1-${max}`);
  const token = str(input, 'nextToken');
  const start = token === undefined ? 0 : Number(Buffer.from(token, 'base64').toString('utf8'));
  if (!Number.isInteger(start) || start < 0) throw new AwsError('InvalidParameterException', 'Invalid nextToken');
  const slice = items.slice(start, start + maxResults);
  const next =
    start + maxResults < items.length ? Buffer.from(String(start + maxResults)).toString('base64') : undefined;
  return { items: slice, ...(next === undefined ? {} : { nextToken: next }) };
}

function tagStatusFilter(input: Input): 'TAGGED' | 'UNTAGGED' | 'ANY' {
  const f = input['filter'] as { tagStatus?: unknown } | undefined;
  const s = f?.tagStatus ?? 'ANY';
  if (s !== 'TAGGED' && s !== 'UNTAGGED' && s !== 'ANY')
    throw new AwsError('InvalidParameterException', `Invalid tagStatus ${String(s)}`);
  return s;
}

function imageIds(input: Input, required: boolean): ImageId[] | undefined {
  const ids = input['imageIds'];
  if (ids === undefined) {
    if (required) throw new AwsError('InvalidParameterException', 'imageIds is required');
    return undefined;
  }
  if (!Array.isArray(ids) || (required && ids.length === 0) || ids.length > 100)
    throw new AwsError('InvalidParameterException', 'imageIds must be a list of 1-100 image ids');
  return ids as ImageId[];
}

type Lookup = { image: EcrImageRecord; tag?: string } | { failureCode: string; failureReason: string };

function lookup(repo: EcrRepositoryRecord, id: ImageId): Lookup {
  if (id.imageDigest === undefined && id.imageTag === undefined)
    return {
      failureCode: 'MissingDigestAndTag',
      failureReason: 'Invalid request parameters: both tag and digest cannot be null',
    };
  if (id.imageDigest !== undefined && !DIGEST_RE.test(id.imageDigest))
    return {
      failureCode: 'InvalidImageDigest',
      failureReason: 'Invalid request parameters: image digest should satisfy the regex',
    };
  const byDigest = id.imageDigest === undefined ? undefined : repo.images[id.imageDigest];
  const byTag = id.imageTag === undefined ? undefined : imageByTag(repo, id.imageTag);
  if (id.imageDigest !== undefined && id.imageTag !== undefined && byDigest && byTag && byDigest !== byTag) {
    return {
      failureCode: 'ImageTagDoesNotMatchDigest',
      failureReason: 'Invalid request parameters: given tag does not map to the given digest',
    };
  }
  const image = id.imageDigest !== undefined ? byDigest : byTag;
  if (!image || (id.imageTag !== undefined && !byTag))
    return { failureCode: 'ImageNotFound', failureReason: 'Requested image not found' };
  return id.imageTag === undefined ? { image } : { image, tag: id.imageTag };
}

function imageDetail(d: EmulatorData, repo: EcrRepositoryRecord, i: EcrImageRecord) {
  return {
    registryId: d.accountId,
    repositoryName: repo.name,
    imageDigest: i.digest,
    ...(i.tags.length > 0 ? { imageTags: [...i.tags] } : {}),
    imageSizeInBytes: i.sizeInBytes,
    imagePushedAt: i.pushedAt,
    imageManifestMediaType: i.mediaType,
    ...(i.artifactMediaType ? { artifactMediaType: i.artifactMediaType } : {}),
    ...(repo.scanOnPush
      ? {
          imageScanStatus: { status: 'COMPLETE', description: 'The scan was completed successfully.' },
          imageScanFindingsSummary: { findingSeverityCounts: {} },
        }
      : {}),
    imageStatus: 'ACTIVE',
  };
}

/** Removes an image (all its tags) unless an index still references it. */
function deleteImage(repo: EcrRepositoryRecord, image: EcrImageRecord): string | undefined {
  const parents = parentsOf(repo, image.digest);
  if (parents.length > 0) return `Requested image is referenced by manifest list: ${parents.join(', ')}`;
  delete repo.images[image.digest];
  return undefined;
}

export function handleEcr(d: EmulatorData, op: string, input: Input, env: EcrEnv): unknown {
  const ecr = d.ecr;
  switch (op) {
    case 'CreateRepository': {
      const name = str(input, 'repositoryName', true);
      if (!isRepositoryName(name))
        throw new AwsError(
          'InvalidParameterException',
          "Invalid parameter at 'repositoryName' failed to satisfy constraint: " +
            "'must satisfy regular expression '(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*''",
        );
      if (ecr.repositories[name])
        throw new AwsError(
          'RepositoryAlreadyExistsException',
          `The repository with name '${name}' already exists in the registry with id '${d.accountId}'`,
        );
      const mutability = str(input, 'imageTagMutability') ?? 'MUTABLE';
      if (mutability !== 'MUTABLE' && mutability !== 'IMMUTABLE')
        throw new AwsError(
          'InvalidParameterException',
          `imageTagMutability ${mutability} is not supported by the emulator (MUTABLE or IMMUTABLE)`,
        );
      const scan = input['imageScanningConfiguration'] as { scanOnPush?: unknown } | undefined;
      const enc = input['encryptionConfiguration'] as { encryptionType?: unknown } | undefined;
      const encryptionType = typeof enc?.encryptionType === 'string' ? enc.encryptionType : 'AES256';
      if (!['AES256', 'KMS', 'KMS_DSSE'].includes(encryptionType))
        throw new AwsError('InvalidParameterException', `Invalid encryptionType ${encryptionType}`);
      const repo: EcrRepositoryRecord = {
        name,
        createdAt: env.now(),
        tags: checkTags(input['tags']),
        imageTagMutability: mutability,
        scanOnPush: scan?.scanOnPush === true,
        encryptionType,
        images: {},
        blobs: [],
      };
      ecr.repositories[name] = repo;
      return { repository: repositoryJson(d, env, repo) };
    }
    case 'DescribeRepositories': {
      const names = input['repositoryNames'];
      if (names !== undefined) {
        if (!Array.isArray(names) || names.length === 0 || names.length > 100)
          throw new AwsError('InvalidParameterException', 'repositoryNames must be a list of 1-100 names');
        const repos = (names as string[]).map((n) => {
          const r = ecr.repositories[n];
          if (!r) throw repoNotFound(d, n);
          return r;
        });
        return { repositories: repos.map((r) => repositoryJson(d, env, r)) };
      }
      const all = Object.values(ecr.repositories).sort((a, b) => a.name.localeCompare(b.name));
      const p = page(all, input);
      return {
        repositories: p.items.map((r) => repositoryJson(d, env, r)),
        ...(p.nextToken ? { nextToken: p.nextToken } : {}),
      };
    }
    case 'DeleteRepository': {
      const repo = repoOf(d, input);
      if (Object.keys(repo.images).length > 0 && input['force'] !== true) {
        throw new AwsError(
          'RepositoryNotEmptyException',
          `The repository with name '${repo.name}' in registry with id '${d.accountId}' cannot be deleted because it still contains images`,
        );
      }
      delete ecr.repositories[repo.name];
      return { repository: repositoryJson(d, env, repo) };
    }
    case 'GetAuthorizationToken': {
      // No ':' in the password: `aws ecr get-login-password` splits the token on it.
      const password = randomBytes(48).toString('base64url');
      const expiresAt = env.now() + ecr.tokenTtlSeconds;
      const now = env.now();
      for (const [k, t] of Object.entries(ecr.tokens)) if (t.expiresAt < now - 3600) delete ecr.tokens[k];
      ecr.tokens[password] = { expiresAt };
      return {
        authorizationData: [
          {
            authorizationToken: Buffer.from(`AWS:${password}`).toString('base64'),
            expiresAt,
            proxyEndpoint: `http://${env.registryHost}`,
          },
        ],
      };
    }
    case 'ListImages': {
      const repo = repoOf(d, input);
      const status = tagStatusFilter(input);
      const ids: ImageId[] = [];
      for (const i of Object.values(repo.images).sort(
        (a, b) => a.pushedAt - b.pushedAt || a.digest.localeCompare(b.digest),
      )) {
        if (i.tags.length === 0 && status !== 'TAGGED') ids.push({ imageDigest: i.digest });
        if (status !== 'UNTAGGED') for (const t of i.tags) ids.push({ imageDigest: i.digest, imageTag: t });
      }
      const p = page(ids, input);
      return { imageIds: p.items, ...(p.nextToken ? { nextToken: p.nextToken } : {}) };
    }
    case 'DescribeImages': {
      const repo = repoOf(d, input);
      const ids = imageIds(input, false);
      if (ids !== undefined) {
        if (input['nextToken'] !== undefined)
          throw new AwsError('InvalidParameterException', 'nextToken cannot be used with imageIds');
        const found: EcrImageRecord[] = [];
        for (const id of ids) {
          const l = lookup(repo, id);
          if ('failureCode' in l)
            throw new AwsError(
              'ImageNotFoundException',
              `The image with imageId {imageDigest:'${id.imageDigest ?? 'null'}', imageTag:'${id.imageTag ?? 'null'}'} ` +
                `does not exist within the repository with name '${repo.name}' in the registry with id '${d.accountId}'`,
            );
          if (!found.includes(l.image)) found.push(l.image);
        }
        return { imageDetails: found.map((i) => imageDetail(d, repo, i)) };
      }
      const status = tagStatusFilter(input);
      const images = Object.values(repo.images)
        .filter((i) => status === 'ANY' || (status === 'TAGGED') === i.tags.length > 0)
        .sort((a, b) => a.pushedAt - b.pushedAt || a.digest.localeCompare(b.digest));
      const p = page(images, input);
      return {
        imageDetails: p.items.map((i) => imageDetail(d, repo, i)),
        ...(p.nextToken ? { nextToken: p.nextToken } : {}),
      };
    }
    case 'BatchDeleteImage': {
      const repo = repoOf(d, input);
      const deleted: ImageId[] = [];
      const failures: unknown[] = [];
      for (const id of imageIds(input, true)!) {
        const l = lookup(repo, id);
        if ('failureCode' in l) {
          failures.push({ imageId: id, failureCode: l.failureCode, failureReason: l.failureReason });
          continue;
        }
        if (l.tag !== undefined && id.imageDigest === undefined && l.image.tags.length > 1) {
          removeTag(repo, l.image, l.tag);
          deleted.push({ imageDigest: l.image.digest, imageTag: l.tag });
          continue;
        }
        const refused = deleteImage(repo, l.image);
        if (refused) {
          failures.push({ imageId: id, failureCode: 'ImageReferencedByManifestList', failureReason: refused });
          continue;
        }
        if (l.image.tags.length === 0) deleted.push({ imageDigest: l.image.digest });
        for (const t of l.image.tags) deleted.push({ imageDigest: l.image.digest, imageTag: t });
      }
      return { imageIds: deleted, failures };
    }
    case 'PutImage': {
      const repo = repoOf(d, input);
      const manifest = str(input, 'imageManifest', true);
      try {
        const tag = str(input, 'imageTag');
        const holder = tag === undefined ? undefined : imageByTag(repo, tag);
        const bytes = Buffer.from(manifest, 'utf8');
        const r = putManifest(repo, env.blobs, {
          bytes,
          contentType: str(input, 'imageManifestMediaType'),
          tag,
          expectedDigest: str(input, 'imageDigest'),
          now: env.now(),
        });
        if (!r.created && !r.tagMoved && (tag === undefined || holder === r.image)) {
          throw new AwsError(
            'ImageAlreadyExistsException',
            `Image with digest '${r.image.digest}'${tag ? ` and tag '${tag}'` : ''} already exists ` +
              `in the repository with name '${repo.name}' in registry with id '${d.accountId}'`,
          );
        }
        return {
          image: {
            registryId: d.accountId,
            repositoryName: repo.name,
            imageId: { imageDigest: r.image.digest, ...(tag ? { imageTag: tag } : {}) },
            imageManifest: manifest,
            imageManifestMediaType: r.image.mediaType,
          },
        };
      } catch (err) {
        if (err instanceof ManifestRefused) throw new AwsError(err.apiCode, err.message);
        throw err;
      }
    }
    case 'BatchGetImage': {
      const repo = repoOf(d, input);
      const images: unknown[] = [];
      const failures: unknown[] = [];
      for (const id of imageIds(input, true)!) {
        const l = lookup(repo, id);
        if ('failureCode' in l) {
          failures.push({ imageId: id, failureCode: l.failureCode, failureReason: l.failureReason });
          continue;
        }
        images.push({
          registryId: d.accountId,
          repositoryName: repo.name,
          imageId: { imageDigest: l.image.digest, ...(l.tag ? { imageTag: l.tag } : {}) },
          imageManifest: env.blobs.readSmall(l.image.digest).toString('utf8'),
          imageManifestMediaType: l.image.mediaType,
        });
      }
      return { images, failures };
    }
    case 'PutLifecyclePolicy': {
      const repo = repoOf(d, input);
      const text = str(input, 'lifecyclePolicyText', true);
      parseLifecyclePolicy(text);
      repo.lifecyclePolicy = text;
      return { registryId: d.accountId, repositoryName: repo.name, lifecyclePolicyText: text };
    }
    case 'GetLifecyclePolicy':
    case 'DeleteLifecyclePolicy': {
      const repo = repoOf(d, input);
      if (repo.lifecyclePolicy === undefined)
        throw new AwsError(
          'LifecyclePolicyNotFoundException',
          `Lifecycle policy does not exist for the repository with name '${repo.name}' in the registry with id '${d.accountId}'`,
        );
      const out = {
        registryId: d.accountId,
        repositoryName: repo.name,
        lifecyclePolicyText: repo.lifecyclePolicy,
        ...(repo.lifecycleEvaluatedAt ? { lastEvaluatedAt: repo.lifecycleEvaluatedAt } : {}),
      };
      if (op === 'DeleteLifecyclePolicy') delete repo.lifecyclePolicy;
      return out;
    }
    case 'PutImageScanningConfiguration': {
      const repo = repoOf(d, input);
      const cfg = input['imageScanningConfiguration'] as { scanOnPush?: unknown } | undefined;
      if (typeof cfg?.scanOnPush !== 'boolean')
        throw new AwsError('InvalidParameterException', 'imageScanningConfiguration.scanOnPush is required');
      repo.scanOnPush = cfg.scanOnPush;
      return {
        registryId: d.accountId,
        repositoryName: repo.name,
        imageScanningConfiguration: { scanOnPush: repo.scanOnPush },
      };
    }
    case 'PutImageTagMutability': {
      const repo = repoOf(d, input);
      const m = str(input, 'imageTagMutability', true);
      if (m !== 'MUTABLE' && m !== 'IMMUTABLE')
        throw new AwsError('InvalidParameterException', `imageTagMutability ${m} is not supported by the emulator`);
      repo.imageTagMutability = m;
      return { registryId: d.accountId, repositoryName: repo.name, imageTagMutability: m };
    }
    case 'ListTagsForResource':
      return { tags: tagList(repoByArn(d, input).tags) };
    case 'TagResource': {
      const repo = repoByArn(d, input);
      const add = checkTags(input['tags']);
      const merged = { ...repo.tags, ...add };
      if (Object.keys(merged).length > 50)
        throw new AwsError('TooManyTagsException', 'A repository can have at most 50 tags');
      repo.tags = merged;
      return {};
    }
    case 'UntagResource': {
      const repo = repoByArn(d, input);
      const keys = input['tagKeys'];
      if (!Array.isArray(keys)) throw new AwsError('InvalidParameterException', 'tagKeys is required');
      for (const k of keys as string[]) delete repo.tags[k];
      return {};
    }
    default:
      throw new AwsError('UnknownOperationException', `The emulator does not serve ECR operation ${op}`);
  }
}

/** Applies every repository's lifecycle policy now (the admin route); returns what expired. */
export function applyLifecyclePolicies(
  d: EmulatorData,
  now: number,
  only?: string,
): { repositoryName: string; expired: string[] }[] {
  const out: { repositoryName: string; expired: string[] }[] = [];
  for (const repo of Object.values(d.ecr.repositories)) {
    if ((only !== undefined && repo.name !== only) || repo.lifecyclePolicy === undefined) continue;
    const expired = expiredByPolicy(repo, parseLifecyclePolicy(repo.lifecyclePolicy));
    for (const digest of expired) delete repo.images[digest];
    repo.lifecycleEvaluatedAt = now;
    out.push({ repositoryName: repo.name, expired });
  }
  return out;
}
