// LocalShell: solokube running on the node itself. Commands are spawned directly from their argv
// (no shell in between, so nothing to quote); sudo -n is prepended when not running as root.

import { spawn } from 'node:child_process';
import type { NodeShell, RunOptions, RunResult } from './shell.js';
import { DEFAULT_COMMAND_TIMEOUT_MS, NodeCommandError, NodeCommandTimeoutError, readFileVia, writeFileAtomicVia } from './shell.js';

export interface LocalShellOptions {
  /** Prefix commands with `sudo -n --`; default: when the process is not root. */
  sudo?: boolean;
  commandTimeoutMs?: number;
}

export class LocalShell implements NodeShell {
  readonly description = 'local';
  private readonly sudo: boolean;
  private readonly commandTimeoutMs: number;

  constructor(opts: LocalShellOptions = {}) {
    this.sudo = opts.sudo ?? process.getuid?.() !== 0;
    this.commandTimeoutMs = opts.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
  }

  run(argv: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
    const full = this.sudo ? ['sudo', '-n', '--', ...argv] : [...argv];
    const timeoutMs = opts.timeoutMs ?? this.commandTimeoutMs;
    return new Promise((resolve, reject) => {
      const child = spawn(full[0] as string, full.slice(1), { stdio: ['pipe', 'pipe', 'pipe'] });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        child.kill('SIGKILL');
      }, timeoutMs);
      child.stdout.on('data', (d: Buffer) => out.push(d));
      child.stderr.on('data', (d: Buffer) => err.push(d));
      // A command that does not read stdin closes it early; that EPIPE is not an error of ours.
      child.stdin.on('error', () => undefined);
      child.on('error', (e: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        // Report a missing program the way a shell over SSH does (exit 127), so callers see one behaviour.
        if (e.code !== 'ENOENT') return reject(e);
        const result: RunResult = { code: 127, stdout: '', stderr: `${full[0]}: command not found\n` };
        if (opts.allowFailure) resolve(result);
        else reject(new NodeCommandError(this.description, argv, result));
      });
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        if (timedOut) return reject(new NodeCommandTimeoutError(this.description, argv, timeoutMs));
        const result: RunResult = { code: code ?? (signal ? 128 : 1), stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
        if (result.code !== 0 && !opts.allowFailure) return reject(new NodeCommandError(this.description, argv, result));
        resolve(result);
      });
      child.stdin.end(opts.input ?? '');
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
