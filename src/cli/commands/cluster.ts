// `solokube cluster create|validate|delete|status`: the kops cluster itself — the state store
// bucket, the specs, the cloud, the admin kubeconfig — through the real kops binary (`kops` on PATH
// or SOLOKUBE_KOPS). Names are validated with the configuration, before kops or AWS is contacted.
import type { Command } from 'commander';
import { renderPlan } from '../../core/plan-render.js';
import { hasChanges, planConverge } from '../../core/plan.js';
import { planAndApply } from '../../core/run.js';
import type { CommandContext, CommandRegistry, MutationFlags } from '../context.js';
import { withMutationOptions } from '../context.js';
import { configFor } from '../config-source.js';

async function withStack<T>(
  ctx: CommandContext,
  fn: (
    resources: import('../../core/resource.js').Resource[],
    kops: import('../../kops/runner.js').KopsRunner,
    config: import('../../config/schema.js').SolokubeConfig,
  ) => Promise<T>,
): Promise<T> {
  const config = await configFor(ctx, false);
  const [{ withAwsClients }, { clusterResources, realKops }] = await Promise.all([
    import('../../aws/session.js'),
    import('../../kops/stack.js'),
  ]);
  return withAwsClients(config, (clients) => {
    const kops = realKops(config, clients, ctx.io, ctx.signal);
    return fn(clusterResources({ config, clients, io: ctx.io, kops }, ctx.signal), kops, config);
  });
}

export function registerCluster(r: CommandRegistry): void {
  const cluster: Command = r.program
    .command('cluster')
    .description('the kops cluster itself: state store, specs, cloud, admin kubeconfig');

  withMutationOptions(cluster.command('create'))
    .description(
      'create the cluster (or bring it to the configuration), wait until kops validates it, write the admin kubeconfig; resumes where a failed run stopped',
    )
    .action(
      r.action<MutationFlags>('cluster create', async (ctx, opts) =>
        withStack(ctx, async (resources, _kops, config) => {
          const dryRun = opts.dryRun ?? false;
          const result = await planAndApply(resources, {
            io: ctx.io,
            signal: ctx.signal,
            mode: 'converge',
            yes: opts.yes ?? false,
            dryRun,
            showPlan: dryRun ? undefined : ctx.showPlan,
          });
          if (result.decision === 'dry-run')
            return { data: { decision: result.decision, plan: result.plan }, text: renderPlan(result.plan) };
          return {
            data: { decision: result.decision, plan: result.plan },
            text:
              result.decision === 'nothing-to-do'
                ? `cluster ${config.name} is as configured`
                : `cluster ${config.name} is up and validated`,
          };
        }),
      ),
    );

  cluster
    .command('validate')
    .description('ask kops whether the cluster is healthy (waits up to --wait seconds)')
    .option('--wait <seconds>', 'how long to wait for a healthy cluster', '600')
    .action(
      r.action<{ wait: string }>('cluster validate', async (ctx, opts) =>
        withStack(ctx, async (_resources, kops, config) => {
          const { UsageError } = await import('../../core/errors.js');
          if (!/^\d{1,5}$/.test(opts.wait))
            throw new UsageError(`--wait must be a number of seconds, not ${opts.wait}`);
          const { validateCluster } = await import('../../kops/steps.js');
          const result = await validateCluster(kops, config.name, Number(opts.wait) * 1000, ctx.signal);
          return {
            data: result,
            text: `cluster ${config.name} is healthy: ${result.nodes.map((n) => `${n.name} (${n.role}) ready`).join(', ')}`,
          };
        }),
      ),
    );

  withMutationOptions(cluster.command('delete'))
    .description(
      'delete the cluster with kops (its instances, network, DNS records and state), then the state store bucket if solokube made it and nothing else is in it',
    )
    .action(
      r.action<MutationFlags>('cluster delete', async (ctx, opts) =>
        withStack(ctx, async (resources, _kops, config) => {
          const dryRun = opts.dryRun ?? false;
          const result = await planAndApply(resources, {
            io: ctx.io,
            signal: ctx.signal,
            mode: 'destroy',
            yes: opts.yes ?? false,
            dryRun,
            typeToConfirm: config.name,
            question: `Delete the kops cluster ${config.name} and everything in it?`,
            showPlan: dryRun ? undefined : ctx.showPlan,
          });
          return {
            data: { decision: result.decision, plan: result.plan },
            text: dryRun
              ? renderPlan(result.plan)
              : `cluster ${config.name}: ${result.decision === 'nothing-to-do' ? 'nothing to delete' : 'deleted'}`,
          };
        }),
      ),
    );

  cluster
    .command('status')
    .description(
      'what exists of the cluster (state store, specs, cloud, kubeconfig) and what `cluster create` would change',
    )
    .action(
      r.action<Record<string, never>>('cluster status', async (ctx) =>
        withStack(ctx, async (resources, _kops, config) => {
          const { plan } = await planConverge(resources, ctx.io, ctx.signal);
          const converged = !hasChanges(plan);
          return {
            data: { converged, plan },
            text: converged
              ? `cluster ${config.name} is as configured`
              : `cluster ${config.name} is not as configured:\n${renderPlan(plan)}`,
          };
        }),
      ),
    );
}
