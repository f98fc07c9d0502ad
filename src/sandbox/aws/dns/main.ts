// Process entry point for the sandbox's DNS server (see state-zones.ts for why it is its own process):
//   node dist/src/sandbox/aws/dns/main.js --state FILE --address IP [--port N]
// The first stdout line is JSON: {"address":IP,"port":N,"pid":PID}. Runs until SIGINT/SIGTERM.
import { parseArgs } from 'node:util';
import { startDnsServer } from './server.js';
import { zonesFromStateFile } from './state-zones.js';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { state: { type: 'string' }, address: { type: 'string' }, port: { type: 'string' } },
    strict: true,
  });
  if (!values.state || !values.address) throw new Error('usage: main.js --state FILE --address IP [--port N]');
  if (values.port !== undefined && !/^\d+$/.test(values.port))
    throw new Error(`--port must be a whole number, got ${values.port}`);
  const server = await startDnsServer({
    address: values.address,
    port: values.port === undefined ? 53 : Number(values.port),
    zones: zonesFromStateFile(values.state),
    onQuery: (q) =>
      process.stderr.write(`${new Date().toISOString()} ${q.transport} ${q.name} type ${q.type} rcode ${q.rcode}\n`),
  });
  process.stdout.write(`${JSON.stringify({ address: server.address, port: server.port, pid: process.pid })}\n`);
  const stop = (): void => {
    void server.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`sandbox dns: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(2);
});
