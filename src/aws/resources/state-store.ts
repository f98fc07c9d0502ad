// The S3 bucket kops keeps its state in (`s3://<bucket>/<cluster>/…`). solokube creates it when it
// is absent — versioning on (kops' guide strongly recommends it), default encryption, every public
// access block, our tags — and then owns it. A bucket solokube did not create is used as it is:
// never reconfigured, never deleted. On `down` an owned bucket goes only when nothing but this
// cluster's (already deleted) state is left in it, every old version and delete marker included.
//
// Ownership is the tag solokube.io/role=state-store. CreateBucket takes no tags, so a crash between
// creating and tagging would leave an untagged bucket; the default name (solokube-state-<account>-
// <region>) is solokube's by construction, so an untagged, empty bucket of exactly that name in our
// own account is claimed. Any other untagged bucket stays the user's.

import { s3Of } from '../s3.js';
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectsCommand,
  GetBucketEncryptionCommand,
  GetBucketTaggingCommand,
  GetBucketVersioningCommand,
  GetPublicAccessBlockCommand,
  HeadBucketCommand,
  ListObjectVersionsCommand,
  PutBucketEncryptionCommand,
  PutBucketTaggingCommand,
  PutBucketVersioningCommand,
  PutPublicAccessBlockCommand,
  type BucketLocationConstraint,
  type ObjectIdentifier,
} from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand } from '../sdk/sts.js';
import { TAG_CLUSTER, TAG_ROLE } from '../../config/naming.js';
import { SolokubeError } from '../../core/errors.js';
import { info, warn } from '../../core/io.js';
import type { Resource, ResourceContext } from '../../core/resource.js';
import { diffFields } from '../../core/resource.js';
import type { AwsClients } from '../clients.js';
import { awsErrorCode } from '../errors.js';
import type { AwsEnv } from './context.js';

export const STATE_STORE_ID = 'aws/state-store';
const ROLE = 'state-store';

export interface StateStoreState {
  bucket: string;
  /** Tagged as solokube's state store (or just created by this run). */
  owned: boolean;
  versioning: 'Enabled' | 'Suspended' | 'off';
  encrypted: boolean;
  publicAccessBlocked: boolean;
  tags: Record<string, string>;
}

export function defaultStateStoreBucket(accountId: string, region: string): string {
  return `solokube-state-${accountId}-${region}`;
}

/** `s3://<bucket>`, as kops' --state takes it. */
export const stateStoreUrl = (bucket: string): string => `s3://${bucket}`;

/** The bucket name: the configured one, else the default for the caller's account (one STS call, memoised). */
export function stateStoreBucketName(env: AwsEnv): (ctx: { signal: AbortSignal }) => Promise<string> {
  let pending: Promise<string> | undefined;
  return (ctx) => {
    if (env.config.stateStore !== undefined) return Promise.resolve(env.config.stateStore);
    pending ??= env.clients
      .call('sts:GetCallerIdentity', ctx.signal, (o) => env.clients.sts.send(new GetCallerIdentityCommand({}), o))
      .then((id) => defaultStateStoreBucket(id.Account!, env.clients.region));
    return pending;
  };
}

const ALL_BLOCKED = {
  BlockPublicAcls: true,
  IgnorePublicAcls: true,
  BlockPublicPolicy: true,
  RestrictPublicBuckets: true,
};

async function optional<T>(p: Promise<T>, absentCodes: readonly string[]): Promise<T | undefined> {
  try {
    return await p;
  } catch (err) {
    if (absentCodes.includes(awsErrorCode(err) ?? '')) return undefined;
    throw err;
  }
}

function statusOf(err: unknown): number | undefined {
  const d = (err as SolokubeError | undefined)?.details;
  return typeof d?.['httpStatus'] === 'number' ? d['httpStatus'] : undefined;
}

/** Every version and delete marker of the bucket, in pages; `live` lists keys whose current version is an object. */
async function allVersions(
  clients: AwsClients,
  bucket: string,
  signal: AbortSignal,
  live: string[] = [],
): Promise<ObjectIdentifier[]> {
  const out: ObjectIdentifier[] = [];
  let keyMarker: string | undefined;
  let versionMarker: string | undefined;
  for (;;) {
    const page = await clients.call('s3:ListObjectVersions', signal, (o) =>
      s3Of(clients).send(
        new ListObjectVersionsCommand({ Bucket: bucket, KeyMarker: keyMarker, VersionIdMarker: versionMarker }),
        o,
      ),
    );
    for (const v of [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])])
      out.push({ Key: v.Key!, VersionId: v.VersionId! });
    for (const v of page.Versions ?? []) if (v.IsLatest) live.push(v.Key!);
    if (!page.IsTruncated) return out;
    keyMarker = page.NextKeyMarker;
    versionMarker = page.NextVersionIdMarker;
  }
}

export function stateStore(env: AwsEnv): Resource<StateStoreState> {
  const { clients, config } = env;
  const bucketName = stateStoreBucketName(env);
  const ourTags = { [TAG_CLUSTER]: config.name, [TAG_ROLE]: ROLE };
  const s3 = <T>(name: string, signal: AbortSignal, fn: (o: { abortSignal: AbortSignal }) => Promise<T>) =>
    clients.call(`s3:${name}`, signal, fn);

  async function exists(bucket: string, signal: AbortSignal): Promise<boolean> {
    try {
      await s3('HeadBucket', signal, (o) => s3Of(clients).send(new HeadBucketCommand({ Bucket: bucket }), o));
      return true;
    } catch (err) {
      const status = statusOf(err);
      if (status === 404) return false;
      if (status === 403) {
        throw new SolokubeError({
          code: 'state-store.not-yours',
          message: `the S3 bucket ${bucket} exists but these credentials cannot use it (another account owns it, or access is denied)`,
          remedy: 'Name a bucket of your own with `stateStore:` in solokube.yaml.',
          actor: 'user',
          cause: err,
          exitCode: 1,
        });
      }
      if (status === 301) {
        throw new SolokubeError({
          code: 'state-store.other-region',
          message: `the S3 bucket ${bucket} is in another region than ${clients.region}`,
          remedy: `Use a state store bucket in ${clients.region} (set \`stateStore:\` in solokube.yaml), or remove stateStore to use solokube's default.`,
          actor: 'user',
          cause: err,
        });
      }
      throw err;
    }
  }

  async function read(ctx: ResourceContext, bucket: string): Promise<StateStoreState | undefined> {
    if (!(await exists(bucket, ctx.signal))) return undefined;
    const [tagging, versioning, encryption, pab] = await Promise.all([
      optional(
        s3('GetBucketTagging', ctx.signal, (o) =>
          s3Of(clients).send(new GetBucketTaggingCommand({ Bucket: bucket }), o),
        ),
        ['NoSuchTagSet'],
      ),
      s3('GetBucketVersioning', ctx.signal, (o) =>
        s3Of(clients).send(new GetBucketVersioningCommand({ Bucket: bucket }), o),
      ),
      optional(
        s3('GetBucketEncryption', ctx.signal, (o) =>
          s3Of(clients).send(new GetBucketEncryptionCommand({ Bucket: bucket }), o),
        ),
        ['ServerSideEncryptionConfigurationNotFoundError'],
      ),
      optional(
        s3('GetPublicAccessBlock', ctx.signal, (o) =>
          s3Of(clients).send(new GetPublicAccessBlockCommand({ Bucket: bucket }), o),
        ),
        ['NoSuchPublicAccessBlockConfiguration'],
      ),
    ]);
    const tags = Object.fromEntries((tagging?.TagSet ?? []).map((t) => [t.Key!, t.Value ?? '']));
    const p = pab?.PublicAccessBlockConfiguration;
    const state: StateStoreState = {
      bucket,
      owned: tags[TAG_ROLE] === ROLE,
      versioning: versioning.Status ?? 'off',
      encrypted: (encryption?.ServerSideEncryptionConfiguration?.Rules ?? []).some(
        (r) => r.ApplyServerSideEncryptionByDefault?.SSEAlgorithm !== undefined,
      ),
      publicAccessBlocked:
        p !== undefined && Object.keys(ALL_BLOCKED).every((k) => p[k as keyof typeof ALL_BLOCKED] === true),
      tags,
    };
    if (
      !state.owned &&
      config.stateStore === undefined &&
      Object.keys(tags).length === 0 &&
      (await allVersions(clients, bucket, ctx.signal)).length === 0
    ) {
      // Our default name, untagged and empty: a create of ours that stopped before tagging.
      return { ...state, owned: true };
    }
    return state;
  }

  return {
    id: STATE_STORE_ID,
    title:
      config.stateStore === undefined
        ? 'kops state store (S3 bucket solokube-state-<account>-<region>)'
        : `kops state store (S3 bucket ${config.stateStore})`,

    async find(ctx) {
      return read(ctx, await bucketName(ctx));
    },

    async desired(ctx) {
      const bucket = await bucketName(ctx);
      return { bucket, owned: true, versioning: 'Enabled', encrypted: true, publicAccessBlocked: true, tags: ourTags };
    },

    diff(actual, desired) {
      // A bucket that is not ours is used as it is: nothing to change, whatever its settings.
      if (actual !== undefined && !actual.owned) return [];
      const changes = diffFields(actual, desired, ['bucket', 'versioning', 'encrypted', 'publicAccessBlocked']);
      const missingTags =
        actual === undefined ||
        Object.entries(desired.tags).some(([k, v]) => k !== TAG_CLUSTER && actual.tags[k] !== v);
      if (missingTags) changes.push({ field: 'tags', from: actual?.tags, to: desired.tags });
      return changes;
    },

    async apply(ctx, actual, desired, changes) {
      const bucket = desired.bucket;
      const signal = ctx.signal;
      if (actual === undefined) {
        const constraint =
          clients.region === 'us-east-1'
            ? {}
            : { CreateBucketConfiguration: { LocationConstraint: clients.region as BucketLocationConstraint } };
        try {
          await s3('CreateBucket', signal, (o) =>
            s3Of(clients).send(new CreateBucketCommand({ Bucket: bucket, ...constraint }), o),
          );
        } catch (err) {
          // A retried create whose first attempt went through: ours, carry on.
          if (awsErrorCode(err) !== 'BucketAlreadyOwnedByYou') throw err;
        }
        info(ctx.io, `created the kops state store s3://${bucket}`);
      }
      const changed = new Set(changes.map((c) => c.field));
      // Tags first: from here on a rerun recognises the bucket as ours.
      if (changed.has('tags')) {
        const merged = {
          ...(actual?.tags ?? {}),
          ...desired.tags,
          [TAG_CLUSTER]: actual?.tags[TAG_CLUSTER] ?? config.name,
        };
        await s3('PutBucketTagging', signal, (o) =>
          s3Of(clients).send(
            new PutBucketTaggingCommand({
              Bucket: bucket,
              Tagging: { TagSet: Object.entries(merged).map(([Key, Value]) => ({ Key, Value })) },
            }),
            o,
          ),
        );
      }
      await Promise.all([
        changed.has('versioning') &&
          s3('PutBucketVersioning', signal, (o) =>
            s3Of(clients).send(
              new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }),
              o,
            ),
          ),
        changed.has('encrypted') &&
          s3('PutBucketEncryption', signal, (o) =>
            s3Of(clients).send(
              new PutBucketEncryptionCommand({
                Bucket: bucket,
                ServerSideEncryptionConfiguration: {
                  Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
                },
              }),
              o,
            ),
          ),
        changed.has('publicAccessBlocked') &&
          s3('PutPublicAccessBlock', signal, (o) =>
            s3Of(clients).send(
              new PutPublicAccessBlockCommand({ Bucket: bucket, PublicAccessBlockConfiguration: ALL_BLOCKED }),
              o,
            ),
          ),
      ]);
      return undefined;
    },

    retain: (actual) => !actual.owned,

    async delete(ctx, actual) {
      if (!actual.owned) return;
      const bucket = actual.bucket;
      const live: string[] = [];
      const versions = await allVersions(clients, bucket, ctx.signal, live);
      if (live.length > 0) {
        // kops' own files are still there: the cluster was not deleted, and its state must not go first.
        warn(
          ctx.io,
          `keeping the state store s3://${bucket}: it still holds ${live.length} current object(s), ` +
            `e.g. ${live[0]} (delete the cluster first: \`solokube cluster delete\`)`,
        );
        return;
      }
      const foreign = versions.filter((v) => !v.Key!.startsWith(`${config.name}/`));
      if (foreign.length > 0) {
        warn(
          ctx.io,
          `keeping the state store s3://${bucket}: it holds ${foreign.length} object version(s) that are not ${config.name}'s (e.g. ${foreign[0]!.Key})`,
        );
        return;
      }
      for (let i = 0; i < versions.length; i += 1000) {
        const batch = versions.slice(i, i + 1000);
        const out = await s3('DeleteObjects', ctx.signal, (o) =>
          s3Of(clients).send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: batch, Quiet: true } }), o),
        );
        if ((out.Errors ?? []).length > 0) {
          const e = out.Errors![0]!;
          throw new SolokubeError({
            code: 'state-store.delete-failed',
            message: `could not delete ${out.Errors!.length} version(s) from s3://${bucket} (${e.Code}: ${e.Key})`,
            remedy: 'Rerun `solokube down`; it picks up where it stopped.',
            actor: 'aws',
          });
        }
      }
      try {
        await s3('DeleteBucket', ctx.signal, (o) => s3Of(clients).send(new DeleteBucketCommand({ Bucket: bucket }), o));
      } catch (err) {
        if (awsErrorCode(err) !== 'NoSuchBucket') throw err;
      }
      info(
        ctx.io,
        `deleted the kops state store s3://${bucket} (${versions.length} old version(s) and delete marker(s) of ${config.name})`,
      );
    },
  };
}
