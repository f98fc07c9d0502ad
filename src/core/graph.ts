// Dependency order for resources: validated up front so a typo in dependsOn is a clear error, not
// a hang.

import { SolokubeError } from './errors.js';
import type { Resource } from './resource.js';

/** Resources in an order where every one comes after all it depends on. Throws on unknown ids or cycles. */
export function dependencyOrder(resources: readonly Resource[]): Resource[] {
  const byId = new Map<string, Resource>();
  for (const r of resources) {
    if (byId.has(r.id)) throw graphError(`two resources share the id "${r.id}"`);
    byId.set(r.id, r);
  }
  for (const r of resources) {
    for (const dep of r.dependsOn ?? []) {
      if (!byId.has(dep)) throw graphError(`"${r.id}" depends on "${dep}", which is not part of this run`);
    }
  }
  const ordered: Resource[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (r: Resource, path: string[]): void => {
    const s = state.get(r.id);
    if (s === 'done') return;
    if (s === 'visiting') throw graphError(`dependency cycle: ${[...path, r.id].join(' → ')}`);
    state.set(r.id, 'visiting');
    for (const dep of r.dependsOn ?? []) visit(byId.get(dep)!, [...path, r.id]);
    state.set(r.id, 'done');
    ordered.push(r);
  };
  for (const r of resources) visit(r, []);
  return ordered;
}

function graphError(message: string): SolokubeError {
  return new SolokubeError({ code: 'engine.graph', message, remedy: 'This is a bug in solokube; please report it.' });
}
