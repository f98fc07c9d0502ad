// test:integration — needs root, network namespaces and the lab node (or a local sshd).
// NodeShell over SSH against a real OpenSSH server on 127.0.0.1 (test/node/support/sshd.ts).
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RecordingIoHost } from '../../src/core/io.js';
import { SshShell } from '../../src/node/ssh-shell.js';
import type { SshShellOptions } from '../../src/node/ssh-shell.js';
import { HostKeyChangedError, HostKeyUnknownError, fingerprint } from '../../src/node/host-keys.js';
import { NodeCommandError, NodeCommandTimeoutError } from '../../src/node/shell.js';
import { startSshd } from './support/sshd.js';
import type { TestSshd } from './support/sshd.js';
import { HOSTILE } from './support/hostile.js';

function sshKeygenFingerprint(publicKeyLine: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'skn-fp-'));
  try {
    writeFileSync(join(dir, 'k.pub'), publicKeyLine + '\n');
    return execFileSync('ssh-keygen', ['-lf', join(dir, 'k.pub')], { encoding: 'utf8' }).split(' ')[1] as string;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('SshShell against a real sshd', () => {
  let sshd: TestSshd;
  let work: string;
  let knownHosts: string;
  const shells: SshShell[] = [];

  before(async () => {
    sshd = await startSshd();
    work = mkdtempSync(join(tmpdir(), 'skn-ssh-work-'));
  });
  after(async () => {
    for (const s of shells) await s.close();
    await sshd.stop();
    rmSync(work, { recursive: true, force: true });
  });

  let n = 0;
  function shell(extra: Partial<SshShellOptions> = {}): SshShell {
    const s = new SshShell({
      host: '127.0.0.1',
      port: sshd.port,
      user: 'root',
      privateKey: sshd.userKey,
      knownHostsPath: knownHosts,
      io: new RecordingIoHost(),
      connectTimeoutMs: 10_000,
      ...extra,
    });
    shells.push(s);
    return s;
  }
  function freshKnownHosts(): void {
    knownHosts = join(work, `known_hosts-${n++}`, 'known_hosts');
  }

  test(
    'GIVEN an unknown host and no acceptance WHEN a command is run THEN it is refused with ' +
      'the fingerprint, nothing runs and nothing is recorded',
    async () => {
      freshKnownHosts();
      const marker = join(work, 'unknown-ran');
      await assert.rejects(shell().run(['touch', marker]), (err: unknown) => {
        assert.ok(err instanceof HostKeyUnknownError);
        assert.equal(err.details?.fingerprint, sshKeygenFingerprint(sshd.hostPublicKey));
        assert.ok(err.remedy?.includes('--accept-new-host-key'));
        return true;
      });
      assert.equal(existsSync(marker), false);
      assert.equal(existsSync(knownHosts), false);
    },
  );

  test('GIVEN an unknown host and a person who says no on a terminal WHEN connecting THEN it is refused', async () => {
    freshKnownHosts();
    const io = new RecordingIoHost({ interactive: true, confirm: false });
    await assert.rejects(shell({ io }).run(['true']), HostKeyUnknownError);
    assert.equal(io.questions.length, 1);
    assert.ok(io.questions[0]?.includes(sshKeygenFingerprint(sshd.hostPublicKey)));
    assert.equal(existsSync(knownHosts), false);
  });

  test('GIVEN an unknown host and a person who says yes WHEN connecting THEN the key is recorded and the command runs', async () => {
    freshKnownHosts();
    const io = new RecordingIoHost({ interactive: true, confirm: true });
    const r = await shell({ io }).run(['echo', 'hello']);
    assert.equal(r.stdout, 'hello\n');
    const [type, b64] = sshd.hostPublicKey.split(' ');
    assert.equal(readFileSync(knownHosts, 'utf8'), `[127.0.0.1]:${sshd.port} ${type} ${b64}\n`);
  });

  test('GIVEN --accept-new-host-key WHEN connecting twice THEN the key is recorded once and pinned', async () => {
    freshKnownHosts();
    assert.equal((await shell({ acceptNewHostKey: true }).run(['true'])).code, 0);
    assert.equal((await shell().run(['true'])).code, 0, 'the second connection needs no acceptance');
    assert.equal(readFileSync(knownHosts, 'utf8').trim().split('\n').length, 1);
  });

  test('GIVEN hostile argv WHEN run over SSH THEN the remote command receives it unchanged', async () => {
    freshKnownHosts();
    const r = await shell({ acceptNewHostKey: true }).run(['printf', '%s\\0', ...HOSTILE]);
    assert.deepEqual(r.stdout.split('\0').slice(0, -1), HOSTILE);
    assert.equal(existsSync('/tmp/skn-pwned'), false);
  });

  test('GIVEN a file WHEN written atomically, read, and a missing file read THEN content and mode are exact', async () => {
    freshKnownHosts();
    const s = shell({ acceptNewHostKey: true });
    const path = join(work, 'atomic.cfg');
    const content = "line 1\n'quoted' $(not run)\n\ttab\n";
    await s.writeFileAtomic(path, content, 0o640);
    assert.equal(readFileSync(path, 'utf8'), content);
    assert.equal(execFileSync('stat', ['-c', '%a', path], { encoding: 'utf8' }).trim(), '640');
    assert.equal(await s.readFile(path), content);
    assert.equal(await s.readFile(join(work, 'does-not-exist')), undefined);
  });

  test('GIVEN a failing or slow command WHEN run THEN typed errors carry the exit code or the timeout', async () => {
    freshKnownHosts();
    const s = shell({ acceptNewHostKey: true });
    await assert.rejects(
      s.run(['sh', '-c', 'echo oops >&2; exit 7']),
      (err: unknown) => err instanceof NodeCommandError && err.details?.code === 7,
    );
    assert.equal((await s.run(['sh', '-c', 'exit 7'], { allowFailure: true })).code, 7);
    await assert.rejects(s.run(['sleep', '5'], { timeoutMs: 300 }), NodeCommandTimeoutError);
    assert.equal((await s.run(['echo', 'still usable'])).stdout, 'still usable\n');
  });

  test(
    'GIVEN a pinned key WHEN the host presents a different key THEN a hard error names both ' +
      'fingerprints before anything runs, even with --accept-new-host-key',
    async () => {
      freshKnownHosts();
      await shell({ acceptNewHostKey: true }).run(['true']);
      const before = readFileSync(knownHosts, 'utf8');
      const oldFp = sshKeygenFingerprint(sshd.hostPublicKey);
      await sshd.rotateHostKey();
      const newFp = sshKeygenFingerprint(sshd.hostPublicKey);
      assert.notEqual(oldFp, newFp);
      const marker = join(work, 'changed-ran');
      await assert.rejects(shell({ acceptNewHostKey: true }).run(['touch', marker]), (err: unknown) => {
        assert.ok(err instanceof HostKeyChangedError);
        assert.deepEqual(err.details?.recorded, [oldFp]);
        assert.equal(err.details?.presented, newFp);
        assert.ok(err.message.includes(oldFp) && err.message.includes(newFp));
        return true;
      });
      assert.equal(existsSync(marker), false);
      assert.equal(readFileSync(knownHosts, 'utf8'), before, 'the pinned key is not replaced');
    },
  );

  test('GIVEN a host that accepts TCP but never speaks SSH WHEN the command is aborted while connecting THEN run rejects with the reason at once', async () => {
    const sockets: Socket[] = [];
    const silent = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as AddressInfo).port;
    try {
      freshKnownHosts();
      const ctl = new AbortController();
      const reason = new Error('interrupted while connecting');
      setTimeout(() => ctl.abort(reason), 200);
      const started = Date.now();
      await assert.rejects(
        shell({ port, connectTimeoutMs: 30_000 }).run(['true'], { signal: ctl.signal }),
        (e: unknown) => e === reason,
      );
      assert.ok(Date.now() - started < 3_000, 'did not wait for the connect timeout');
    } finally {
      for (const socket of sockets) socket.destroy();
      silent.close();
    }
  });

  test('fingerprint() matches ssh-keygen', () => {
    const b64 = sshd.hostPublicKey.split(' ')[1] as string;
    assert.equal(fingerprint(Buffer.from(b64, 'base64')), sshKeygenFingerprint(sshd.hostPublicKey));
  });
});
