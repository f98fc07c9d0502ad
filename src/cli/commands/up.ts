// `solokube up`: the whole setup, converging — discover the control-plane instance, the secondary
// IP and its Elastic IP, the security group, the node (address, redirect, proxy, boot unit) and
// DNS — then a summary with ready-to-paste checks. `--sandbox` runs the same path against the
// local sandbox.

import { dirname, resolve } from 'node:path';
import { validateEipFlags } from '../../aws/flags.js';
import type { EipFlags } from '../../aws/flags.js';
import type { ControlPlane } from '../../aws/resources/control-plane.js';
import type { ElasticIpState } from '../../aws/resources/elastic-ip.js';
import type { SecondaryPrivateIpState } from '../../aws/resources/secondary-private-ip.js';
import { AWS_IDS } from '../../aws/resources/context.js';
import type { CommandRegistry, MutationFlags } from '../context.js';
import { withEipOptions, withMutationOptions } from '../context.js';
import { dryRunResult, runPhases } from '../mutation.js';
import { configFor } from '../config-source.js';
import { withClusterTarget } from '../cluster-target.js';

interface UpOptions extends MutationFlags, EipFlags {
  sandbox?: boolean;
  secondaryIp?: boolean;
  acceptNewHostKey?: boolean;
  forceConflicts?: boolean;
}

export function registerUp(r: CommandRegistry): void {
  withEipOptions(withMutationOptions(r.program.command('up')))
    .description(
      'set up everything for the cluster: secondary IP + Elastic IP, security group, node proxy and rules, DNS; converging and safe to rerun',
    )
    .option(
      '--sandbox',
      'run against the local sandbox (AWS emulator + a systemd-booted node container) instead of AWS',
    )
    .option(
      '--no-secondary-ip',
      'set up nothing of the secondary path; apps answer on the ingress NodePorts 30443/30080',
    )
    .option('--with-secondary-ip', 'the secondary IP path (the default)')
    .option(
      '--secondary-private-ip <ipv4>',
      'give solokube this secondary private IP already on the control-plane interface (recorded as ours from then on)',
    )
    .option(
      '--take-over-dns',
      "write app names that exist without solokube's ownership record (or with another cluster's), making them ours",
    )
    .option(
      '--accept-new-host-key',
      "pin the node's SSH host key on first contact without asking (a changed key is always refused)",
    )
    .option(
      '--force-conflicts',
      'take back Kubernetes fields solokube manages that another client (kubectl edit, ...) changed, instead of stopping',
    )
    .action(
      r.action<UpOptions>('up', async (ctx, opts) => {
        const named = validateEipFlags(opts);
        const config = await configFor(
          ctx,
          Boolean(opts.sandbox),
          opts.secondaryIp === false ? { secondaryIp: false } : {},
        );
        const [{ upPhases }, sandboxModule, { upSummary, renderUpSummary }, { withClusterLock }] = await Promise.all([
          import('../../stack/stack.js'),
          opts.sandbox ? import('../../sandbox/env/sandbox.js') : Promise.resolve(undefined),
          import('../../stack/summary.js'),
          import('../../stack/run-lock.js'),
        ]);
        const sandbox = sandboxModule ? await sandboxModule.ensureSandbox(config, ctx.io) : undefined;
        return withClusterTarget(
          ctx,
          config,
          { sandbox, acceptNewHostKey: opts.acceptNewHostKey, forceConflicts: opts.forceConflicts },
          async (clients, access, kube) => {
            const dryRun = opts.dryRun ?? false;
            // With secondaryIp off the run removes the secondary path, then converges the cluster part (stack.ts says why).
            const result = await withClusterLock(
              { config, clients, command: 'up', io: ctx.io, signal: ctx.signal, dryRun },
              () =>
                runPhases(
                  ctx,
                  upPhases(config, clients, access, named, kube, {
                    projectDir: dirname(resolve(ctx.globals.config)),
                  }),
                  opts,
                ),
            );
            if (result.decision === 'dry-run') return dryRunResult(result.plan);
            if (sandbox && result.decision === 'apply') await sandbox.syncGateway(ctx.signal);
            const summary = upSummary({
              config,
              controlPlane: result.states.get(AWS_IDS.controlPlane) as ControlPlane | undefined,
              secondary: result.states.get(AWS_IDS.secondaryPrivateIp) as SecondaryPrivateIpState | undefined,
              elasticIp: result.states.get(AWS_IDS.elasticIp) as ElasticIpState | undefined,
              ...(sandbox
                ? { checkPrefix: `ip netns exec ${sandbox.lab.client.netns}`, caCertPath: sandbox.lab.caCertPath }
                : {}),
            });
            const changed = result.report?.steps.filter((s) => s.action !== 'unchanged').length ?? 0;
            return {
              data: {
                decision: result.decision,
                changed,
                plan: result.plan,
                summary,
                ...(sandbox
                  ? {
                      sandbox: {
                        lab: sandbox.lab.name,
                        clientNetns: sandbox.lab.client.netns,
                        gatewayNetns: sandbox.lab.gateway.netns,
                        awsEndpoint: sandbox.record.emulator.endpoint,
                        caCertPath: sandbox.lab.caCertPath,
                      },
                    }
                  : {}),
              },
              text: `${result.decision === 'nothing-to-do' ? 'no changes needed\n' : ''}${renderUpSummary(summary)}`,
            };
          },
        );
      }),
    );
}
