import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { RecordingIoHost } from '../../src/core/io.js';
import { DeadlineError, NotReadyError, SolokubeError } from '../../src/core/errors.js';
import { planAndApply } from '../../src/core/run.js';
import { planConverge, planDestroy } from '../../src/core/plan.js';
import { renderPlan } from '../../src/core/plan-render.js';
import { dependencyOrder } from '../../src/core/graph.js';
import { MemoryStore, memoryResource } from '../support/memory-resource.js';
import { assertIdempotent } from '../support/idempotency.js';
import type { Resource } from '../../src/core/resource.js';

const golden = (name: string): string =>
  readFileSync(new URL(`../../../test/core/golden/${name}`, import.meta.url), 'utf8');
const converge = (resources: Resource[], io = new RecordingIoHost()) =>
  planAndApply(resources, { io, signal: AbortSignal.timeout(10_000), mode: 'converge', yes: true, dryRun: false });

describe('engine: dependency order', () => {
  test('GIVEN b depends on a and c on b WHEN applied THEN a, b, c are applied in that order, whatever the list order', async () => {
    const store = new MemoryStore();
    const resources = [
      memoryResource(store, 'c', '3', { dependsOn: ['b'] }),
      memoryResource(store, 'b', '2', { dependsOn: ['a'] }),
      memoryResource(store, 'a', '1'),
    ];
    await converge(resources);
    assert.deepEqual(
      store.log.filter((l) => l.startsWith('apply')),
      ['apply a', 'apply b', 'apply c'],
    );
  });

  test('GIVEN two independent resources WHEN applied THEN they run side by side', async () => {
    const store = new MemoryStore();
    await converge([
      memoryResource(store, 'x', '1', { applyDelayMs: 50 }),
      memoryResource(store, 'y', '1', { applyDelayMs: 50 }),
    ]);
    // Both started before either finished.
    assert.deepEqual(store.log.slice(0, 2).sort(), ['start x', 'start y']);
  });

  test('GIVEN a dependency whose value is created WHEN the dependent is planned THEN it sees the planned value, and applies with the real one', async () => {
    const store = new MemoryStore();
    const resources = [
      memoryResource(store, 'base', 'v1'),
      memoryResource(store, 'derived', 'd', { dependsOn: ['base'], deriveFrom: 'base' }),
    ];
    const { plan } = await planConverge(resources, new RecordingIoHost(), AbortSignal.timeout(5000));
    assert.deepEqual(plan.steps.find((s) => s.id === 'derived')?.changes, [
      { field: 'value', from: undefined, to: 'd<-v1' },
    ]);
    await converge(resources);
    assert.equal(store.items.get('derived')?.value, 'd<-v1');
  });

  test('GIVEN a cycle or an unknown dependency THEN planning fails with a clear error before touching anything', () => {
    const store = new MemoryStore();
    assert.throws(
      () =>
        dependencyOrder([
          memoryResource(store, 'a', '1', { dependsOn: ['b'] }),
          memoryResource(store, 'b', '1', { dependsOn: ['a'] }),
        ]),
      /cycle: a → b → a|cycle: b → a → b/,
    );
    assert.throws(
      () => dependencyOrder([memoryResource(store, 'a', '1', { dependsOn: ['ghost'] })]),
      /"a" depends on "ghost"/,
    );
    assert.equal(store.log.length, 0);
  });
});

describe('engine: not-ready, deadlines and failures', () => {
  test('GIVEN a resource not ready twice WHEN applied THEN it is retried and succeeds', async () => {
    const store = new MemoryStore();
    const io = new RecordingIoHost();
    await converge([memoryResource(store, 'slow', 'ok', { notReadyTimes: 2 })], io);
    assert.equal(store.items.get('slow')?.value, 'ok');
    assert.equal(store.log.filter((l) => l === 'not-ready slow').length, 2);
    assert.ok(io.messages('info').some((m) => m.includes('waiting for item slow')));
  });

  test('GIVEN a resource never ready WHEN its deadline passes THEN it fails with DeadlineError carrying the last cause', async () => {
    const store = new MemoryStore();
    const started = Date.now();
    await assert.rejects(
      converge([memoryResource(store, 'never', 'x', { notReadyTimes: 1_000, deadlineMs: 700 })]),
      (err: unknown) => {
        assert.ok(err instanceof DeadlineError);
        assert.match(err.message, /never is still warming up/);
        assert.equal((err.cause as Error).message, 'never is still warming up');
        return true;
      },
    );
    assert.ok(Date.now() - started < 5_000, 'gives up near its deadline, not much later');
    assert.equal(store.items.has('never'), false);
  });

  test('GIVEN a resource that fails WHEN applied THEN the error surfaces and its dependents are not applied', async () => {
    const store = new MemoryStore();
    const boom = new SolokubeError({ code: 'test.boom', message: 'boom', remedy: 'none' });
    await assert.rejects(
      converge([
        memoryResource(store, 'a', '1', { failWith: boom }),
        memoryResource(store, 'b', '1', { dependsOn: ['a'] }),
      ]),
      (err: unknown) => err === boom,
    );
    assert.equal(store.items.has('b'), false);
  });
});

describe('engine: the deadline bounds apply too', () => {
  /** A resource whose apply takes applyMs (or forever), recording whether its signal was aborted. */
  const slowApply = (
    applyMs: number | 'forever',
    deadlineMs: number,
    seen: { aborted?: boolean; delete?: boolean },
  ): Resource<{ v: number }> => ({
    id: 'slow-apply',
    title: 'slow apply',
    deadlineMs,
    desired: () => ({ v: 1 }),
    find: async () => undefined,
    diff: (a, d) => (a === undefined ? [{ field: 'v', from: undefined, to: d.v }] : []),
    apply(ctx) {
      ctx.signal.addEventListener('abort', () => (seen.aborted = true), { once: true });
      // 'forever' ignores the signal on purpose: the engine must stop waiting anyway.
      return new Promise((resolve) => {
        if (applyMs !== 'forever') setTimeout(() => resolve({ v: 1 }), applyMs);
      });
    },
    async delete() {
      seen.delete = true;
    },
  });

  test('GIVEN an apply that never returns WHEN its deadline passes THEN the step fails with DeadlineError near the deadline', async () => {
    const seen: { aborted?: boolean } = {};
    const started = Date.now();
    await assert.rejects(converge([slowApply('forever', 400, seen)]), (err: unknown) => {
      assert.ok(err instanceof DeadlineError, String(err));
      assert.match(err.message, /slow apply did not finish within 400ms/);
      return true;
    });
    const took = Date.now() - started;
    assert.ok(took >= 350 && took < 3_000, `gave up after ${took} ms`);
    assert.equal(seen.aborted, true, 'apply was told through ctx.signal');
  });

  test('GIVEN not-ready answers and then a hanging apply WHEN the deadline passes THEN the error carries the last not-ready cause', async () => {
    let calls = 0;
    const r: Resource<{ v: number }> = {
      ...slowApply('forever', 600, {}),
      apply(ctx) {
        calls++;
        if (calls <= 2) return Promise.reject(new NotReadyError(`still converging (${calls})`));
        return new Promise((_resolve, reject) =>
          ctx.signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true }),
        );
      },
    };
    await assert.rejects(converge([r]), (err: unknown) => {
      assert.ok(err instanceof DeadlineError, String(err));
      assert.equal((err.cause as Error).message, 'still converging (2)');
      return true;
    });
  });

  test('GIVEN an apply that finishes inside its deadline THEN it succeeds and its signal was never aborted', async () => {
    const seen: { aborted?: boolean } = {};
    const result = await converge([slowApply(50, 2_000, seen)]);
    assert.equal(result.report?.steps[0]?.action, 'create');
    assert.equal(seen.aborted, undefined);
  });

  test('GIVEN the command is interrupted during apply THEN the interruption surfaces, not a deadline', async () => {
    const command = new AbortController();
    const interrupted = new Error('interrupted by the user');
    setTimeout(() => command.abort(interrupted), 100);
    await assert.rejects(
      planAndApply([slowApply('forever', 10_000, {})], {
        io: new RecordingIoHost(),
        signal: command.signal,
        mode: 'converge',
        yes: true,
        dryRun: false,
      }),
      (err: unknown) => err === interrupted,
    );
  });
});

describe('engine: plans and idempotency', () => {
  test('GIVEN converged resources WHEN planned again THEN zero changes (the idempotency helper)', async () => {
    const store = new MemoryStore();
    const plan = await assertIdempotent(
      [memoryResource(store, 'a', '1'), memoryResource(store, 'b', '2', { dependsOn: ['a'] })],
      { reruns: 2 },
    );
    assert.ok(plan.steps.every((s) => s.action === 'unchanged'));
  });

  test('GIVEN a resource that never converges WHEN the idempotency helper runs THEN it fails', async () => {
    const store = new MemoryStore();
    const r = memoryResource(store, 'flappy', '1');
    const flappy: Resource = { ...r, diff: () => [{ field: 'value', from: 'a', to: 'b' }] };
    await assert.rejects(assertIdempotent([flappy]), /plan after apply should have no changes/);
  });

  test('GIVEN one item to create, one to update, one unchanged THEN the rendered plan matches the golden file', async () => {
    const store = new MemoryStore();
    store.items.set('old', { value: 'before' });
    store.items.set('same', { value: 'same' });
    const resources = [
      memoryResource(store, 'new', 'fresh'),
      memoryResource(store, 'old', 'after'),
      memoryResource(store, 'same', 'same'),
    ];
    const { plan } = await planConverge(resources, new RecordingIoHost(), AbortSignal.timeout(5000));
    assert.equal(renderPlan(plan, { showUnchanged: true }), golden('plan-mixed.txt'));
  });

  test('GIVEN applied resources WHEN destroyed THEN dependents go first and a second destroy plans nothing', async () => {
    const store = new MemoryStore();
    const resources = [memoryResource(store, 'a', '1'), memoryResource(store, 'b', '2', { dependsOn: ['a'] })];
    await converge(resources);
    await planAndApply(resources, {
      io: new RecordingIoHost(),
      signal: AbortSignal.timeout(5000),
      mode: 'destroy',
      yes: true,
      dryRun: false,
    });
    assert.deepEqual(
      store.log.filter((l) => l.startsWith('delete')),
      ['delete b', 'delete a'],
    );
    const { plan } = await planDestroy(resources, new RecordingIoHost(), AbortSignal.timeout(5000));
    assert.ok(plan.steps.every((s) => s.action === 'unchanged'));
  });
});
