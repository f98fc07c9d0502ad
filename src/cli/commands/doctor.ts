// `solokube doctor`: every hop checked and the first broken one named with its remedy — AWS, the
// node over SSH, the cluster's API, DNS through public resolution, each app's certificate and an
// end-to-end request (src/doctor/run.ts); exit 1 if any check fails.

import { SolokubeError, UsageError } from '../../core/errors.js';
import type { Hop } from '../../doctor/hops.js';
import type { CommandRegistry } from '../context.js';
import { configFor } from '../config-source.js';
import { runningSandbox } from '../sandbox-target.js';

const ALL_HOPS: readonly Hop[] = ['aws', 'node', 'cluster', 'dns', 'tls', 'e2e'];
/** Each probe's own bound; the whole run is bounded by doctor's deadline. */
const PROBE_TIMEOUT_MS = 5_000;

interface DoctorOptions {
  sandbox?: boolean;
  hops?: string;
  acceptNewHostKey?: boolean;
}

function parseHops(text: string | undefined): Hop[] {
  if (text === undefined) return [...ALL_HOPS];
  const wanted = text
    .split(',')
    .map((h) => h.trim())
    .filter(Boolean);
  const unknown = wanted.filter((h) => !(ALL_HOPS as readonly string[]).includes(h));
  if (unknown.length > 0 || wanted.length === 0)
    throw new UsageError(
      `--hops ${JSON.stringify(text)} names no hop or unknown ones (${unknown.join(', ')})`,
      `Use a comma-separated list of ${ALL_HOPS.join(', ')}.`,
    );
  return wanted as Hop[];
}

export function registerDoctor(r: CommandRegistry): void {
  r.program
    .command('doctor')
    .description(
      'check every hop (AWS, the node, the cluster, DNS, TLS, each app end to end) and name the first broken one; exit 1 if any check fails',
    )
    .option('--sandbox', 'check the running local sandbox instead of AWS')
    .option('--hops <list>', `only these hops, comma-separated (${ALL_HOPS.join(', ')}); default all`)
    .option('--accept-new-host-key', "pin the node's SSH host key on first contact without asking")
    .action(
      r.action<DoctorOptions>('doctor', async (ctx, opts) => {
        const hops = parseHops(opts.hops);
        const config = await configFor(ctx, Boolean(opts.sandbox));
        const sandbox = opts.sandbox ? await runningSandbox() : undefined;
        const [
          { runDoctor },
          { renderDoctorReport },
          { localVantage, netnsVantage, noNodeVantage },
          { withAwsClients },
        ] = await Promise.all([
          import('../../doctor/run.js'),
          import('../../doctor/render.js'),
          import('../../doctor/vantage.js'),
          import('../../aws/session.js'),
        ]);
        const [{ sshAccess }, { kubeTargetFor }] = await Promise.all([
          import('../../stack/node-access.js'),
          import('../../stack/k8s-access.js'),
        ]);
        // The sandbox's internet is its client namespace: its DNS server and the root of pebble, which
        // issued the apps' certificates (the lab's CA bundle while pebble does not run). A sandbox whose
        // cluster was never created has no node and no client namespace to probe from.
        const lab = sandbox?.lab;
        const vantage = sandbox
          ? lab
            ? netnsVantage(lab.record.netns.client, {
                ...(sandbox.record.dns ? { dnsServer: sandbox.record.dns.address } : {}),
                caFile: sandbox.appsCaCertPath ?? lab.record.tls.caCertPath,
                timeoutMs: PROBE_TIMEOUT_MS,
              })
            : noNodeVantage()
          : localVantage({ timeoutMs: PROBE_TIMEOUT_MS });
        const kubeconfig = config.kubeconfig ?? sandbox?.kubeconfigPath;
        const access = sandbox
          ? sandbox.nodeAccess(ctx.io)
          : sshAccess(config, ctx.io, { acceptNewHostKey: Boolean(opts.acceptNewHostKey) });
        let report;
        try {
          report = await withAwsClients(
            config,
            (clients) =>
              runDoctor({
                config,
                clients,
                access,
                kube: () =>
                  sandbox && !kubeconfig
                    ? undefined
                    : kubeTargetFor(kubeconfig ? { ...config, kubeconfig } : config, {
                        ingress: sandbox?.ingressOptions,
                      }),
                vantage,
                io: ctx.io,
                signal: ctx.signal,
                hops,
              }),
            sandbox ? sandbox.awsClientOverrides : {},
          );
        } finally {
          await access.close();
        }
        const result = { data: report, text: renderDoctorReport(report) };
        if (report.ok) return result;
        // The report is still what a person wants to read: in text mode it goes to stdout before the
        // error; with --output json it travels in the error's details.
        if (ctx.globals.output === 'text') ctx.output.result('doctor', result);
        const failed = report.checks.filter((c) => c.status === 'fail');
        throw new SolokubeError({
          code: 'doctor.failed',
          message:
            `${failed.length} check(s) failed, the first on the path at ` +
            `hop ${report.firstBroken?.hop} ` +
            `(${report.firstBroken?.id}): ${failed.map((c) => c.id).join(', ')}`,
          remedy: report.firstBroken?.remedy ?? 'Follow the remedy shown under each failed check.',
          actor: 'user',
          details: report as unknown as Record<string, unknown>,
        });
      }),
    );
}
