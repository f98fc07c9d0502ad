// `solokube doctor`: each AWS hop checked (pass/warn/fail with a remedy), and the Kubernetes API,
// node readiness and taint when a kubeconfig is known; exit 1 if any fails.

import { SolokubeError } from '../../core/errors.js';
import type { SolokubeConfig } from '../../config/schema.js';
import type { Check } from '../../aws/doctor.js';
import type { CommandRegistry } from '../context.js';
import { configFor } from '../config-source.js';
import { runningSandbox } from '../sandbox-target.js';

export function registerDoctor(r: CommandRegistry): void {
  r.program
    .command('doctor')
    .description(
      'check credentials, quota, ownership of addresses, association, security group and DNS; exit 1 if any check fails',
    )
    .option('--sandbox', 'check the running local sandbox instead of AWS')
    .action(
      r.action<{ sandbox?: boolean }>('doctor', async (ctx, opts) => {
        const config = await configFor(ctx, Boolean(opts.sandbox));
        const overrides = opts.sandbox ? (await runningSandbox()).awsClientOverrides : {};
        const { renderChecks, runAwsDoctor } = await import('../../aws/doctor.js');
        const { withAwsClients } = await import('../../aws/session.js');
        const checks = await withAwsClients(
          config,
          (clients) => runAwsDoctor(config, clients, ctx.io, ctx.signal),
          overrides,
        );
        checks.push(...(await kubeChecks(config, Boolean(opts.sandbox), ctx.signal)));
        const failedChecks = checks.filter((c) => c.status === 'fail');
        const result = {
          data: { cluster: config.name, ok: failedChecks.length === 0, checks },
          text: renderChecks(checks),
        };
        if (failedChecks.length === 0) return result;
        // The report is still what a person wants to read: in text mode it goes to stdout before the
        // error; with --output json it travels in the error's details.
        if (ctx.globals.output === 'text') ctx.output.result('doctor', result);
        throw new SolokubeError({
          code: 'doctor.failed',
          message: `${failedChecks.length} check(s) failed: ${failedChecks.map((c) => c.id).join(', ')}`,
          remedy: 'Follow the remedy shown under each failed check.',
          actor: 'user',
          details: result.data,
        });
      }),
    );
}

/** The Kubernetes checks, when a kubeconfig is configured (or exported by kops outside the sandbox). */
async function kubeChecks(config: SolokubeConfig, sandbox: boolean, signal: AbortSignal): Promise<Check[]> {
  if (sandbox && !config.kubeconfig) return [];
  const [{ kubeTargetFor }, { runKubeDoctor }] = await Promise.all([
    import('../../stack/k8s-access.js'),
    import('../../k8s/doctor.js'),
  ]);
  let target;
  try {
    target = kubeTargetFor(config);
  } catch (err) {
    const e = err instanceof SolokubeError ? err : undefined;
    return [
      {
        id: 'k8s/kubeconfig',
        status: 'fail',
        summary: e?.message ?? String(err),
        ...(e?.remedy ? { remedy: e.remedy } : {}),
      },
    ];
  }
  if (!target) return [];
  try {
    return await runKubeDoctor(target, signal);
  } finally {
    target.client.close();
  }
}
