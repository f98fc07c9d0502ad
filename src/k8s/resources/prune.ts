// Objects solokube made earlier and no longer wants: found by solokube's labels (managed-by and
// this cluster config's name), one list per kind, and deleted — each only if it is still the very
// object that was listed (uid precondition). Objects without both labels are never touched.

import type { Resource } from '../../core/resource.js';
import { collectionPath, objectPath, resourceInfo } from '../discovery.js';
import { clusterLabelValue } from '../target.js';
import type { KubeTarget } from '../target.js';
import { CLUSTER_LABEL, MANAGED_BY_LABEL, MANAGED_BY_VALUE } from '../types.js';
import type { KubeList, KubeObject } from '../types.js';
import { deleteExactly, kubeObjectId } from './kube-object.js';
import { assertNamespaceOnlyOurs } from '../namespace-guard.js';

export const PRUNE_ID = 'k8s/prune';

export interface PruneKind {
  apiVersion: string;
  kind: string;
}

export interface PruneState {
  /** Ids of solokube's objects that are no longer wanted. */
  unwanted: string[];
}

export function kubePrune(
  target: KubeTarget,
  kinds: readonly PruneKind[],
  wantedIds: readonly string[],
  opts: { dependsOn?: readonly string[]; id?: string; title?: string; selector?: string } = {},
): Resource<PruneState> {
  const wanted = new Set(wantedIds);
  const found = new Map<string, { obj: KubeObject; kind: PruneKind }>();
  // opts.selector narrows the prune to one part of solokube (the ingress), so that objects another
  // part made with the same labels (apps deploy's Deployments and Services) are never its to remove.
  const selector = [
    `${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE}`,
    `${CLUSTER_LABEL}=${clusterLabelValue(target.cluster)}`,
    ...(opts.selector ? [opts.selector] : []),
  ].join(',');

  return {
    id: opts.id ?? PRUNE_ID,
    title: opts.title ?? 'objects solokube made and no longer wants',
    dependsOn: opts.dependsOn ?? [],
    async find(ctx) {
      found.clear();
      for (const kind of kinds) {
        const info = await resourceInfo(target.client, kind.apiVersion, kind.kind, ctx.signal);
        const list = await target.client.request<KubeList>({
          method: 'GET',
          path: collectionPath(info),
          query: { labelSelector: selector },
          signal: ctx.signal,
        });
        for (const item of list.items) {
          const obj = { ...item, apiVersion: kind.apiVersion, kind: kind.kind }; // lists omit them per item
          const id = kubeObjectId(obj);
          if (!wanted.has(id) && !obj.metadata.deletionTimestamp) found.set(id, { obj, kind });
        }
      }
      return { unwanted: [...found.keys()].sort() };
    },
    desired: () => ({ unwanted: [] }),
    diff: (actual) =>
      actual && actual.unwanted.length > 0 ? [{ field: 'unwanted', from: actual.unwanted, to: [] }] : [],
    async apply(ctx, actual) {
      // Namespaces go last: deleting one removes everything in it, so its own objects go first.
      const ids = [...(actual?.unwanted ?? [])].sort(
        (a, b) => Number(a.startsWith('k8s/namespace/')) - Number(b.startsWith('k8s/namespace/')),
      );
      for (const id of ids) {
        const entry = found.get(id);
        if (!entry) continue;
        if (entry.kind.kind === 'Namespace')
          await assertNamespaceOnlyOurs(target.client, entry.obj.metadata.name ?? '', ctx.signal);
        const info = await resourceInfo(target.client, entry.kind.apiVersion, entry.kind.kind, ctx.signal);
        await deleteExactly(
          target,
          objectPath(info, entry.obj.metadata.name ?? '', entry.obj.metadata.namespace),
          entry.obj,
          ctx.signal,
        );
      }
      return { unwanted: [] };
    },
    async delete() {},
    retain: () => true,
  };
}
