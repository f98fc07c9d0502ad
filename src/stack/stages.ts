// A run in stages, for `up` on a fresh account: the cluster must exist before the network part can
// even be read (its resources discover the control-plane instance kops launches). Planning both at
// once would show a plan that cannot be true, so while an earlier stage still has changes, the later
// stages are not planned: the plan names them as "then" and they are planned, shown and applied right
// after the earlier stage was applied, under the same confirmation. When every earlier stage is
// converged, all stages are planned together and the run is one plan, one question, as before.

import { applyConverge, applyDestroy } from '../core/executor.js';
import type { ApplyReport } from '../core/executor.js';
import { info } from '../core/io.js';
import type { IoHost } from '../core/io.js';
import type { Plan, PlanResult } from '../core/plan.js';
import { hasChanges } from '../core/plan.js';
import { renderPlan } from '../core/plan-render.js';
import { combinePlans, decide, planPhases } from '../core/run.js';
import type { ConfirmOptions, Phase, RunResult } from '../core/run.js';

export interface Stage {
  /** What the stage is, for the plan's "then" line (e.g. "the network part: secondary IP, …"). */
  title: string;
  /** Its phases, built when the stage is planned (after the earlier stages were applied, if they had changes). */
  phases(): Phase[] | Promise<Phase[]>;
}

export interface StagedPlan {
  plan: Plan;
  /** Titles of the stages left unplanned because an earlier stage has changes. */
  then: string[];
}

interface Planned {
  phase: Phase;
  result: PlanResult;
}

async function planUntilChanges(
  stages: readonly Stage[],
  io: IoHost,
  signal: AbortSignal,
): Promise<{ planned: Planned[]; rest: Stage[] }> {
  const planned: Planned[] = [];
  const unchanged = new Set<string>();
  for (let i = 0; i < stages.length; i++) {
    const phases = await stages[i]!.phases();
    // A stage that comes back to resources this pass already found unchanged has nothing to add.
    if (planned.length > 0 && phases.every((p) => p.resources.every((r) => unchanged.has(r.id)))) continue;
    const now = await planPhases(phases, io, signal);
    for (const p of now) for (const st of p.result.plan.steps) if (st.action === 'unchanged') unchanged.add(st.id);
    planned.push(...now);
    const later = stages.slice(i + 1);
    if (later.length > 0 && now.some((p) => hasChanges(p.result.plan))) return { planned, rest: later };
  }
  return { planned, rest: [] };
}

/** The text shown under a plan whose later stages wait for the earlier ones. */
export function renderThen(then: readonly string[]): string {
  if (then.length === 0) return '';
  return `${then.map((t) => `then: ${t} — planned and applied once the steps above are done\n`).join('')}`;
}

/** What a staged run would do now (plan and status): the plan up to the first stage with changes. */
export async function planStages(stages: readonly Stage[], io: IoHost, signal: AbortSignal): Promise<StagedPlan> {
  const { planned, rest } = await planUntilChanges(stages, io, signal);
  return { plan: combinePlans(planned.map((p) => p.result.plan)), then: rest.map((s) => s.title) };
}

export interface StagedRunOptions extends ConfirmOptions {
  io: IoHost;
  signal: AbortSignal;
  showPlan?: (plan: Plan, text: string) => void;
}

async function applyPlanned(planned: readonly Planned[], io: IoHost, signal: AbortSignal): Promise<ApplyReport[]> {
  const reports: ApplyReport[] = [];
  for (const p of planned) {
    reports.push(
      p.phase.mode === 'converge'
        ? await applyConverge(p.phase.resources, p.result, { io, signal })
        : await applyDestroy(p.phase.resources, p.result, { io, signal }),
    );
  }
  return reports;
}

/**
 * Plan (as far as can be honest), show, decide once, apply; then plan, show and apply each later
 * stage in turn. The result's plan covers every stage that was planned; `then` is empty after an
 * applied run.
 */
export async function runStages(
  stages: readonly Stage[],
  opts: StagedRunOptions,
): Promise<RunResult & { then: string[] }> {
  const { io, signal } = opts;
  const first = await planUntilChanges(stages, io, signal);
  const plan = combinePlans(first.planned.map((p) => p.result.plan));
  const then = first.rest.map((s) => s.title);
  opts.showPlan?.(plan, renderPlan(plan) + renderThen(then));
  const decision = await decide(io, plan, opts);
  if (decision !== 'apply') {
    if (decision === 'nothing-to-do') info(io, 'no changes needed');
    return { plan, decision, then, states: new Map(first.planned.flatMap((p) => [...p.result.evidence.actual])) };
  }
  const reports = await applyPlanned(first.planned, io, signal);
  const plans = [plan];
  let rest = first.rest;
  while (rest.length > 0) {
    // The confirmation above covered these stages ("then: …"); their plan is shown as they start.
    const next = await planUntilChanges(rest, io, signal);
    const nextPlan = combinePlans(next.planned.map((p) => p.result.plan));
    if (hasChanges(nextPlan))
      opts.showPlan?.(nextPlan, renderPlan(nextPlan) + renderThen(next.rest.map((s) => s.title)));
    reports.push(...(await applyPlanned(next.planned, io, signal)));
    plans.push(nextPlan);
    rest = next.rest;
  }
  const report: ApplyReport = {
    steps: reports.flatMap((r) => r.steps),
    states: new Map(reports.flatMap((r) => [...r.states])),
  };
  return { plan: combinePlans(plans), decision, report, then: [], states: report.states };
}
