// `npm run bench`: every benchmark, printed as a table. Benchmarks report; they never gate CI.

import { controlPathBench } from './control-path.js';

const rows = await controlPathBench();
const header = ['benchmark', 'AWS calls', 'wall time', 'target', 'exit'];
const table = rows.map((r) => [r.name, String(r.calls), `${r.wallMs} ms`, `≤ ${r.callTarget} calls, ≤ ${r.wallTargetMs} ms`, String(r.exitCode)]);
const widths = header.map((h, i) => Math.max(h.length, ...table.map((t) => t[i]!.length)));
for (const line of [header, widths.map((w) => '-'.repeat(w)), ...table]) console.log(line.map((c, i) => c.padEnd(widths[i]!)).join('  '));
for (const r of rows) console.log(`\n${r.name}:\n  ${r.operations.join(' → ')}`);
