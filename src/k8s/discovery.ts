// Where an object lives in the API: its kind's plural resource name and whether it is namespaced,
// read from the API server's discovery document once per group/version and remembered for the
// client's lifetime (CRDs work the same way as built-in kinds).

import type { KubeClient } from './client.js';
import { KubeNotFoundError } from './errors.js';
import { builtinResource } from './builtin-kinds.js';

export interface ResourceInfo {
  apiVersion: string;
  kind: string;
  plural: string;
  namespaced: boolean;
}

interface ApiResourceList {
  resources: { name: string; kind: string; namespaced: boolean }[];
}

const cache = new WeakMap<KubeClient, Map<string, Promise<ApiResourceList>>>();

export function groupVersionPath(apiVersion: string): string {
  return apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
}

export async function resourceInfo(
  client: KubeClient,
  apiVersion: string,
  kind: string,
  signal?: AbortSignal,
): Promise<ResourceInfo> {
  const builtin = builtinResource(apiVersion, kind);
  if (builtin) return builtin;
  let perClient = cache.get(client);
  if (!perClient) cache.set(client, (perClient = new Map()));
  let list = perClient.get(apiVersion);
  if (!list) {
    list = client.request<ApiResourceList>({
      method: 'GET',
      path: groupVersionPath(apiVersion),
      ...(signal ? { signal } : {}),
    });
    perClient.set(apiVersion, list);
    list.catch(() => perClient!.delete(apiVersion)); // a failed read is retried next time
  }
  const found = (await list).resources.find((r) => r.kind === kind && !r.name.includes('/'));
  if (!found)
    throw new KubeNotFoundError(client.server, `the API has no kind ${kind} in ${apiVersion}`, { apiVersion, kind });
  return { apiVersion, kind, plural: found.name, namespaced: found.namespaced };
}

/** The collection path (for list and create) in a namespace, or cluster-wide. */
export function collectionPath(info: ResourceInfo, namespace?: string): string {
  const ns = info.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  return `${groupVersionPath(info.apiVersion)}${ns}/${info.plural}`;
}

export function objectPath(info: ResourceInfo, name: string, namespace?: string): string {
  if (info.namespaced && !namespace) throw new Error(`${info.kind} ${name} needs a namespace`);
  return `${collectionPath(info, namespace)}/${encodeURIComponent(name)}`;
}
