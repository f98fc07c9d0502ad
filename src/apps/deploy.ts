// `apps deploy`: build for the node's CPU → the app's ECR repository (created when absent) → push
// by digest (nothing when ECR has it) → server-side apply of Deployment, Service and Ingress →
// rollout wait with a deadline → the URLs as they really are. The deployment record (who, when,
// version, commit, digest) rides on the Deployment's annotations; deploying the digest that already
// runs keeps the record as it is, so a deploy with no change pushes nothing, rolls nothing and
// plans zero changes.
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { DescribeRepositoriesCommand } from '../aws/sdk/ecr.js';
import type { AwsClients } from '../aws/clients.js';
import { awsErrorCode } from '../aws/errors.js';
import type { SolokubeConfig } from '../config/schema.js';
import { SolokubeError } from '../core/errors.js';
import { info } from '../core/io.js';
import type { Plan } from '../core/plan.js';
import type { Decision } from '../core/run.js';
import type { KubeTarget } from '../k8s/target.js';
import { applyAppObjects, mutation, type MutationRun } from './apply-objects.js';
import { buildImage } from './build.js';
import type { ContainerTools } from './engine.js';
import { liveDeployment } from './live.js';
import { appsNamespace, renderAppManifests } from './manifests.js';
import { pushImage } from './push.js';
import { nextRecords, readRecords, type DeploymentRecord } from './record.js';
import { ensureRepository } from './repository.js';
import { ecrRepositoryName } from './repository-name.js';
import type { AppSource } from './source.js';
import { appUrls } from './urls.js';
import { deployer } from './who.js';

export interface DeployAppOptions extends MutationRun {
  config: SolokubeConfig;
  source: AppSource;
  clients: AwsClients;
  target: KubeTarget;
  /** Image tag instead of the git commit. */
  tag?: string;
  tools?: ContainerTools;
  /** Rollout deadline (default 5 minutes). */
  deadlineMs?: number;
  /** Extra pod labels (tests: kwok's pod-behaviour label). */
  podLabels?: Readonly<Record<string, string>>;
  /** Who the record names (default: git user.email, else user@host). */
  who?: string;
  now?: () => Date;
}

export interface DeployResult {
  app: string;
  image: string;
  digest: string;
  version: string;
  repositoryCreated: boolean;
  /** Blobs were uploaded (false: ECR had the digest). */
  pushed: boolean;
  record: DeploymentRecord;
  plan: Plan;
  decision: Decision;
  urls: string[];
}

export async function deployApp(o: DeployAppOptions): Promise<DeployResult> {
  const { config, source } = o;
  const app = source.app;
  const image = await buildImage({
    app,
    projectDir: source.projectDir,
    dockerfile: source.dockerfile,
    context: source.context,
    instanceType: config.instanceType,
    ...(o.tag !== undefined ? { tag: o.tag } : {}),
    ...(o.tools ? { tools: o.tools } : {}),
    io: o.io,
    signal: o.signal,
  });
  try {
    let repositoryUri: string;
    let repositoryCreated = false;
    let pushed = false;
    if (o.dryRun) {
      // Nothing may change: the repository is only looked up, and the plan runs the image that
      // the push would produce.
      const found = await repositoryUriOf(o.clients, ecrRepositoryName(config.name, app), o.signal);
      repositoryUri = found ?? `ecr-repository-to-be-created/${ecrRepositoryName(config.name, app)}`;
      if (!found) info(o.io, `${app}: the ECR repository would be created and the image pushed`);
    } else {
      const repository = await ensureRepository({
        clients: o.clients,
        cluster: config.name,
        app,
        keepImages: source.keepImages,
        io: o.io,
        signal: o.signal,
      });
      const push = await pushImage({
        clients: o.clients,
        image,
        repository,
        ...(o.tools ? { tools: o.tools } : {}),
        io: o.io,
        signal: o.signal,
      });
      repositoryUri = repository.uri;
      repositoryCreated = repository.created;
      pushed = push.pushed;
    }
    const namespace = appsNamespace(config);
    const live = await liveDeployment(o.target, namespace, app, o.signal);
    const { current, earlier } = nextRecords(live, {
      by: o.who ?? (await deployer(source.projectDir, o.signal)),
      at: (o.now?.() ?? new Date()).toISOString(),
      version: image.tag,
      ...(image.commit ? { commit: image.commit } : {}),
      digest: image.manifestDigest,
      image: `${repositoryUri}@${image.manifestDigest}`,
    });
    const manifests = renderAppManifests(config, app, {
      record: current,
      earlier,
      ...(o.podLabels ? { podLabels: o.podLabels } : {}),
    });
    const { plan, decision } = await applyAppObjects({
      target: o.target,
      manifests,
      ...(o.deadlineMs !== undefined ? { deadlineMs: o.deadlineMs } : {}),
      ...mutation(o),
    }).catch((err: unknown) => {
      throw rolloutFailure(err, app, readRecords(live)?.current);
    });
    return {
      app,
      image: current.image,
      digest: current.digest,
      version: current.version,
      repositoryCreated,
      pushed,
      record: current,
      plan,
      decision,
      urls: appUrls(config, app),
    };
  } finally {
    // The OCI layout is only the hand-over from build to push.
    rmSync(dirname(image.ociLayout), { recursive: true, force: true });
  }
}

async function repositoryUriOf(clients: AwsClients, name: string, signal: AbortSignal): Promise<string | undefined> {
  try {
    const out = await clients.call('ecr:DescribeRepositories', signal, (s) =>
      clients.ecr.send(new DescribeRepositoriesCommand({ repositoryNames: [name] }), s),
    );
    return out.repositories?.[0]?.repositoryUri;
  } catch (err) {
    if (awsErrorCode(err) === 'RepositoryNotFoundException') return undefined;
    throw err;
  }
}

/** A failed rollout, said for an app: what still serves and the way back. */
function rolloutFailure(err: unknown, app: string, previous: DeploymentRecord | undefined): unknown {
  if (!(err instanceof SolokubeError) || err.code !== 'k8s.rollout-failed') return err;
  return new SolokubeError({
    code: 'apps.rollout-failed',
    message: `${app}: ${err.message}`,
    remedy: previous
      ? `The previous version (revision ${previous.revision}, ${previous.version}) keeps serving. ` +
        `Fix the cause named for the pods and deploy again, or return the Deployment to it: ` +
        `solokube apps rollback ${app}`
      : `Fix the cause named for the pods and deploy again; remove the app with: solokube apps delete ${app}`,
    actor: 'user',
    cause: err,
  });
}
