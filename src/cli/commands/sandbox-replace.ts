// `solokube sandbox replace-instance` (hidden): the sandbox's Auto Scaling group replaces the
// control-plane instance, as AWS does after a failed health check, a spot interruption or a
// rolling update. It is NOT an operator command and solokube runs none of its own code against the
// cluster here: it plays the cloud (kops' stand-in terminates the instance and launches a fresh one
// from the group's template; the lab node boots as it and cloud-init applies its user data). What
// happens next is the instance's own business — its reclaim unit is what takes the Elastic IP back.
// A CLI entry (rather than only a test helper) so tests and people drive it the same way, against
// a sandbox `up --sandbox` left running in another process.

import { SolokubeError } from '../../core/errors.js';
import { info } from '../../core/io.js';
import type { CommandRegistry } from '../context.js';
import { configFor } from '../config-source.js';

export function registerSandboxReplace(
  group: ReturnType<CommandRegistry['program']['command']>,
  r: CommandRegistry,
): void {
  group
    .command('replace-instance', { hidden: true })
    .description(
      "the sandbox's Auto Scaling group replaces the control-plane instance (the cloud acting, not solokube)",
    )
    .action(
      r.action<Record<string, never>>('sandbox replace-instance', async (ctx) => {
        const config = await configFor(ctx, true);
        const [{ runningSandbox }, { withAwsClients }] = await Promise.all([
          import('../sandbox-target.js'),
          import('../../aws/session.js'),
        ]);
        const sandbox = await runningSandbox();
        const started = Date.now();
        const result = await withAwsClients(
          config,
          async (clients) => {
            const kops = await sandbox.kops(config, clients, ctx.io, ctx.signal);
            try {
              if (!('replaceControlPlaneInstance' in kops))
                throw new SolokubeError({ code: 'sandbox.no-standin', message: "the sandbox's kops has no stand-in" });
              const replace = kops.replaceControlPlaneInstance as (
                c: string,
              ) => Promise<{ terminated: string; launched: { instanceId: string; privateIp: string } }>;
              info(ctx.io, `the Auto Scaling group of ${config.name} replaces its control-plane instance`);
              return await replace.call(kops, config.name);
            } finally {
              (kops as { close?: () => void }).close?.();
            }
          },
          sandbox.awsClientOverrides,
        );
        const bootedMs = Date.now() - started;
        return {
          data: {
            terminated: result.terminated,
            launched: result.launched.instanceId,
            privateIp: result.launched.privateIp,
            bootedAt: new Date().toISOString(),
            bootedMs,
          },
          text: `replaced ${result.terminated} with ${result.launched.instanceId} (${result.launched.privateIp}); its node booted in ${Math.round(bootedMs / 1000)} s`,
        };
      }),
    );
}
