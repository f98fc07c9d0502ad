// What every `apps` command checks first, before any build, push or API call: the app name (a
// plain label, configured), the project directory (a plain path), and a Kubernetes target.
import { dirname, resolve } from 'node:path';
import type { SolokubeConfig } from '../../config/schema.js';
import { SolokubeError, UsageError } from '../../core/errors.js';
import type { KubeTarget } from '../../k8s/target.js';
import type { MutationRun } from '../../apps/apply-objects.js';
import type { AwsClients } from '../../aws/clients.js';
import type { CommandContext, MutationFlags } from '../context.js';

export async function appFromArgs(name: string | undefined): Promise<string> {
  const { validateAppName } = await import('../../apps/input.js');
  if (name === undefined) throw new UsageError('name the app');
  return validateAppName(name);
}

export async function requireConfigured(config: SolokubeConfig, app: string) {
  const { appConfig } = await import('../../apps/manifests.js');
  return appConfig(config, app);
}

/** --project-dir, else the configuration file's directory. */
export async function projectDirFrom(ctx: CommandContext, projectDir: string | undefined): Promise<string> {
  const { isSafePath } = await import('../../config/validators.js');
  if (projectDir !== undefined && !isSafePath(projectDir))
    throw new UsageError(`--project-dir ${JSON.stringify(projectDir)} is not a plain path`);
  return resolve(projectDir ?? dirname(resolve(ctx.globals.config)));
}

/** The cluster's Kubernetes API (kubeconfig from the configuration or kops' export), closed after fn. */
export async function withKubeTarget<T>(
  config: SolokubeConfig,
  forceConflicts: boolean,
  fn: (target: KubeTarget) => Promise<T>,
): Promise<T> {
  const { kubeTargetFor } = await import('../../stack/k8s-access.js');
  const target = kubeTargetFor(config, { forceConflicts });
  if (!target)
    throw new SolokubeError({
      code: 'apps.no-kubeconfig',
      message: `no kubeconfig for ${config.name}: the apps run in its cluster`,
      remedy: `Set kubeconfig: in the configuration, or export one with \`kops export kubeconfig ${config.name} --admin\`.`,
      actor: 'user',
      exitCode: 2,
    });
  try {
    return await fn(target);
  } finally {
    target.client.close();
  }
}

/** The cluster's Kubernetes API and AWS clients together, both closed after fn. */
export async function withAppClients<T>(
  config: SolokubeConfig,
  forceConflicts: boolean,
  fn: (target: KubeTarget, clients: AwsClients) => Promise<T>,
): Promise<T> {
  const session = await import('../../aws/session.js');
  return withKubeTarget(config, forceConflicts, (target) =>
    session.withAwsClients(config, (clients) => fn(target, clients)),
  );
}

/** --dry-run / --yes as the apps library takes them; the plan is shown before a question, not on a dry run. */
export function mutationFrom(ctx: CommandContext, flags: MutationFlags): MutationRun {
  const dryRun = Boolean(flags.dryRun);
  return {
    dryRun,
    yes: Boolean(flags.yes),
    io: ctx.io,
    signal: ctx.signal,
    ...(dryRun ? {} : { showPlan: ctx.showPlan }),
  };
}
