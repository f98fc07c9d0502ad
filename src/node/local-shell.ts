// LocalShell: solokube running on the node itself. Commands are spawned directly from their argv
// (no shell in between, so nothing to quote); sudo -n is prepended when not running as root. Each
// command runs in its own process group (see shell.ts), so a timeout or an abort kills the command
// and everything it started — under sudo too, where killing sudo alone would leave them running.

import { spawn } from 'node:child_process';
import type { NodeShell, RunOptions, RunResult } from './shell.js';
import {
  DEFAULT_COMMAND_TIMEOUT_MS,
  NodeCommandError,
  NodeCommandTimeoutError,
  inOwnProcessGroup,
  killGroupCommand,
  readFileVia,
  reportedProcessGroup,
  withoutGroupReport,
  writeFileAtomicVia,
} from './shell.js';

export interface LocalShellOptions {
  /** Prefix commands with `sudo -n --`; default: when the process is not root. */
  sudo?: boolean;
  commandTimeoutMs?: number;
}

// How long a stop waits for the wrapper to report its group before giving up on it.
const GROUP_REPORT_WAIT_MS = 2_000;

export class LocalShell implements NodeShell {
  readonly description = 'local';
  private readonly sudo: boolean;
  private readonly commandTimeoutMs: number;

  constructor(opts: LocalShellOptions = {}) {
    this.sudo = opts.sudo ?? process.getuid?.() !== 0;
    this.commandTimeoutMs = opts.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
  }

  run(argv: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
    const wrapped = inOwnProcessGroup(argv);
    const full = this.sudo ? ['sudo', '-n', '--', ...wrapped] : wrapped;
    const timeoutMs = opts.timeoutMs ?? this.commandTimeoutMs;
    const signal = opts.signal;
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      const child = spawn(full[0] as string, full.slice(1), { stdio: ['pipe', 'pipe', 'pipe'] });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      let stopped: Error | undefined;
      const stderrText = (): string => Buffer.concat(err).toString('utf8');
      const stop = (why: Error): void => {
        if (stopped) return;
        stopped = why;
        void this.killGroup(stderrText, () => child.exitCode !== null || child.signalCode !== null).finally(() =>
          child.kill('SIGKILL'),
        );
      };
      const timer = setTimeout(() => stop(new NodeCommandTimeoutError(this.description, argv, timeoutMs)), timeoutMs);
      const onAbort = (): void =>
        stop(signal!.reason instanceof Error ? signal!.reason : new Error(String(signal!.reason)));
      signal?.addEventListener('abort', onAbort, { once: true });
      const done = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      };
      child.stdout.on('data', (d: Buffer) => out.push(d));
      child.stderr.on('data', (d: Buffer) => err.push(d));
      // A command that does not read stdin closes it early; that EPIPE is not an error of ours.
      child.stdin.on('error', () => undefined);
      child.on('error', (e: NodeJS.ErrnoException) => {
        done();
        // Report a missing program the way a shell over SSH does (exit 127), so callers see one behaviour.
        if (e.code !== 'ENOENT') return reject(e);
        const result: RunResult = { code: 127, stdout: '', stderr: `${full[0]}: command not found\n` };
        if (opts.allowFailure) resolve(result);
        else reject(new NodeCommandError(this.description, argv, result));
      });
      child.on('close', (code, sig) => {
        done();
        if (stopped)
          return reject(signal?.aborted && !(stopped instanceof NodeCommandTimeoutError) ? signal.reason : stopped);
        const result: RunResult = {
          code: code ?? (sig ? 128 : 1),
          stdout: Buffer.concat(out).toString('utf8'),
          stderr: withoutGroupReport(stderrText()),
        };
        if (result.code !== 0 && !opts.allowFailure)
          return reject(new NodeCommandError(this.description, argv, result));
        resolve(result);
      });
      child.stdin.end(opts.input ?? '');
    });
  }

  /** Kill the command's process group once the wrapper has reported it (as root through sudo when needed). */
  private async killGroup(stderr: () => string, exited: () => boolean): Promise<void> {
    const giveUpAt = Date.now() + GROUP_REPORT_WAIT_MS;
    let pgid = reportedProcessGroup(stderr());
    while (pgid === undefined && !exited() && Date.now() < giveUpAt) {
      await new Promise((r) => setTimeout(r, 20));
      pgid = reportedProcessGroup(stderr());
    }
    if (pgid === undefined) return;
    if (!this.sudo) {
      try {
        process.kill(-pgid, 'SIGKILL');
      } catch {
        /* already gone */
      }
      return;
    }
    await new Promise<void>((resolve) => {
      const k = spawn('sudo', ['-n', '--', ...killGroupCommand(pgid)], { stdio: 'ignore' });
      k.on('error', () => resolve());
      k.on('close', () => resolve());
    });
  }

  readFile(path: string): Promise<string | undefined> {
    return readFileVia(this, path);
  }

  writeFileAtomic(path: string, content: string, mode: number): Promise<void> {
    return writeFileAtomicVia(this, path, content, mode);
  }

  async close(): Promise<void> {}
}
