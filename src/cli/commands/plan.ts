// `solokube plan`: what `up` would do, compared against AWS and the node; changes nothing.
// `--offline` describes the desired state from the configuration alone, contacting nothing.

import { desiredState } from '../../config/desired-state.js';
import type { SolokubeConfig } from '../../config/schema.js';
import { renderPlan, renderValue } from '../../core/plan-render.js';
import type { CommandContext, CommandRegistry } from '../context.js';
import type { CommandResult } from '../output.js';
import { configFor } from '../config-source.js';
import { runningSandbox } from '../sandbox-target.js';
import { withClusterTarget } from '../cluster-target.js';

interface PlanOptions {
  offline?: boolean;
  sandbox?: boolean;
  acceptNewHostKey?: boolean;
}

export function registerPlan(r: CommandRegistry): void {
  r.program
    .command('plan')
    .description('show what `up` would create, change or leave, compared against AWS and the node; changes nothing')
    .option('--offline', 'describe the desired state from the configuration only; contacts nothing, needs no credentials')
    .option('--sandbox', 'compare against the running local sandbox instead of AWS')
    .option('--accept-new-host-key', 'pin the node\'s SSH host key on first contact without asking')
    .action(r.action<PlanOptions>('plan', async (ctx, opts) => {
      const config = await configFor(ctx, Boolean(opts.sandbox));
      return opts.offline ? offlinePlan(config) : livePlan(ctx, config, opts);
    }));
}

function offlinePlan(config: SolokubeConfig): CommandResult {
  const items = desiredState(config);
  const lines = [`Desired state for ${config.name} (${config.region}):`];
  for (const item of items) {
    lines.push(`  ${item.title} [${item.id}]`);
    for (const [k, v] of Object.entries(item.values)) lines.push(`      ${k}: ${renderValue(v)}`);
  }
  return { data: { cluster: config.name, region: config.region, desired: items }, text: lines.join('\n') };
}

async function livePlan(ctx: CommandContext, config: SolokubeConfig, opts: PlanOptions): Promise<CommandResult> {
  const sandbox = opts.sandbox ? await runningSandbox() : undefined;
  const { planUp } = await import('../../stack/stack.js');
  return withClusterTarget(ctx, config, { sandbox, acceptNewHostKey: opts.acceptNewHostKey }, async (clients, access) => {
    const { plan } = await planUp(config, clients, access, ctx.io, ctx.signal);
    return { data: { cluster: config.name, plan }, text: renderPlan(plan, { showUnchanged: true }) };
  });
}
