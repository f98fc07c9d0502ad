// Process entry point: runs the emulator in the foreground until SIGINT/SIGTERM.
//   node dist/src/sandbox/aws/main.js [--port N] [--state FILE] [--public-ip-pool CIDR]
//        [--account-id ID] [--region R] [--change-sync-polls N] [--registry-port N] [--registry-dir DIR]
//        [--consistency-lag-ms N]
//        [--seed-kops CLUSTER_NAME --dns-zone ZONE [--public-ip IP]] [--seed-zone ZONE]
// The first stdout line is JSON: {"endpoint":"http://127.0.0.1:PORT","port":PORT,"pid":PID}, so a
// parent (the `--sandbox` runner, or `solokube sandbox aws`) can read where it listens.
import { parseArgs } from 'node:util';
import { hostedZoneSeed, kopsClusterSeed, startAwsEmulator } from './index.js';

function integer(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v)) throw new Error(`--${name} must be a whole number, got ${v}`);
  return Number(v);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      state: { type: 'string' },
      'public-ip-pool': { type: 'string' },
      'account-id': { type: 'string' },
      region: { type: 'string' },
      'change-sync-polls': { type: 'string' },
      'registry-port': { type: 'string' },
      'registry-dir': { type: 'string' },
      'consistency-lag-ms': { type: 'string' },
      'seed-kops': { type: 'string' },
      'dns-zone': { type: 'string' },
      'public-ip': { type: 'string' },
      'seed-zone': { type: 'string' },
    },
    strict: true,
  });
  const port = integer('port', values.port);
  const polls = integer('change-sync-polls', values['change-sync-polls']);
  const registryPort = integer('registry-port', values['registry-port']);
  const lag = integer('consistency-lag-ms', values['consistency-lag-ms']);
  const emu = await startAwsEmulator({
    ...(port === undefined ? {} : { port }),
    ...(values.state === undefined ? {} : { stateFile: values.state }),
    ...(values['public-ip-pool'] === undefined ? {} : { publicIpPool: values['public-ip-pool'] }),
    ...(values['account-id'] === undefined ? {} : { accountId: values['account-id'] }),
    ...(values.region === undefined ? {} : { region: values.region }),
    ...(polls === undefined ? {} : { changeSyncPolls: polls }),
    ...(registryPort === undefined ? {} : { registryPort }),
    ...(values['registry-dir'] === undefined ? {} : { registryDir: values['registry-dir'] }),
    ...(lag === undefined ? {} : { consistencyLagMs: lag }),
  });
  // A fresh account owning only its public zone (the sandbox from nothing: kops makes the rest).
  if (values['seed-zone'] !== undefined) emu.seed(hostedZoneSeed(values['seed-zone']));
  if (values['seed-kops'] !== undefined) {
    if (values['dns-zone'] === undefined) throw new Error('--seed-kops needs --dns-zone');
    emu.seed(
      kopsClusterSeed({
        clusterName: values['seed-kops'],
        dnsZone: values['dns-zone'],
        ...(values.region === undefined ? {} : { region: values.region }),
        ...(values['public-ip'] === undefined ? {} : { publicIp: values['public-ip'] }),
      }),
    );
  }
  process.stdout.write(
    `${JSON.stringify({ endpoint: emu.endpoint, port: emu.port, registry: emu.registryHost, pid: process.pid })}\n`,
  );
  const stop = () => {
    void emu.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`aws emulator: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(2);
});
