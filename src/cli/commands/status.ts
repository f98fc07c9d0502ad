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
            const aws = await readAwsStatus(config, clients, ctx.io, ctx.signal);
            const { clusterStackFor } = await import('../../kops/target.js');
            const stack = await clusterStackFor(config, clients, ctx.io, ctx.signal, sandbox);
            const { plan } = await planUp(config, clients, access, ctx.io, ctx.signal, {}, kube, () =>
              stack.managed(),
            ).finally(() => stack.close());
            const converged = !hasChanges(plan);
            const { appModes } = await import('../../config/https-redirect-edit.js');
            const apps = appModes(config);
            const text = `${renderAwsStatus(aws)}\n${renderAppModes(apps)}\n${converged ? 'converged: `solokube up` has nothing to do' : `not converged; \`solokube up\` would do this:\n${renderPlan(plan)}`}`;
            return { data: { aws, apps, converged, plan }, text };
          },
        );
      }),
    );
}
