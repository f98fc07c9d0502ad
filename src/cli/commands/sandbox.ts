// `solokube sandbox aws`: the AWS emulator in the foreground, for pointing the AWS CLI or SDK at it
// by hand. Stops on Ctrl-C (or SIGTERM); its state survives in --state.

import { InvalidArgumentError } from 'commander';
import { UsageError } from '../../core/errors.js';
import { info } from '../../core/io.js';
import type { CommandRegistry } from '../context.js';

interface SandboxAwsOptions {
  port: number;
  state?: string;
  region: string;
  seedKops?: string;
  dnsZone?: string;
  dnsPort?: number;
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
    .description('run the AWS emulator (EC2, Route 53, Service Quotas, STS) on 127.0.0.1 in the foreground')
    .option('--port <n>', 'port on 127.0.0.1 (0 picks a free one)', port, 0)
    .option('--state <file>', 'keep the emulator\'s state in this file (loaded at start, saved after each change)')
    .option('--region <region>', 'the region the emulator answers as', 'us-east-1')
    .option('--seed-kops <cluster>', 'seed a kops-made single-node cluster with this name (needs --dns-zone)')
    .option('--dns-zone <zone>', 'the hosted zone for --seed-kops')
    .option('--dns-port <n>', 'also answer DNS (UDP and TCP) from the hosted zones on 127.0.0.1:<n> (0 picks a free one)', port)
    .action(r.action<SandboxAwsOptions>('sandbox aws', async (ctx, opts) => {
      const { kopsClusterSeed, startAwsEmulator } = await import('../../sandbox/aws/index.js');
      if (opts.seedKops && !opts.dnsZone) throw new UsageError('--seed-kops needs --dns-zone');
      const emu = await startAwsEmulator({
        port: opts.port, region: opts.region, ...(opts.state ? { stateFile: opts.state } : {}),
        ...(opts.dnsPort === undefined ? {} : { dns: { address: '127.0.0.1', port: opts.dnsPort } }),
      });
      if (emu.dns) info(ctx.io, `DNS from the hosted zones on 127.0.0.1:${emu.dns.port} (dig @127.0.0.1 -p ${emu.dns.port} <name>)`);
      if (opts.seedKops && opts.dnsZone) emu.seed(kopsClusterSeed({ clusterName: opts.seedKops, dnsZone: opts.dnsZone, region: opts.region }));
      info(ctx.io, `AWS emulator listening on ${emu.endpoint}; point clients at it with: export AWS_ENDPOINT_URL=${emu.endpoint} AWS_REGION=${opts.region} AWS_ACCESS_KEY_ID=x AWS_SECRET_ACCESS_KEY=x`);
      info(ctx.io, `admin API: ${emu.endpoint}/_sandbox/state, /_sandbox/faults, /_sandbox/calls (see src/sandbox/aws/README.md); Ctrl-C stops it`);
      if (ctx.globals.output === 'text') process.stdout.write(`${emu.endpoint}\n`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await emu.close();
      return { data: { endpoint: emu.endpoint, state: opts.state ?? null, ...(emu.dns ? { dnsPort: emu.dns.port } : {}) }, text: '' };
    }));
}
