// `solokube up`: the whole setup, converging — discover the control-plane instance, the secondary
// IP and its Elastic IP, the security group, the node (address, redirect, proxy, boot unit) and
// DNS — then a summary with ready-to-paste checks. `--sandbox` runs the same path against the
// local sandbox.

import { validateEipFlags } from '../../aws/flags.js';
import type { EipFlags } from '../../aws/flags.js';
import type { ControlPlane } from '../../aws/resources/control-plane.js';
import type { ElasticIpState } from '../../aws/resources/elastic-ip.js';
import type { SecondaryPrivateIpState } from '../../aws/resources/secondary-private-ip.js';
import { AWS_IDS } from '../../aws/resources/context.js';
import { renderPlan } from '../../core/plan-render.js';
import { planAndApply } from '../../core/run.js';
import type { CommandRegistry, MutationFlags } from '../context.js';
import { withEipOptions, withMutationOptions } from '../context.js';
import { configFor } from '../config-source.js';
import { withClusterTarget } from '../cluster-target.js';

interface UpOptions extends MutationFlags, EipFlags {
  sandbox?: boolean;
  secondaryIp?: boolean;
  acceptNewHostKey?: boolean;
}

export function registerUp(r: CommandRegistry): void {
  withEipOptions(withMutationOptions(r.program.command('up')))
    .description('set up everything for the cluster: secondary IP + Elastic IP, security group, node proxy and rules, DNS; converging and safe to rerun')
    .option('--sandbox', 'run against the local sandbox (AWS emulator + a systemd-booted node container) instead of AWS')
    .option('--no-secondary-ip', 'set up nothing of the secondary path; apps answer on the ingress NodePorts 30443/30080')
    .option('--with-secondary-ip', 'the secondary IP path (the default)')
    .option('--secondary-private-ip <ipv4>', 'give solokube this secondary private IP already on the control-plane interface (recorded as ours from then on)')
    .option('--take-over-dns', 'write app names that exist without solokube\'s ownership record (or with another cluster\'s), making them ours')
    .option('--accept-new-host-key', 'pin the node\'s SSH host key on first contact without asking (a changed key is always refused)')
    .action(r.action<UpOptions>('up', async (ctx, opts) => {
      const named = validateEipFlags(opts);
      const config = await configFor(ctx, Boolean(opts.sandbox), opts.secondaryIp === false ? { secondaryIp: false } : {});
      const [{ upRun }, sandboxModule, { upSummary, renderUpSummary }, { withClusterLock }] = await Promise.all([
        import('../../stack/stack.js'), opts.sandbox ? import('../../sandbox/env/sandbox.js') : Promise.resolve(undefined), import('../../stack/summary.js'), import('../../stack/run-lock.js'),
      ]);
      const sandbox = sandboxModule ? await sandboxModule.ensureSandbox(config, ctx.io) : undefined;
      return withClusterTarget(ctx, config, { sandbox, acceptNewHostKey: opts.acceptNewHostKey }, async (clients, access) => {
        const dryRun = opts.dryRun ?? false;
        // With secondaryIp off the run is the removal of the secondary path (stack.ts says why).
        const { mode, resources } = upRun(config, clients, access, named);
        const result = await withClusterLock({ config, clients, command: 'up', io: ctx.io, signal: ctx.signal, dryRun }, () => planAndApply(resources, {
          io: ctx.io, signal: ctx.signal, mode, yes: opts.yes ?? false, dryRun,
          // A dry run's plan is its result (stdout); otherwise the plan is shown before acting.
          showPlan: dryRun ? undefined : ctx.showPlan,
        }));
        if (result.decision === 'dry-run') return { data: { decision: result.decision, plan: result.plan }, text: renderPlan(result.plan) };
        if (sandbox && result.decision === 'apply') await sandbox.syncGateway(ctx.signal);
        const summary = upSummary({
          config,
          controlPlane: result.states.get(AWS_IDS.controlPlane) as ControlPlane | undefined,
          secondary: result.states.get(AWS_IDS.secondaryPrivateIp) as SecondaryPrivateIpState | undefined,
          elasticIp: result.states.get(AWS_IDS.elasticIp) as ElasticIpState | undefined,
          ...(sandbox ? { checkPrefix: `ip netns exec ${sandbox.lab.client.netns}`, caCertPath: sandbox.lab.caCertPath } : {}),
        });
        const changed = result.report?.steps.filter((s) => s.action !== 'unchanged').length ?? 0;
        return {
          data: { decision: result.decision, changed, plan: result.plan, summary, ...(sandbox ? { sandbox: { lab: sandbox.lab.name, clientNetns: sandbox.lab.client.netns, gatewayNetns: sandbox.lab.gateway.netns, awsEndpoint: sandbox.record.emulator.endpoint, caCertPath: sandbox.lab.caCertPath } } : {}) },
          text: `${result.decision === 'nothing-to-do' ? 'no changes needed\n' : ''}${renderUpSummary(summary)}`,
        };
      });
    }));
}
