// Applying a plan: every resource in dependency order (independent ones side by side), each
// re-checked against the live system unless the plan's reading of it is still valid, retried on
// NotReadyError until its deadline.

import { DeadlineError, NotReadyError } from './errors.js';
import { info } from './io.js';
import type { IoHost } from './io.js';
import type { Action, PlanResult } from './plan.js';
import type { Resource, ResourceContext } from './resource.js';
import { runInDependencyOrder } from './schedule.js';
import { stepEnded, stepStarted } from './progress.js';
import { raceAbort, sleep } from './sleep.js';

export const DEFAULT_DEADLINE_MS = 60_000;

export interface AppliedStep {
  id: string;
  title: string;
  action: Action;
  durationMs: number;
}

export interface ApplyReport {
  steps: AppliedStep[];
  /** Every resource's state after the run (for converge: as applied; for destroy: as last found). */
  states: ReadonlyMap<string, unknown>;
}

export interface ApplyOptions {
  io: IoHost;
  signal: AbortSignal;
  /** First retry delay after NotReadyError; doubles up to retryMaxMs. */
  retryBaseMs?: number;
  retryMaxMs?: number;
}

/** Bring every resource to its desired state. */
export async function applyConverge(
  resources: readonly Resource[],
  planned: PlanResult,
  opts: ApplyOptions,
): Promise<ApplyReport> {
  const state = new Map<string, unknown>();
  const changed = new Set<string>();
  const steps: AppliedStep[] = [];
  await runInDependencyOrder(resources, 'forward', async (r) => {
    const started = Date.now();
    stepStarted(opts.io, r, 'applying');
    // The plan's reading is still the truth if nothing this resource depends on has changed since.
    let reuse = planned.evidence.actual.has(r.id) && !(r.dependsOn ?? []).some((d) => changed.has(d));
    const action = await withDeadline(r, opts, async (signal) => {
      const ctx = applyingContext(r, state, opts, signal);
      const actual = reuse ? (planned.evidence.actual.get(r.id) as unknown) : await r.find(ctx);
      reuse = false;
      const desired = await r.desired(ctx);
      const changes = r.readOnly ? [] : r.diff(actual, desired);
      if (changes.length === 0) {
        state.set(r.id, actual);
        return 'unchanged' as const;
      }
      const result = await r.apply(ctx, actual, desired, changes);
      state.set(r.id, result === undefined ? await r.find(ctx) : result);
      return actual === undefined ? ('create' as const) : ('update' as const);
    });
    if (action !== 'unchanged') changed.add(r.id);
    const durationMs = Date.now() - started;
    steps.push({ id: r.id, title: r.title, action, durationMs });
    stepEnded(opts.io, r, action, durationMs);
  });
  return { steps, states: state };
}

/** Remove every resource that exists, dependents before what they depend on. */
export async function applyDestroy(
  resources: readonly Resource[],
  planned: PlanResult,
  opts: ApplyOptions,
): Promise<ApplyReport> {
  const state = new Map<string, unknown>(planned.evidence.actual);
  const steps: AppliedStep[] = [];
  await runInDependencyOrder(resources, 'reverse', async (r) => {
    if (r.readOnly) return;
    const started = Date.now();
    stepStarted(opts.io, r, 'removing');
    let first = true;
    const action = await withDeadline(r, opts, async (signal) => {
      const ctx = applyingContext(r, state, opts, signal);
      const actual = first ? state.get(r.id) : await r.find(ctx);
      first = false;
      if (actual === undefined || r.retain?.(actual)) return 'unchanged' as const;
      await r.delete(ctx, actual);
      return 'delete' as const;
    });
    const durationMs = Date.now() - started;
    steps.push({ id: r.id, title: r.title, action, durationMs });
    stepEnded(opts.io, r, action, durationMs);
  });
  return { steps, states: state };
}

function applyingContext(
  r: Resource,
  state: Map<string, unknown>,
  opts: ApplyOptions,
  signal: AbortSignal,
): ResourceContext {
  return {
    io: opts.io,
    signal,
    planning: false,
    dependency<T>(id: string): T {
      if (!(r.dependsOn ?? []).includes(id)) throw new Error(`${r.id} read ${id} without declaring it in dependsOn`);
      return state.get(id) as T;
    },
  };
}

/**
 * Run attempt() until it stops throwing NotReadyError or the resource's deadline passes. The
 * deadline bounds the whole step, apply included: attempts get a signal that aborts at the deadline,
 * and one that ignores it is no longer waited for (the step fails with the last cause seen).
 */
async function withDeadline<T>(
  r: Resource,
  opts: ApplyOptions,
  attempt: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const deadlineMs = r.deadlineMs ?? DEFAULT_DEADLINE_MS;
  const giveUpAt = Date.now() + deadlineMs;
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(new DeadlineError(r.title, deadlineMs)), deadlineMs);
  const signal = AbortSignal.any([opts.signal, deadline.signal]);
  let delay = opts.retryBaseMs ?? 200;
  const maxDelay = opts.retryMaxMs ?? 5_000;
  let lastCause: unknown;
  const pastDeadline = (): DeadlineError => new DeadlineError(r.title, deadlineMs, lastCause);
  try {
    for (;;) {
      try {
        return await raceAbort(attempt(signal), signal);
      } catch (err) {
        // The command's own signal (Ctrl-C, --timeout) wins over the step's deadline.
        if (opts.signal.aborted) throw err;
        if (deadline.signal.aborted) throw pastDeadline();
        if (!(err instanceof NotReadyError)) throw err;
        lastCause = err;
        const left = giveUpAt - Date.now();
        if (left <= 0) throw pastDeadline();
        info(opts.io, `waiting for ${r.title}: ${err.message}`, { step: r.id });
        try {
          await sleep(Math.min(delay, left), signal);
        } catch (sleepErr) {
          if (opts.signal.aborted) throw sleepErr;
          throw pastDeadline();
        }
        delay = Math.min(delay * 2, maxDelay);
      }
    }
  } finally {
    clearTimeout(timer);
  }
}
