// Storing a manifest in a repository: the one path both the registry's manifest PUT and the API's
// PutImage take. It checks what ECR checks (references exist, digest and tag grammar, tag
// immutability), keeps the exact bytes, and moves the tag.
import type { BlobStore } from './blob-store.js';
import { imageByTag, type EcrImageRecord, type EcrRepositoryRecord } from './model.js';
import { DIGEST_RE, TAG_RE } from './names.js';

export const MEDIA = Object.freeze({
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
});

const INDEX_TYPES = new Set<string>([MEDIA.ociIndex, MEDIA.dockerList]);
const IMAGE_TYPES = new Set<string>([MEDIA.ociManifest, MEDIA.dockerManifest]);

/** A refusal, with the registry error code and the ECR API exception that say the same. */
export class ManifestRefused extends Error {
  constructor(
    readonly registryCode: string,
    readonly apiCode: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

interface Descriptor {
  mediaType?: unknown;
  digest?: unknown;
  size?: unknown;
}
interface ParsedManifest {
  mediaType?: unknown;
  config?: Descriptor;
  layers?: Descriptor[];
  manifests?: Descriptor[];
  artifactType?: unknown;
}

function descriptorDigest(d: Descriptor | undefined, what: string): string {
  if (d === undefined || typeof d.digest !== 'string' || !DIGEST_RE.test(d.digest)) {
    throw new ManifestRefused('MANIFEST_INVALID', 'InvalidParameterException', `${what} has no valid sha256 digest`);
  }
  return d.digest;
}

function sizeOf(d: Descriptor | undefined): number {
  return typeof d?.size === 'number' && d.size >= 0 ? d.size : 0;
}

export interface PutManifestInput {
  bytes: Buffer;
  /** Content-Type of the request (registry) or imageManifestMediaType (API). */
  contentType?: string | undefined;
  tag?: string | undefined;
  /** The digest the client named (registry PUT by digest, API imageDigest). */
  expectedDigest?: string | undefined;
  now: number;
}

export interface PutManifestResult {
  image: EcrImageRecord;
  created: boolean;
  tagMoved: boolean;
}

export function putManifest(repo: EcrRepositoryRecord, blobs: BlobStore, input: PutManifestInput): PutManifestResult {
  if (input.tag !== undefined && !TAG_RE.test(input.tag)) {
    throw new ManifestRefused('TAG_INVALID', 'InvalidParameterException', `Invalid tag ${JSON.stringify(input.tag)}`);
  }
  let parsed: ParsedManifest;
  try {
    parsed = JSON.parse(input.bytes.toString('utf8')) as ParsedManifest;
  } catch {
    throw new ManifestRefused('MANIFEST_INVALID', 'InvalidParameterException', 'The manifest is not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null)
    throw new ManifestRefused('MANIFEST_INVALID', 'InvalidParameterException', 'The manifest is not a JSON object');
  const declared = typeof parsed.mediaType === 'string' ? parsed.mediaType : undefined;
  const contentType = input.contentType?.split(';')[0]?.trim();
  const mediaType =
    declared ??
    (contentType && contentType !== 'application/octet-stream' ? contentType : undefined) ??
    (Array.isArray(parsed.manifests) ? MEDIA.ociIndex : MEDIA.ociManifest);
  if (!INDEX_TYPES.has(mediaType) && !IMAGE_TYPES.has(mediaType)) {
    throw new ManifestRefused(
      'MANIFEST_INVALID',
      'UnsupportedImageTypeException',
      `Unsupported manifest media type ${mediaType}`,
    );
  }
  if (
    declared !== undefined &&
    contentType !== undefined &&
    contentType !== '' &&
    contentType !== declared &&
    contentType !== 'application/octet-stream'
  ) {
    throw new ManifestRefused(
      'MANIFEST_INVALID',
      'InvalidParameterException',
      `Content-Type ${contentType} does not match the manifest's mediaType ${declared}`,
    );
  }

  let blobRefs: string[] = [];
  let children: string[] = [];
  let sizeInBytes: number;
  if (INDEX_TYPES.has(mediaType)) {
    if (!Array.isArray(parsed.manifests))
      throw new ManifestRefused('MANIFEST_INVALID', 'InvalidParameterException', 'An index needs a manifests array');
    children = parsed.manifests.map((m, i) => descriptorDigest(m, `manifests[${i}]`));
    const missing = children.filter((c) => repo.images[c] === undefined);
    if (missing.length > 0)
      throw new ManifestRefused(
        'MANIFEST_BLOB_UNKNOWN',
        'ReferencedImagesNotFoundException',
        `Referenced manifests are not in the repository: ${missing.join(', ')}`,
      );
    sizeInBytes = Math.max(0, ...children.map((c) => repo.images[c]!.sizeInBytes));
  } else {
    if (!Array.isArray(parsed.layers))
      throw new ManifestRefused(
        'MANIFEST_INVALID',
        'InvalidParameterException',
        'An image manifest needs a layers array',
      );
    const config = descriptorDigest(parsed.config, 'config');
    const layers = parsed.layers.map((l, i) => descriptorDigest(l, `layers[${i}]`));
    blobRefs = [config, ...layers];
    const missing = blobRefs.filter((b) => !repo.blobs.includes(b) || !blobs.has(b));
    if (missing.length > 0)
      throw new ManifestRefused(
        'MANIFEST_BLOB_UNKNOWN',
        'LayersNotFoundException',
        `Blobs unknown to the repository: ${missing.join(', ')}`,
      );
    sizeInBytes = sizeOf(parsed.config) + parsed.layers.reduce((n, l) => n + sizeOf(l), 0);
  }

  const digest = blobs.putBytes(input.bytes);
  if (input.expectedDigest !== undefined && input.expectedDigest !== digest) {
    throw new ManifestRefused(
      'DIGEST_INVALID',
      'ImageDigestDoesNotMatchException',
      `The manifest's digest is ${digest}, not ${input.expectedDigest}`,
    );
  }
  const existing = repo.images[digest];
  const holder = input.tag === undefined ? undefined : imageByTag(repo, input.tag);
  if (input.tag !== undefined && holder !== undefined && repo.imageTagMutability === 'IMMUTABLE') {
    throw new ManifestRefused(
      'TAG_INVALID',
      'ImageTagAlreadyExistsException',
      `The image tag '${input.tag}' already exists in the '${repo.name}' repository and cannot be overwritten because the tag is immutable.`,
    );
  }
  const image: EcrImageRecord = existing ?? {
    digest,
    mediaType,
    tags: [],
    pushedAt: input.now,
    sizeInBytes,
    blobs: blobRefs,
    children,
    ...(typeof parsed.artifactType === 'string' ? { artifactMediaType: parsed.artifactType } : {}),
  };
  let tagMoved = false;
  if (input.tag !== undefined && !image.tags.includes(input.tag)) {
    if (holder !== undefined) removeTag(repo, holder, input.tag);
    image.tags.push(input.tag);
    image.tags.sort();
    tagMoved = true;
  }
  repo.images[digest] = image;
  return { image, created: existing === undefined, tagMoved };
}

/** Takes a tag off an image; an image left with no tag stays, untagged (as in ECR). */
export function removeTag(repo: EcrRepositoryRecord, image: EcrImageRecord, tag: string): void {
  image.tags = image.tags.filter((t) => t !== tag);
  repo.images[image.digest] = image;
}

/** Indexes in the repository that reference this manifest. */
export function parentsOf(repo: EcrRepositoryRecord, digest: string): string[] {
  return Object.values(repo.images)
    .filter((i) => i.children.includes(digest))
    .map((i) => i.digest);
}
