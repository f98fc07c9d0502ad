// The one flow every mutating command follows: plan, show the plan, decide (dry-run, --yes, ask on
// a TTY, refuse without one), then apply. Commands call this; they never apply directly.

import { NotConfirmedError } from './errors.js';
import type { IoHost } from './io.js';
import { info } from './io.js';
import { applyConverge, applyDestroy } from './executor.js';
import type { ApplyReport } from './executor.js';
import { hasChanges, planConverge, planDestroy } from './plan.js';
import type { Plan, PlanMode, PlanResult } from './plan.js';
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
    if (typed?.trim() !== opts.typeToConfirm)
      throw new NotConfirmedError(
        'Cancelled: the text typed did not match; nothing was changed.',
        `Type exactly ${opts.typeToConfirm}, or pass --yes.`,
      );
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

/** A group of resources planned and applied one way; a run may hold several, in order. */
export interface Phase {
  mode: PlanMode;
  resources: readonly Resource[];
}

export async function planAndApply(resources: readonly Resource[], opts: RunOptions): Promise<RunResult> {
  return planAndApplyPhases([{ mode: opts.mode, resources }], opts);
}

/**
 * Plan every phase first (reads only), show one plan, decide once, then apply the phases in order.
 * `up` with the secondary path turned off removes that path (destroy) and still converges the
 * cluster part (converge): one plan, one question, one result.
 */
export async function planAndApplyPhases(phases: readonly Phase[], opts: Omit<RunOptions, 'mode'>): Promise<RunResult> {
  const planned = await planPhases(phases, opts.io, opts.signal);
  const plan = combinePlans(planned.map((p) => p.result.plan));
  opts.showPlan?.(plan, renderPlan(plan));
  const decision = await decide(opts.io, plan, opts);
  if (decision !== 'apply') {
    if (decision === 'nothing-to-do') info(opts.io, 'no changes needed');
    return { plan, decision, states: new Map(planned.flatMap((p) => [...p.result.evidence.actual])) };
  }
  const applyOpts = { io: opts.io, signal: opts.signal };
  const reports: ApplyReport[] = [];
  for (const p of planned) {
    reports.push(
      p.phase.mode === 'converge'
        ? await applyConverge(p.phase.resources, p.result, applyOpts)
        : await applyDestroy(p.phase.resources, p.result, applyOpts),
    );
  }
  const report: ApplyReport = {
    steps: reports.flatMap((r) => r.steps),
    states: new Map(reports.flatMap((r) => [...r.states])),
  };
  return { plan, decision, report, states: report.states };
}

/** Plans of several phases, read side by side phase after phase. */
export async function planPhases(
  phases: readonly Phase[],
  io: IoHost,
  signal: AbortSignal,
): Promise<{ phase: Phase; result: PlanResult }[]> {
  const out: { phase: Phase; result: PlanResult }[] = [];
  for (const phase of phases) {
    const result =
      phase.mode === 'converge'
        ? await planConverge(phase.resources, io, signal)
        : await planDestroy(phase.resources, io, signal);
    out.push({ phase, result });
  }
  return out;
}

/** One plan from several: steps in phase order; its mode is the single phase's, else converge. */
export function combinePlans(plans: readonly Plan[]): Plan {
  if (plans.length === 1 && plans[0]) return plans[0];
  return {
    mode: plans.every((p) => p.mode === 'destroy') ? 'destroy' : 'converge',
    steps: plans.flatMap((p) => p.steps),
  };
}
