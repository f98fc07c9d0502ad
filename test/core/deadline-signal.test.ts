// deadlineSignal: a deadline that fires even when nothing but the combined signal refers to it.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { deadlineSignal } from '../../src/core/deadline-signal.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const aborted = (s: AbortSignal, withinMs: number): Promise<boolean> =>
  new Promise((resolve) => {
    if (s.aborted) return resolve(true);
    const t = setTimeout(() => resolve(false), withinMs);
    s.addEventListener('abort', () => (clearTimeout(t), resolve(true)), { once: true });
  });

test('GIVEN a deadline and garbage collections while it runs THEN it fires with a TimeoutError', async () => {
  const d = deadlineSignal(new AbortController().signal, 100, 'doctor deadline');
  for (let i = 0; i < 5; i++) gc();
  assert.equal(await aborted(d.signal, 5_000), true);
  assert.equal((d.signal.reason as DOMException).name, 'TimeoutError');
  assert.equal((d.signal.reason as DOMException).message, 'doctor deadline');
});

test('GIVEN the parent aborts first THEN the deadline signal aborts with the parent reason', async () => {
  const parent = new AbortController();
  const d = deadlineSignal(parent.signal, 60_000);
  parent.abort(new Error('interrupted'));
  assert.equal(await aborted(d.signal, 1_000), true);
  assert.equal((d.signal.reason as Error).message, 'interrupted');
  d.clear();
});

test('GIVEN the work ended and clear() was called THEN the deadline never fires', async () => {
  const d = deadlineSignal(new AbortController().signal, 50);
  d.clear();
  assert.equal(await aborted(d.signal, 300), false);
});
