// Runs host programs for the lab (ip, iptables, openssl, ssh-keygen, nsenter, ...) with an argv,
// never a shell string, so no value from a caller is ever parsed by a shell. Every run is bounded.
import { spawn } from 'node:child_process';
import { SolokubeError } from '../../core/errors.js';

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  timeoutMs?: number;
  input?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Called with each complete line of stdout as it arrives (progress of long commands). */
  onLine?: (line: string) => void;
  /** The same for stderr, where some programs (`go build -v`) report progress. */
  onErrLine?: (line: string) => void;
}

const DEFAULT_TIMEOUT_MS = 60_000;

/** Run argv to completion (or until timeoutMs, then SIGKILL) and collect its output. Never throws for a non-zero exit. */
export function run(argv: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  const [cmd, ...args] = argv;
  if (!cmd) throw new Error('run: empty argv');
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'], env: opts.env ?? process.env, cwd: opts.cwd });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', lineSplitter(out, opts.onLine));
    child.stderr.on('data', lineSplitter(err, opts.onErrLine));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() });
    });
    child.stdin.on('error', () => undefined); // the program may exit before reading its input
    child.stdin.end(opts.input ?? '');
  });
}

/** Collects a stream's chunks and, when asked, hands on each complete line as it arrives. */
function lineSplitter(chunks: Buffer[], onLine: ((line: string) => void) | undefined): (b: Buffer) => void {
  let partial = '';
  return (b) => {
    chunks.push(b);
    if (!onLine) return;
    const lines = (partial + b.toString()).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) onLine(line);
  };
}

/** Run argv and throw a typed error naming the command when it does not exit 0; returns stdout. */
export async function runOk(argv: readonly string[], opts: RunOptions = {}): Promise<string> {
  const r = await run(argv, opts);
  if (r.code !== 0) {
    throw new SolokubeError({
      code: 'lab.command-failed',
      message: `lab command failed (${r.signal ?? `exit ${r.code}`}): ${argv.join(' ')}\n${r.stderr.trim()}`,
      remedy: 'The lab needs root, network namespaces and the tools listed in the lab README; check the output above.',
      actor: 'solokube',
      details: { argv, stdout: r.stdout, stderr: r.stderr },
    });
  }
  return r.stdout;
}
