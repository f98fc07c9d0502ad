// NodeShell: how the node layer acts on a node — run a command, read a file, replace a file
// atomically. Two implementations: SshShell (a remote node, host key pinned) and LocalShell (solokube
// running on the node itself). Commands are always argv arrays; only the SSH side joins them into a
// shell line, through shell-quote.ts.

import { SolokubeError } from '../core/errors.js';

export interface RunOptions {
  /** Bytes for the command's stdin. */
  input?: string;
  /** Kill the command and fail after this long (default: the shell's command timeout). */
  timeoutMs?: number;
  /** Resolve with the result instead of throwing when the exit code is not 0. */
  allowFailure?: boolean;
  /**
   * Stop the command when this aborts (the command's interruption or the step's deadline): the
   * command and everything it started are killed, and run() rejects with the signal's reason.
   */
  signal?: AbortSignal;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface NodeShell {
  /** Who and where, for messages: "admin@198.18.0.2:22" or "local". */
  readonly description: string;
  run(argv: readonly string[], opts?: RunOptions): Promise<RunResult>;
  /** The file's content, or undefined when it does not exist. */
  readFile(path: string): Promise<string | undefined>;
  /** Replace path with content in one rename, so readers never see half a file. */
  writeFileAtomic(path: string, content: string, mode: number): Promise<void>;
  close(): Promise<void>;
}

export const DEFAULT_COMMAND_TIMEOUT_MS = 60_000;

/** A command on the node exited non-zero. */
export class NodeCommandError extends SolokubeError {
  constructor(where: string, argv: readonly string[], result: RunResult) {
    const stderr = result.stderr.trim();
    super({
      code: 'node.command-failed',
      message: `\`${argv.join(' ')}\` failed on ${where} with exit code ${result.code}${stderr ? `: ${stderr}` : ''}`,
      remedy: 'Check the command output above on the node; rerunning is safe once the cause is fixed.',
      actor: 'node',
      details: { argv: [...argv], ...result },
    });
  }
}

/** A command on the node did not finish in time and was stopped. */
export class NodeCommandTimeoutError extends SolokubeError {
  constructor(where: string, argv: readonly string[], timeoutMs: number) {
    super({
      code: 'node.command-timeout',
      message: `\`${argv.join(' ')}\` on ${where} did not finish within ${timeoutMs} ms and was stopped`,
      remedy: 'Check that the node is healthy and not overloaded, then rerun.',
      actor: 'node',
    });
  }
}

// Every command runs in a session of its own (setsid), so that stopping it can kill the whole process
// group: the program and whatever it started (dpkg under apt-get, a shell's children), under sudo
// too. The wrapper tells its group id on stderr first, marked so it can be taken out again; stdin
// is handed through (an asynchronous command would otherwise get /dev/null).
const GROUP_WRAPPER = `exec 3<&0; setsid "$@" 0<&3 3<&- & pid=$!; exec 3<&-; printf '\\036solokube-pgid %s\\n' "$pid" >&2; wait "$pid"`;
const GROUP_LINE = /\u001esolokube-pgid (\d+)\n/;

/** argv wrapped so that it runs as the leader of its own process group, which it reports. */
export function inOwnProcessGroup(argv: readonly string[]): string[] {
  return ['sh', '-c', GROUP_WRAPPER, 'sh', ...argv];
}

/** The process group the wrapper reported, once its line has arrived. */
export function reportedProcessGroup(stderr: string): number | undefined {
  const m = GROUP_LINE.exec(stderr);
  return m ? Number(m[1]) : undefined;
}

/** stderr without the wrapper's line. */
export function withoutGroupReport(stderr: string): string {
  return stderr.replace(GROUP_LINE, '');
}

/** The command that kills a reported process group (run with sudo where the command had it). */
export function killGroupCommand(pgid: number): string[] {
  return ['kill', '-KILL', '--', `-${pgid}`];
}

const ABSOLUTE_PATH = /^\/[A-Za-z0-9_.@+/-]*$/;

/** Paths solokube touches are absolute and plain; anything else is a bug or an attack. */
export function assertPlainPath(path: string): void {
  if (!ABSOLUTE_PATH.test(path) || path.split('/').includes('..')) {
    throw new SolokubeError({
      code: 'node.bad-path',
      message: `Refusing to use the path ${JSON.stringify(path)} on the node.`,
      remedy: 'Paths must be absolute and contain only letters, digits and _ . @ + - /.',
    });
  }
}

// Exit code meaning "no such file", chosen outside what cat itself returns (0/1).
const MISSING = 3;
const READ_SCRIPT = `if [ -e "$1" ]; then exec cat -- "$1"; else exit ${MISSING}; fi`;
// The temporary file sits beside the target so mv is a rename within one file system.
const WRITE_SCRIPT = 'umask 077 && cat > "$1" && chmod "$2" "$1" && mv -f -- "$1" "$3" || { rm -f -- "$1"; exit 1; }';

/** readFile for any shell, as one fixed script with the path as a positional argument. */
export async function readFileVia(shell: NodeShell, path: string, signal?: AbortSignal): Promise<string | undefined> {
  assertPlainPath(path);
  const r = await shell.run(['sh', '-c', READ_SCRIPT, 'sh', path], {
    allowFailure: true,
    ...(signal ? { signal } : {}),
  });
  if (r.code === MISSING) return undefined;
  if (r.code !== 0) throw new NodeCommandError(shell.description, ['cat', path], r);
  return r.stdout;
}

/** writeFileAtomic for any shell: write a temp file beside the target, chmod, rename. */
export async function writeFileAtomicVia(
  shell: NodeShell,
  path: string,
  content: string,
  mode: number,
  signal?: AbortSignal,
): Promise<void> {
  assertPlainPath(path);
  const tmp = `${path}.solokube-tmp-${process.pid}-${Date.now()}`;
  await shell.run(['sh', '-c', WRITE_SCRIPT, 'sh', tmp, mode.toString(8).padStart(4, '0'), path], {
    input: content,
    ...(signal ? { signal } : {}),
  });
}

/**
 * The same shell with `signal` on every command: what a resource uses during one engine step, so
 * that the command's interruption or the step's deadline stops whatever runs on the node.
 */
export function withSignal(shell: NodeShell, signal: AbortSignal): NodeShell {
  const bound: NodeShell = {
    description: shell.description,
    run: (argv, opts = {}) => shell.run(argv, { signal, ...opts }),
    readFile: (path) => readFileVia(bound, path),
    writeFileAtomic: (path, content, mode) => writeFileAtomicVia(bound, path, content, mode),
    close: () => shell.close(),
  };
  return bound;
}
