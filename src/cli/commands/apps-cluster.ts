// The cluster side of `solokube apps`: render, deploy, rollback, history, delete, list. Input is
// checked before anything runs (usage errors, exit 2); mutations show their plan, ask on a
// terminal, act with --yes and stop with --dry-run; every command has --output json.
import type { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import type { Plan } from '../../core/plan.js';
import type { CommandRegistry, MutationFlags } from '../context.js';
import { withMutationOptions } from '../context.js';
import type { CommandResult } from '../output.js';
import {
  appFromArgs,
  mutationFrom,
  projectDirFrom,
  requireConfigured,
  withAppClients,
  withKubeTarget,
} from './apps-input.js';

interface DeployFlags extends MutationFlags {
  tag?: string;
  projectDir?: string;
  rolloutDeadline?: string;
  forceConflicts?: boolean;
}

const DEFAULT_ROLLOUT_SECONDS = 300;

function rolloutDeadlineMs(value: string | undefined): number {
  if (value === undefined) return DEFAULT_ROLLOUT_SECONDS * 1000;
  if (!/^[1-9][0-9]{0,4}$/.test(value))
    throw new UsageError(`--rollout-deadline ${JSON.stringify(value)} is not a number of seconds (1–99999)`);
  return Number(value) * 1000;
}

async function dryRun(plan: Plan): Promise<CommandResult> {
  const { dryRunResult } = await import('../mutation.js');
  return dryRunResult(plan);
}

export function registerAppLifecycle(group: Command, r: CommandRegistry): void {
  group
    .command('render <name>')
    .description(
      "print the app's Deployment, Service and Ingress as YAML (for review and GitOps): the image running now, or --image",
    )
    .option('--image <ref>', 'the image to render, by digest: <repository>@sha256:<64 hex>')
    .action(
      r.action<{ image?: string }>('apps render', async (ctx, opts, args) => {
        const app = await appFromArgs(args[0]);
        const { DIGEST_RE } = await import('../../apps/rollback.js');
        if (opts.image !== undefined && !imageRefOk(opts.image, DIGEST_RE))
          throw new UsageError(
            `--image ${JSON.stringify(opts.image)} is not an image by digest`,
            'Give <repository>@sha256:<64 hex>, as `solokube apps images NAME` lists them.',
          );
        const config = await ctx.loadConfig();
        await requireConfigured(config, app);
        const [{ renderAppManifests, appsNamespace }, { readRecords }, { liveDeployment }, { manifestsToYaml }] =
          await Promise.all([
            import('../../apps/manifests.js'),
            import('../../apps/record.js'),
            import('../../apps/live.js'),
            import('../../ingress/index.js'),
          ]);
        const objects = opts.image
          ? renderAppManifests(config, app, { image: opts.image })
          : await withKubeTarget(config, false, async (target) => {
              const records = readRecords(await liveDeployment(target, appsNamespace(config), app, ctx.signal));
              if (!records)
                throw new UsageError(
                  `${app} is not deployed, so there is no image to render`,
                  `Give the image with --image <repository>@sha256:…, or deploy it first: solokube apps deploy ${app}`,
                );
              return renderAppManifests(config, app, { record: records.current, earlier: records.earlier });
            });
        return { data: { app, objects }, text: manifestsToYaml(objects as never) };
      }),
    );

  withMutationOptions(
    group
      .command('deploy <name>')
      .description(
        "build the image for the node's CPU, push it to the app's ECR repository by digest " +
          '(created when absent), apply Deployment, Service and Ingress by server-side apply, wait ' +
          'for the rollout, print the URLs',
      )
      .option('--tag <tag>', 'image tag (default: the git commit, with -dirty when the tree has changes)')
      .option(
        '--project-dir <dir>',
        "the directory Dockerfile and context are relative to (default: the configuration file's)",
      )
      .option(
        '--rollout-deadline <seconds>',
        `how long the new pods may take to become ready (default ${DEFAULT_ROLLOUT_SECONDS})`,
      )
      .option('--force-conflicts', 'take over fields another field manager owns instead of failing'),
  ).action(
    r.action<DeployFlags>('apps deploy', async (ctx, opts, args) => {
      const app = await appFromArgs(args[0]);
      const [{ validateImageTag }, { appSource }, { deployApp }] = await Promise.all([
        import('../../apps/input.js'),
        import('../../apps/source.js'),
        import('../../apps/deploy.js'),
      ]);
      const tag = opts.tag === undefined ? undefined : validateImageTag(opts.tag);
      const deadlineMs = rolloutDeadlineMs(opts.rolloutDeadline);
      const config = await ctx.loadConfig();
      await requireConfigured(config, app);
      const source = appSource(config, app, await projectDirFrom(ctx, opts.projectDir));
      return withAppClients(config, Boolean(opts.forceConflicts), async (target, clients) => {
        const result = await deployApp({
          config,
          source,
          clients,
          target,
          ...(tag !== undefined ? { tag } : {}),
          deadlineMs,
          ...mutationFrom(ctx, opts),
        });
        if (result.decision === 'dry-run') return dryRun(result.plan);
        const changed = result.plan.steps.some((s) => s.action !== 'unchanged');
        const what = result.pushed ? 'image pushed' : 'image already in ECR, nothing pushed';
        const rolled = changed ? `revision ${result.record.revision} rolled out` : 'already running, nothing changed';
        return {
          data: { ...result, changed },
          text: [`${app}: ${result.version} (${result.digest}): ${what}; ${rolled}`, ...result.urls].join('\n'),
        };
      });
    }),
  );

  withMutationOptions(
    group
      .command('rollback <name>')
      .description('return the app to an earlier image that ECR still has (default: the previous revision)')
      .option('--to <revision|digest>', 'a revision from `apps history` or an image digest sha256:…')
      .option(
        '--rollout-deadline <seconds>',
        `how long the pods may take to become ready (default ${DEFAULT_ROLLOUT_SECONDS})`,
      ),
  ).action(
    r.action<MutationFlags & { to?: string; rolloutDeadline?: string }>('apps rollback', async (ctx, opts, args) => {
      const app = await appFromArgs(args[0]);
      const [{ rollbackApp, parseRollbackTarget }, { deployer }] = await Promise.all([
        import('../../apps/rollback.js'),
        import('../../apps/who.js'),
      ]);
      if (opts.to !== undefined) parseRollbackTarget(opts.to);
      const deadlineMs = rolloutDeadlineMs(opts.rolloutDeadline);
      const config = await ctx.loadConfig();
      await requireConfigured(config, app);
      const who = await deployer(await projectDirFrom(ctx, undefined), ctx.signal);
      return withAppClients(config, false, async (target, clients) => {
        const result = await rollbackApp({
          config,
          app,
          clients,
          target,
          ...(opts.to !== undefined ? { to: opts.to } : {}),
          deadlineMs,
          who,
          ...mutationFrom(ctx, opts),
        });
        if (result.decision === 'dry-run') return dryRun(result.plan);
        return {
          data: result,
          text: [
            `${app}: revision ${result.record.revision} runs ${result.record.version} ` +
              `(${result.record.digest})${result.record.rollbackOf ? `, the image of revision ${result.record.rollbackOf}` : ''}`,
            ...result.urls,
          ].join('\n'),
        };
      });
    }),
  );

  group
    .command('history <name>')
    .description(
      "the app's deployments, newest first: revision, version, digest, who and when, and whether ECR still has the image",
    )
    .action(
      r.action<Record<string, never>>('apps history', async (ctx, _opts, args) => {
        const app = await appFromArgs(args[0]);
        const [{ appHistory }] = await Promise.all([import('../../apps/history.js')]);
        const config = await ctx.loadConfig();
        await requireConfigured(config, app);
        const history = await withAppClients(config, false, (target, clients) =>
          appHistory(config, app, clients, target, ctx.signal),
        );
        const text =
          history.length === 0
            ? `${app}: not deployed by solokube`
            : history
                .map((h) => {
                  const rollback = h.rollbackOf ? `  (rollback to ${h.rollbackOf})` : '';
                  const expired = h.inEcr ? '' : '  [expired from ECR]';
                  return `${h.current ? '*' : ' '} ${String(h.revision).padStart(3)}  ${h.version}  ${h.digest}  ${h.at}  ${h.by}${rollback}${expired}`;
                })
                .join('\n');
        return { data: { app, history }, text };
      }),
    );

  withMutationOptions(
    group
      .command('delete <name>')
      .description(
        "remove the app's Deployment, Service, Ingresses and its own DNS name (when this cluster owns it); " +
          '--purge-images also deletes its ECR repository and images',
      )
      .option('--purge-images', "delete the app's ECR repository with every image in it (cannot be undone)"),
  ).action(
    r.action<MutationFlags & { purgeImages?: boolean }>('apps delete', async (ctx, opts, args) => {
      const app = await appFromArgs(args[0]);
      const [{ deleteApp }] = await Promise.all([import('../../apps/delete.js')]);
      const config = await ctx.loadConfig();
      return withAppClients(config, false, async (target, clients) => {
        const result = await deleteApp({
          config,
          app,
          clients,
          target,
          purgeImages: Boolean(opts.purgeImages),
          ...mutationFrom(ctx, opts),
        });
        if (result.decision === 'dry-run') return dryRun(result.plan);
        const stillConfigured = config.apps.some((a) => a.name === app);
        const deleted = result.plan.steps.filter((s) => s.action === 'delete').map((s) => s.title);
        return {
          data: { app, deleted, stillConfigured },
          text: [
            deleted.length === 0 ? `${app}: nothing to delete` : `${app}: deleted ${deleted.join('; ')}`,
            ...(stillConfigured
              ? [
                  `${app} is still in the configuration: \`solokube up\` deploys it again unless you remove it from apps:`,
                ]
              : []),
          ].join('\n'),
        };
      });
    }),
  );

  group
    .command('list')
    .description('the apps of the configuration and of the cluster: what runs, how ready, where')
    .action(
      r.action<Record<string, never>>('apps list', async (ctx) => {
        const { listApps } = await import('../../apps/list.js');
        const config = await ctx.loadConfig();
        const apps = await withKubeTarget(config, false, (target) => listApps(config, target, ctx.signal));
        const text =
          apps.length === 0
            ? 'no apps configured or deployed'
            : apps
                .map((a) => {
                  const state = a.deployed
                    ? `revision ${a.revision ?? '?'} ${a.version ?? ''} ready ${a.ready}/${a.replicas}`
                    : 'not deployed';
                  const unconfigured = a.configured ? '' : '  (not in the configuration)';
                  return `${a.name}  ${state}${unconfigured}  ${a.urls.join(' ')}`;
                })
                .join('\n');
        return { data: { apps }, text };
      }),
    );
}

function imageRefOk(ref: string, digestRe: RegExp): boolean {
  const at = ref.indexOf('@');
  if (at <= 0) return false;
  return /^[a-z0-9][a-z0-9.:/_-]{0,254}$/.test(ref.slice(0, at)) && digestRe.test(ref.slice(at + 1));
}
