// `solokube up`: the whole setup, converging — first the cluster itself (the kops state store and
// the kops cluster, created when absent), then the control-plane instance kops launched, the
// secondary IP and its Elastic IP, the security group, the node (address, redirect, proxy, boot
// unit) and DNS — then a summary with ready-to-paste checks. While the cluster stage has changes,
// the plan names the network part as "then" (it cannot be read before the instance exists) and
// plans it right after the cluster is applied. `--sandbox` runs the same path against the local
// sandbox, from an account that owns only the hosted zone.

import { validateEipFlags } from '../../aws/flags.js';
import type { EipFlags } from '../../aws/flags.js';
import type { ControlPlane } from '../../aws/resources/control-plane.js';
import type { ElasticIpState } from '../../aws/resources/elastic-ip.js';
import type { SecondaryPrivateIpState } from '../../aws/resources/secondary-private-ip.js';
import { AWS_IDS } from '../../aws/resources/context.js';
import type { CommandRegistry, MutationFlags } from '../context.js';
import { withEipOptions, withMutationOptions } from '../context.js';
import { renderPlan } from '../../core/plan-render.js';
import { appsProjectFor, configFor } from '../config-source.js';
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
      'set up everything for the cluster: the kops cluster (created when absent), then ' +
        'secondary IP + Elastic IP, security group, node proxy and rules, DNS; converging and safe to rerun',
    )
    .option(
      '--sandbox',
      'run against the local sandbox (AWS emulator + a systemd-booted node container) instead of AWS',
    )
    .option(
      '--no-secondary-ip',
      "set up nothing of the secondary path; apps answer on the node's primary address: http on :80, https on :30443",
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
        const [
          { upStages },
          { runStages, renderThen },
          sandboxModule,
          { upSummary, renderUpSummary },
          { withClusterLock },
        ] = await Promise.all([
          import('../../stack/stack.js'),
          import('../../stack/stages.js'),
          opts.sandbox ? import('../../sandbox/env/sandbox.js') : Promise.resolve(undefined),
          import('../../stack/summary.js'),
          import('../../stack/run-lock.js'),
        ]);
        const started = sandboxModule ? await sandboxModule.ensureSandbox(config, ctx.io) : undefined;
        return withClusterTarget(
          ctx,
          config,
          { sandbox: started, acceptNewHostKey: opts.acceptNewHostKey, forceConflicts: opts.forceConflicts },
          async (clients, access, kube) => {
            const dryRun = opts.dryRun ?? false;
            const [{ clusterStackFor }, { kubeTargetFor }, { existsSync }] = await Promise.all([
              import('../../kops/target.js'),
              import('../../stack/k8s-access.js'),
              import('node:fs'),
            ]);
            const stack = await clusterStackFor(config, clients, ctx.io, ctx.signal, started);
            const { refuseWhenPaused } = await import('../../pause/guard.js');
            await refuseWhenPaused(stack.kops, config.name, ctx.io, ctx.signal);
            const { kubeconfigPath } = stack;
            // The cluster stage writes the admin kubeconfig; the network stage's Kubernetes part uses it.
            let late: ReturnType<typeof kubeTargetFor>;
            const kubeNow = () =>
              kube ??
              (late ??= existsSync(kubeconfigPath)
                ? kubeTargetFor(
                    { ...config, kubeconfig: kubeconfigPath },
                    { forceConflicts: Boolean(opts.forceConflicts), ingress: started?.ingressOptions },
                  )
                : undefined);
            try {
              const result = await withClusterLock(
                { config, clients, command: 'up', io: ctx.io, signal: ctx.signal, dryRun },
                () =>
                  runStages(
                    upStages(config, clients, access, () => stack.managed(), named, kubeNow, {
                      ...appsProjectFor(ctx, Boolean(opts.sandbox)),
                      // The sandbox's gateway maps the Elastic IP only when asked: before an app
                      // (and its certificate order) comes up, as AWS's would have by then.
                      ...(started ? { beforeDeploy: (signal: AbortSignal) => started.syncGateway(signal) } : {}),
                    }),
                    {
                      io: ctx.io,
                      signal: ctx.signal,
                      yes: opts.yes ?? false,
                      dryRun,
                      ...(dryRun ? {} : { showPlan: ctx.showPlan }),
                    },
                  ),
              );
              if (result.decision === 'dry-run')
                return {
                  data: { decision: 'dry-run', plan: result.plan, then: result.then },
                  text: `${renderPlan(result.plan)}${renderThen(result.then)}dry run: nothing was changed`,
                };
              const sandbox = started ? await started.reopen() : undefined;
              if (sandbox && result.decision === 'apply') await sandbox.syncGateway(ctx.signal);
              const lab = sandbox?.lab;
              const summary = upSummary({
                config,
                controlPlane: result.states.get(AWS_IDS.controlPlane) as ControlPlane | undefined,
                secondary: result.states.get(AWS_IDS.secondaryPrivateIp) as SecondaryPrivateIpState | undefined,
                elasticIp: result.states.get(AWS_IDS.elasticIp) as ElasticIpState | undefined,
                // In the sandbox, the apps' certificates come from pebble: the checks trust its root.
                ...(lab
                  ? {
                      checkPrefix: `ip netns exec ${lab.client.netns}`,
                      caCertPath: sandbox?.appsCaCertPath ?? lab.caCertPath,
                    }
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
                          awsEndpoint: sandbox.record.emulator.endpoint,
                          ...(lab
                            ? {
                                lab: lab.name,
                                clientNetns: lab.client.netns,
                                gatewayNetns: lab.gateway.netns,
                                caCertPath: sandbox.appsCaCertPath ?? lab.caCertPath,
                              }
                            : {}),
                        },
                      }
                    : {}),
                },
                text: `${result.decision === 'nothing-to-do' ? 'no changes needed\n' : ''}${renderUpSummary(summary)}`,
              };
            } finally {
              late?.client.close();
              stack.close();
            }
          },
        );
      }),
    );
}
