// An app's objects as the cluster has them, found by solokube's labels (managed-by, this cluster
// config, the app) in each kind an app has, so a delete also finds what an older configuration
// made (an http-only Ingress after tls was turned on, say). Objects without the labels are never
// listed, so never deleted.
import type { Resource } from '../core/resource.js';
import { collectionPath, objectPath, resourceInfo } from '../k8s/discovery.js';
import { deleteExactly } from '../k8s/resources/kube-object.js';
import { clusterLabelValue, type KubeTarget } from '../k8s/target.js';
import { CLUSTER_LABEL, MANAGED_BY_LABEL, MANAGED_BY_VALUE, type KubeList, type KubeObject } from '../k8s/types.js';
import { APP_LABEL } from './manifests.js';

export const APP_KINDS = [
  { apiVersion: 'apps/v1', kind: 'Deployment' },
  { apiVersion: 'v1', kind: 'Service' },
  { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress' },
] as const;

export function appSelector(target: KubeTarget, app?: string): string {
  return [
    `${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE}`,
    `${CLUSTER_LABEL}=${clusterLabelValue(target.cluster)}`,
    app === undefined ? APP_LABEL : `${APP_LABEL}=${app}`,
  ].join(',');
}

export async function findAppObjects(
  target: KubeTarget,
  namespace: string,
  kinds: readonly { apiVersion: string; kind: string }[],
  app: string | undefined,
  signal: AbortSignal,
): Promise<KubeObject[]> {
  const out: KubeObject[] = [];
  for (const k of kinds) {
    const info = await resourceInfo(target.client, k.apiVersion, k.kind, signal);
    const list = await target.client.request<KubeList>({
      method: 'GET',
      path: collectionPath(info, namespace),
      query: { labelSelector: appSelector(target, app) },
      signal,
    });
    for (const item of list.items)
      if (!item.metadata.deletionTimestamp) out.push({ ...item, apiVersion: k.apiVersion, kind: k.kind });
  }
  return out;
}

export interface AppObjectsState {
  app: string;
  objects: string[];
}

/** For `apps delete`: present while any labelled object of the app exists; delete removes each one. */
export function appObjects(target: KubeTarget, namespace: string, app: string): Resource<AppObjectsState> {
  let found: KubeObject[] = [];
  return {
    id: `k8s/app/${app}`,
    title: `the Kubernetes objects of app ${app}`,
    async find(ctx) {
      found = await findAppObjects(target, namespace, APP_KINDS, app, ctx.signal);
      return found.length === 0 ? undefined : { app, objects: found.map((o) => `${o.kind}/${o.metadata.name}`).sort() };
    },
    desired: () => ({ app, objects: [] }),
    diff: (actual) => (actual ? [{ field: 'objects', from: actual.objects, to: [] }] : []),
    apply: () => Promise.reject(new Error('app objects are only ever deleted here')),
    async delete(ctx) {
      for (const obj of found) {
        const info = await resourceInfo(target.client, obj.apiVersion, obj.kind, ctx.signal);
        await deleteExactly(target, objectPath(info, obj.metadata.name ?? '', namespace), obj, ctx.signal);
      }
    },
  };
}
