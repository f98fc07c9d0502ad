// A resource over an in-memory store, for testing the engine itself. It is the "system" the engine
// acts on in these tests (a real store, not a mock of the engine), and it can be told to misbehave.

import { NotReadyError } from '../../src/core/errors.js';
import { diffFields } from '../../src/core/resource.js';
import type { Change, Resource, ResourceContext } from '../../src/core/resource.js';

export interface Item {
  value: string;
}

export class MemoryStore {
  readonly items = new Map<string, Item>();
  readonly log: string[] = [];
}

export interface MemoryResourceOptions {
  dependsOn?: string[];
  deadlineMs?: number;
  /** Throw NotReadyError this many times in apply before succeeding. */
  notReadyTimes?: number;
  /** Throw this error from apply. */
  failWith?: Error;
  /** Delay inside apply, to observe overlap. */
  applyDelayMs?: number;
  /** Desired value computed from a dependency's value. */
  deriveFrom?: string;
}

export function memoryResource(
  store: MemoryStore,
  id: string,
  value: string,
  opts: MemoryResourceOptions = {},
): Resource<Item> {
  let notReadyLeft = opts.notReadyTimes ?? 0;
  return {
    id,
    title: `item ${id}`,
    dependsOn: opts.dependsOn ?? [],
    ...(opts.deadlineMs !== undefined ? { deadlineMs: opts.deadlineMs } : {}),
    desired(ctx: ResourceContext): Item {
      if (opts.deriveFrom) {
        const dep = ctx.dependency<Item | undefined>(opts.deriveFrom);
        return { value: `${value}<-${String(dep?.value)}` };
      }
      return { value };
    },
    async find(): Promise<Item | undefined> {
      const item = store.items.get(id);
      return item ? { ...item } : undefined;
    },
    diff(actual: Item | undefined, desired: Item): Change[] {
      return diffFields(actual, desired, ['value']);
    },
    async apply(_ctx, _actual, desired): Promise<Item> {
      store.log.push(`start ${id}`);
      if (opts.applyDelayMs) await new Promise((r) => setTimeout(r, opts.applyDelayMs));
      if (notReadyLeft > 0) {
        notReadyLeft--;
        store.log.push(`not-ready ${id}`);
        throw new NotReadyError(`${id} is still warming up`);
      }
      if (opts.failWith) throw opts.failWith;
      store.items.set(id, { ...desired });
      store.log.push(`apply ${id}`);
      return { ...desired };
    },
    async delete(): Promise<void> {
      store.items.delete(id);
      store.log.push(`delete ${id}`);
    },
  };
}
