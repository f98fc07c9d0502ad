// `solokube status`: what exists on AWS (instance, secondary IP, Elastic IP, association, security
// group, DNS) and whether everything `up` manages — the node included — is converged. Changes
// nothing: it is `up`'s plan, read only.

import { renderPlan } from '../../core/plan-render.js';
import { hasChanges } from '../../core/plan.js';
import type { CommandRegistry } from '../context.js';
import { configFor } from '../config-source.js';
import { runningSandbox } from '../sandbox-target.js';
import { withClusterTarget } from '../cluster-target.js';
import { renderAppModes } from './https-redirect.js';
import type { AwsClients } from '../../aws/clients.js';
import type { SolokubeConfig } from '../../config/schema.js';
import type { CommandContext } from '../context.js';
import type { CommandResult } from '../output.js';
import type { Sandbox } from '../../sandbox/env/sandbox.js';

interface StatusOptions {
  sandbox?: boolean;
  acceptNewHostKey?: boolean;
}

export function registerStatus(r: CommandRegistry): void {
  r.program
    .command('status')
    .description(
      'show what solokube has made for the cluster and whether it is converged (AWS and node); changes nothing',
    )
    .option('--sandbox', 'show the running local sandbox instead of AWS')
    .option('--accept-new-host-key', "pin the node's SSH host key on first contact without asking")
    .action(
      r.action<StatusOptions>('status', async (ctx, opts) => {
        const config = await configFor(ctx, Boolean(opts.sandbox));
        const sandbox = opts.sandbox ? await runningSandbox() : undefined;
        const [{ readAwsStatus, renderAwsStatus }, { planUp }] = await Promise.all([
          import('../../aws/status.js'),
          import('../../stack/stack.js'),
        ]);
        return withClusterTarget(
          ctx,
          config,
          { sandbox, acceptNewHostKey: opts.acceptNewHostKey },
          async (clients, access, kube) => {
            // No running control plane: a paused cluster (kops holds its group at zero) is a state to
            // report with what it still costs, not an error. kops is asked only then.
            const paused = await pausedStatus(ctx, config, clients, sandbox);
            if (paused) return paused;
            const aws = await readAwsStatus(config, clients, ctx.io, ctx.signal);
            const { clusterStackFor } = await import('../../kops/target.js');
            const stack = await clusterStackFor(config, clients, ctx.io, ctx.signal, sandbox);
            const { plan } = await planUp(config, clients, access, ctx.io, ctx.signal, {}, kube, () =>
              stack.managed(),
            ).finally(() => stack.close());
            const converged = !hasChanges(plan);
            const { appModes } = await import('../../config/https-redirect-edit.js');
            const apps = appModes(config);
            const verdict = converged
              ? 'converged: `solokube up` has nothing to do'
              : `not converged; \`solokube up\` would do this:\n${renderPlan(plan)}`;
            const text = `${renderAwsStatus(aws)}\n${renderAppModes(apps)}\n${verdict}`;
            return { data: { aws, apps, converged, plan }, text };
          },
        );
      }),
    );
}

/** The status of a paused cluster, or undefined when the control plane runs (or kops cannot tell). */
async function pausedStatus(
  ctx: CommandContext,
  config: SolokubeConfig,
  clients: AwsClients,
  sandbox?: Sandbox,
): Promise<CommandResult | undefined> {
  const { controlPlaneInstance } = await import('../../aws/resources/control-plane.js');
  const { names } = await import('../../config/naming.js');
  const running = await controlPlaneInstance({ config, names: names(config), clients }, { mustExist: false }).find({
    io: ctx.io,
    signal: ctx.signal,
    planning: true,
    dependency: () => {
      throw new Error('no dependencies');
    },
  });
  if (running) return undefined;
  const [{ realKops }, { readPauseState }, { pausedCost }] = await Promise.all([
    import('../../kops/stack.js'),
    import('../../pause/scale.js'),
    import('../../pause/paused-cost.js'),
  ]);
  let state;
  // The sandbox asks its own kops (real kops + stand-in), AWS the real binary.
  const stack = sandbox
    ? await (await import('../../kops/target.js')).clusterStackFor(config, clients, ctx.io, ctx.signal, sandbox)
    : undefined;
  try {
    state = await readPauseState(stack?.kops ?? realKops(config, clients, ctx.io, ctx.signal), config.name, ctx.signal);
  } catch {
    return undefined; // no kops here: status goes on and reports the missing control plane itself
  } finally {
    stack?.close();
  }
  if (!state?.paused) return undefined;
  let cost;
  try {
    cost = pausedCost(config);
  } catch {
    cost = undefined;
  }
  const costNote = cost
    ? `it still costs about $${cost.monthlyUsd.toFixed(2)}/month (running: $${cost.runningMonthlyUsd.toFixed(2)}): ` +
      'etcd volumes, the idle Elastic IP, the hosted zone, ECR, the state bucket'
    : 'see `solokube cost`';
  return {
    data: { paused: true, group: state.group, ...(cost ? { pausedCost: cost } : {}) },
    text: `${config.name} is paused (kops holds ${state.group} at 0); ${costNote}. \`solokube resume\` brings it back.`,
  };
}
