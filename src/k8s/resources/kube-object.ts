// One Kubernetes object solokube wants, as an engine Resource.
//   find   = GET the live object; when it may differ, a server-side apply with dryRun=All shows
//            what solokube's apply would make of it (defaults and other managers' fields included),
//            and the difference between the two is the plan. An object whose live values already
//            contain every value of the manifest and whose applied-manifest hash matches is
//            converged without the dry run: no field of ours can differ, so one GET suffices.
//   apply  = server-side apply with field manager "solokube" (forced only with --force-conflicts);
//            a Deployment is then watched until it has rolled out (one that has not is a pending
//            change on the next plan, so `up` waits for it again).
//   delete = only objects labelled app.kubernetes.io/managed-by=solokube; a namespace only while
//            nothing in it belongs to someone else.

import { createHash } from 'node:crypto';
import type { Change, Resource, ResourceContext } from '../../core/resource.js';
import { resourceInfo, objectPath } from '../discovery.js';
import { assertNamespaceOnlyOurs } from '../namespace-guard.js';
import { objectChanges, manifestChanges } from '../object-diff.js';
import { rolloutVerdict, waitForRollout } from '../rollout.js';
import { describeObject, serverSideApply } from '../server-side-apply.js';
import { clusterLabelValue } from '../target.js';
import type { KubeTarget } from '../target.js';
import { CLUSTER_LABEL, MANAGED_BY_LABEL, MANAGED_BY_VALUE, isManagedBySolokube } from '../types.js';
import type { DeploymentObject, KubeObject } from '../types.js';

/** How much longer the engine's step deadline is than the rollout wait's own. */
const STEP_DEADLINE_MARGIN_MS = 15_000;

export const APPLIED_HASH_ANNOTATION = 'solokube.io/applied-hash';
const DEFAULT_ROLLOUT_DEADLINE_MS = 5 * 60_000;

/** What the plan shows of an object; the live object and the pending changes travel hidden. */
export interface KubeObjectState {
  kind: string;
  name: string;
  namespace?: string;
  managedBy?: string;
}

interface Hidden {
  live?: KubeObject;
  pending: Change[];
}
const HIDDEN = Symbol('kube-object');

export interface KubeObjectOptions {
  dependsOn?: readonly string[];
  title?: string;
  /** For Deployments: wait for the rollout after applying (default true), within deadlineMs. */
  waitForRollout?: boolean;
  deadlineMs?: number;
}

export function kubeObjectId(obj: Pick<KubeObject, 'kind' | 'metadata'>): string {
  const ns = obj.metadata.namespace ? `${obj.metadata.namespace}/` : '';
  return `k8s/${obj.kind.toLowerCase()}/${ns}${obj.metadata.name}`;
}

/** The manifest as solokube applies it: labelled as ours, with the hash of what was asked. */
export function ownedManifest(manifest: KubeObject, cluster: string): KubeObject {
  const labels = {
    ...manifest.metadata.labels,
    [MANAGED_BY_LABEL]: MANAGED_BY_VALUE,
    [CLUSTER_LABEL]: clusterLabelValue(cluster),
  };
  const base: KubeObject = { ...manifest, metadata: { ...manifest.metadata, labels } };
  const hash = createHash('sha256').update(JSON.stringify(base)).digest('hex').slice(0, 16);
  return {
    ...base,
    metadata: { ...base.metadata, annotations: { ...manifest.metadata.annotations, [APPLIED_HASH_ANNOTATION]: hash } },
  };
}

export function kubeObject(
  target: KubeTarget,
  manifest: KubeObject,
  opts: KubeObjectOptions = {},
): Resource<KubeObjectState> {
  const wanted = ownedManifest(manifest, target.cluster);
  const { kind } = wanted;
  const name = wanted.metadata.name ?? '';
  const namespace = wanted.metadata.namespace;
  const what = describeObject(wanted);
  const waits = kind === 'Deployment' && opts.waitForRollout !== false;
  const deadlineMs = opts.deadlineMs ?? (waits ? DEFAULT_ROLLOUT_DEADLINE_MS : undefined);

  const stateOf = (live: KubeObject | undefined, pending: Change[]): KubeObjectState => {
    const s: KubeObjectState = {
      kind,
      name,
      ...(namespace ? { namespace } : {}),
      managedBy: live?.metadata.labels?.[MANAGED_BY_LABEL],
    };
    Object.defineProperty(s, HIDDEN, { value: { live, pending } satisfies Hidden, enumerable: false });
    return s;
  };
  const hidden = (s: KubeObjectState): Hidden => (s as unknown as Record<symbol, Hidden>)[HIDDEN] ?? { pending: [] };

  return {
    id: kubeObjectId(wanted),
    title: opts.title ?? what,
    dependsOn: opts.dependsOn ?? [],
    // The engine's step deadline (which bounds apply) leaves the rollout wait room to fail first,
    // with its own error naming the pods' reasons rather than a bare deadline.
    ...(deadlineMs !== undefined ? { deadlineMs: deadlineMs + STEP_DEADLINE_MARGIN_MS } : {}),

    desired: () => stateOf(undefined, []),

    async find(ctx: ResourceContext) {
      const info = await resourceInfo(target.client, wanted.apiVersion, kind, ctx.signal);
      const live = await target.client.getOrUndefined<KubeObject>(objectPath(info, name, namespace), ctx.signal);
      if (!live) return undefined;
      const pending = containsManifest(live, wanted)
        ? []
        : objectChanges(
            live,
            await serverSideApply(target.client, wanted, {
              dryRun: true,
              force: target.forceConflicts,
              signal: ctx.signal,
            }),
          );
      // A Deployment left unavailable by an earlier run is not converged: `up` waits for it again.
      // One whose newest spec the controller has not even seen is mid-change (someone else's
      // edit a moment ago), not a leftover of ours.
      const dep = live as DeploymentObject;
      const seen = (dep.status?.observedGeneration ?? 0) >= (dep.metadata.generation ?? 0);
      const verdict = waits && seen ? rolloutVerdict(dep) : undefined;
      if (verdict && verdict.state !== 'done') pending.push({ field: 'rollout', from: verdict.why, to: 'available' });
      return stateOf(live, pending);
    },

    diff(actual, _desired) {
      if (actual === undefined) return manifestChanges(wanted);
      return hidden(actual).pending;
    },

    async apply(ctx) {
      const applied = await serverSideApply(target.client, wanted, {
        force: target.forceConflicts,
        signal: ctx.signal,
      });
      if (waits && namespace) {
        const rolled = await waitForRollout(target.client, namespace, name, {
          deadlineMs: deadlineMs ?? DEFAULT_ROLLOUT_DEADLINE_MS,
          signal: ctx.signal,
        });
        return stateOf(rolled as KubeObject, []);
      }
      return stateOf(applied, []);
    },

    async delete(ctx, actual) {
      const live = hidden(actual).live;
      if (!isManagedBySolokube(live)) return;
      if (kind === 'Namespace') await assertNamespaceOnlyOurs(target.client, name, ctx.signal);
      const info = await resourceInfo(target.client, wanted.apiVersion, kind, ctx.signal);
      await deleteExactly(target, objectPath(info, name, namespace), live!, ctx.signal);
    },

    // An object of the same name that solokube did not label is the user's: never deleted.
    retain: (actual) => !isManagedBySolokube(hidden(actual).live),
  };
}

/** Delete the object only if it is still the one we read (same uid), in the background. */
export async function deleteExactly(
  target: KubeTarget,
  path: string,
  live: KubeObject,
  signal: AbortSignal,
): Promise<void> {
  try {
    await target.client.request({
      method: 'DELETE',
      path,
      signal,
      body: {
        kind: 'DeleteOptions',
        apiVersion: 'v1',
        propagationPolicy: 'Background',
        preconditions: { uid: live.metadata.uid },
      },
    });
  } catch (err) {
    if ((err as { code?: string }).code === 'k8s.not-found') return; // already gone
    throw err;
  }
}

/**
 * True when every value the manifest sets is already live (lists of objects element by element) and
 * the applied-manifest hash is the current one. Server-normalised values (e.g. "1000m" → "1")
 * simply fall through to the dry run.
 */
export function containsManifest(live: unknown, wanted: unknown): boolean {
  if (Array.isArray(wanted)) {
    return Array.isArray(live) && live.length === wanted.length && wanted.every((w, i) => containsManifest(live[i], w));
  }
  if (typeof wanted === 'object' && wanted !== null) {
    if (typeof live !== 'object' || live === null || Array.isArray(live)) return false;
    return Object.entries(wanted).every(
      ([k, v]) => v === undefined || containsManifest((live as Record<string, unknown>)[k], v),
    );
  }
  return live === wanted;
}

export type { DeploymentObject };
