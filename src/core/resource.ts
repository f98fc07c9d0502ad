// The resource model, after kops' task engine: everything solokube owns is a Resource that can be
// found, compared, made so, and removed. Resources never branch on dry-run; the engine decides
// whether apply() is called at all.

import type { IoHost } from './io.js';
import { Unknown } from './unknown.js';

/** One field that differs between actual and desired state. */
export interface Change {
  field: string;
  from: unknown;
  to: unknown;
}

export interface ResourceContext {
  readonly io: IoHost;
  /** Aborted when the command's overall deadline passes or the user interrupts. */
  readonly signal: AbortSignal;
  /**
   * The state of a resource this one depends on (it must be listed in dependsOn). While planning it
   * is the dependency's planned state, whose not-yet-known fields are Unknown values; while
   * applying it is the dependency's real state after it was applied.
   */
  dependency<T>(id: string): T;
  /** True while planning, false while applying. For rendering only: resources must not branch on it. */
  readonly planning: boolean;
}

export interface Resource<S = unknown> {
  /** Stable id, "<layer>/<what>", e.g. "aws/elastic-ip". */
  readonly id: string;
  /** What a person calls it, e.g. "Elastic IP for apps of c1.example.com". */
  readonly title: string;
  readonly dependsOn?: readonly string[];
  /** How long apply may keep retrying NotReadyError before failing (default 60 s). */
  readonly deadlineMs?: number;
  /**
   * Read-only resources (discovery) are found, never created or deleted; the engine fails with
   * the error their find() throws when they are absent.
   */
  readonly readOnly?: boolean;

  /**
   * What this resource will be, from the configuration alone: no call, no dependency, no node.
   * `plan --offline` prints it, so the offline view is the resources' own and cannot drift.
   */
  describe?(): Record<string, unknown>;

  /** What the state should be. May read dependencies through ctx.dependency. */
  desired(ctx: ResourceContext): Promise<S> | S;
  /** The actual state, or undefined when absent. Read-only: never changes anything. */
  find(ctx: ResourceContext): Promise<S | undefined>;
  /** Field changes from actual to desired; actual undefined means create (list every field). Pure. */
  diff(actual: S | undefined, desired: S): Change[];
  /** Make it so; returns the resulting state (or undefined to have the engine find() it again). */
  apply(ctx: ResourceContext, actual: S | undefined, desired: S, changes: readonly Change[]): Promise<S | void>;
  /** Remove what solokube made, proven by tags or markers. */
  delete(ctx: ResourceContext, actual: S): Promise<void>;
  /**
   * True when the object exists and dependents need its state, but it is not solokube's to remove
   * (an Elastic IP the user named): destroy plans show it unchanged and never call delete().
   */
  retain?(actual: S): boolean;
}

/** Compare two plain values deeply; Unknown never equals anything, so it shows as a change. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a instanceof Unknown || b instanceof Unknown) return false;
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/**
 * The common diff: compare the listed fields of desired against actual. With actual undefined every
 * field is a change from undefined. Most resources need nothing more.
 */
export function diffFields<S extends object>(
  actual: S | undefined,
  desired: S,
  fields: readonly (keyof S & string)[],
): Change[] {
  const changes: Change[] = [];
  for (const field of fields) {
    const from = actual?.[field];
    const to = desired[field];
    if (actual === undefined || !sameValue(from, to)) changes.push({ field, from, to });
  }
  return changes;
}
