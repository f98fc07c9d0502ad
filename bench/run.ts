// `npm run bench`: runs each benchmark module and prints its table. Benchmarks are not tests:
// they report figures measured side by side in one run and never gate CI.
// Usage: node dist/bench/run.js [module-name ...]   (default: all)
import type { IoHost } from '../src/core/io.js';
import { renderTable, type BenchTable } from './table.js';

export interface BenchModule {
  name: string;
  run(io: IoHost): Promise<BenchTable[]>;
}

const modules: Record<string, () => Promise<BenchModule>> = {
  'control-path': async () => {
    const { controlPathBench } = await import('./control-path.js');
    return {
      name: 'control-path',
      async run() {
        const rows = await controlPathBench();
        return [
          {
            title: 'control path: AWS calls and wall time',
            columns: ['benchmark', 'AWS calls', 'wall time', 'target', 'exit'],
            rows: rows.map((r) => [
              r.name,
              String(r.calls),
              `${r.wallMs} ms`,
              `≤ ${r.callTarget} calls, ≤ ${r.wallTargetMs} ms`,
              String(r.exitCode),
            ]),
            notes: rows.map((r) => `${r.name}: ${r.operations.join(' → ')}`),
          },
        ];
      },
    };
  },
  datapath: async () => (await import('./datapath.js')).datapathBench,
  'k8s-apply': async () => {
    const { k8sApplyBench } = await import('./k8s-apply.js');
    return { name: 'k8s-apply', run: k8sApplyBench };
  },
  traefik: async () => (await import('./traefik.js')).traefikBench,
  apps: async () => {
    const { appsBench } = await import('./apps.js');
    return { name: 'apps', run: appsBench };
  },
  up: async () => {
    const { upBench } = await import('./up.js');
    return { name: 'up', run: upBench };
  },
  'cli-start': async () => {
    const { cliStartBench, cliStartTable } = await import('./cli-start.js');
    return { name: 'cli-start', run: async () => [cliStartTable(await cliStartBench())] };
  },
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
