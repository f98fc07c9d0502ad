// The per-cluster lock for mutating runs: a second run waits for the first; a lock whose holder
// died is broken; a live holder makes a run give up after its wait with a typed error.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { RecordingIoHost } from '../../src/core/io.js';
import { LockBusyError, lockPath, withRunLock } from '../../src/stack/run-lock.js';

const base = { cluster: 'c1.example.com', region: 'eu-west-1', command: 'test', pollMs: 20 };

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'solokube-lock-'));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A PID that certainly ran and has ended. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
  await new Promise((r) => child.on('exit', r));
  return child.pid!;
}

describe('run lock', () => {
  test('GIVEN one run holds the lock WHEN a second starts THEN it runs only after the first finished', () =>
    withDir(async (dir) => {
      const io = new RecordingIoHost();
      const order: string[] = [];
      const signal = AbortSignal.timeout(10_000);
      const one = withRunLock({ ...base, dir, io, signal }, async () => {
        order.push('one start');
        await new Promise((r) => setTimeout(r, 300));
        order.push('one end');
      });
      await new Promise((r) => setTimeout(r, 50));
      const two = withRunLock({ ...base, dir, io, signal, progressEveryMs: 50 }, async () => {
        order.push('two');
      });
      await Promise.all([one, two]);
      assert.deepEqual(order, ['one start', 'one end', 'two']);
      assert.ok(
        io.messages('info').some((m) => /waiting for `solokube test`/.test(m)),
        'the waiting run said why it waits',
      );
    }));

  test('GIVEN a lock left by a process that died WHEN a run starts THEN it breaks the stale lock and runs', () =>
    withDir(async (dir) => {
      const path = lockPath({ ...base, dir });
      await writeFile(
        path,
        JSON.stringify({ pid: await deadPid(), host: hostname(), command: 'up', startedAt: new Date().toISOString() }),
      );
      const io = new RecordingIoHost();
      let ran = false;
      await withRunLock({ ...base, dir, io, signal: AbortSignal.timeout(5_000), waitMs: 1_000 }, async () => {
        ran = true;
      });
      assert.ok(ran);
      assert.ok(io.messages('info').some((m) => /stale lock/.test(m)));
    }));

  test('GIVEN a live process holds the lock WHEN a run waits past its limit THEN it fails with lock.busy naming the holder', () =>
    withDir(async (dir) => {
      const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 20000)'], { stdio: 'ignore' });
      try {
        await writeFile(
          lockPath({ ...base, dir }),
          JSON.stringify({ pid: holder.pid, host: hostname(), command: 'up', startedAt: new Date().toISOString() }),
        );
        const err = await withRunLock(
          { ...base, dir, io: new RecordingIoHost(), signal: AbortSignal.timeout(5_000), waitMs: 300 },
          async () => assert.fail('ran while locked'),
        ).then(
          () => undefined,
          (e: unknown) => e,
        );
        assert.ok(err instanceof LockBusyError);
        assert.equal(err.code, 'lock.busy');
        assert.match(err.message, new RegExp(`pid ${holder.pid}`));
        assert.ok(err.remedy);
      } finally {
        holder.kill();
      }
    }));

  test('GIVEN two AWS targets (two emulators) WHEN their locks are named THEN they differ, so unrelated runs never wait on each other', () => {
    assert.notEqual(
      lockPath({ ...base, dir: '/x', endpoint: 'http://127.0.0.1:1' }),
      lockPath({ ...base, dir: '/x', endpoint: 'http://127.0.0.1:2' }),
    );
  });
});
