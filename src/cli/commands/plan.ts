// `solokube plan`: what `up` would do, compared against AWS and the node; changes nothing.
// `--offline` describes the desired state from the configuration alone, contacting nothing: the
// resources `up` converges, each as its own describe() says.

import type { SolokubeConfig } from '../../config/schema.js';
import type { NodeAccess } from '../../stack/node-step.js';
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
    .option(
      '--offline',
      'describe the desired state from the configuration only; contacts nothing, needs no credentials',
    )
    .option('--sandbox', 'compare against the running local sandbox instead of AWS')
    .option('--accept-new-host-key', "pin the node's SSH host key on first contact without asking")
    .action(
      r.action<PlanOptions>('plan', async (ctx, opts) => {
        const config = await configFor(ctx, Boolean(opts.sandbox));
        return withCost(config, opts.offline ? await offlinePlan(config) : await livePlan(ctx, config, opts));
      }),
    );
}

// The offline plan builds the same resource list as `up`; nothing in it is ever called but describe().
const NO_NODE: NodeAccess = {
  shellFor: () => Promise.reject(new Error('plan --offline never reaches the node')),
  close: async () => {},
};

/** What the planned setup costs a month, as `up` says it when done: under the plan, and in the JSON. */
async function withCost(config: SolokubeConfig, result: CommandResult): Promise<CommandResult> {
  const { solokubeShare } = await import('../../cost/share.js');
  const share = solokubeShare(config);
  return {
    data: { ...(result.data as Record<string, unknown>), cost: share },
    text: `${result.text}\ncost  ${share.line}`,
  };
}

async function offlinePlan(config: SolokubeConfig): Promise<CommandResult> {
  const [{ upResources }, { createAwsClients }] = await Promise.all([
    import('../../stack/stack.js'),
    import('../../aws/clients.js'),
  ]);
  // Clients are needed to build the resources, not to describe them: no call is made.
  const clients = createAwsClients({
    region: config.region,
    endpoint: 'http://127.0.0.1:9',
    credentials: { accessKeyId: 'offline', secretAccessKey: 'offline' },
  });
  try {
    const items = upResources(config, clients, NO_NODE).map((r) => ({
      id: r.id,
      title: r.title,
      values: r.describe?.() ?? {},
    }));
    const lines = [
      `Desired state for ${config.name} (${config.region}${config.profile ? `, profile ${config.profile}` : ''}):`,
    ];
    for (const item of items) {
      lines.push(`  ${item.title} [${item.id}]`);
      for (const [k, v] of Object.entries(item.values)) lines.push(`      ${k}: ${renderValue(v)}`);
    }
    return {
      data: {
        cluster: config.name,
        region: config.region,
        ...(config.profile ? { profile: config.profile } : {}),
        desired: items,
      },
      text: lines.join('\n'),
    };
  } finally {
    clients.destroy();
  }
}

async function livePlan(ctx: CommandContext, config: SolokubeConfig, opts: PlanOptions): Promise<CommandResult> {
  const sandbox = opts.sandbox ? await runningSandbox() : undefined;
  const { planUp } = await import('../../stack/stack.js');
  return withClusterTarget(
    ctx,
    config,
    { sandbox, acceptNewHostKey: opts.acceptNewHostKey },
    async (clients, access, kube) => {
      // The cluster (state store, kops) comes first; while it has changes the rest is named as "then".
      const [{ clusterStackFor }, { renderThen }] = await Promise.all([
        import('../../kops/target.js'),
        import('../../stack/stages.js'),
      ]);
      const stack = await clusterStackFor(config, clients, ctx.io, ctx.signal, sandbox);
      try {
        const { plan, then } = await planUp(config, clients, access, ctx.io, ctx.signal, {}, kube, () =>
          stack.managed(),
        );
        return {
          data: { cluster: config.name, plan, then },
          text: renderPlan(plan, { showUnchanged: true }) + renderThen(then),
        };
      } finally {
        stack.close();
      }
    },
  );
}
