// `solokube pause` / `resume`: the control-plane instance group to zero and back through kops
// (src/pause/scale.ts), keeping the Elastic IP, DNS, the etcd volumes and the state store. pause
// says what the cluster still costs while paused.

import { UsageError } from '../../core/errors.js';
import type { CommandContext, CommandRegistry, MutationFlags } from '../context.js';
import { withMutationOptions } from '../context.js';
import { configFor } from '../config-source.js';
import { withClusterTarget } from '../cluster-target.js';
import type { CommandResult } from '../output.js';

const ADMIN_TTL = '87600h';

type ScaleFlags = MutationFlags & { sandbox?: boolean };

async function scale(ctx: CommandContext, size: 0 | 1, opts: ScaleFlags): Promise<CommandResult> {
  const config = await configFor(ctx, Boolean(opts.sandbox));
  const verb = size === 0 ? 'pause' : 'resume';
  const [{ withAwsClients }, { realKops }, { scaleControlPlane }, { pausedCost }] = await Promise.all([
    import('../../aws/session.js'),
    import('../../kops/stack.js'),
    import('../../pause/scale.js'),
    import('../../pause/paused-cost.js'),
  ]);
  const cost = (() => {
    try {
      return pausedCost(config);
    } catch {
      return undefined; // a region or type the price table lacks: no figure rather than a wrong one
    }
  })();
  const costText = cost
    ? `while paused about $${cost.monthlyUsd.toFixed(2)}/month (running: ` +
      `$${cost.runningMonthlyUsd.toFixed(2)}): etcd volumes, the idle Elastic IP, the hosted ` +
      `zone, ECR, the state bucket${cost.unverified ? '; some prices unverified' : ''}`
    : 'while paused: see `solokube cost` (the price table lacks this region or type)';
  if (opts.dryRun)
    return {
      data: { decision: 'dry-run', cluster: config.name, to: size, ...(cost ? { pausedCost: cost } : {}) },
      text: `would ${verb} ${config.name}: control-plane instance group to ${size}; ${costText}`,
    };
  if (!opts.yes)
    throw new UsageError(
      `${verb} changes the cluster's instance group`,
      `Pass --yes to ${verb} ${config.name}, or --dry-run to see what would happen.`,
    );
  // The sandbox's kops (real kops + the stand-in, whose node provider stops or boots the lab node).
  const sandbox = opts.sandbox ? await (await import('../sandbox-target.js')).runningSandbox() : undefined;
  const result = sandbox
    ? await withClusterTarget(ctx, config, { sandbox }, async (clients) => {
        const stack = await (
          await import('../../kops/target.js')
        ).clusterStackFor(config, clients, ctx.io, ctx.signal, sandbox);
        try {
          return await scaleControlPlane(stack.kops, config.name, size, ADMIN_TTL, ctx.signal, stack.kubeconfigPath);
        } finally {
          stack.close();
        }
      })
    : await withAwsClients(config, (clients) =>
        scaleControlPlane(realKops(config, clients, ctx.io, ctx.signal), config.name, size, ADMIN_TTL, ctx.signal),
      );
  const text =
    size === 0
      ? `paused ${config.name}: ${result.group} ${result.from} → 0; the Elastic IP, DNS and etcd volumes stay; ${costText}`
      : `resumed ${config.name}: ${result.group} ${result.from} → 1; the new instance's reclaim ` +
        `unit takes the Elastic IP back at boot (\`solokube doctor\` shows it)`;
  return { data: { decision: 'apply', ...result, ...(size === 0 && cost ? { pausedCost: cost } : {}) }, text };
}

export function registerPause(r: CommandRegistry): void {
  withMutationOptions(r.program.command('pause'))
    .description(
      'scale the control plane to zero through kops, keeping the Elastic IP, DNS and etcd volumes; says what it still costs',
    )
    .option('--sandbox', 'pause the running local sandbox (its node stops) instead of AWS')
    .action(r.action<ScaleFlags>('pause', (ctx, opts) => scale(ctx, 0, opts)));
  withMutationOptions(r.program.command('resume'))
    .description('scale the control plane back to one instance through kops; the reclaim unit brings the apps back')
    .option('--sandbox', 'resume the running local sandbox (a fresh node boots) instead of AWS')
    .action(r.action<ScaleFlags>('resume', (ctx, opts) => scale(ctx, 1, opts)));
}
