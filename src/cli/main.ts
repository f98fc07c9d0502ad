// The entry point: parse flags, run one command, print its result or its error, return the exit
// code. This is the only place that prints errors.

import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { CommandDeadlineError, InterruptedError, SolokubeError, asSolokubeError } from '../core/errors.js';
import type { ExitCode, StopSignal } from '../core/errors.js';
import { sharedSignal } from '../core/shared-signal.js';
import { printable } from '../core/printable.js';
import { CliIoHost } from './io-host.js';
import { Output } from './output.js';
import type { CommandResult, OutputFormat } from './output.js';
import type { ActionOptions, CommandAction, CommandContext, CommandRegistry, GlobalOptions } from './context.js';
import { commandLineOverrides, globalsFrom } from './context.js';
import { CommandClock, MAX_TIMEOUT_SECONDS } from './command-clock.js';
import { registerCommands } from './commands/index.js';
import { VERSION } from './version.js';
import { helpWidth } from './help-width.js';

const EXIT_CODES_HELP = `
Exit codes:
  0    success (also: nothing to change, or --dry-run)
  1    failure: the error says what happened and what to do (also: --timeout passed)
  2    usage or configuration error: nothing was contacted or changed
  130  interrupted (Ctrl-C); 143: stopped by SIGTERM; 129: the terminal hung up (SIGHUP).
       Rerunning continues where it stopped.

Results go to stdout (one JSON document with --output json); progress, warnings and
errors go to stderr, one timestamped line each.`;

export interface MainIo {
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WriteStream;
  stdin?: NodeJS.ReadStream;
  /** Ends the process when a stopped command does not wind down in time; default process.exit. */
  exit?: (code: ExitCode) => void;
}

/** How long a stopped command may take to wind down (close connections, stop remote commands). */
const WIND_DOWN_MS = 3_000;

export async function main(argv: string[], mainIo: MainIo = {}): Promise<ExitCode> {
  const stdout = mainIo.stdout ?? process.stdout;
  const stderr = mainIo.stderr ?? process.stderr;
  // Decided before parsing, so that a parse error is still one JSON document when one was asked for.
  const format = requestedFormat(argv.slice(2));
  const parse: ParseState = { command: 'solokube', captured: '' };
  let exitCode: ExitCode = 0;
  try {
    const program = buildProgram(
      mainIo,
      (code) => {
        exitCode = code;
      },
      { format, stdout, stderr, parse },
    );
    await program.parseAsync(argv);
  } catch (err) {
    const output = new Output(format, stdout);
    if (err instanceof CommanderError) {
      if (err.exitCode === 0) {
        output.result(parse.command, { data: { text: parse.captured }, text: '' });
        return 0;
      }
      // A group without its subcommand shows its help on stderr (commander.help, exit 1): still a usage error.
      const message =
        err.code === 'commander.help'
          ? `${parse.command} needs a command (the list is on stderr)`
          : err.message.replace(/^error: /, '');
      output.failure(parse.command, { code: 'usage', message, remedy: 'Run with --help to see the accepted options.' });
      return 2;
    }
    // Every expected failure is handled in runCommand; this is a bug, but still one document.
    const e = asSolokubeError(err);
    stderr.write(
      `${printable(`solokube: unexpected failure: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`)}\n`,
    );
    output.failure(parse.command, { code: e.code, message: e.message, remedy: e.remedy });
    return 1;
  }
  return exitCode;
}

interface ParseState {
  /** The command whose arguments were being parsed, for the JSON document of a parse error. */
  command: string;
  /** Help or version text, kept for the JSON document with --output json. */
  captured: string;
}

/** The --output value as written on the command line (any position, any spelling commander accepts). */
export function requestedFormat(args: readonly string[]): OutputFormat {
  let format: OutputFormat = 'text';
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') break;
    const value =
      a === '-o' || a === '--output'
        ? args[i + 1]
        : a.startsWith('--output=')
          ? a.slice(9)
          : a.startsWith('-o') && a.length > 2
            ? a.slice(2)
            : undefined;
    if (value === 'json' || value === 'text') format = value;
  }
  return format;
}

function buildProgram(
  mainIo: MainIo,
  setExit: (code: ExitCode) => void,
  out: { format: OutputFormat; stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream; parse: ParseState },
): Command {
  const program = new Command('solokube')
    .description(
      'A single-node kops Kubernetes cluster on AWS whose apps answer on 80 and 443 beside the API server, without a load balancer.',
    )
    .version(VERSION, '--version', 'print the version')
    .option('-c, --config <file>', 'configuration file', 'solokube.yaml')
    .option('--profile <name>', 'AWS profile (overrides AWS_PROFILE and the file)')
    .option('--region <region>', 'AWS region (overrides AWS_REGION and the file)')
    .addOption(new Option('-o, --output <format>', 'result format on stdout').choices(['text', 'json']).default('text'))
    .option('--debug', 'log details and error causes', false)
    .addOption(
      new Option('--log-timestamps <style>', 'timestamps on stderr lines')
        .choices(['full', 'short', 'none'])
        .default('short'),
    )
    .addOption(
      new Option(
        '--timeout <seconds>',
        `give up on the whole command after this long (1..${MAX_TIMEOUT_SECONDS}; time spent answering a question does not count)`,
      )
        .argParser(parseTimeout)
        .default(900),
    )
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText('after', EXIT_CODES_HELP);
  // Help and version go to stdout, inside the one JSON document with --output json; commander's
  // error lines go to stderr with anything a terminal would act on escaped.
  program.configureOutput({
    writeOut: (s) => {
      if (out.format === 'json') out.parse.captured += s;
      else out.stdout.write(printable(s));
    },
    writeErr: (s) => out.stderr.write(printable(s)),
    getOutHelpWidth: () => helpWidth(process.stdout),
    getErrHelpWidth: () => helpWidth(process.stderr),
  });

  const registry: CommandRegistry = {
    program,
    action<O>(name: string, fn: CommandAction<O>, options: ActionOptions = {}) {
      return async (...args: unknown[]) => {
        const cmd = args[args.length - 1] as Command;
        const opts = cmd.opts() as O;
        const positional = args.slice(0, -2).filter((a): a is string => typeof a === 'string');
        setExit(await runCommand(name, globalsFrom(cmd), (ctx) => fn(ctx, opts, positional), mainIo, options));
      };
    },
  };
  registerCommands(registry);
  // Every command shares the output, exit override and exit-code help, and says who failed to parse.
  applyToTree(program, (c) => {
    if (c !== program)
      c.configureOutput(program.configureOutput())
        .showHelpAfterError('(run with --help for usage)')
        .addHelpText('after', EXIT_CODES_HELP);
    c.exitOverride((err) => {
      out.parse.command = commandPath(c);
      throw err;
    });
  });
  return program;
}

function applyToTree(cmd: Command, fn: (c: Command) => void): void {
  fn(cmd);
  for (const sub of cmd.commands) applyToTree(sub, fn);
}

function commandPath(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c?.parent; c = c.parent) names.unshift(c.name());
  return names.length > 0 ? names.join(' ') : cmd.name();
}

async function runCommand(
  name: string,
  globals: GlobalOptions,
  body: (ctx: CommandContext) => Promise<CommandResult>,
  mainIo: MainIo,
  options: ActionOptions,
): Promise<ExitCode> {
  let clock: CommandClock | undefined;
  const controller = new AbortController();
  sharedSignal(controller.signal);
  const io = new CliIoHost({
    debug: globals.debug,
    timestamps: globals.logTimestamps,
    ...(mainIo.stderr ? { stderr: mainIo.stderr } : {}),
    ...(mainIo.stdin ? { stdin: mainIo.stdin } : {}),
    onQuestion: (state) => (state === 'open' ? clock?.pause() : clock?.start()),
    signal: controller.signal,
  });
  const output = new Output(globals.output, mainIo.stdout);
  const report = (err: unknown): ExitCode => {
    const e = asSolokubeError(err);
    io.emit({ level: 'error', message: `${e.message} [${e.code}]`, time: new Date() });
    if (e.remedy) io.emit({ level: 'error', message: `remedy: ${e.remedy}`, time: new Date() });
    if (globals.debug) for (const line of causeChain(e)) io.emit({ level: 'debug', message: line, time: new Date() });
    output.failure(name, {
      code: e.code,
      message: e.message,
      remedy: e.remedy,
      ...(e.details ? { details: e.details } : {}),
    });
    return e.exitCode === 0 ? 1 : e.exitCode;
  };
  const exit = mainIo.exit ?? ((code: ExitCode) => process.exit(code));
  // A stopped command that does not wind down in time, or a second signal, ends the process here.
  const forceEnd = (): void => {
    if (!output.done) exit(report(controller.signal.reason));
  };
  const onSignal = (signal: StopSignal) => (): void => {
    if (controller.signal.aborted) return forceEnd();
    controller.abort(new InterruptedError(signal, io.progress.snapshot()));
  };
  const onSigint = onSignal('SIGINT');
  const onSigterm = onSignal('SIGTERM');
  // A closed terminal or SSH session: without this, the process would end at once, and kops (run in
  // its own process group) would be left running.
  const onSighup = onSignal('SIGHUP');
  // An error thrown where no caller can catch it (an emitter without a listener) would end the
  // process without the document; report it like any other failure, then end.
  const onUncaught = (err: unknown): void => {
    const code = output.done ? 1 : report(err);
    exit(code === 0 ? 1 : code);
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigterm);
  process.on('SIGHUP', onSighup);
  process.on('uncaughtException', onUncaught);
  if (options.deadline !== false) {
    clock = new CommandClock(globals.timeout * 1000, () =>
      controller.abort(new CommandDeadlineError(name, globals.timeout, io.progress.snapshot())),
    );
    clock.start();
  }
  let windDown: NodeJS.Timeout | undefined;
  controller.signal.addEventListener(
    'abort',
    () => {
      windDown = setTimeout(forceEnd, WIND_DOWN_MS);
      windDown.unref();
    },
    { once: true },
  );
  const ctx: CommandContext = {
    io,
    output,
    globals,
    signal: controller.signal,
    // yaml and zod load with the configuration: --help and version never pay for them.
    loadConfig: async (overrides = {}) => {
      const { layeredOverrides, loadConfigFile } = await import('../config/load.js');
      const layered = layeredOverrides({ ...commandLineOverrides(globals), ...overrides });
      return loadConfigFile(globals.config, layered.overrides, layered.origins);
    },
    showPlan: (_plan, text) => {
      if (globals.output === 'text') io.block(text);
    },
  };
  try {
    output.result(name, await body(ctx));
    return 0;
  } catch (err) {
    // Once stopped, whatever the work threw (an aborted request, a closed channel) is a consequence:
    // the reason it was stopped is what the person needs to read.
    const reason: unknown = controller.signal.aborted ? controller.signal.reason : undefined;
    if (!(reason instanceof SolokubeError)) return report(err);
    if (globals.debug && err instanceof Error)
      for (const line of causeChain(err))
        io.emit({ level: 'debug', message: `stopped work: ${line}`, time: new Date() });
    return report(reason);
  } finally {
    clock?.stop();
    clearTimeout(windDown);
    process.removeListener('SIGINT', onSigint);
    process.removeListener('SIGTERM', onSigterm);
    process.removeListener('SIGHUP', onSighup);
    process.removeListener('uncaughtException', onUncaught);
  }
}

function causeChain(err: Error): string[] {
  const lines: string[] = [];
  let cur: unknown = err;
  while (cur instanceof Error) {
    lines.push(`${cur.name}: ${cur.message}${cur.stack ? `\n${cur.stack.split('\n').slice(1, 6).join('\n')}` : ''}`);
    cur = cur.cause;
  }
  return lines;
}

function parseTimeout(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0 || n > MAX_TIMEOUT_SECONDS)
    throw new InvalidArgumentError(
      `must be a whole number of seconds from 1 to ${MAX_TIMEOUT_SECONDS} (the longest timer Node can set)`,
    );
  return n;
}
