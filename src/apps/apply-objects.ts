// Applying an app's objects through the engine: one KubeObject resource per manifest (server-side
// apply as `solokube`, the Deployment's rollout watched up to the deadline), planned first so a
// converged app plans zero changes and `--dry-run` shows the plan and stops.
import type { IoHost } from '../core/io.js';
import type { Plan } from '../core/plan.js';
import { planAndApply, type Decision } from '../core/run.js';
import { kubeObject } from '../k8s/resources/kube-object.js';
import type { KubeTarget } from '../k8s/target.js';
import type { KubeObject } from '../k8s/types.js';
import type { Resource } from '../core/resource.js';

/** How a mutating apps command runs: plan, show, ask or act (--yes), or stop (--dry-run). */
export interface MutationRun {
  dryRun: boolean;
  yes: boolean;
  io: IoHost;
  signal: AbortSignal;
  showPlan?: (plan: Plan, text: string) => void;
}

/** Only the MutationRun part of a command's options, to hand on. */
export function mutation(o: MutationRun): MutationRun {
  return { dryRun: o.dryRun, yes: o.yes, io: o.io, signal: o.signal, ...(o.showPlan ? { showPlan: o.showPlan } : {}) };
}

/** The engine's run options for a MutationRun. */
export function runOptions(o: MutationRun, mode: 'converge' | 'destroy') {
  return {
    io: o.io,
    signal: o.signal,
    mode,
    yes: o.yes,
    dryRun: o.dryRun,
    ...(o.showPlan ? { showPlan: o.showPlan } : {}),
  };
}

export interface ApplyAppOptions extends MutationRun {
  target: KubeTarget;
  manifests: readonly KubeObject[];
  /** How long the Deployment may take to become available (default 5 minutes). */
  deadlineMs?: number;
}

export function appObjectResources(
  target: KubeTarget,
  manifests: readonly KubeObject[],
  deadlineMs?: number,
): Resource[] {
  return manifests.map(
    (m) => kubeObject(target, m, m.kind === 'Deployment' && deadlineMs !== undefined ? { deadlineMs } : {}) as Resource,
  );
}

export async function applyAppObjects(o: ApplyAppOptions): Promise<{ plan: Plan; decision: Decision }> {
  const run = await planAndApply(appObjectResources(o.target, o.manifests, o.deadlineMs), runOptions(o, 'converge'));
  return { plan: run.plan, decision: run.decision };
}
