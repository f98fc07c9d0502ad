// `solokube sandbox aws`: the AWS emulator in the foreground, for pointing the AWS CLI or SDK at it
// by hand. Stops on Ctrl-C (or SIGTERM); its state survives in --state.

import { InvalidArgumentError } from 'commander';
import { isPort } from '../../config/validators.js';
import { SolokubeError, UsageError } from '../../core/errors.js';
import { info } from '../../core/io.js';
import type { CommandRegistry } from '../context.js';
import { registerSandboxReplace } from './sandbox-replace.js';

interface SandboxAwsOptions {
  port: number;
  registryPort: number;
  state?: string;
  region?: string;
  seedKops?: string;
  dnsZone?: string;
  dnsPort?: number;
}

const DEFAULT_REGION = 'us-east-1';

function port(value: string): number {
  const n = Number(value);
  if (!isPort(n, { allowZero: true })) throw new InvalidArgumentError('must be a port number (0 picks a free one)');
  return n;
}

export function registerSandbox(r: CommandRegistry): void {
  const group = r.program.command('sandbox').description("the local sandbox's parts, one at a time");
  registerSandboxReplace(group, r);
  group
    .command('aws')
    .description(
      'run the AWS emulator (EC2, Route 53, Service Quotas, STS, ECR and its registry) on 127.0.0.1 in the foreground',
    )
    .option('--port <n>', 'port on 127.0.0.1 (0 picks a free one)', port, 0)
    .option('--registry-port <n>', 'port of the ECR registry on 127.0.0.1 (0 picks a free one)', port, 0)
    .option('--state <file>', "keep the emulator's state in this file (loaded at start, saved after each change)")
    .option('--region <region>', `the region the emulator answers as (default ${DEFAULT_REGION})`)
    .option('--seed-kops <cluster>', 'seed a kops-made single-node cluster with this name (needs --dns-zone)')
    .option('--dns-zone <zone>', 'the hosted zone for --seed-kops')
    .option(
      '--dns-port <n>',
      'also answer DNS (UDP and TCP) from the hosted zones on 127.0.0.1:<n> (0 picks a free one)',
      port,
    )
    .action(
      r.action<SandboxAwsOptions>(
        'sandbox aws',
        async (ctx, opts) => {
          const { kopsClusterSeed, startAwsEmulator } = await import('../../sandbox/aws/index.js');
          if (opts.seedKops && !opts.dnsZone) throw new UsageError('--seed-kops needs --dns-zone');
          // `--region` after `sandbox aws` is taken by the global flag of the same name; either is this one.
          const region = opts.region ?? ctx.globals.region ?? DEFAULT_REGION;
          const emu = await startAwsEmulator({
            port: opts.port,
            registryPort: opts.registryPort,
            region,
            ...(opts.state ? { stateFile: opts.state } : {}),
            ...(opts.dnsPort === undefined ? {} : { dns: { address: '127.0.0.1', port: opts.dnsPort } }),
          }).catch((err: unknown) => {
            throw portBusy(err, opts.port) ?? err;
          });
          if (opts.seedKops && opts.dnsZone)
            emu.seed(kopsClusterSeed({ clusterName: opts.seedKops, dnsZone: opts.dnsZone, region }));
          info(
            ctx.io,
            `AWS emulator listening on ${emu.endpoint}; point clients at it with: export ` +
              `AWS_ENDPOINT_URL=${emu.endpoint} AWS_REGION=${region} AWS_ACCESS_KEY_ID=x ` +
              `AWS_SECRET_ACCESS_KEY=x`,
          );
          info(
            ctx.io,
            `ECR registry on ${emu.registryHost} (plain HTTP: podman/skopeo need --tls-verify=false; ` +
              `log in as AWS with the password from GetAuthorizationToken)`,
          );
          if (emu.dns)
            info(
              ctx.io,
              `DNS from the hosted zones on 127.0.0.1:${emu.dns.port} (dig @127.0.0.1 -p ${emu.dns.port} <name>)`,
            );
          info(
            ctx.io,
            `admin API: ${emu.endpoint}/_sandbox/state, /_sandbox/faults, /_sandbox/calls (see src/sandbox/aws/README.md); Ctrl-C stops it`,
          );
          if (ctx.globals.output === 'text') process.stdout.write(`${emu.endpoint}\n`);
          await new Promise<void>((resolve) => {
            process.once('SIGINT', resolve);
            process.once('SIGTERM', resolve);
          });
          await emu.close();
          return {
            data: {
              endpoint: emu.endpoint,
              region,
              registry: emu.registryHost,
              state: opts.state ?? null,
              ...(emu.dns ? { dnsPort: emu.dns.port } : {}),
            },
            text: '',
          };
        },
        { deadline: false },
      ),
    );
}

function portBusy(err: unknown, port: number): SolokubeError | undefined {
  const code = (err as NodeJS.ErrnoException).code;
  if (code !== 'EADDRINUSE' && code !== 'EACCES') return undefined;
  return new SolokubeError({
    code: 'sandbox.port-busy',
    message:
      code === 'EADDRINUSE'
        ? `port ${port} on 127.0.0.1 is already in use`
        : `port ${port} on 127.0.0.1 may not be used by this user`,
    remedy: 'Pick another port with --port, or --port 0 for a free one.',
    actor: 'user',
    exitCode: 2,
    cause: err,
  });
}
