// Server-side apply with solokube's field manager. The API server merges by field ownership: fields
// other managers own stay as they are, and a field solokube sets that another manager changed is a
// conflict — reported here as a typed error naming each field and its manager, unless forced.

import type { KubeClient } from './client.js';
import { resourceInfo, objectPath } from './discovery.js';
import { KubeApiError, KubeFieldConflictError } from './errors.js';
import type { FieldConflict } from './errors.js';
import { FIELD_MANAGER } from './types.js';
import type { KubeObject, KubeStatus } from './types.js';

export interface ApplyOptions {
  dryRun?: boolean;
  force?: boolean;
  signal?: AbortSignal;
}

export function describeObject(obj: Pick<KubeObject, 'kind' | 'metadata'>): string {
  return `${obj.kind} ${obj.metadata.namespace ? `${obj.metadata.namespace}/` : ''}${obj.metadata.name}`;
}

export async function serverSideApply(
  client: KubeClient,
  manifest: KubeObject,
  opts: ApplyOptions = {},
): Promise<KubeObject> {
  const info = await resourceInfo(client, manifest.apiVersion, manifest.kind, opts.signal);
  const path = objectPath(info, manifest.metadata.name ?? '', manifest.metadata.namespace);
  try {
    return await client.request<KubeObject>({
      method: 'PATCH',
      path,
      contentType: 'application/apply-patch+yaml', // JSON is YAML; the server accepts either
      body: manifest,
      query: {
        fieldManager: FIELD_MANAGER,
        force: opts.force ? true : undefined,
        dryRun: opts.dryRun ? 'All' : undefined,
      },
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
  } catch (err) {
    const conflicts = fieldConflicts(err);
    if (conflicts.length > 0) throw new KubeFieldConflictError(describeObject(manifest), conflicts);
    throw err;
  }
}

/** The conflicts of a 409 answer to an apply, or [] for any other error. */
export function fieldConflicts(err: unknown): FieldConflict[] {
  if (!(err instanceof KubeApiError) || err.details?.httpStatus !== 409) return [];
  const causes = (err.details.status as KubeStatus['details'] | undefined)?.causes ?? [];
  return causes
    .filter((c) => c.reason === 'FieldManagerConflict')
    .map((c) => ({
      field: c.field ?? '(unknown field)',
      manager: /conflict with "([^"]+)"/.exec(c.message ?? '')?.[1] ?? '(unknown manager)',
    }));
}
