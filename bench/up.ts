// `up --sandbox` figures (issue 10): `up --sandbox --yes` from nothing (a fresh emulator owning
// only the zone), a converged rerun, then `down --sandbox --yes`, each as the CLI a person runs.
// For each: wall time, the AWS calls the emulator saw (by service/operation, split into those made
// while solokube waited on kops — real kops and the stand-in — and the rest), and solokube's own
// time: wall time minus the time spent waiting on kops (the kops timing events of `--debug`, see
// src/kops/timed.ts; the stand-in's update boots the lab node and waits for its control plane,
// validate waits for the node to be Ready) and minus Go tool builds. Goal: own time ≤ 5 s.
// Uses SOLOKUBE_SANDBOX_DIR (default /var/lib/solokube/sandbox-bench) and boots a real lab node.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import type { IoHost } from '../src/core/io.js';
import { parseKopsWait } from '../src/kops/timed.js';
import type { CallRecord } from '../src/sandbox/aws/calls.js';
import { ensureGoTools } from '../src/sandbox/gotools/build.js';
import { GO_TOOL_NAMES } from '../src/sandbox/gotools/catalog.js';
import type { BenchTable } from './table.js';

const OWN_GOAL_MS = 5_000;
const RUN_DEADLINE_MS = 20 * 60_000;
const BIN = fileURLToPath(new URL('../src/cli/bin.js', import.meta.url));

type Interval = [number, number];
const STAMPED = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z /;

export interface UpRun {
  name: string;
  exitCode: number;
  wallMs: number;
  kopsMs: number;
  goBuildMs: number;
  ownMs: number;
  /** kops steps in order with their durations. */
  kopsSteps: string[];
  /** The longest stretches of solokube's own time: the gap before a stderr line, outside kops waits. */
  longestGaps: string[];
  /** `service:operation` → count, for calls made outside and inside kops steps. */
  solokubeCalls: Map<string, number>;
  kopsCalls: Map<string, number>;
}

/** Total length of the union of the intervals (a Go build inside a kops step is not taken twice). */
export function unionMs(intervals: Interval[]): number {
  const sorted = [...intervals].sort((a, b) => a[0] - b[0]);
  let total = 0;
  let current: Interval | undefined;
  for (const [s, e] of sorted) {
    if (current && s <= current[1]) current[1] = Math.max(current[1], e);
    else {
      if (current) total += current[1] - current[0];
      current = [s, e];
    }
  }
  return total + (current ? current[1] - current[0] : 0);
}

function sandboxEndpoint(dir: string): string | undefined {
  const record = join(dir, 'sandbox.json');
  if (!existsSync(record)) return undefined;
  return (JSON.parse(readFileSync(record, 'utf8')) as { emulator: { endpoint: string } }).emulator.endpoint;
}

async function fetchCalls(endpoint: string): Promise<CallRecord[] | undefined> {
  try {
    const res = await fetch(`${endpoint}/_sandbox/calls`, { signal: AbortSignal.timeout(2_000) });
    return res.ok ? ((await res.json()) as CallRecord[]) : undefined;
  } catch {
    return undefined; // stopped (the end of `down`)
  }
}

async function clearCalls(endpoint: string): Promise<void> {
  await fetch(`${endpoint}/_sandbox/calls`, { method: 'DELETE', signal: AbortSignal.timeout(2_000) });
}

/** One CLI run; its stderr is read line by line for the kops waits and Go builds. */
async function runCli(name: string, args: string[], cwd: string, sandboxDir: string): Promise<UpRun> {
  const kopsWaits: Interval[] = [];
  const kopsSteps: string[] = [];
  const goBuilds: Interval[] = [];
  const goStarted = new Map<string, number>();
  const lines: { at: number; text: string }[] = [];
  // The emulator of `down` stops at its end: its call log is read while it still answers.
  let lastCalls: CallRecord[] | undefined;
  let polling = true;
  const poll = (async () => {
    while (polling) {
      const endpoint = sandboxEndpoint(sandboxDir);
      const calls = endpoint ? await fetchCalls(endpoint) : undefined;
      if (calls) lastCalls = calls;
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  const started = performance.now();
  const startedAt = Date.now();
  const exitCode = await new Promise<number>((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, '--debug', '--log-timestamps', 'full', ...args], {
      cwd,
      env: { ...process.env, SOLOKUBE_SANDBOX_DIR: sandboxDir },
      stdio: ['ignore', 'ignore', 'pipe'],
      timeout: RUN_DEADLINE_MS,
    });
    createInterface({ input: child.stderr }).on('line', (line) => {
      // Only lines that start with a full timestamp (a message's continuation lines carry none).
      const at = STAMPED.test(line) ? Date.parse(line.slice(0, 24)) : NaN;
      if (!Number.isNaN(at)) lines.push({ at, text: line.slice(25).trim() });
      const wait = parseKopsWait(line);
      if (wait) {
        kopsWaits.push([wait.startedAt, wait.startedAt + wait.ms]);
        kopsSteps.push(`${wait.step} ${(wait.ms / 1000).toFixed(1)} s${wait.ok ? '' : ' (failed)'}`);
        return;
      }
      // Go builds: "building <what> from its Go module" … "<name>: built in …" (see gotools/build.ts).
      const building = / building .* from its Go module/.exec(line);
      const built = / (\S+): built in /.exec(line);
      if (building && !Number.isNaN(at)) goStarted.set('current', at);
      if (built && !Number.isNaN(at)) {
        goBuilds.push([goStarted.get('current') ?? at, at]);
        goStarted.delete('current');
      }
      if (/ (warn|error) /.test(line)) process.stderr.write(`${name}: ${line}\n`);
    });
    child.on('error', reject);
    child.on('close', (code) => resolve(code ?? 1));
  });
  const wallMs = Math.round(performance.now() - started);
  polling = false;
  await poll;
  const endpoint = sandboxEndpoint(sandboxDir);
  const calls = (endpoint ? await fetchCalls(endpoint) : undefined) ?? lastCalls ?? [];
  const kopsMs = unionMs(kopsWaits);
  const goBuildMs = unionMs(goBuilds);
  const solokubeCalls = new Map<string, number>();
  const kopsCalls = new Map<string, number>();
  for (const c of calls) {
    if (c.at < startedAt) continue;
    const inKops = kopsWaits.some(([s, e]) => c.at >= s && c.at <= e);
    const key = `${c.service}:${c.operation}`;
    const into = inKops ? kopsCalls : solokubeCalls;
    into.set(key, (into.get(key) ?? 0) + 1);
  }
  const ownMs = wallMs - unionMs([...kopsWaits, ...goBuilds]);
  const longestGaps = ownGaps(lines, [...kopsWaits, ...goBuilds]);
  return { name, exitCode, wallMs, kopsMs, goBuildMs, ownMs, kopsSteps, longestGaps, solokubeCalls, kopsCalls };
}

/** The 4 longest gaps between consecutive stderr lines that overlap no kops wait nor Go build. */
function ownGaps(lines: { at: number; text: string }[], waits: Interval[]): string[] {
  const gaps: { ms: number; before: string }[] = [];
  for (let i = 1; i < lines.length; i++) {
    const [a, b] = [lines[i - 1]!, lines[i]!];
    if (waits.some(([s, e]) => s < b.at && e > a.at)) continue;
    gaps.push({ ms: b.at - a.at, before: b.text.slice(0, 110) });
  }
  return gaps
    .sort((x, y) => y.ms - x.ms)
    .slice(0, 4)
    .map((g) => `${seconds(g.ms)} before "${g.before}"`);
}

const total = (m: Map<string, number>): number => [...m.values()].reduce((a, b) => a + b, 0);
const listed = (m: Map<string, number>): string =>
  [...m.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([k, n]) => `${k}×${n}`)
    .join(', ') || '(none)';
const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

export async function upBench(io: IoHost): Promise<BenchTable[]> {
  const sandboxDir = process.env.SOLOKUBE_SANDBOX_DIR ?? '/var/lib/solokube/sandbox-bench';
  if (existsSync(join(sandboxDir, 'sandbox.json')))
    throw new Error(`a sandbox already runs in ${sandboxDir}; run \`solokube down --sandbox --yes\` first`);
  // Built (or found cached) before the clock starts, so no build lands in the runs.
  await ensureGoTools(GO_TOOL_NAMES, { io });
  // An empty directory: no solokube.yaml, so the sandbox uses its built-in example configuration.
  const cwd = mkdtempSync(join(tmpdir(), 'solokube-bench-up-'));
  const runs: UpRun[] = [];
  try {
    runs.push(await runCli('up from nothing', ['up', '--sandbox', '--yes'], cwd, sandboxDir));
    const endpoint = sandboxEndpoint(sandboxDir);
    if (endpoint) await clearCalls(endpoint);
    runs.push(await runCli('up rerun (converged)', ['up', '--sandbox', '--yes'], cwd, sandboxDir));
    if (endpoint) await clearCalls(endpoint);
  } finally {
    runs.push(await runCli('down', ['down', '--sandbox', '--yes'], cwd, sandboxDir));
    rmSync(cwd, { recursive: true, force: true });
  }
  return [
    {
      title: 'up --sandbox: wall time, time waiting on kops, solokube’s own time and AWS calls',
      columns: [
        'run',
        'exit',
        'wall time',
        'kops + node waits',
        'Go builds',
        'solokube’s own',
        'goal',
        'AWS calls (solokube)',
        'AWS calls (kops)',
      ],
      rows: runs.map((r) => [
        r.name,
        String(r.exitCode),
        seconds(r.wallMs),
        seconds(r.kopsMs),
        seconds(r.goBuildMs),
        seconds(r.ownMs),
        `≤ ${seconds(OWN_GOAL_MS)}${r.ownMs <= OWN_GOAL_MS ? '' : ' (missed)'}`,
        String(total(r.solokubeCalls)),
        String(total(r.kopsCalls)),
      ]),
      notes: [
        'kops + node waits: every kops step (real kops binary, and the stand-in whose update boots ' +
          'the lab node and waits for its control plane, whose validate waits for Ready)',
        'AWS calls (kops): calls the emulator saw while a kops step ran; (solokube): all others, incl. the sandbox’s own',
        ...runs.flatMap((r) => [
          `${r.name}: kops steps: ${r.kopsSteps.join(', ') || '(none)'}`,
          `${r.name}: longest stretches of own time: ${r.longestGaps.join('; ') || '(none)'}`,
          `${r.name}: solokube calls: ${listed(r.solokubeCalls)}`,
          `${r.name}: kops calls: ${listed(r.kopsCalls)}`,
        ]),
      ],
    },
  ];
}
