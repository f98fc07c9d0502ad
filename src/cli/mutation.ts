// The one way a mutating command runs its plan from the CLI: the plan is shown before a question
// (stderr), except with --dry-run, where the plan is the command's result (stdout, or the one JSON
// document) and looks the same in every command.

import { renderPlan } from '../core/plan-render.js';
import type { Plan, PlanMode } from '../core/plan.js';
import { planAndApplyPhases } from '../core/run.js';
import type { Phase } from '../core/run.js';
import type { RunResult } from '../core/run.js';
import type { Resource } from '../core/resource.js';
import type { CommandContext, MutationFlags } from './context.js';
import type { CommandResult } from './output.js';

export interface MutationRun extends MutationFlags {
  mode: PlanMode;
  question?: string;
  typeToConfirm?: string;
}

export function runMutation(ctx: CommandContext, resources: readonly Resource[], run: MutationRun): Promise<RunResult> {
  return runPhases(ctx, [{ mode: run.mode, resources }], run);
}

/** The same for a run of several phases (e.g. `up` removing the secondary path and converging the cluster part). */
export function runPhases(
  ctx: CommandContext,
  phases: readonly Phase[],
  run: Omit<MutationRun, 'mode'>,
): Promise<RunResult> {
  const dryRun = run.dryRun ?? false;
  return planAndApplyPhases(phases, {
    io: ctx.io,
    signal: ctx.signal,
    yes: run.yes ?? false,
    dryRun,
    ...(run.question ? { question: run.question } : {}),
    ...(run.typeToConfirm ? { typeToConfirm: run.typeToConfirm } : {}),
    ...(dryRun ? {} : { showPlan: ctx.showPlan }),
  });
}

/** What every command returns for --dry-run. */
export function dryRunResult(plan: Plan): CommandResult {
  return { data: { decision: 'dry-run', plan }, text: `${renderPlan(plan)}dry run: nothing was changed` };
}
