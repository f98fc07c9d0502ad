// `solokube dns sync | status`: the apps' Route 53 records → the Elastic IP. AWS modules load
// when a command runs (see secondary-ip.ts).

import { validateEipFlags } from '../../aws/flags.js';
import type { EipFlags } from '../../aws/flags.js';
import type { CommandRegistry, MutationFlags } from '../context.js';
import { withMutationOptions } from '../context.js';
import { dryRunResult, runMutation } from '../mutation.js';

interface SyncOptions extends MutationFlags, EipFlags {}

export function registerDns(r: CommandRegistry): void {
  const group = r.program
    .command('dns')
    .description('Route 53 records for the apps (*.<appsDomain> and app hosts) → the Elastic IP');

  withMutationOptions(group.command('sync'))
    .option('--elastic-ip <ipv4>', 'point at this Elastic IP (when it was named at setup)')
    .option('--allocation-id <id>', 'point at this Elastic IP, by allocation id')
    .option(
      '--take-over-dns',
      "write app names that exist without solokube's ownership record (or with another cluster's), making them ours",
    )
    .description('UPSERT the app records to point at the Elastic IP and wait until Route 53 reports them in sync')
    .action(
      r.action<SyncOptions>('dns sync', async (ctx, opts) => {
        const named = validateEipFlags(opts);
        const config = await ctx.loadConfig();
        const { awsResources } = await import('../../aws/resources/index.js');
        const { withAwsClients } = await import('../../aws/session.js');
        return withAwsClients(config, async (clients) => {
          const { withClusterLock } = await import('../../stack/run-lock.js');
          const result = await withClusterLock(
            { config, clients, command: 'dns sync', io: ctx.io, signal: ctx.signal, dryRun: opts.dryRun ?? false },
            () => runMutation(ctx, awsResources(config, clients, named).dns, { ...opts, mode: 'converge' }),
          );
          if (result.decision === 'dry-run') return dryRunResult(result.plan);
          const changed = result.report?.steps.filter((s) => s.action !== 'unchanged').length ?? 0;
          const text =
            result.decision === 'nothing-to-do'
              ? 'dns sync: records already point at the Elastic IP'
              : `dns sync: done (${changed} changed, in sync)`;
          return { data: { decision: result.decision, plan: result.plan, steps: result.report?.steps ?? [] }, text };
        });
      }),
    );

  group
    .command('status')
    .description('show each app record, what it points at, and whether that is the Elastic IP; changes nothing')
    .action(
      r.action('dns status', async (ctx) => {
        const config = await ctx.loadConfig();
        const { readDnsStatus, renderDnsStatus } = await import('../../aws/dns-status.js');
        const { withAwsClients } = await import('../../aws/session.js');
        return withAwsClients(config, async (clients) => {
          const status = await readDnsStatus(config, clients, ctx.signal);
          return { data: status, text: renderDnsStatus(status) };
        });
      }),
    );
}
