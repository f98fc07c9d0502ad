// Runs the kops binary: one step at a time, with a deadline per step, every output line reported as
// progress with the time since the step started, secrets masked, and failures explained.
import { execa } from 'execa';
import type { ResultPromise } from 'execa';
import { SolokubeError, formatMs } from '../core/errors.js';
import { debug, info, type IoHost } from '../core/io.js';
import { compareVersions, explainKopsFailure, kopsMissing, kopsTooOld, MIN_KOPS_VERSION } from './failures.js';
import { redactor } from './redact.js';

export interface KopsRunnerOptions {
  /** Path or command name of kops (default `kops`). */
  binary?: string;
  /** `s3://<bucket>`, or how to find it out (the default bucket name needs the account id). */
  stateStore: string | (() => Promise<string>);
  /** Variables added to kops' environment (endpoints, credentials, KUBECONFIG…). */
  env?: Record<string, string>;
  io: IoHost;
}

export interface KopsResult {
  stdout: string;
  stderr: string;
  exitCode: number;
  ms: number;
}

export interface StepOptions {
  deadlineMs: number;
  signal: AbortSignal;
  /** Exit codes that are an answer rather than a failure (validate's 1 with JSON). */
  okExitCodes?: number[];
}

export class KopsRunner {
  readonly binary: string;
  private readonly redact: (s: string) => string;
  private checked: Promise<string> | undefined;

  constructor(private readonly opts: KopsRunnerOptions) {
    this.binary = opts.binary ?? 'kops';
    this.redact = redactor({ ...process.env, ...opts.env });
  }

  /** kops' version, refusing a missing or too old binary (checked once). */
  version(signal: AbortSignal): Promise<string> {
    this.checked ??= (async () => {
      const r = await this.exec('version', ['version'], { deadlineMs: 30_000, signal }, false);
      const found = /(\d+\.\d+\.\d+)/.exec(r.stdout)?.[1];
      if (found === undefined)
        throw new SolokubeError({
          code: 'kops.version',
          message: `could not read kops' version from: ${this.redact(r.stdout.trim())}`,
          actor: 'user',
        });
      if (compareVersions(found, MIN_KOPS_VERSION) < 0) throw kopsTooOld(found);
      return found;
    })();
    return this.checked;
  }

  preflight(signal: AbortSignal): Promise<string> {
    return this.version(signal);
  }

  /** One kops command; `step` names it in progress lines and errors. */
  async run(step: string, args: string[], o: StepOptions): Promise<KopsResult> {
    await this.version(o.signal);
    const store = typeof this.opts.stateStore === 'string' ? this.opts.stateStore : await this.opts.stateStore();
    return this.exec(step, [...args, '--state', store], o, true);
  }

  private async exec(step: string, args: string[], o: StepOptions, progress: boolean): Promise<KopsResult> {
    const started = Date.now();
    const io = this.opts.io;
    const report = (line: string) => {
      if (line.trim() === '') return;
      const text = `kops ${step} [${formatMs(Date.now() - started)}] ${this.redact(line)}`;
      if (progress) info(io, text);
      else debug(io, text);
    };
    debug(io, `running ${this.binary} ${args.join(' ')}`);
    let r;
    try {
      const kops = execa(this.binary, args, {
        env: { KOPS_FEATURE_FLAGS: '-ImageDigest', ...this.opts.env },
        reject: false,
        timeout: o.deadlineMs,
        cancelSignal: o.signal,
        // Its own process group, so a deadline or an interruption can end everything kops started.
        detached: true,
        stdin: 'ignore',
        // kops logs on stderr; each line is progress. stdout is the answer (YAML, JSON), kept whole.
        stderr: [
          function* (line: unknown) {
            report(String(line));
            yield line;
          },
        ],
        stripFinalNewline: false,
      });
      endGroupWhenStopped(kops, o.signal, started + o.deadlineMs);
      r = await kops;
    } catch (err) {
      throw new SolokubeError({
        code: 'kops.failed',
        message: `could not run ${this.binary}: ${String(err)}`,
        actor: 'solokube',
        cause: err,
      });
    }
    const ms = Date.now() - started;
    const stdout = String(r.stdout ?? '');
    const stderr = String(r.stderr ?? '');
    if (r.failed && (r as { code?: string }).code === 'ENOENT') throw kopsMissing(this.binary);
    if (r.timedOut) {
      throw new SolokubeError({
        code: 'kops.deadline',
        message: `kops ${step} did not finish within ${formatMs(o.deadlineMs)}`,
        remedy: 'Rerun; solokube resumes from where the cluster is. Raise --timeout if the step needs longer.',
        actor: 'aws',
        details: { step },
      });
    }
    if (r.isCanceled)
      throw new SolokubeError({
        code: 'kops.aborted',
        message: `kops ${step} was interrupted`,
        remedy: 'Rerun when ready; solokube resumes from where the cluster is.',
        actor: 'user',
      });
    const exitCode = r.exitCode ?? -1;
    if (exitCode !== 0 && !(o.okExitCodes ?? []).includes(exitCode))
      throw explainKopsFailure(step, r.exitCode, this.redact(`${stderr}\n${stdout}`));
    debug(io, `kops ${step} finished in ${formatMs(ms)} (exit ${exitCode})`);
    return { stdout, stderr, exitCode, ms };
  }
}

/**
 * When kops was stopped (deadline or interruption) and has exited, whatever it started and left
 * behind in its process group still holds the output pipes, and the step would wait for them to
 * close; those are ended too. Only kops' own group (its pid, as it runs detached) is signalled.
 */
function endGroupWhenStopped(kops: ResultPromise, signal: AbortSignal, deadlineAt: number): void {
  kops.once('exit', () => {
    const stopped = signal.aborted || Date.now() >= deadlineAt;
    if (!stopped || kops.pid === undefined) return;
    try {
      process.kill(-kops.pid, 'SIGKILL');
    } catch {
      // ESRCH: nothing was left in the group.
    }
  });
}
