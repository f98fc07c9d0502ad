// The Kubernetes resources of a stack: namespaces first, every other object after its namespace
// (when solokube manages that namespace too), the control-plane taint, and the prune of objects
// solokube no longer wants.

import type { Resource } from '../../core/resource.js';
import type { KubeTarget } from '../target.js';
import type { KubeObject } from '../types.js';
import { controlPlaneTaint } from './control-plane-taint.js';
import { kubeObject, kubeObjectId } from './kube-object.js';
import type { KubeObjectOptions } from './kube-object.js';
import { kubePrune } from './prune.js';
import type { PruneKind } from './prune.js';

export interface KubeStackOptions {
  /** Remove the control-plane taint (default true). */
  untaint?: boolean;
  /** Kinds whose solokube-labelled objects are pruned when no longer wanted (default: the kinds applied). */
  pruneKinds?: readonly PruneKind[];
  objectOptions?: (manifest: KubeObject) => KubeObjectOptions;
  /** The prune's own id, title and extra label selector, when it covers one part of solokube only. */
  prune?: { id?: string; title?: string; selector?: string };
}

export function kubeResources(
  target: KubeTarget,
  manifests: readonly KubeObject[],
  opts: KubeStackOptions = {},
): Resource[] {
  const namespaces = new Set(manifests.filter((m) => m.kind === 'Namespace').map((m) => m.metadata.name));
  const objects = manifests.map((m) => {
    const ns = m.metadata.namespace;
    const dependsOn = ns && namespaces.has(ns) ? [`k8s/namespace/${ns}`] : [];
    return kubeObject(target, m, { dependsOn, ...opts.objectOptions?.(m) }) as Resource;
  });
  const kinds = opts.pruneKinds ?? uniqueKinds(manifests);
  const out: Resource[] = [...objects];
  if (opts.untaint !== false) out.push(controlPlaneTaint(target) as Resource);
  if (kinds.length > 0)
    out.push(
      kubePrune(target, kinds, manifests.map(kubeObjectId), {
        ...opts.prune,
        dependsOn: objects.map((o) => o.id),
      }) as Resource,
    );
  return out;
}

function uniqueKinds(manifests: readonly KubeObject[]): PruneKind[] {
  const seen = new Map<string, PruneKind>();
  for (const m of manifests) seen.set(`${m.apiVersion} ${m.kind}`, { apiVersion: m.apiVersion, kind: m.kind });
  return [...seen.values()];
}

export { kubeObject, kubeObjectId, controlPlaneTaint, kubePrune };
