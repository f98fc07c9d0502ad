// Typed errors. Every failure solokube reports carries a stable code, a message that says what
// happened, an optional cause, a remedy that says what to do, and who must act. Only the CLI entry
// point prints them and turns them into an exit code.

/** Who has to do something about an error. */
export type Actor = 'user' | 'aws' | 'node' | 'solokube';

/** 0 ok, 1 failure, 2 usage or configuration error, 128 + the signal's number when interrupted. */
export type ExitCode = 0 | 1 | 2 | 129 | 130 | 143;

export interface SolokubeErrorOptions {
  code: string;
  message: string;
  remedy?: string;
  cause?: unknown;
  actor?: Actor;
  exitCode?: ExitCode;
  details?: Record<string, unknown>;
}

export class SolokubeError extends Error {
  readonly code: string;
  readonly remedy: string | undefined;
  readonly actor: Actor;
  readonly exitCode: ExitCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(opts: SolokubeErrorOptions) {
    super(opts.message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = new.target.name;
    this.code = opts.code;
    this.remedy = opts.remedy;
    this.actor = opts.actor ?? 'solokube';
    this.exitCode = opts.exitCode ?? 1;
    this.details = opts.details;
  }
}

/** Bad flags or arguments: exit 2, nothing was changed. */
export class UsageError extends SolokubeError {
  constructor(message: string, remedy?: string) {
    super({
      code: 'usage',
      message,
      remedy: remedy ?? 'Run with --help to see the accepted options.',
      actor: 'user',
      exitCode: 2,
    });
  }
}

export interface ConfigIssue {
  path: string;
  message: string;
}

/** Invalid configuration: every problem at once, with its field path; exit 2. */
export class ConfigError extends SolokubeError {
  readonly issues: readonly ConfigIssue[];
  constructor(source: string, issues: readonly ConfigIssue[]) {
    const lines = issues.map((i) => `  ${i.path || '(root)'}: ${i.message}`).join('\n');
    super({
      code: 'config.invalid',
      message: `${source} has ${issues.length} problem${issues.length === 1 ? '' : 's'}:\n${lines}`,
      remedy: 'Fix the fields listed above; `solokube init` writes a commented example.',
      actor: 'user',
      exitCode: 2,
      details: { issues },
    });
    this.issues = issues;
  }
}

/**
 * A resource cannot act yet because something it needs is not there (an address still being
 * assigned, a change still PENDING). The executor retries it until the resource's deadline.
 */
export class NotReadyError extends SolokubeError {
  constructor(message: string, cause?: unknown, details?: Record<string, unknown>) {
    super({ code: 'not-ready', message, cause, actor: 'solokube', ...(details ? { details } : {}) });
  }
}

/** A step did not finish in time; carries the last cause seen. */
export class DeadlineError extends SolokubeError {
  constructor(what: string, ms: number, lastCause?: unknown) {
    const why = lastCause instanceof Error ? `: ${lastCause.message}` : '';
    super({
      code: 'deadline',
      message: `${what} did not finish within ${formatMs(ms)}${why}`,
      cause: lastCause,
      remedy: 'Check the cause above; rerunning is safe, solokube converges from where it stopped.',
    });
  }
}

/** What a command had done, and was doing, when it was stopped. */
export interface CommandProgress {
  /** Steps that changed something, as "created Elastic IP … [aws/elastic-ip]". */
  done: readonly string[];
  /** Steps running at that moment, as "Elastic IP … [aws/elastic-ip]". */
  running: readonly string[];
}

function describeProgress(p: CommandProgress): string {
  const running = p.running.length > 0 ? ` while ${p.running.join('; ')}` : '';
  const done = p.done.length > 0 ? `Done so far: ${p.done.join('; ')}.` : 'Nothing had been changed yet.';
  return `${running}. ${done}`;
}

export type StopSignal = 'SIGINT' | 'SIGTERM' | 'SIGHUP';

/** 128 + the signal's number, as a shell reports a process ended by it. */
const STOP_EXIT_CODES: Record<StopSignal, ExitCode> = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 };

/** Ctrl-C, SIGTERM or a hang-up (the terminal or SSH session closed): exit 128 + the signal's number; says what was done and that a rerun continues. */
export class InterruptedError extends SolokubeError {
  constructor(signal: StopSignal, progress: CommandProgress) {
    super({
      code: 'interrupted',
      message: `Interrupted (${signal})${describeProgress(progress)}`,
      remedy: 'Rerun the same command when ready: solokube converges from where it stopped.',
      actor: 'user',
      exitCode: STOP_EXIT_CODES[signal],
      details: { signal, done: progress.done, running: progress.running },
    });
  }
}

/** The whole command ran past --timeout: names the steps that were running then. */
export class CommandDeadlineError extends SolokubeError {
  constructor(command: string, seconds: number, progress: CommandProgress) {
    super({
      code: 'deadline',
      message: `\`solokube ${command}\` did not finish within ${seconds}s (--timeout)${describeProgress(progress)}`,
      remedy:
        `Check why that step is slow (rerun with --debug), or allow more time with --timeout; ` +
        `rerunning is safe, solokube converges from where it stopped.`,
      actor: 'user',
      exitCode: 1,
      details: { command, timeoutSeconds: seconds, done: progress.done, running: progress.running },
    });
  }
}

/** The user declined, or there was no TTY to ask and no --yes. */
export class NotConfirmedError extends SolokubeError {
  constructor(message: string, remedy: string) {
    super({ code: 'not-confirmed', message, remedy, actor: 'user', exitCode: 1 });
  }
}

export function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)}ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)}s`;
}

/** Wrap anything thrown into a SolokubeError, keeping typed ones as they are. */
export function asSolokubeError(err: unknown): SolokubeError {
  if (err instanceof SolokubeError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new SolokubeError({
    code: 'internal',
    message,
    cause: err,
    remedy: 'Rerun with --debug and report the output.',
  });
}
