// LocalShell: solokube on the node itself, spawning argv directly (no shell in between).
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SolokubeError } from '../../src/core/errors.js';
import { LocalShell } from '../../src/node/local-shell.js';
import { NodeCommandError, NodeCommandTimeoutError, withSignal } from '../../src/node/shell.js';
import { HOSTILE } from './support/hostile.js';

describe('LocalShell', () => {
  let dir: string;
  const shell = new LocalShell({ sudo: false });
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'skn-local-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('GIVEN hostile argv WHEN run THEN the program receives it unchanged', async () => {
    const r = await shell.run(['printf', '%s\\0', ...HOSTILE]);
    assert.deepEqual(r.stdout.split('\0').slice(0, -1), HOSTILE);
    assert.equal(existsSync('/tmp/skn-pwned'), false);
  });

  test('GIVEN input WHEN run THEN it reaches stdin', async () => {
    assert.equal((await shell.run(['cat'], { input: 'through stdin\n' })).stdout, 'through stdin\n');
  });

  test('GIVEN failing, missing or slow programs WHEN run THEN typed errors or results say so', async () => {
    await assert.rejects(
      shell.run(['sh', '-c', 'exit 3']),
      (e: unknown) => e instanceof NodeCommandError && e.details?.code === 3,
    );
    assert.equal((await shell.run(['sh', '-c', 'exit 3'], { allowFailure: true })).code, 3);
    assert.equal((await shell.run(['skn-no-such-program'], { allowFailure: true })).code, 127);
    await assert.rejects(shell.run(['skn-no-such-program']), NodeCommandError);
    await assert.rejects(shell.run(['sleep', '5'], { timeoutMs: 200 }), NodeCommandTimeoutError);
  });

  /** Whether a PID still runs (a zombie counts as gone: it no longer runs anything). */
  const running = (pid: number): boolean => {
    try {
      return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
    } catch {
      return false;
    }
  };
  const waitGone = async (pid: number, ms = 3_000): Promise<boolean> => {
    const end = Date.now() + ms;
    while (running(pid) && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    return !running(pid);
  };
  /** A command whose own child (sleep 300) would outlive a kill of just the command; writes both PIDs. */
  const lingering = (pidFile: string): string[] => ['sh', '-c', 'sleep 300 & echo "$$ $!" > "$1"; wait', 'sh', pidFile];
  const pidsIn = async (pidFile: string): Promise<number[]> => {
    for (let i = 0; i < 100 && !existsSync(pidFile); i++) await new Promise((r) => setTimeout(r, 20));
    return readFileSync(pidFile, 'utf8').trim().split(' ').map(Number);
  };

  test('GIVEN a command under sudo that started a child WHEN its timeout passes THEN the command and its child are gone', async () => {
    const pidFile = join(mkdtempSync(join(tmpdir(), 'skn-pids-')), 'sudo-timeout.pids');
    const sudoShell = new LocalShell({ sudo: true });
    await assert.rejects(sudoShell.run(lingering(pidFile), { timeoutMs: 700 }), NodeCommandTimeoutError);
    const [shPid, sleepPid] = await pidsIn(pidFile);
    assert.equal(await waitGone(shPid!), true, `the command ${shPid} was killed`);
    assert.equal(await waitGone(sleepPid!), true, `its child sleep ${sleepPid} was killed`);
  });

  test('GIVEN a running command WHEN its signal aborts THEN run rejects with the reason and the command and its child are gone', async () => {
    for (const sudo of [false, true]) {
      const pidFile = join(mkdtempSync(join(tmpdir(), 'skn-pids-')), `abort-${sudo}.pids`);
      const ctl = new AbortController();
      const reason = new Error('interrupted');
      const running$ = new LocalShell({ sudo }).run(lingering(pidFile), { signal: ctl.signal });
      const [shPid, sleepPid] = await pidsIn(pidFile);
      ctl.abort(reason);
      await assert.rejects(running$, (e: unknown) => e === reason);
      assert.equal(await waitGone(shPid!), true, `sudo=${sudo}: the command was killed`);
      assert.equal(await waitGone(sleepPid!), true, `sudo=${sudo}: its child was killed`);
    }
  });

  test('GIVEN a shell bound to a step signal (withSignal) WHEN the signal aborts THEN every command through it, file writes included, stops', async () => {
    const ctl = new AbortController();
    const bound = withSignal(new LocalShell({ sudo: false }), ctl.signal);
    const pidFile = join(mkdtempSync(join(tmpdir(), 'skn-pids-')), 'bound.pids');
    const running$ = bound.run(lingering(pidFile));
    const [shPid] = await pidsIn(pidFile);
    ctl.abort(new Error('deadline of the step'));
    await assert.rejects(running$, /deadline of the step/);
    assert.equal(await waitGone(shPid!), true);
    await assert.rejects(bound.writeFileAtomic(join(dir, 'never.cfg'), 'x', 0o644), /deadline of the step/);
    assert.equal(existsSync(join(dir, 'never.cfg')), false);
  });

  test('GIVEN a file WHEN written atomically and read THEN content and mode are exact and no temp file is left', async () => {
    const path = join(dir, 'a.cfg');
    await shell.writeFileAtomic(path, 'one\ntwo\n', 0o600);
    await shell.writeFileAtomic(path, "replaced 'quoted' $(x)\n", 0o644);
    assert.equal(readFileSync(path, 'utf8'), "replaced 'quoted' $(x)\n");
    assert.equal(execFileSync('stat', ['-c', '%a', path], { encoding: 'utf8' }).trim(), '644');
    assert.deepEqual(readdirSync(dir), ['a.cfg']);
    assert.equal(await shell.readFile(path), "replaced 'quoted' $(x)\n");
    assert.equal(await shell.readFile(join(dir, 'missing')), undefined);
  });

  test('GIVEN a path that is relative, climbs, or carries shell characters WHEN used THEN it is refused before anything runs', async () => {
    for (const bad of ['relative/file', '/etc/../etc/passwd', '/tmp/a b', '/tmp/$(id)', '/tmp/a;b']) {
      await assert.rejects(shell.readFile(bad), SolokubeError, bad);
      await assert.rejects(shell.writeFileAtomic(bad, 'x', 0o644), SolokubeError, bad);
    }
  });
});
