// `solokube secondary-ip setup | status | cleanup`: the Elastic IP for apps on a secondary private
// IP of the control-plane ENI, with the app security group. Flags and configuration are validated
// before any client exists, so a usage error contacts nothing. The AWS modules are imported when a
// command runs: loading the SDK costs about half a second that other commands should not pay.

import { validateEipFlags } from '../../aws/flags.js';
import type { EipFlags } from '../../aws/flags.js';
import { UsageError } from '../../core/errors.js';
import type { RunResult } from '../../core/run.js';
import type { CommandRegistry, MutationFlags } from '../context.js';
import { withEipOptions, withMutationOptions } from '../context.js';
import { dryRunResult, runMutation } from '../mutation.js';

interface SetupOptions extends MutationFlags, EipFlags {}
interface CleanupOptions extends SetupOptions {
  force?: boolean;
}

export function registerSecondaryIp(r: CommandRegistry): void {
  const group = r.program
    .command('secondary-ip')
    .description('the Elastic IP for apps on a secondary private IP of the control-plane instance');

  withEipOptions(withMutationOptions(group.command('setup')))
    .option(
      '--secondary-private-ip <ipv4>',
      'give solokube this secondary private IP already on the control-plane interface (recorded as ours from then on)',
    )
    .description("assign a secondary private IP, give it an Elastic IP, open 80/443 in solokube's own security group")
    .action(
      r.action<SetupOptions>('secondary-ip setup', async (ctx, opts) => {
        const named = validateEipFlags(opts);
        const config = await ctx.loadConfig();
        const { awsResources, withAwsClients } = await aws();
        if (!config.secondaryIp)
          throw new UsageError(
            'secondaryIp is false in the configuration; there is nothing to set up',
            'Set secondaryIp: true in solokube.yaml, or use the NodePort URLs (see `solokube plan`).',
          );
        return withAwsClients(config, async (clients) => {
          const { withClusterLock } = await import('../../stack/run-lock.js');
          const result = await withClusterLock(
            {
              config,
              clients,
              command: 'secondary-ip setup',
              io: ctx.io,
              signal: ctx.signal,
              dryRun: opts.dryRun ?? false,
            },
            () => runMutation(ctx, awsResources(config, clients, named).secondaryIp, { ...opts, mode: 'converge' }),
          );
          return runResult(result, 'setup');
        });
      }),
    );

  withEipOptions(group.command('status'))
    .description(
      'show the control-plane instance, secondary IP, Elastic IP, association, security group and DNS records; changes nothing',
    )
    .action(
      r.action<EipFlags>('secondary-ip status', async (ctx, opts) => {
        const named = validateEipFlags(opts);
        const config = await ctx.loadConfig();
        const { withAwsClients, readAwsStatus, renderAwsStatus } = await aws();
        return withAwsClients(config, async (clients) => {
          const status = await readAwsStatus(config, clients, ctx.io, ctx.signal, named);
          return { data: status, text: renderAwsStatus(status) };
        });
      }),
    );

  withEipOptions(withMutationOptions(group.command('cleanup')))
    .option(
      '--secondary-private-ip <ipv4>',
      'give solokube this secondary private IP already on the control-plane interface (recorded as ours from then on)',
    )
    .option('--force', 'same as --yes')
    .description(
      'remove the DNS records pointing at the Elastic IP, the association, the secondary IP and ' +
        'the security group; release only addresses tagged for this cluster',
    )
    .action(
      r.action<CleanupOptions>('secondary-ip cleanup', async (ctx, opts) => {
        const named = validateEipFlags(opts);
        const config = await ctx.loadConfig();
        const { awsResources, withAwsClients } = await aws();
        return withAwsClients(config, async (clients) => {
          const { withClusterLock } = await import('../../stack/run-lock.js');
          const result = await withClusterLock(
            {
              config,
              clients,
              command: 'secondary-ip cleanup',
              io: ctx.io,
              signal: ctx.signal,
              dryRun: opts.dryRun ?? false,
            },
            () =>
              runMutation(ctx, awsResources(config, clients, named).destroy, {
                ...opts,
                yes: opts.yes || opts.force,
                mode: 'destroy',
              }),
          );
          return runResult(result, 'cleanup');
        });
      }),
    );
}

async function aws() {
  const [resources, session, status] = await Promise.all([
    import('../../aws/resources/index.js'),
    import('../../aws/session.js'),
    import('../../aws/status.js'),
  ]);
  return {
    awsResources: resources.awsResources,
    withAwsClients: session.withAwsClients,
    readAwsStatus: status.readAwsStatus,
    renderAwsStatus: status.renderAwsStatus,
  };
}

function runResult(result: RunResult, verb: string) {
  if (result.decision === 'dry-run') return dryRunResult(result.plan);
  const summary =
    result.decision === 'nothing-to-do'
      ? `${verb}: no changes needed`
      : `${verb}: done (${result.report?.steps.filter((s) => s.action !== 'unchanged').length ?? 0} changed)`;
  return { data: { decision: result.decision, plan: result.plan, steps: result.report?.steps ?? [] }, text: summary };
}
