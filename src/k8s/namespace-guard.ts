// Deleting a namespace deletes everything in it. solokube removes a namespace it made only when
// nothing in it belongs to someone else: objects not labelled as solokube's (pods made by
// controllers, the CA bundle and service-account tokens Kubernetes puts there itself excepted).

import type { KubeClient } from './client.js';
import { KubeError } from './errors.js';
import { MANAGED_BY_LABEL, MANAGED_BY_VALUE } from './types.js';
import type { KubeList, KubeObject } from './types.js';

const KINDS: readonly { path: string; kind: string }[] = [
  { path: '/apis/apps/v1', kind: 'deployments' },
  { path: '/apis/apps/v1', kind: 'statefulsets' },
  { path: '/apis/apps/v1', kind: 'daemonsets' },
  { path: '/api/v1', kind: 'services' },
  { path: '/api/v1', kind: 'configmaps' },
  { path: '/api/v1', kind: 'secrets' },
  { path: '/api/v1', kind: 'persistentvolumeclaims' },
  { path: '/api/v1', kind: 'pods' },
  { path: '/apis/networking.k8s.io/v1', kind: 'ingresses' },
];

/** Made by Kubernetes itself in every namespace, or owned by a controller: not a person's object. */
function isKubernetesOwn(kind: string, obj: KubeObject): boolean {
  if (kind === 'configmaps' && obj.metadata.name === 'kube-root-ca.crt') return true;
  if (kind === 'secrets' && (obj as { type?: string }).type === 'kubernetes.io/service-account-token') return true;
  if (kind === 'pods' && (obj.metadata.ownerReferences ?? []).length > 0) return true;
  return false;
}

export async function foreignObjectsIn(client: KubeClient, namespace: string, signal: AbortSignal): Promise<string[]> {
  const found: string[] = [];
  for (const { path, kind } of KINDS) {
    const list = await client.request<KubeList>({
      method: 'GET',
      path: `${path}/namespaces/${encodeURIComponent(namespace)}/${kind}`,
      query: { labelSelector: `${MANAGED_BY_LABEL}!=${MANAGED_BY_VALUE}` },
      signal,
    });
    for (const item of list.items) if (!isKubernetesOwn(kind, item)) found.push(`${kind}/${item.metadata.name}`);
  }
  return found;
}

export async function assertNamespaceOnlyOurs(
  client: KubeClient,
  namespace: string,
  signal: AbortSignal,
): Promise<void> {
  const foreign = await foreignObjectsIn(client, namespace, signal);
  if (foreign.length === 0) return;
  const shown = foreign.slice(0, 5).join(', ') + (foreign.length > 5 ? `, and ${foreign.length - 5} more` : '');
  throw new KubeError(
    'k8s.namespace-not-ours',
    `namespace ${namespace} holds objects solokube did not make (${shown}); deleting it would delete them too, so solokube leaves it`,
    `Move or delete those objects, or delete the namespace yourself (kubectl delete namespace ${namespace}).`,
    { namespace, foreign },
  );
}
