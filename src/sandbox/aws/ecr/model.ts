// ECR's part of the emulator state. Only metadata lives here (it is JSON, deep-copied per request
// and written to the state file); blob and manifest bytes live on disk in the BlobStore.

export interface EcrImageRecord {
  /** sha256:<hex> of the exact manifest bytes. */
  digest: string;
  mediaType: string;
  /** Tags pointing at this image; a tag is on at most one image of a repository. */
  tags: string[];
  /** Epoch seconds (fractional). */
  pushedAt: number;
  /** Compressed size: the manifest's config + layers; for an index, its largest child. */
  sizeInBytes: number;
  /** Blobs (config + layers) an image manifest references. */
  blobs: string[];
  /** Manifests an index references. */
  children: string[];
  artifactMediaType?: string;
}

export interface EcrRepositoryRecord {
  name: string;
  createdAt: number;
  tags: Record<string, string>;
  imageTagMutability: 'MUTABLE' | 'IMMUTABLE';
  scanOnPush: boolean;
  encryptionType: string;
  lifecyclePolicy?: string;
  lifecycleEvaluatedAt?: number;
  images: Record<string, EcrImageRecord>;
  /** Blobs uploaded to (or mounted into) this repository: only these are served from it. */
  blobs: string[];
}

export interface EcrTokenRecord {
  /** Epoch seconds. */
  expiresAt: number;
}

export interface EcrData {
  repositories: Record<string, EcrRepositoryRecord>;
  /** Issued registry passwords (the part after `AWS:`), with their expiry. */
  tokens: Record<string, EcrTokenRecord>;
  /** Lifetime of tokens GetAuthorizationToken issues from now on; AWS: 12 h. */
  tokenTtlSeconds: number;
}

export const DEFAULT_TOKEN_TTL_SECONDS = 12 * 3600;

export function emptyEcrData(): EcrData {
  return { repositories: {}, tokens: {}, tokenTtlSeconds: DEFAULT_TOKEN_TTL_SECONDS };
}

/** The image a tag points at, if any. */
export function imageByTag(repo: EcrRepositoryRecord, tag: string): EcrImageRecord | undefined {
  return Object.values(repo.images).find((i) => i.tags.includes(tag));
}
