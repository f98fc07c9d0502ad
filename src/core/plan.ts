// A Plan is a value: for every resource, what would change and how, computed before anything is
// touched. Rendering is separate (plan-render.ts).

import type { Change, Resource, ResourceContext } from './resource.js';
import { dependencyOrder } from './graph.js';
import { runInDependencyOrder } from './schedule.js';
import type { IoHost } from './io.js';
import { isUnknown } from './unknown.js';
import { stepEnded, stepStarted } from './progress.js';

export type Action = 'create' | 'update' | 'delete' | 'unchanged';
export type PlanMode = 'converge' | 'destroy';

export interface PlannedStep {
  id: string;
  title: string;
  action: Action;
  changes: Change[];
  readOnly: boolean;
}

export interface Plan {
  mode: PlanMode;
  steps: PlannedStep[];
}

/** What the engine learned while planning, kept so applying right after can skip a second read. */
export interface PlanEvidence {
  actual: Map<string, unknown>;
}

export interface PlanResult {
  plan: Plan;
  evidence: PlanEvidence;
}

export function countActions(plan: Plan): Record<Action, number> {
  const counts: Record<Action, number> = { create: 0, update: 0, delete: 0, unchanged: 0 };
  for (const s of plan.steps) counts[s.action]++;
  return counts;
}

export function hasChanges(plan: Plan): boolean {
  return plan.steps.some((s) => s.action !== 'unchanged');
}

/**
 * Plan bringing every resource to its desired state. Reads only; independent resources are read
 * side by side (each as soon as what it depends on is planned), steps are listed in dependency order.
 */
export async function planConverge(
  resources: readonly Resource[],
  io: IoHost,
  signal: AbortSignal,
): Promise<PlanResult> {
  const planned = new Map<string, unknown>();
  const actualById = new Map<string, unknown>();
  const stepById = new Map<string, PlannedStep>();
  await runInDependencyOrder(resources, 'forward', async (r) => {
    stepStarted(io, r, 'reading');
    const ctx = planningContext(r, planned, io, signal);
    const actual = await r.find(ctx);
    actualById.set(r.id, actual);
    const desired = await r.desired(ctx);
    const changes = r.readOnly ? [] : r.diff(actual, desired);
    // A resource whose desired state is "absent" diffs to no changes while absent: unchanged, not a
    // create (the executor already skips it, since it acts only on changes).
    const action: Action =
      r.readOnly || changes.length === 0 ? 'unchanged' : actual === undefined ? 'create' : 'update';
    stepById.set(r.id, { id: r.id, title: r.title, action, changes, readOnly: r.readOnly ?? false });
    planned.set(r.id, action === 'unchanged' ? actual : mergeKnown(actual, desired));
    stepEnded(io, r, 'planned');
  });
  const steps = dependencyOrder(resources).map((r) => stepById.get(r.id)!);
  return { plan: { mode: 'converge', steps }, evidence: { actual: actualById } };
}

/** Plan removing every resource that exists, dependents first. Reads only, side by side where independent. */
export async function planDestroy(
  resources: readonly Resource[],
  io: IoHost,
  signal: AbortSignal,
): Promise<PlanResult> {
  const found = new Map<string, unknown>();
  const stepById = new Map<string, PlannedStep>();
  await runInDependencyOrder(resources, 'forward', async (r) => {
    stepStarted(io, r, 'reading');
    const ctx = planningContext(r, found, io, signal);
    const actual = await r.find(ctx);
    found.set(r.id, actual);
    stepEnded(io, r, 'planned');
    if (r.readOnly) {
      stepById.set(r.id, { id: r.id, title: r.title, action: 'unchanged', changes: [], readOnly: true });
      return;
    }
    const kept = actual === undefined || (r.retain?.(actual) ?? false);
    const action: Action = kept ? 'unchanged' : 'delete';
    const changes = kept ? [] : deletionChanges(actual);
    stepById.set(r.id, { id: r.id, title: r.title, action, changes, readOnly: false });
  });
  const steps = dependencyOrder(resources)
    .map((r) => stepById.get(r.id)!)
    .reverse();
  return { plan: { mode: 'destroy', steps }, evidence: { actual: found } };
}

function planningContext(r: Resource, planned: Map<string, unknown>, io: IoHost, signal: AbortSignal): ResourceContext {
  return {
    io,
    signal,
    planning: true,
    dependency<T>(id: string): T {
      if (!(r.dependsOn ?? []).includes(id)) throw new Error(`${r.id} read ${id} without declaring it in dependsOn`);
      return planned.get(id) as T;
    },
  };
}

/** Desired values, except where desired is Unknown and actual already knows the value. */
function mergeKnown(actual: unknown, desired: unknown): unknown {
  if (
    actual === undefined ||
    typeof desired !== 'object' ||
    desired === null ||
    typeof actual !== 'object' ||
    actual === null
  )
    return desired;
  const merged: Record<string, unknown> = { ...(actual as Record<string, unknown>) };
  for (const [k, v] of Object.entries(desired)) {
    if (!(isUnknown(v) && (actual as Record<string, unknown>)[k] !== undefined)) merged[k] = v;
  }
  return merged;
}

function deletionChanges(actual: unknown): Change[] {
  if (typeof actual !== 'object' || actual === null) return [{ field: 'value', from: actual, to: undefined }];
  return Object.entries(actual)
    .filter(([, v]) => v !== undefined)
    .map(([field, from]) => ({ field, from, to: undefined }));
}
