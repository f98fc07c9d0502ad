// The kops runner's own behaviour: a missing or too old kops is a clear error naming what to
// install; a failing kops is explained; progress lines carry the elapsed time and never a secret;
// validate's concatenated JSON is parsed. Where a failing or old kops is needed, a two-line shell
// script stands in for it (a test double: it only prints what kops prints in those cases, per
// kops-notes §7.1 and kops' `version` output).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RecordingIoHost } from '../../src/core/io.js';
import { SolokubeError } from '../../src/core/errors.js';
import { KopsRunner } from '../../src/kops/runner.js';
import { parseValidation } from '../../src/kops/validation.js';

function fakeKops(body: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'fake-kops-'));
  const path = join(dir, 'kops');
  writeFileSync(
    path,
    `#!/bin/sh\nif [ "$1" = version ]; then echo "Client version: \${FAKE_VERSION:-1.36.2}"; exit 0; fi\n${body}\n`,
  );
  chmodSync(path, 0o755);
  return path;
}

const signal = () => AbortSignal.timeout(20_000);

async function failure(p: Promise<unknown>): Promise<SolokubeError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof SolokubeError) return e;
    throw e;
  }
  throw new Error('expected a failure');
}

/**
 * A kops stand-in that starts a process of its own (its pid written to a file) which, left alone,
 * runs 20 s, writes "finished" and exits, then waits for it: the case where ending kops alone
 * leaves that process running and holding kops' output pipes, so the step waits for it.
 */
function kopsThatStartsAProcess(): { binary: string; leftover: () => number | undefined; ranToEnd: () => boolean } {
  const dir = mkdtempSync(join(tmpdir(), 'fake-kops-child-'));
  const pidFile = join(dir, 'pid');
  const endFile = join(dir, 'end');
  const binary = fakeKops(`(sleep 20; echo finished > '${endFile}') &\necho $! > '${pidFile}'\nwait`);
  return {
    binary,
    leftover: () => {
      try {
        const pid = Number(readFileSync(pidFile, 'utf8').trim());
        return pid > 0 ? pid : undefined;
      } catch {
        return undefined;
      }
    },
    ranToEnd: () => existsSync(endFile),
  };
}

/** The process has exited (absent, or a zombie waiting for its new parent to reap it), within 5 s. */
async function gone(pid: number | undefined): Promise<boolean> {
  assert.ok(pid, 'the stand-in wrote the pid of the process it started');
  return waitFor(() => {
    try {
      return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.startsWith('Z') ?? true;
    } catch {
      return true;
    }
  });
}

async function waitFor(done: () => boolean, boundMs = 5_000): Promise<boolean> {
  const end = Date.now() + boundMs;
  while (!done()) {
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
  return true;
}

describe('kops runner', () => {
  test('GIVEN no kops binary WHEN a step runs THEN kops.missing names what to install and the minimum version', async () => {
    const kops = new KopsRunner({ binary: '/nonexistent/kops', stateStore: 's3://b', io: new RecordingIoHost() });
    const err = await failure(kops.run('get cluster', ['get', 'cluster'], { deadlineMs: 5_000, signal: signal() }));
    assert.equal(err.code, 'kops.missing');
    assert.match(err.remedy ?? '', /1\.36\.0/);
    assert.match(err.remedy ?? '', /go install k8s\.io\/kops\/cmd\/kops@v/);
  });

  test('GIVEN kops 1.34.3 WHEN a step runs THEN kops.too-old, before the step itself', async () => {
    const kops = new KopsRunner({
      binary: fakeKops('echo ran >&2; exit 0'),
      stateStore: 's3://b',
      io: new RecordingIoHost(),
      env: { FAKE_VERSION: '1.34.3' },
    });
    assert.equal(
      (await failure(kops.run('get cluster', ['get'], { deadlineMs: 5_000, signal: signal() }))).code,
      'kops.too-old',
    );
  });

  test(
    'GIVEN kops failing on the state store with secrets in its output WHEN the step runs THEN ' +
      'kops.state-store, progress lines with elapsed time, and no secret anywhere',
    async () => {
      const io = new RecordingIoHost();
      const bin = fakeKops(
        'echo "I1130 starting" >&2; echo "error reading s3://b/c1/config: NoSuchBucket (key AKIAABCDEFGHIJKLMNOP, secret topsecretvalue)" >&2; exit 1',
      );
      const kops = new KopsRunner({
        binary: bin,
        stateStore: 's3://b',
        io,
        env: { AWS_SECRET_ACCESS_KEY: 'topsecretvalue' },
      });
      const err = await failure(kops.run('get cluster', ['get'], { deadlineMs: 5_000, signal: signal() }));
      assert.equal(err.code, 'kops.state-store');
      const all = [err.message, ...io.events.map((e) => e.message)].join('\n');
      assert.doesNotMatch(all, /topsecretvalue|AKIAABCDEFGHIJKLMNOP/);
      assert.ok(
        io.events.some((e) => /^kops get cluster \[\d+(\.\d+)?\s?m?s\] I1130 starting$/.test(e.message)),
        io.events.map((e) => e.message).join('\n'),
      );
    },
  );

  test(
    'GIVEN kops that never finishes and has started a process of its own WHEN its deadline passes ' +
      'THEN kops.deadline says rerunning resumes and nothing kops started is left running',
    async () => {
      const { binary, leftover, ranToEnd } = kopsThatStartsAProcess();
      const kops = new KopsRunner({ binary, stateStore: 's3://b', io: new RecordingIoHost() });
      const err = await failure(kops.run('update cluster', ['update'], { deadlineMs: 500, signal: signal() }));
      assert.equal(err.code, 'kops.deadline');
      assert.ok(await gone(leftover()), 'the process kops started was ended with it');
      assert.equal(ranToEnd(), false, 'the step did not wait for what kops started to finish');
    },
  );

  test('GIVEN kops that has started a process of its own WHEN the run is interrupted THEN kops.aborted and nothing kops started is left running', async () => {
    const { binary, leftover, ranToEnd } = kopsThatStartsAProcess();
    const kops = new KopsRunner({ binary, stateStore: 's3://b', io: new RecordingIoHost() });
    const interrupt = new AbortController();
    const run = failure(kops.run('update cluster', ['update'], { deadlineMs: 20_000, signal: interrupt.signal }));
    await waitFor(() => leftover() !== undefined);
    interrupt.abort();
    const err = await run;
    assert.equal(err.code, 'kops.aborted');
    assert.ok(await gone(leftover()), 'the process kops started was ended with it');
    assert.equal(ranToEnd(), false, 'the step did not wait for what kops started to finish');
  });

  test('GIVEN validate --wait output of two attempts WHEN parsed THEN the last one is the verdict with its failures', () => {
    const out =
      '{"failures":[{"type":"dns","name":"apiserver",' +
      '"message":"placeholder"}]}{"failures":[{"type":"Node","name":"n1","message":"not ready ' +
      '\\"{x}\\""}],"nodes":[{"name":"n1","role":"control-plane","status":"False"}]}';
    const v = parseValidation(out)!;
    assert.deepEqual(v.failures, [{ type: 'Node', name: 'n1', message: 'not ready "{x}"' }]);
    assert.equal(v.nodes[0]!.role, 'control-plane');
    assert.equal(parseValidation(''), undefined);
  });
});
