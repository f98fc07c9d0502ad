// The one flow every mutating command follows: plan, show the plan, decide (dry-run, --yes, ask on
// a TTY, refuse without one), then apply. Commands call this; they never apply directly.

import { NotConfirmedError } from './errors.js';
import type { IoHost } from './io.js';
import { info } from './io.js';
import { applyConverge, applyDestroy } from './executor.js';
import type { ApplyReport } from './executor.js';
import { hasChanges, planConverge, planDestroy } from './plan.js';
import type { Plan, PlanMode } from './plan.js';
import { renderPlan } from './plan-render.js';
import type { Resource } from './resource.js';

export interface ConfirmOptions {
  /** Act without asking. */
  yes: boolean;
  /** Show the plan and stop. */
  dryRun: boolean;
  /** The question asked on a TTY; defaults to "Apply these changes?". */
  question?: string;
  /**
   * A stronger confirmation for destructive runs: the user must type this text (e.g. the cluster
   * name). --yes still skips it.
   */
  typeToConfirm?: string;
}

export type Decision = 'apply' | 'dry-run' | 'nothing-to-do';

/** Decide whether to act on a plan. Throws NotConfirmedError when the answer is no (or cannot be asked). */
export async function decide(io: IoHost, plan: Plan, opts: ConfirmOptions): Promise<Decision> {
  if (!hasChanges(plan)) return 'nothing-to-do';
  if (opts.dryRun) return 'dry-run';
  if (opts.yes) return 'apply';
  if (!io.interactive) {
    throw new NotConfirmedError(
      'Refusing to change anything without confirmation, and there is no terminal to ask on.',
      'Rerun with --yes to apply the plan shown, or with --dry-run to only see it.',
    );
  }
  if (opts.typeToConfirm !== undefined) {
    const typed = await io.ask(`Type "${opts.typeToConfirm}" to confirm: `);
    if (typed?.trim() !== opts.typeToConfirm) throw new NotConfirmedError('Cancelled: the text typed did not match; nothing was changed.', `Type exactly ${opts.typeToConfirm}, or pass --yes.`);
    return 'apply';
  }
  const yes = await io.confirm(opts.question ?? 'Apply these changes?');
  if (!yes) throw new NotConfirmedError('Cancelled; nothing was changed.', 'Rerun and answer yes, or pass --yes.');
  return 'apply';
}

export interface RunResult {
  plan: Plan;
  decision: Decision;
  report?: ApplyReport;
  /** Each resource's state at the end: as applied, or as found when nothing was applied. */
  states: ReadonlyMap<string, unknown>;
}

export interface RunOptions extends ConfirmOptions {
  io: IoHost;
  signal: AbortSignal;
  mode: PlanMode;
  /** Called with the plan before deciding, so the host can show it. */
  showPlan?: (plan: Plan, text: string) => void;
}

export async function planAndApply(resources: readonly Resource[], opts: RunOptions): Promise<RunResult> {
  const planned = opts.mode === 'converge' ? await planConverge(resources, opts.io, opts.signal) : await planDestroy(resources, opts.io, opts.signal);
  opts.showPlan?.(planned.plan, renderPlan(planned.plan));
  const decision = await decide(opts.io, planned.plan, opts);
  if (decision !== 'apply') {
    if (decision === 'nothing-to-do') info(opts.io, 'no changes needed');
    return { plan: planned.plan, decision, states: planned.evidence.actual };
  }
  const applyOpts = { io: opts.io, signal: opts.signal };
  const report = opts.mode === 'converge' ? await applyConverge(resources, planned, applyOpts) : await applyDestroy(resources, planned, applyOpts);
  return { plan: planned.plan, decision, report, states: report.states };
}
