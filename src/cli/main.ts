// The entry point: parse flags, run one command, print its result or its error, return the exit
// code. This is the only place that prints errors.

import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { asSolokubeError, UsageError } from '../core/errors.js';
import type { ExitCode } from '../core/errors.js';
import { CliIoHost } from './io-host.js';
import { Output } from './output.js';
import type { CommandAction, CommandContext, CommandRegistry, GlobalOptions } from './context.js';
import { globalsFrom } from './context.js';
import { registerCommands } from './commands/index.js';
import { VERSION } from './version.js';

const EXIT_CODES_HELP = `
Exit codes:
  0  success (also: nothing to change, or --dry-run)
  1  failure: the error says what happened and what to do
  2  usage or configuration error: nothing was contacted or changed

Results go to stdout (one JSON document with --output json); progress, warnings and
errors go to stderr, one timestamped line each.`;

export interface MainIo {
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WriteStream;
  stdin?: NodeJS.ReadStream;
}

export async function main(argv: string[], mainIo: MainIo = {}): Promise<ExitCode> {
  let exitCode: ExitCode = 0;
  const program = buildProgram(mainIo, (code) => { exitCode = code; });
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version print and exit 0; any parse problem is a usage error (2).
      return err.exitCode === 0 || err.code === 'commander.helpDisplayed' || err.code === 'commander.version' ? 0 : 2;
    }
    throw err;
  }
  return exitCode;
}

function buildProgram(mainIo: MainIo, setExit: (code: ExitCode) => void): Command {
  const program = new Command('solokube')
    .description('A single-node kops Kubernetes cluster on AWS whose apps answer on 80 and 443 beside the API server, without a load balancer.')
    .version(VERSION, '--version', 'print the version')
    .option('-c, --config <file>', 'configuration file', 'solokube.yaml')
    .option('--profile <name>', 'AWS profile (overrides the file and AWS_PROFILE)')
    .option('--region <region>', 'AWS region (overrides the file and AWS_REGION)')
    .addOption(new Option('-o, --output <format>', 'result format on stdout').choices(['text', 'json']).default('text'))
    .option('--debug', 'log details and error causes', false)
    .addOption(new Option('--log-timestamps <style>', 'timestamps on stderr lines').choices(['full', 'short', 'none']).default('short'))
    .addOption(new Option('--timeout <seconds>', 'give up on the whole command after this long').argParser(parsePositiveInt).default(900))
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .addHelpText('after', EXIT_CODES_HELP);
  if (mainIo.stdout || mainIo.stderr) {
    program.configureOutput({
      writeOut: (s) => (mainIo.stdout ?? process.stdout).write(s),
      writeErr: (s) => (mainIo.stderr ?? process.stderr).write(s),
    });
  }

  const registry: CommandRegistry = {
    program,
    action<O>(name: string, fn: CommandAction<O>) {
      return async (...args: unknown[]) => {
        const cmd = args[args.length - 1] as Command;
        const opts = cmd.opts() as O;
        const positional = args.slice(0, -2).filter((a): a is string => typeof a === 'string');
        setExit(await runCommand(name, globalsFrom(cmd), (ctx) => fn(ctx, opts, positional), mainIo));
      };
    },
  };
  registerCommands(registry);
  // Every subcommand inherits the exit override and the exit-code help.
  for (const sub of program.commands) applyToTree(sub, (c) => c.exitOverride().showHelpAfterError('(run with --help for usage)').addHelpText('after', EXIT_CODES_HELP));
  return program;
}

function applyToTree(cmd: Command, fn: (c: Command) => void): void {
  fn(cmd);
  for (const sub of cmd.commands) applyToTree(sub, fn);
}

async function runCommand(
  name: string,
  globals: GlobalOptions,
  body: (ctx: CommandContext) => Promise<import('./output.js').CommandResult>,
  mainIo: MainIo,
): Promise<ExitCode> {
  const io = new CliIoHost({ debug: globals.debug, timestamps: globals.logTimestamps, ...(mainIo.stderr ? { stderr: mainIo.stderr } : {}), ...(mainIo.stdin ? { stdin: mainIo.stdin } : {}) });
  const output = new Output(globals.output, mainIo.stdout);
  const controller = new AbortController();
  const onSigint = (): void => controller.abort(new UsageError('interrupted'));
  process.once('SIGINT', onSigint);
  const deadline = setTimeout(() => controller.abort(new Error(`the command did not finish within ${globals.timeout}s (--timeout)`)), globals.timeout * 1000);
  deadline.unref();
  const ctx: CommandContext = {
    io,
    output,
    globals,
    signal: controller.signal,
    // yaml and zod load with the configuration: --help and version never pay for them.
    loadConfig: async (overrides = {}) => (await import('../config/load.js')).loadConfigFile(globals.config, { region: globals.region, profile: globals.profile, ...overrides }),
    showPlan: (_plan, text) => {
      if (globals.output === 'text') io.block(text);
    },
  };
  try {
    output.result(name, await body(ctx));
    return 0;
  } catch (err) {
    const e = asSolokubeError(err);
    io.emit({ level: 'error', message: `${e.message} [${e.code}]`, time: new Date() });
    if (e.remedy) io.emit({ level: 'error', message: `remedy: ${e.remedy}`, time: new Date() });
    if (globals.debug) for (const line of causeChain(e)) io.emit({ level: 'debug', message: line, time: new Date() });
    output.failure(name, { code: e.code, message: e.message, remedy: e.remedy, ...(e.details ? { details: e.details } : {}) });
    return e.exitCode === 0 ? 1 : e.exitCode;
  } finally {
    clearTimeout(deadline);
    process.removeListener('SIGINT', onSigint);
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

function parsePositiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('must be a whole number of seconds');
  return n;
}

