// solokube proxy setup | status | remove: the node's data path (secondary address, secondary-only
// redirect, HAProxy SNI proxy, boot unit) over SSH, through the node layer's resources.

import type { Command } from 'commander';
import { countActions } from '../../core/plan.js';
import { planConverge } from '../../core/plan.js';
import { renderPlan } from '../../core/plan-render.js';
import type { RunResult } from '../../core/run.js';
import { dryRunResult, runMutation } from '../mutation.js';
import type { nodeResources } from '../../node/index.js';
import type { CommandContext, CommandRegistry, MutationFlags } from '../context.js';
import { withMutationOptions } from '../context.js';
import type { CommandResult } from '../output.js';
import { nodeShell, nodeSpecForTarget, resolveNodeTarget, withNodeTargetOptions } from './proxy-target.js';
import type { NodeTargetOptions } from './proxy-target.js';

type ProxyOptions = NodeTargetOptions & MutationFlags;

async function withNode<T>(
  ctx: CommandContext,
  opts: NodeTargetOptions,
  fn: (resources: ReturnType<typeof nodeResources>, where: string) => Promise<T>,
): Promise<T> {
  const config = await ctx.loadConfig();
  const target = await resolveNodeTarget(ctx, config, opts);
  const shell = await nodeShell(ctx, config, opts, target);
  try {
    const spec = await nodeSpecForTarget(config, opts, target, shell);
    const { nodeResources } = await import('../../node/index.js');
    return await fn(nodeResources(spec, shell), shell.description);
  } finally {
    await shell.close();
  }
}

function summary(verb: string, where: string, r: RunResult): CommandResult {
  if (r.decision === 'dry-run') return dryRunResult(r.plan);
  const counts = countActions(r.plan);
  const text =
    r.decision === 'nothing-to-do'
      ? `${where}: no changes, the node is as configured`
      : `${where}: ${verb} (${counts.create} created, ${counts.update} updated, ${counts.delete} deleted)`;
  return { data: { node: where, decision: r.decision, plan: r.plan, steps: r.report?.steps ?? [] }, text };
}

function mutating(r: CommandRegistry, proxy: Command, name: 'setup' | 'remove', description: string): void {
  withMutationOptions(withNodeTargetOptions(proxy.command(name).description(description))).action(
    r.action<ProxyOptions>(`proxy ${name}`, (ctx, opts) =>
      withNode(ctx, opts, async (resources, where) => {
        const result = await runMutation(ctx, resources, {
          ...opts,
          mode: name === 'setup' ? 'converge' : 'destroy',
          question:
            name === 'setup' ? `Apply these changes to ${where}?` : `Remove solokube's data path from ${where}?`,
        });
        return summary(name === 'setup' ? 'set up' : 'removed', where, result);
      }),
    ),
  );
}

export function registerProxy(r: CommandRegistry): void {
  const proxy = r.program
    .command('proxy')
    .description(
      "the node's data path: secondary address, secondary-only 443/80 redirect, HAProxy SNI proxy, boot unit",
    );
  mutating(r, proxy, 'setup', 'set up (or converge) the data path on the node; a rerun changes nothing');
  withNodeTargetOptions(
    proxy.command('status').description('compare the node with the configuration; changes nothing'),
  ).action(
    r.action<NodeTargetOptions>('proxy status', (ctx, opts) =>
      withNode(ctx, opts, async (resources, where) => {
        const { plan } = await planConverge(resources, ctx.io, ctx.signal);
        const converged = plan.steps.every((s) => s.action === 'unchanged');
        const head = converged
          ? `${where}: the data path is set up as configured`
          : `${where}: the node differs from the configuration (run \`solokube proxy setup\`)`;
        return {
          data: { node: where, converged, plan },
          text: `${head}\n${renderPlan(plan, { showUnchanged: true })}`,
        };
      }),
    ),
  );
  mutating(
    r,
    proxy,
    'remove',
    'remove exactly what solokube added to the node (address, rules, proxy config, boot unit)',
  );
}
