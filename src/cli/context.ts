// What every command receives: the IoHost, the output, the global flags, a signal that fires on
// Ctrl-C, SIGTERM or when the command's deadline passes (its reason is the typed error that ends
// the run; pass it to every library call that can wait), and config loading with flag overrides.

import type { Command } from 'commander';
import type { ConfigOverrides } from '../config/load.js';
import type { SolokubeConfig } from '../config/schema.js';
import type { Plan } from '../core/plan.js';
import type { CliIoHost, TimestampStyle } from './io-host.js';
import type { CommandResult, Output, OutputFormat } from './output.js';

export interface GlobalOptions {
  config: string;
  profile?: string;
  region?: string;
  output: OutputFormat;
  debug: boolean;
  logTimestamps: TimestampStyle;
  timeout: number;
}

export interface CommandContext {
  readonly io: CliIoHost;
  readonly output: Output;
  readonly globals: GlobalOptions;
  readonly signal: AbortSignal;
  loadConfig(overrides?: ConfigOverrides): Promise<SolokubeConfig>;
  /** Show a plan to the person before asking (stderr in text mode, nothing in JSON mode). */
  showPlan(plan: Plan, text: string): void;
}

export type CommandAction<O> = (ctx: CommandContext, opts: O, args: string[]) => Promise<CommandResult>;

/** How command modules attach themselves; `run` wraps an action with context, errors and output. */
export interface CommandRegistry {
  program: Command;
  action<O>(name: string, fn: CommandAction<O>, options?: ActionOptions): (...args: unknown[]) => Promise<void>;
}

export interface ActionOptions {
  /** false for commands that run until stopped (a foreground server): --timeout does not apply. */
  deadline?: boolean;
}

export function globalsFrom(cmd: Command): GlobalOptions {
  return cmd.optsWithGlobals() as GlobalOptions;
}

/** The settings flags give for the configuration: they win over the environment and the file. */
export function commandLineOverrides(globals: GlobalOptions): ConfigOverrides {
  return {
    ...(globals.region ? { region: globals.region } : {}),
    ...(globals.profile ? { profile: globals.profile } : {}),
  };
}

/** --dry-run and --yes, the same on every mutating command. */
export function withMutationOptions(cmd: Command): Command {
  return cmd
    .option('--dry-run', 'print the plan and stop; nothing is changed')
    .option('-y, --yes', 'apply without asking (required when there is no terminal)');
}

export interface MutationFlags {
  dryRun?: boolean;
  yes?: boolean;
}

/** --elastic-ip / --allocation-id: use an address the user names instead of allocating one. */
export function withEipOptions(cmd: Command): Command {
  return cmd
    .option('--elastic-ip <ipv4>', 'use this existing Elastic IP (by public address) instead of allocating one')
    .option('--allocation-id <id>', 'use this existing Elastic IP (by allocation id, eipalloc-…)');
}
