// The kops cluster as one engine resource, so it composes into `up`/`down` after the state store.
// Its state says how far the cluster is, which is what makes a rerun resume where the last run
// stopped: the specs kops holds (absent / different / equal), whether the cloud was applied since
// the specs last changed (kops writes <cluster>/cluster-completed.spec on `update --yes`), and
// whether solokube's admin kubeconfig exists (written only after validate passed).
//   specs differ     → create -f / replace -f, then update, validate, export
//   cloud outdated   → update --yes, validate, export
//   no kubeconfig    → validate, export
// Deleting it is `kops delete cluster --yes`: kops removes its cloud objects and its state.
import { s3Of } from '../aws/s3.js';
import { existsSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { DescribeSecurityGroupsCommand } from '@aws-sdk/client-ec2';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import type { AwsClients } from '../aws/clients.js';
import { STATE_STORE_ID, type StateStoreState } from '../aws/resources/state-store.js';
import { TAG_CLUSTER, TAG_ROLE } from '../config/naming.js';
import type { SolokubeConfig } from '../config/schema.js';
import { info, type IoHost } from '../core/io.js';
import type { Change, Resource, ResourceContext } from '../core/resource.js';
import { isUnknown } from '../core/unknown.js';
import { SolokubeError } from '../core/errors.js';
import { KopsSchemas } from './schema-check.js';
import type { KopsCli } from './cli.js';
import { renderClusterSpecs, type ClusterSpecs } from './spec.js';
import { specChanges, specSummary } from './spec-diff.js';
import { applySpecs, deleteCluster, exportKubeconfig, readSpecs, updateCluster, validateCluster } from './steps.js';

export const KOPS_CLUSTER_ID = 'kops/cluster';

export type CloudState = 'absent' | 'outdated' | 'applied';

export interface KopsClusterState {
  specs: ClusterSpecs;
  cloud: CloudState;
  kubeconfig: boolean;
}

export interface KopsClusterEnv {
  config: SolokubeConfig;
  clients: AwsClients;
  kops: KopsCli;
  /** solokube's own admin kubeconfig for this cluster. */
  kubeconfigPath: string;
  /** Public SSH key handed to kops (kops create sshpublickey). */
  sshPublicKey?: () => Promise<string>;
  adminTtl?: string;
  validateWaitMs?: number;
  io?: IoHost;
}

async function lastModified(
  clients: AwsClients,
  bucket: string,
  key: string,
  signal: AbortSignal,
): Promise<Date | undefined> {
  try {
    const h = await clients.call('s3:HeadObject', signal, (o) =>
      s3Of(clients).send(new HeadObjectCommand({ Bucket: bucket, Key: key }), o),
    );
    return h.LastModified;
  } catch (err) {
    const status = (err as { details?: { httpStatus?: number } }).details?.httpStatus;
    if (status === 404) return undefined;
    throw err;
  }
}

/** The app security group's id once it exists (found by our tags; no dependency, it comes later). */
async function appSecurityGroupId(
  clients: AwsClients,
  cluster: string,
  signal: AbortSignal,
): Promise<string | undefined> {
  const out = await clients.call('ec2:DescribeSecurityGroups', signal, (o) =>
    clients.ec2.send(
      new DescribeSecurityGroupsCommand({
        Filters: [
          { Name: `tag:${TAG_CLUSTER}`, Values: [cluster] },
          { Name: `tag:${TAG_ROLE}`, Values: ['apps-security-group'] },
        ],
      }),
      o,
    ),
  );
  return out.SecurityGroups?.[0]?.GroupId;
}

/**
 * kops' CRD schemas are not shipped with solokube (they belong to kops; tests check every rendered
 * variant against them). Where they are at hand — SOLOKUBE_KOPS_SCHEMAS names the directory —
 * the specs are checked before kops sees them.
 */
function checkAgainstSchemas(specs: ClusterSpecs): void {
  const dir = process.env.SOLOKUBE_KOPS_SCHEMAS;
  if (dir === undefined || dir === '') return;
  const schemas = new KopsSchemas(dir);
  const problems = [specs.cluster, ...specs.instanceGroups].flatMap((d) => schemas.check(d));
  if (problems.length > 0) {
    throw new SolokubeError({
      code: 'kops.spec-invalid',
      message: `the rendered kops specs do not fit kops' schemas:\n  ${problems.join('\n  ')}`,
      remedy: 'This is a solokube bug; please report it with your solokube.yaml.',
      actor: 'solokube',
    });
  }
}

export function kopsCluster(env: KopsClusterEnv): Resource<KopsClusterState> {
  const { config, clients, kops } = env;
  const cluster = config.name;
  const adminTtl = env.adminTtl ?? '87600h';
  const bucketOf = (ctx: ResourceContext) => {
    const store = ctx.dependency<StateStoreState | undefined>(STATE_STORE_ID);
    return store === undefined || isUnknown(store.bucket) ? undefined : store.bucket;
  };

  /** kops keeps the admin key at <c>/pki/ssh/public/admin/<MD5 of the wire key>; hand it over once. */
  async function handSshKey(ctx: ResourceContext, publicKeyPath: string): Promise<void> {
    const bucket = bucketOf(ctx);
    const line = (await readFile(publicKeyPath, 'utf8')).trim();
    const wire = Buffer.from(line.split(/\s+/)[1] ?? '', 'base64');
    const fingerprint = createHash('md5').update(wire).digest('hex');
    if (
      bucket !== undefined &&
      (await lastModified(clients, bucket, `${cluster}/pki/ssh/public/admin/${fingerprint}`, ctx.signal)) !== undefined
    )
      return;
    await kops.run('create sshpublickey', ['create', 'sshpublickey', '--name', cluster, '-i', publicKeyPath], {
      deadlineMs: 60_000,
      signal: ctx.signal,
    });
  }

  return {
    id: KOPS_CLUSTER_ID,
    title: `kops cluster ${cluster} (specs, cloud, admin kubeconfig)`,
    dependsOn: [STATE_STORE_ID],
    deadlineMs: 40 * 60_000,

    async find(ctx) {
      // A missing or too old kops must stop the plan, before the state store or anything else is made.
      await kops.preflight?.(ctx.signal);
      const bucket = bucketOf(ctx);
      if (bucket === undefined) return undefined;
      // The state store answers whether kops has the cluster at all, without starting kops.
      const configAt = await lastModified(clients, bucket, `${cluster}/config`, ctx.signal);
      if (configAt === undefined) return undefined;
      const specs = await readSpecs(kops, cluster, ctx.signal);
      if (specs === undefined) return undefined;
      const completedAt = await lastModified(clients, bucket, `${cluster}/cluster-completed.spec`, ctx.signal);
      const cloud: CloudState =
        completedAt === undefined
          ? 'absent'
          : configAt !== undefined && configAt > completedAt
            ? 'outdated'
            : 'applied';
      return { specs, cloud, kubeconfig: existsSync(env.kubeconfigPath) };
    },

    async desired(ctx) {
      const store = ctx.dependency<StateStoreState>(STATE_STORE_ID);
      const sg = await appSecurityGroupId(clients, cluster, ctx.signal);
      const specs = renderClusterSpecs(config, {
        stateStore: `s3://${String(store.bucket)}`,
        ...(sg === undefined ? {} : { appSecurityGroupId: sg }),
      });
      checkAgainstSchemas(specs);
      return { specs, cloud: 'applied', kubeconfig: true };
    },

    diff(actual, desired) {
      if (actual === undefined) {
        return [
          { field: 'specs', from: undefined, to: specSummary(desired.specs) },
          { field: 'cloud', from: undefined, to: 'applied' },
          { field: 'kubeconfig', from: undefined, to: env.kubeconfigPath },
        ];
      }
      const changes: Change[] = specChanges(actual.specs, desired.specs);
      if (changes.length > 0 || actual.cloud !== 'applied')
        changes.push({ field: 'cloud', from: actual.cloud, to: 'applied' });
      if (!actual.kubeconfig || changes.length > 0)
        changes.push({
          field: 'kubeconfig',
          from: actual.kubeconfig ? env.kubeconfigPath : undefined,
          to: env.kubeconfigPath,
        });
      return changes;
    },

    async apply(ctx, actual, desired) {
      const signal = ctx.signal;
      const specsAction = await applySpecs(kops, desired.specs, signal);
      if (specsAction !== 'unchanged') info(ctx.io, `kops cluster ${cluster}: specs ${specsAction}`);
      if (env.sshPublicKey) await handSshKey(ctx, await env.sshPublicKey());
      if (specsAction !== 'unchanged' || actual?.cloud !== 'applied') {
        await updateCluster(kops, cluster, adminTtl, signal);
      }
      const result = await validateCluster(kops, cluster, env.validateWaitMs ?? 15 * 60_000, signal);
      info(ctx.io, `kops cluster ${cluster} is healthy (${result.nodes.length} node(s))`);
      await mkdir(dirname(env.kubeconfigPath), { recursive: true, mode: 0o700 });
      await exportKubeconfig(kops, cluster, env.kubeconfigPath, adminTtl, signal);
      return undefined;
    },

    async delete(ctx) {
      const outcome = await deleteCluster(kops, cluster, ctx.signal);
      await rm(env.kubeconfigPath, { force: true });
      info(
        ctx.io,
        outcome === 'deleted'
          ? `kops deleted cluster ${cluster} (its cloud objects and its state)`
          : `kops has no cluster ${cluster}`,
      );
    },
  };
}
