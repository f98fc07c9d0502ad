// The idempotency proof every resource test uses: apply until converged, plan again, expect zero
// changes. Returns the second plan so callers can assert more.

import assert from 'node:assert/strict';
import { RecordingIoHost } from '../../src/core/io.js';
import type { IoHost } from '../../src/core/io.js';
import { planAndApply } from '../../src/core/run.js';
import { planConverge } from '../../src/core/plan.js';
import type { Plan } from '../../src/core/plan.js';
import type { Resource } from '../../src/core/resource.js';

export interface IdempotencyOptions {
  io?: IoHost;
  /** How many extra converge runs to do after the first (each must change nothing). Default 1. */
  reruns?: number;
  signal?: AbortSignal;
}

export async function assertIdempotent(resources: readonly Resource[], opts: IdempotencyOptions = {}): Promise<Plan> {
  const io = opts.io ?? new RecordingIoHost();
  const signal = opts.signal ?? AbortSignal.timeout(120_000);
  await planAndApply(resources, { io, signal, mode: 'converge', yes: true, dryRun: false });
  let last: Plan | undefined;
  for (let i = 0; i < (opts.reruns ?? 1); i++) {
    const { plan } = await planConverge(resources, io, signal);
    const pending = plan.steps.filter((s) => s.action !== 'unchanged');
    assert.deepEqual(
      pending.map((s) => ({ id: s.id, action: s.action, changes: s.changes })),
      [],
      `plan after apply should have no changes (run ${i + 1})`,
    );
    last = plan;
  }
  return last!;
}
