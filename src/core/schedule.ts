// Run one async job per resource, each as soon as the resources it waits for are done, so that
// independent work (two AWS reads, a node step beside a DNS change) overlaps. After the first
// failure no new job starts; jobs already running finish, then the first error is thrown.

import type { Resource } from './resource.js';
import { dependencyOrder } from './graph.js';

export type Direction = 'forward' | 'reverse';

export async function runInDependencyOrder(
  resources: readonly Resource[],
  direction: Direction,
  job: (r: Resource) => Promise<void>,
): Promise<void> {
  const ordered = dependencyOrder(resources);
  const waitsFor = new Map<string, string[]>();
  for (const r of ordered) waitsFor.set(r.id, []);
  for (const r of ordered) {
    for (const dep of r.dependsOn ?? []) {
      // forward: r waits for its dependencies; reverse: a dependency waits for its dependents.
      if (direction === 'forward') waitsFor.get(r.id)!.push(dep);
      else waitsFor.get(dep)!.push(r.id);
    }
  }
  const done = new Map<string, Promise<void>>();
  let failed = false;
  let firstError: unknown;
  const start = (r: Resource): Promise<void> => {
    const existing = done.get(r.id);
    if (existing) return existing;
    const p = (async () => {
      await Promise.all(waitsFor.get(r.id)!.map((id) => start(ordered.find((x) => x.id === id)!)));
      if (failed) return;
      try {
        await job(r);
      } catch (err) {
        if (!failed) {
          failed = true;
          firstError = err;
        }
      }
    })();
    done.set(r.id, p);
    return p;
  };
  await Promise.all(ordered.map(start));
  if (failed) throw firstError;
}
