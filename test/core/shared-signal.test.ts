// A signal shared by work running side by side (doctor's checks, the engine's parallel steps) takes
// more than Node's default of 10 listeners without the leak warning reaching the terminal.
// The first and last tests make Node print MaxListenersExceededWarning on purpose (the control and
// the bound); those two lines in a test log come from here.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deadlineSignal } from '../../src/core/deadline-signal.js';
import { SHARED_SIGNAL_LISTENERS, sharedSignal } from '../../src/core/shared-signal.js';

/** The MaxListenersExceededWarning texts Node emits while `work` runs (warnings arrive on a later tick). */
async function leakWarnings(work: () => void): Promise<string[]> {
  const seen: string[] = [];
  const onWarning = (w: Error) => {
    if (w.name === 'MaxListenersExceededWarning') seen.push(w.message);
  };
  process.on('warning', onWarning);
  try {
    work();
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setTimeout(r, 10));
  } finally {
    process.off('warning', onWarning);
  }
  return seen;
}

const listen = (signal: AbortSignal, n: number) => {
  for (let i = 0; i < n; i++) signal.addEventListener('abort', () => undefined);
};

test('GIVEN a plain signal WHEN 11 pieces of work listen THEN Node warns (the check below can see the warning)', async () => {
  const warnings = await leakWarnings(() => listen(new AbortController().signal, 11));
  assert.equal(warnings.length, 1);
});

test('GIVEN a command signal and a doctor deadline WHEN 50 checks listen side by side THEN no leak warning', async () => {
  const command = sharedSignal(new AbortController().signal);
  const deadline = deadlineSignal(command, 60_000, 'doctor deadline');
  try {
    const warnings = await leakWarnings(() => {
      listen(command, 50);
      listen(deadline.signal, 50);
    });
    assert.deepEqual(warnings, []);
  } finally {
    deadline.clear();
  }
});

test('GIVEN a shared signal WHEN more listeners than the bound pile up THEN Node still warns, so a real leak shows', async () => {
  const signal = sharedSignal(new AbortController().signal);
  const warnings = await leakWarnings(() => listen(signal, SHARED_SIGNAL_LISTENERS + 1));
  assert.equal(warnings.length, 1);
});
