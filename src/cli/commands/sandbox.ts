// `solokube sandbox aws`: the AWS emulator in the foreground, for pointing the AWS CLI or SDK at it
// by hand. Stops on Ctrl-C (or SIGTERM); its state survives in --state.

import { InvalidArgumentError } from 'commander';
import { UsageError } from '../../core/errors.js';
import { info } from '../../core/io.js';
import type { CommandRegistry } from '../context.js';

interface SandboxAwsOptions {
  port: number;
  registryPort: number;
  state?: string;
  region: string;
  seedKops?: string;
  dnsZone?: string;
}

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('must be a port number (0 picks a free one)');
  return n;
}

export function registerSandbox(r: CommandRegistry): void {
  const group = r.program.command('sandbox').description('the local sandbox\'s parts, one at a time');
  group
    .command('aws')
    .description('run the AWS emulator (EC2, Route 53, Service Quotas, STS, ECR and its registry) on 127.0.0.1 in the foreground')
    .option('--port <n>', 'port on 127.0.0.1 (0 picks a free one)', port, 0)
    .option('--registry-port <n>', 'port of the ECR registry on 127.0.0.1 (0 picks a free one)', port, 0)
    .option('--state <file>', 'keep the emulator\'s state in this file (loaded at start, saved after each change)')
    .option('--region <region>', 'the region the emulator answers as', 'us-east-1')
    .option('--seed-kops <cluster>', 'seed a kops-made single-node cluster with this name (needs --dns-zone)')
    .option('--dns-zone <zone>', 'the hosted zone for --seed-kops')
    .action(r.action<SandboxAwsOptions>('sandbox aws', async (ctx, opts) => {
      const { kopsClusterSeed, startAwsEmulator } = await import('../../sandbox/aws/index.js');
      if (opts.seedKops && !opts.dnsZone) throw new UsageError('--seed-kops needs --dns-zone');
      const emu = await startAwsEmulator({ port: opts.port, registryPort: opts.registryPort, region: opts.region, ...(opts.state ? { stateFile: opts.state } : {}) });
      if (opts.seedKops && opts.dnsZone) emu.seed(kopsClusterSeed({ clusterName: opts.seedKops, dnsZone: opts.dnsZone, region: opts.region }));
      info(ctx.io, `AWS emulator listening on ${emu.endpoint}; point clients at it with: export AWS_ENDPOINT_URL=${emu.endpoint} AWS_REGION=${opts.region} AWS_ACCESS_KEY_ID=x AWS_SECRET_ACCESS_KEY=x`);
      info(ctx.io, `ECR registry on ${emu.registryHost} (plain HTTP: podman/skopeo need --tls-verify=false; log in as AWS with the password from GetAuthorizationToken)`);
      info(ctx.io, `admin API: ${emu.endpoint}/_sandbox/state, /_sandbox/faults, /_sandbox/calls (see src/sandbox/aws/README.md); Ctrl-C stops it`);
      if (ctx.globals.output === 'text') process.stdout.write(`${emu.endpoint}\n`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await emu.close();
      return { data: { endpoint: emu.endpoint, registry: emu.registryHost, state: opts.state ?? null }, text: '' };
    }));
}
