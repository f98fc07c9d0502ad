// `solokube down`: remove everything `up` made, in reverse order, touching nothing that is not
// ours: first the network part (DNS records, security group, Elastic IP, secondary IP, node rules
// and proxy, the taint's removal undone), then the cluster itself — `kops delete cluster` and the
// state store bucket when solokube made it and nothing else is in it. On a terminal it asks for the
// cluster name to be typed; without one it requires --yes. With --sandbox it then removes the
// sandbox itself (node container, namespaces, emulator, state) and reports what the emulator still
// held of ours just before it stopped — which must be nothing.

import { validateEipFlags } from '../../aws/flags.js';
import type { EipFlags } from '../../aws/flags.js';
import type { CommandRegistry, MutationFlags } from '../context.js';
import { withEipOptions, withMutationOptions } from '../context.js';
import { dryRunResult, runPhases } from '../mutation.js';
import { configFor } from '../config-source.js';
import { withClusterTarget } from '../cluster-target.js';

interface DownOptions extends MutationFlags, EipFlags {
  sandbox?: boolean;
  acceptNewHostKey?: boolean;
}

export function registerDown(r: CommandRegistry): void {
  withEipOptions(withMutationOptions(r.program.command('down')))
    .description(
      'remove everything solokube made for the cluster: DNS records, security group, Elastic ' +
        'IP, secondary IP, node rules and proxy, then the kops cluster (kops delete cluster) and ' +
        'the state store bucket if solokube made it and it is empty',
    )
    .option('--sandbox', 'remove from the local sandbox, then remove the sandbox itself')
    .option(
      '--secondary-private-ip <ipv4>',
      'give solokube this secondary private IP already on the control-plane interface (recorded as ours from then on)',
    )
    .option('--accept-new-host-key', "pin the node's SSH host key on first contact without asking")
    .action(
      r.action<DownOptions>('down', async (ctx, opts) => {
        const named = validateEipFlags(opts);
        const config = await configFor(ctx, Boolean(opts.sandbox));
        const [{ downPhases }, { clusterStackFor }, sandboxModule] = await Promise.all([
          import('../../stack/stack.js'),
          import('../../kops/target.js'),
          opts.sandbox ? import('../../sandbox/env/sandbox.js') : Promise.resolve(undefined),
        ]);
        const sandbox = sandboxModule ? await sandboxModule.openSandbox() : undefined;
        if (sandboxModule && !sandbox) {
          const removal = await sandboxModule.removeSandbox(ctx.io);
          return {
            data: { decision: 'nothing-to-do', sandbox: { removal } },
            text: 'no sandbox is running; its leftovers (if any) were removed',
          };
        }
        const { withClusterLock } = await import('../../stack/run-lock.js');
        const result = await withClusterTarget(
          ctx,
          config,
          { sandbox, acceptNewHostKey: opts.acceptNewHostKey },
          async (clients, access, kube) => {
            const cluster = await clusterStackFor(config, clients, ctx.io, ctx.signal, sandbox);
            try {
              const managed = await cluster.managed();
              return await withClusterLock(
                { config, clients, command: 'down', io: ctx.io, signal: ctx.signal, dryRun: opts.dryRun ?? false },
                () =>
                  runPhases(ctx, downPhases(config, clients, access, managed, named, kube), {
                    ...opts,
                    typeToConfirm: config.name,
                    question: `Remove everything solokube made for ${config.name}, the kops cluster included?`,
                  }),
              );
            } finally {
              cluster.close();
            }
          },
        );
        if (result.decision === 'dry-run') return dryRunResult(result.plan);
        const removed = result.report?.steps.filter((s) => s.action === 'delete').length ?? 0;
        const text = [
          result.decision === 'nothing-to-do'
            ? `nothing of solokube's is left for ${config.name}`
            : `removed ${removed} things solokube had made for ${config.name}`,
        ];
        if (!sandbox || !sandboxModule)
          return { data: { decision: result.decision, removed, plan: result.plan }, text: text.join('\n') };
        const { emulatorState } = await import('../../sandbox/env/emulator-process.js');
        const { ownedLeftovers, isEmpty } = await import('../../sandbox/env/leftovers.js');
        const leftovers = ownedLeftovers(
          await emulatorState(sandbox.record.emulator.endpoint, ctx.signal),
          config.name,
        );
        const removal = await sandboxModule.removeSandbox(ctx.io);
        text.push(
          isEmpty(leftovers)
            ? 'the emulator held nothing of ours any more'
            : `the emulator still held: ${JSON.stringify(leftovers)}`,
        );
        text.push(
          `sandbox removed: node ${removal.lab ?? '(none)'}, emulator pid ${removal.emulatorPid ?? '(none)'}, ${removal.dir}`,
        );
        return {
          data: { decision: result.decision, removed, plan: result.plan, sandbox: { leftovers, removal } },
          text: text.join('\n'),
        };
      }),
    );
}
