// Differences between two sets of kops documents as plan changes, one per changed leaf
// ("control-plane-eu-west-1a: spec.machineType: t3.medium → m6i.large"), so a plan says exactly
// what `replace -f` will change instead of "the specs differ".
import { createHash } from 'node:crypto';
import type { Change } from '../core/resource.js';
import type { ClusterSpecs, KopsDocument } from './spec.js';

const shortHash = (text: string): string => createHash('sha256').update(text).digest('hex').slice(0, 12);

/**
 * What a plan line shows for a value: a multi-line or long text (the reclaim's cloud-config, its IAM
 * statements) as its size and a hash, and user-data entries by name and type with their content's
 * hash, so the line says what changes without printing a script into the plan.
 */
function shown(path: string, value: unknown): unknown {
  if (path === 'additionalUserData' && Array.isArray(value))
    return value.map(
      (e: { name?: string; type?: string; content?: string }) =>
        `${e.name ?? '?'} (${e.type ?? '?'}, ${Buffer.byteLength(e.content ?? '')} bytes, sha256 ${shortHash(e.content ?? '')})`,
    );
  if (typeof value === 'string' && (value.includes('\n') || value.length > 120))
    return `${Buffer.byteLength(value)} bytes, sha256 ${shortHash(value)}`;
  return value;
}

function leaves(value: unknown, path: string, out: Map<string, unknown>): void {
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length > 0) {
    for (const [k, v] of Object.entries(value)) leaves(v, path === '' ? k : `${path}.${k}`, out);
  } else {
    out.set(path, value);
  }
}

/** JSON with object keys sorted: kops writes objects inside lists back in its own key order. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

function byName(specs: ClusterSpecs): Map<string, KopsDocument> {
  return new Map(
    [specs.cluster, ...specs.instanceGroups].map((d) => [
      `${d.kind === 'Cluster' ? 'cluster' : 'ig'} ${d.metadata.name}`,
      d,
    ]),
  );
}

export function specChanges(actual: ClusterSpecs, desired: ClusterSpecs): Change[] {
  const changes: Change[] = [];
  const a = byName(actual);
  const d = byName(desired);
  for (const key of new Set([...a.keys(), ...d.keys()])) {
    const from = new Map<string, unknown>();
    const to = new Map<string, unknown>();
    if (a.has(key)) leaves(a.get(key)!.spec, '', from);
    if (d.has(key)) leaves(d.get(key)!.spec, '', to);
    if (!a.has(key) || !d.has(key)) {
      changes.push({ field: key, from: a.has(key) ? 'present' : undefined, to: d.has(key) ? 'present' : undefined });
      continue;
    }
    for (const path of new Set([...from.keys(), ...to.keys()])) {
      if (canonical(from.get(path)) !== canonical(to.get(path)))
        changes.push({
          field: `${key}: spec.${path}`,
          from: shown(path, from.get(path)),
          to: shown(path, to.get(path)),
        });
    }
  }
  return changes;
}

/** One line for a plan's create step. */
export function specSummary(s: ClusterSpecs): string {
  const c = s.cluster.spec;
  const groups = s.instanceGroups.map(
    (g) =>
      `${g.metadata.name} ${String(g.spec['minSize'])}-${String(g.spec['maxSize'])}×${String(g.spec['machineType'])}`,
  );
  return (
    `Kubernetes ${String(c['kubernetesVersion'])}, ${Object.keys(c['networking'] as object).join('')}, ` +
    `API by DNS in ${String(c['dnsZone'])}; ${groups.join(', ')}`
  );
}
