// repeatEvery: the loop behind the sandbox's kubelet stand-in and gateway follower.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { repeatEvery } from '../../../src/sandbox/lab/repeat.js';
import { sleep } from '../../../src/core/sleep.js';

test('GIVEN rounds that fail the same way, then succeed, then fail again WHEN repeated THEN each new failure is logged once and stop ends the rounds', async () => {
  const outcomes = ['down', 'down', 'down', 'ok', 'down', 'other'];
  let rounds = 0;
  const logs: string[] = [];
  const loop = repeatEvery(
    5,
    async () => {
      const o = outcomes[rounds++];
      if (o !== undefined && o !== 'ok') throw new Error(o);
    },
    (m) => logs.push(m),
    { prefix: 'test', startNow: true },
  );
  for (let i = 0; i < 200 && rounds < outcomes.length; i++) await sleep(5);
  loop.stop();
  const after = rounds;
  await sleep(50);
  assert.ok(after >= outcomes.length, `rounds ran: ${after}`);
  assert.equal(rounds, after, 'no round after stop');
  assert.deepEqual(logs, ['test: down', 'test: down', 'test: other']);
});

test('GIVEN startNow unset WHEN started THEN the first round waits one interval', async () => {
  let rounds = 0;
  const loop = repeatEvery(
    10_000,
    async () => {
      rounds++;
    },
    () => undefined,
    { prefix: 'test' },
  );
  await sleep(30);
  loop.stop();
  assert.equal(rounds, 0);
});
