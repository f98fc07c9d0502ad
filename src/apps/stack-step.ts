// The apps' part of `up` and `down`.
//   up:   each configured app that has no Deployment yet is deployed (build, push, apply, rollout);
//         one that runs is left as it is (`apps deploy` changes a running app). An app whose
//         Dockerfile or context is not there yet is reported and skipped: `up` of a new cluster
//         must not fail over an app that is only named so far.
//   down: the app's objects, and every ECR repository solokube created for the cluster, images
//         included, so nothing is left billed.
import { existsSync } from 'node:fs';
import type { AwsClients } from '../aws/clients.js';
import type { SolokubeConfig } from '../config/schema.js';
import { SolokubeError } from '../core/errors.js';
import { warn } from '../core/io.js';
import type { Resource } from '../core/resource.js';
import { CONTROL_PLANE_TAINT_ID } from '../k8s/resources/control-plane-taint.js';
import type { KubeTarget } from '../k8s/target.js';
import { appObjects } from './app-objects.js';
import { contentTag } from './content-tag.js';
import { deployApp } from './deploy.js';
import type { ContainerTools } from './engine.js';
import { liveDeployment } from './live.js';
import { appsNamespace } from './manifests.js';
import { ownedEcrRepositories } from './owned-repositories.js';
import { appSource, type AppSource } from './source.js';

export interface AppsStepOptions {
  /** Where Dockerfiles and contexts are (the configuration file's directory). */
  projectDir: string;
  /** Tag images with a digest of their Dockerfile and context instead of the git commit (the built-in example). */
  tagFromContent?: boolean;
  tools?: ContainerTools;
  /** Per app: build, push and rollout (default 10 minutes). */
  deadlineMs?: number;
  /**
   * Run right before an app is deployed (the sandbox: its internet gateway takes up the addresses
   * the run associated, as AWS's does the moment they are associated).
   */
  beforeDeploy?: (signal: AbortSignal) => Promise<void>;
}

export interface AppDeployedState {
  app: string;
  deployed: boolean;
  /** Why an absent app is not deployed now (its build input is missing). */
  skipped?: string;
}

const DEFAULT_DEADLINE_MS = 10 * 60_000;

export function appDeployed(
  config: SolokubeConfig,
  app: string,
  clients: AwsClients,
  target: KubeTarget,
  o: AppsStepOptions,
  after: readonly string[] = [],
): Resource<AppDeployedState> {
  const deadlineMs = o.deadlineMs ?? DEFAULT_DEADLINE_MS;
  let source: AppSource | undefined;
  return {
    id: `apps/${app}`,
    title: `app ${app} deployed`,
    dependsOn: [CONTROL_PLANE_TAINT_ID, ...after],
    deadlineMs: deadlineMs + 30_000,
    async find(ctx) {
      const live = await liveDeployment(target, appsNamespace(config), app, ctx.signal);
      if (live) return { app, deployed: true };
      source = buildableSource(config, app, o.projectDir);
      if (source) return { app, deployed: false };
      const skipped = `its Dockerfile or build context is not in ${o.projectDir}`;
      warn(
        ctx.io,
        `${app} is configured but ${skipped}; not deployed (run \`solokube apps deploy ${app}\` once it is)`,
      );
      return { app, deployed: false, skipped };
    },
    desired: () => ({ app, deployed: true }),
    diff: (actual) => (actual?.deployed || actual?.skipped ? [] : [{ field: 'deployed', from: false, to: true }]),
    async apply(ctx) {
      const src = source ?? buildableSource(config, app, o.projectDir);
      if (!src) throw new Error(`${app}: its build input disappeared after planning`);
      await o.beforeDeploy?.(ctx.signal);
      await deployApp({
        config,
        source: src,
        ...(o.tagFromContent ? { tag: await contentTag(src.dockerfile, src.context) } : {}),
        clients,
        target,
        ...(o.tools ? { tools: o.tools } : {}),
        deadlineMs,
        dryRun: false,
        yes: true,
        io: ctx.io,
        signal: ctx.signal,
      });
      return { app, deployed: true };
    },
    // Removing an app is `apps delete` (and down's appObjects): this resource only ever adds.
    async delete() {},
    retain: () => true,
  };
}

/** The app's build input, or undefined when its Dockerfile or context is not there (yet). */
function buildableSource(config: SolokubeConfig, app: string, projectDir: string): AppSource | undefined {
  try {
    const s = appSource(config, app, projectDir);
    return existsSync(s.dockerfile) ? s : undefined;
  } catch (err) {
    // Missing paths are "not yet"; a path that escapes the project is the user's error to see.
    if (err instanceof SolokubeError && /does not exist|no such|not found/i.test(err.message)) return undefined;
    throw err;
  }
}

/**
 * `after`: the ids of the data path's resources in the same run (address association, DNS records,
 * the node's redirect and proxy). A new app's endpoints make Traefik order its certificate at once,
 * and Traefik does not retry a failed order until its configuration changes (traefik/traefik#9405):
 * so the app comes up only once HTTP-01 can reach it.
 */
export function appsUpResources(
  config: SolokubeConfig,
  clients: AwsClients,
  target: KubeTarget | undefined,
  o: AppsStepOptions | undefined,
  after: readonly string[] = [],
): Resource[] {
  if (!target || !o) return [];
  return config.apps.map((a) => appDeployed(config, a.name, clients, target, o, after) as Resource);
}

export function appsDownResources(
  config: SolokubeConfig,
  clients: AwsClients,
  target: KubeTarget | undefined,
): Resource[] {
  const objects = target ? config.apps.map((a) => appObjects(target, appsNamespace(config), a.name) as Resource) : [];
  return [...objects, ownedEcrRepositories(clients, config.name) as Resource];
}
