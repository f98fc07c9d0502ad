// `npm run bench`: runs each benchmark module and prints its table. Benchmarks are not tests:
// they report figures measured side by side in one run and never fail on a number.
// Usage: node dist/bench/run.js [module-name ...]
import type { IoHost } from '../src/core/io.js';
import { renderTable, type BenchTable } from './table.js';

export interface BenchModule {
  name: string;
  run(io: IoHost): Promise<BenchTable[]>;
}

const modules: Record<string, () => Promise<BenchModule>> = {
  datapath: async () => (await import('./datapath.js')).datapathBench,
};

const io: IoHost = {
  emit: (e) => process.stderr.write(`${e.time.toISOString()} ${e.level} ${e.message}\n`),
  confirm: async () => false,
  ask: async () => undefined,
  interactive: false,
};

const wanted = process.argv.slice(2);
for (const name of wanted.length ? wanted : Object.keys(modules)) {
  const load = modules[name];
  if (!load) {
    process.stderr.write(`unknown benchmark ${name}; known: ${Object.keys(modules).join(', ')}\n`);
    process.exitCode = 2;
    continue;
  }
  const bench = await load();
  for (const table of await bench.run(io)) process.stdout.write(`${renderTable(table)}\n`);
}
