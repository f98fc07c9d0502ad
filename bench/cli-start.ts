// Start-up figure: how long the CLI takes for commands that do almost nothing, next to a bare
// `node -e 0` on the same machine in the same run. Targets (issue 8): `--help` and `version`
// ≤ 1.5× bare Node, `plan --offline` ≤ 2×. The machine is shared, so absolute times mean little:
// every round runs each case once, one after the other, in a rotating order, and the figure is
// the median over the rounds of each case's time divided by the bare start of the same round.
// Two figures: wall time (what a person waits for; on a loaded machine every asynchronous file
// read of the ES module loader also waits for a core) and the process's own CPU time, which load
// disturbs far less. The CPU time is reported by the process itself at exit, through a tiny
// preloaded CommonJS file that every case, bare Node included, gets alike.
// Rounds: SOLOKUBE_BENCH_ROUNDS (default 15), after one warm-up round that is not counted.

import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchTable } from './table.js';

/** The CLI as shipped: package.json `bin`, the esbuild bundle after `npm run build`. */
const BIN = fileURLToPath(new URL('../src/cli/bin.js', import.meta.url));
const EXAMPLE_CONFIG = fileURLToPath(new URL('../../examples/solokube.yaml', import.meta.url));

interface StartCase {
  name: string;
  argv: string[];
  /** The ratio to bare Node this case should stay under; none for the baseline itself. */
  target?: number;
}

const CASES: StartCase[] = [
  { name: 'node -e 0 (bare Node start)', argv: ['-e', '0'] },
  { name: 'solokube --help', argv: [BIN, '--help'], target: 1.5 },
  { name: 'solokube version', argv: [BIN, 'version'], target: 1.5 },
  {
    name: 'solokube plan --offline -c examples/solokube.yaml',
    argv: [BIN, 'plan', '--offline', '-c', EXAMPLE_CONFIG],
    target: 2,
  },
];

/**
 * The floor under `plan --offline`: the three libraries it cannot run without (yaml reads the file,
 * zod validates it, commander parses the command line), bundled exactly as the CLI bundles them and
 * each used once, with none of solokube's own code. What `plan --offline` costs above this row is
 * solokube's; this row's ratio is the least any CLI built on these libraries could reach.
 */
const FLOOR_NAME = 'floor: yaml + zod + commander alone, bundled alike';
const FLOOR_SOURCE = `
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { Command } from 'commander';
const config = z.object({ name: z.string(), region: z.string().optional() });
const doc = parseDocument('name: c1.example.com\\nregion: eu-west-1\\n');
new Command('floor').option('-c, --config <file>').parse(['node', 'floor', '-c', 'x']);
if (!config.safeParse(doc.toJS()).success) process.exitCode = 1;
`;

// Nothing these commands do may reach AWS; the same guard the CLI tests use.
const ENV: NodeJS.ProcessEnv = {
  PATH: process.env.PATH ?? '',
  HOME: process.env.HOME ?? '/root',
  NO_COLOR: '1',
  AWS_EC2_METADATA_DISABLED: 'true',
  AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
  AWS_CONFIG_FILE: '/nonexistent/solokube-bench',
  AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/solokube-bench',
};

export interface StartRow {
  name: string;
  medianMs: number;
  /** Median over rounds of (this case's wall time / bare Node's wall time in the same round). */
  ratio: number;
  medianCpuMs: number;
  /** The same for the process's CPU time (user + system). */
  cpuRatio: number;
  target?: number;
  /** Exit codes seen; anything but 0 means the figure timed a failure. */
  exitCodes: number[];
}

export async function cliStartBench(
  rounds = roundsFromEnv(),
): Promise<{ rows: StartRow[]; rounds: number; bundled: boolean }> {
  const probeDir = mkdtempSync(join(tmpdir(), 'solokube-bench-'));
  const probe = join(probeDir, 'cpu-probe.cjs');
  writeFileSync(probe, CPU_PROBE);
  const cases = [...CASES, { name: FLOOR_NAME, argv: [await bundleFloor(probeDir)] }];
  const times: number[][] = cases.map(() => []);
  const cpu: number[][] = cases.map(() => []);
  const exits: Set<number>[] = cases.map(() => new Set());
  try {
    for (let round = -1; round < rounds; round++) {
      // Rotate the order so no case always runs right after another one's process exits.
      for (let k = 0; k < cases.length; k++) {
        const i = (k + Math.max(round, 0)) % cases.length;
        const c = cases[i] as StartCase;
        const run = await timeOnce(['-r', probe, ...c.argv]);
        if (round < 0) continue; // warm-up: page cache and the like
        (times[i] as number[]).push(run.ms);
        (cpu[i] as number[]).push(run.cpuMs);
        (exits[i] as Set<number>).add(run.code);
      }
    }
  } finally {
    rmSync(probeDir, { recursive: true, force: true });
  }
  const bare = times[0] as number[];
  const bareCpu = cpu[0] as number[];
  const rows = cases.map((c, i) => {
    const mine = times[i] as number[];
    const mineCpu = cpu[i] as number[];
    return {
      name: c.name,
      medianMs: median(mine),
      ratio: median(mine.map((ms, r) => ms / (bare[r] as number))),
      medianCpuMs: median(mineCpu),
      cpuRatio: median(mineCpu.map((ms, r) => ms / (bareCpu[r] as number))),
      ...(c.target !== undefined ? { target: c.target } : {}),
      exitCodes: [...(exits[i] as Set<number>)],
    };
  });
  return { rows, rounds, bundled: isBundle() };
}

export function cliStartTable(result: Awaited<ReturnType<typeof cliStartBench>>): BenchTable {
  return {
    title: `CLI start-up next to bare Node (${result.rounds} rounds, medians; entry: ${result.bundled ? 'esbuild bundle' : 'tsc output, not bundled'})`,
    columns: ['command', 'wall', '× bare (wall)', 'CPU', '× bare (CPU)', 'target', 'met (wall/CPU)', 'exit'],
    rows: result.rows.map((r) => [
      r.name,
      `${r.medianMs.toFixed(0)} ms`,
      r.ratio.toFixed(2),
      `${r.medianCpuMs.toFixed(0)} ms`,
      r.cpuRatio.toFixed(2),
      r.target === undefined ? '' : `≤ ${r.target}`,
      r.target === undefined ? '' : `${r.ratio <= r.target ? 'yes' : 'NO'} / ${r.cpuRatio <= r.target ? 'yes' : 'NO'}`,
      r.exitCodes.join(','),
    ]),
    notes: [
      `load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(
          ' ',
        )} on ${availableParallelism()} cores: compare the ratios, measured side by side, not the absolute times.`,
    ],
  };
}

/**
 * Bundles FLOOR_SOURCE into `dir` with esbuild (a development dependency, as the benchmark is) and
 * the CLI's own banner and plugins from scripts/bundle-shared.mjs; returns the file to run.
 */
async function bundleFloor(dir: string): Promise<string> {
  const shared: string = fileURLToPath(new URL('../../scripts/bundle-shared.mjs', import.meta.url));
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const { BANNER, commanderChildProcessOnUse, zodEnglishOnly } = (await import(shared)) as BundleShared;
  const { build } = await import('esbuild');
  const outfile = join(dir, 'floor.mjs');
  await build({
    stdin: { contents: FLOOR_SOURCE, resolveDir: root, loader: 'js' },
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    mainFields: ['module', 'main'],
    target: 'node20',
    banner: { js: BANNER },
    plugins: [commanderChildProcessOnUse, zodEnglishOnly(root)],
    logLevel: 'warning',
  });
  return outfile;
}

/** What scripts/bundle-shared.mjs exports (a plain ES module, so typed here). */
interface BundleShared {
  BANNER: string;
  commanderChildProcessOnUse: import('esbuild').Plugin;
  zodEnglishOnly: (root: string) => import('esbuild').Plugin;
}

/** Preloaded into every case: writes the process's CPU time (µs) to fd 3 as it exits. */
const CPU_PROBE =
  "process.on('exit', () => { const u = process.cpuUsage(); require('node:fs').writeSync(3, String(u.user + u.system)); });\n";

function timeOnce(argv: string[]): Promise<{ ms: number; cpuMs: number; code: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, argv, { env: ENV, stdio: ['ignore', 'ignore', 'ignore', 'pipe'] });
    let cpu = '';
    child.stdio[3]?.on('data', (d: Buffer) => (cpu += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - started;
      if (!/^\d+$/.test(cpu)) return reject(new Error(`node ${argv.join(' ')} reported no CPU time (exit ${code})`));
      resolve({ ms, cpuMs: Number(cpu) / 1000, code: code ?? -1 });
    });
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

function roundsFromEnv(): number {
  const n = Number(process.env.SOLOKUBE_BENCH_ROUNDS ?? 15);
  if (!Number.isInteger(n) || n < 1) throw new Error('SOLOKUBE_BENCH_ROUNDS must be a whole number ≥ 1');
  return n;
}

/** scripts/bundle.mjs gives every output file the same first import; tsc's bin.js has no such line. */
function isBundle(): boolean {
  return readFileSync(BIN, 'utf8').slice(0, 400).includes('__solokubeCreateRequire');
}
