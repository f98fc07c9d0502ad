// Field-level differences between two versions of one Kubernetes object, as the engine's Changes
// ("spec.replicas: 1 → 3"). Bookkeeping the server keeps for itself (managed fields, resource
// version, generation, status) is not a change anyone asked for and is left out. Pure.

import type { Change } from '../core/resource.js';
import { sameValue } from '../core/resource.js';

const BOOKKEEPING = new Set([
  'metadata.managedFields',
  'metadata.resourceVersion',
  'metadata.generation',
  'metadata.uid',
  'metadata.creationTimestamp',
  'status',
]);

export function objectChanges(from: unknown, to: unknown): Change[] {
  const out: Change[] = [];
  walk(from, to, '', out);
  return out;
}

/** Every field of a manifest as a change from nothing (a create), identity fields left out. */
export function manifestChanges(manifest: Record<string, unknown>): Change[] {
  const { apiVersion: _a, kind: _k, ...rest } = manifest;
  const meta = { ...(rest.metadata as Record<string, unknown> | undefined) };
  delete meta.name;
  delete meta.namespace;
  return objectChanges(undefined, { ...rest, metadata: meta });
}

function walk(a: unknown, b: unknown, path: string, out: Change[]): void {
  if (BOOKKEEPING.has(path)) return;
  if (isPlainObject(a) || isPlainObject(b)) {
    if ((isPlainObject(a) && isPlainObject(b)) || a === undefined || b === undefined) {
      const ao = (a ?? {}) as Record<string, unknown>;
      const bo = (b ?? {}) as Record<string, unknown>;
      const keys = [...new Set([...Object.keys(ao), ...Object.keys(bo)])].sort();
      if (keys.length === 0 && !sameValue(a, b)) out.push({ field: path || '(object)', from: a, to: b });
      for (const k of keys) walk(ao[k], bo[k], path ? `${path}.${k}` : k, out);
      return;
    }
  }
  if (
    Array.isArray(a) &&
    Array.isArray(b) &&
    a.length === b.length &&
    a.every(isPlainObject) &&
    b.every(isPlainObject)
  ) {
    a.forEach((item, i) => walk(item, b[i], `${path}[${elementLabel(item, b[i], i)}]`, out));
    return;
  }
  if (!sameValue(a, b)) out.push({ field: path, from: a, to: b });
}

/** Lists of named things (containers, ports) read better by name than by index. */
function elementLabel(a: unknown, b: unknown, i: number): string {
  const name = (a as { name?: unknown }).name;
  return typeof name === 'string' && name === (b as { name?: unknown }).name ? name : String(i);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
