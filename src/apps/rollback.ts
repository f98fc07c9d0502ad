// `apps rollback`: back to an earlier image, chosen by solokube revision or by digest, and only
// when ECR still has it (lifecycle policies expire old images; a Deployment pointing at an expired
// image would never start). The rollback is a deploy of that image: a new revision whose record
// says which one it returns to.
import type { AwsClients } from '../aws/clients.js';
import type { SolokubeConfig } from '../config/schema.js';
import { SolokubeError, UsageError } from '../core/errors.js';
import type { Plan } from '../core/plan.js';
import type { Decision } from '../core/run.js';
import type { KubeTarget } from '../k8s/target.js';
import { applyAppObjects, mutation, type MutationRun } from './apply-objects.js';
import { listImages, type RepositoryImage } from './images.js';
import { liveDeployment } from './live.js';
import { appsNamespace, renderAppManifests } from './manifests.js';
import { nextRecords, readRecords, type DeploymentRecord } from './record.js';
import { ecrRepositoryName } from './repository-name.js';
import { appUrls } from './urls.js';

export const DIGEST_RE = /^sha256:[0-9a-f]{64}$/;

export interface RollbackOptions extends MutationRun {
  config: SolokubeConfig;
  app: string;
  clients: AwsClients;
  target: KubeTarget;
  /** A solokube revision number or an image digest; default: the newest earlier revision with another image. */
  to?: string;
  deadlineMs?: number;
  who: string;
  now?: () => Date;
}

export interface RollbackResult {
  app: string;
  from: DeploymentRecord;
  record: DeploymentRecord;
  plan: Plan;
  decision: Decision;
  urls: string[];
}

/** `--to` as given: a revision (digits) or a full digest. Anything else is a usage error. */
export function parseRollbackTarget(to: string): { revision: number } | { digest: string } {
  if (/^[1-9][0-9]{0,8}$/.test(to)) return { revision: Number(to) };
  if (DIGEST_RE.test(to)) return { digest: to };
  throw new UsageError(
    `--to ${JSON.stringify(to)} is neither a revision number nor an image digest`,
    'Give a revision from `solokube apps history NAME` or a digest sha256:<64 hex>.',
  );
}

export async function rollbackApp(o: RollbackOptions): Promise<RollbackResult> {
  const target = o.to === undefined ? undefined : parseRollbackTarget(o.to);
  const live = await liveDeployment(o.target, appsNamespace(o.config), o.app, o.signal);
  const records = readRecords(live);
  if (!records)
    throw new SolokubeError({
      code: 'apps.not-deployed',
      message: `${o.app} has no deployment by solokube to roll back`,
      remedy: `Deploy it first: solokube apps deploy ${o.app}`,
      actor: 'user',
    });
  const { current, earlier } = records;
  const images = await listImages(o.clients, ecrRepositoryName(o.config.name, o.app), o.signal);
  const chosen = choose(o.app, current, earlier, images, target);
  if (!images.some((i) => i.digest === chosen.digest))
    throw new SolokubeError({
      code: 'apps.image-expired',
      message:
        `${o.app}: the image of ${describe(chosen)} is no longer in ECR (expired by the lifecycle ` +
        `policy or deleted); these images exist:\n${listExisting(images, [current, ...earlier])}`,
      remedy: 'Roll back to one of the images listed (--to REVISION or --to DIGEST), or deploy the version again.',
      actor: 'user',
    });
  const repositoryUri = current.image.slice(0, current.image.indexOf('@'));
  const next = nextRecords(live, {
    by: o.who,
    at: (o.now?.() ?? new Date()).toISOString(),
    version: chosen.version,
    ...(chosen.commit ? { commit: chosen.commit } : {}),
    digest: chosen.digest,
    image: `${repositoryUri}@${chosen.digest}`,
  });
  const record: DeploymentRecord =
    next.current.revision !== current.revision && chosen.revision > 0
      ? { ...next.current, rollbackOf: chosen.revision }
      : next.current;
  const { plan, decision } = await applyAppObjects({
    target: o.target,
    manifests: renderAppManifests(o.config, o.app, { record, earlier: next.earlier }),
    ...(o.deadlineMs !== undefined ? { deadlineMs: o.deadlineMs } : {}),
    ...mutation(o),
  });
  return { app: o.app, from: current, record, plan, decision, urls: appUrls(o.config, o.app) };
}

/** The record to go back to; revision 0 marks a digest ECR has that no record names. */
function choose(
  app: string,
  current: DeploymentRecord,
  earlier: readonly DeploymentRecord[],
  images: readonly RepositoryImage[],
  target: { revision: number } | { digest: string } | undefined,
): DeploymentRecord {
  const all = [current, ...earlier];
  if (target === undefined) {
    const previous = earlier.find((r) => r.digest !== current.digest);
    if (previous) return previous;
    throw new SolokubeError({
      code: 'apps.no-earlier-revision',
      message: `${app} has no earlier revision with another image to roll back to`,
      remedy: 'Name an image with --to DIGEST (see `solokube apps images`), or deploy another version.',
      actor: 'user',
    });
  }
  if ('revision' in target) {
    const found = all.find((r) => r.revision === target.revision);
    if (found) return found;
    throw new SolokubeError({
      code: 'apps.unknown-revision',
      message: `${app} has no revision ${target.revision}; it has ${all.map((r) => r.revision).join(', ')}`,
      remedy: 'See `solokube apps history NAME` for the revisions.',
      actor: 'user',
      exitCode: 2,
    });
  }
  const byRecord = all.find((r) => r.digest === target.digest);
  if (byRecord) return byRecord;
  const image = images.find((i) => i.digest === target.digest);
  return {
    revision: 0,
    by: '',
    at: '',
    version: image?.tags[0] ?? target.digest.slice(7, 19),
    digest: target.digest,
    image: '',
  };
}

function describe(r: DeploymentRecord): string {
  return r.revision > 0 ? `revision ${r.revision} (${r.version}, ${r.digest})` : r.digest;
}

function listExisting(images: readonly RepositoryImage[], records: readonly DeploymentRecord[]): string {
  if (images.length === 0) return '  (none: the repository is empty or gone)';
  return images
    .map((i) => {
      const revs = records.filter((r) => r.digest === i.digest).map((r) => r.revision);
      return `  ${i.digest}  ${i.tags.join(',') || '(untagged)'}${revs.length > 0 ? `  revision ${revs.join(', ')}` : ''}`;
    })
    .join('\n');
}
