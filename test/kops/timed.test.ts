// The kops timing hook: every step and the preflight of the wrapped kops is reported as one debug
// event with its duration, also when the step fails, and the event's stderr line reads back to the
// same figures (what `npm run bench up` relies on). The wrapped kops is a small in-memory KopsCli
// that waits a given time: a test double, since only the wrapper's behaviour is under test.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { RecordingIoHost } from '../../src/core/io.js';
import type { KopsCli } from '../../src/kops/cli.js';
import type { KopsResult } from '../../src/kops/runner.js';
import { kopsWaitMessage, parseKopsWait, timedKops, type KopsWait } from '../../src/kops/timed.js';

const opts = { deadlineMs: 5_000, signal: AbortSignal.timeout(5_000) };

function slowKops(ms: number, fail = false): KopsCli & { seen: string[][] } {
  const seen: string[][] = [];
  return {
    seen,
    async run(_step, args): Promise<KopsResult> {
      seen.push(args);
      await sleep(ms);
      if (fail) throw new Error('kops exited 1');
      return { stdout: 'answer', stderr: '', exitCode: 0, ms };
    },
    async preflight() {
      await sleep(ms);
      return '1.36.2';
    },
  };
}

const waits = (io: RecordingIoHost): KopsWait[] =>
  io.events.filter((e) => e.data?.['timing'] === 'kops').map((e) => e.data as unknown as KopsWait);

describe('kops timing', () => {
  test(
    'GIVEN a kops step that takes 60 ms WHEN it runs through the timed kops THEN its answer is ' +
      'unchanged and one debug event says how long it took',
    async () => {
      const io = new RecordingIoHost();
      const inner = slowKops(60);
      const before = Date.now();
      const r = await timedKops(inner, io).run('update cluster', ['update', 'cluster'], opts);
      assert.equal(r.stdout, 'answer');
      assert.deepEqual(inner.seen, [['update', 'cluster']]);
      const [w, ...more] = waits(io);
      assert.equal(more.length, 0);
      assert.equal(w!.step, 'update cluster');
      assert.equal(w!.ok, true);
      assert.ok(w!.ms >= 55 && w!.ms < 2_000, `ms ${w!.ms}`);
      assert.ok(w!.startedAt >= before && w!.startedAt <= before + 50);
      assert.equal(io.events.find((e) => e.data?.['timing'] === 'kops')!.level, 'debug');
    },
  );

  test(
    'GIVEN a kops step that fails WHEN it runs through the timed kops THEN the failure passes ' +
      'through and the wait is still reported, marked failed',
    async () => {
      const io = new RecordingIoHost();
      await assert.rejects(timedKops(slowKops(20, true), io).run('validate', ['validate'], opts), /kops exited 1/);
      const [w] = waits(io);
      assert.equal(w!.step, 'validate');
      assert.equal(w!.ok, false);
      assert.ok(w!.ms >= 15);
    },
  );

  test('GIVEN a kops with a preflight WHEN the timed kops preflights THEN it answers as the kops does and the wait is reported as "preflight"', async () => {
    const io = new RecordingIoHost();
    assert.equal(await timedKops(slowKops(10), io).preflight!(opts.signal), '1.36.2');
    assert.deepEqual(
      waits(io).map((w) => w.step),
      ['preflight'],
    );
  });

  test('GIVEN a kops without a preflight WHEN it is timed THEN the timed kops has none either', () => {
    const bare: KopsCli = { run: async () => ({ stdout: '', stderr: '', exitCode: 0, ms: 0 }) };
    assert.equal(timedKops(bare, new RecordingIoHost()).preflight, undefined);
  });

  test(
    'GIVEN a timing event written as a CLI stderr line WHEN parsed THEN the same step, start, ' +
      'duration and outcome come back; other lines are not waits',
    () => {
      const w: KopsWait = {
        timing: 'kops',
        step: 'get cluster',
        startedAt: Date.parse('2026-11-30T14:20:01.250Z'),
        ms: 1234,
        ok: false,
      };
      const line = `2026-11-30T14:20:02.484Z debug ${kopsWaitMessage(w)}\n`;
      assert.deepEqual(parseKopsWait(line), w);
      assert.deepEqual(parseKopsWait(`debug ${kopsWaitMessage({ ...w, ok: true })}`), { ...w, ok: true });
      assert.equal(parseKopsWait('2026-11-30T14:20:02.484Z info  kops update cluster [1.2 s] I1130 done'), undefined);
      assert.equal(parseKopsWait('debug waited 5 ms on kops x (started not-a-date)'), undefined);
    },
  );
});
