// Input that used to slip through: each is refused with exit 2 and a typed error before anything is
// contacted (the AWS emulator's call log stays empty, no SSH connection is opened).

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo, Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../support/cli.js';
import { startLab } from '../aws/harness.js';
import type { Lab } from '../aws/harness.js';

const example = new URL('../../../examples/solokube.yaml', import.meta.url).pathname;
const tmp = () => mkdtempSync(join(tmpdir(), 'solokube-bad-'));

interface ErrorDoc {
  ok: boolean;
  error: { code: string; message: string; remedy?: string };
}
const errorOf = (stdout: string) => (JSON.parse(stdout) as ErrorDoc).error;

describe('configuration files that are not what they seem', () => {
  test('GIVEN a billion-laughs YAML THEN exit 2 with a configuration error, not an internal one', async () => {
    const cfg = join(tmp(), 'laughs.yaml');
    const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 9; i++) {
      const prev = String.fromCharCode(96 + i);
      const cur = String.fromCharCode(97 + i);
      lines.push(`${cur}: &${cur} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    writeFileSync(cfg, `${lines.join('\n')}\n`);
    const r = await runCli(['plan', '--offline', '-c', cfg, '-o', 'json'], { timeoutMs: 20_000 });
    assert.equal(r.code, 2, r.stderr);
    assert.equal(errorOf(r.stdout).code, 'config.invalid');
    assert.match(errorOf(r.stdout).message, /alias/i);
  });

  test('GIVEN -c /dev/zero THEN exit 2 at once: not a regular file', async () => {
    const started = Date.now();
    const r = await runCli(['plan', '--offline', '-c', '/dev/zero', '-o', 'json'], { timeoutMs: 20_000 });
    assert.equal(r.code, 2, r.stderr);
    assert.equal(errorOf(r.stdout).code, 'config.not-a-file');
    assert.match(errorOf(r.stdout).message, /\/dev\/zero/);
    assert.ok(Date.now() - started < 5_000);
  });

  test('GIVEN a configuration file of 2 MiB THEN exit 2: too large to be a configuration', async () => {
    const cfg = join(tmp(), 'big.yaml');
    writeFileSync(cfg, `# ${'x'.repeat(2 * 1024 * 1024)}\nname: c1.example.com\n`);
    const r = await runCli(['plan', '--offline', '-c', cfg, '-o', 'json']);
    assert.equal(r.code, 2, r.stderr);
    assert.equal(errorOf(r.stdout).code, 'config.too-large');
  });

  test('GIVEN control characters in a configuration key THEN they are shown escaped, never sent raw to the terminal', async () => {
    const cfg = join(tmp(), 'esc.yaml');
    writeFileSync(
      cfg,
      'name: c1.example.com\ndnsZone: example.com\nregion: eu-west-1\n"\\e]0;owned\\a\\e[2J\\u009b31m": 1\n',
    );
    const r = await runCli(['plan', '--offline', '-c', cfg]);
    assert.equal(r.code, 2, r.stderr);
    assert.doesNotMatch(r.stderr, /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/, 'no raw control character on stderr');
    assert.match(r.stderr, /\\x1b\]0;owned/, 'the key is still shown, escaped');
    const j = await runCli(['plan', '--offline', '-c', cfg, '-o', 'json']);
    assert.equal(j.code, 2);
    assert.doesNotMatch(
      j.stdout,
      /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/,
      'no raw control character in the JSON document',
    );
  });

  test('GIVEN a command name made of escape sequences THEN the parse error shows it escaped', async () => {
    const r = await runCli(['\u001b[2Jboom']);
    assert.equal(r.code, 2);
    assert.doesNotMatch(r.stderr, /\u001b/);
  });
});

describe('flags outside what the code can honour', () => {
  test('GIVEN --timeout above the timer limit (2^31-1 ms) THEN exit 2 naming the limit', async () => {
    const r = await runCli(['plan', '--offline', '-c', example, '--timeout', '2147484', '-o', 'json']);
    assert.equal(r.code, 2, r.stderr);
    assert.equal(errorOf(r.stdout).code, 'usage');
    assert.match(errorOf(r.stdout).message, /2147483/);
    const ok = await runCli(['plan', '--offline', '-c', example, '--timeout', '2147483']);
    assert.equal(ok.code, 0, ok.stderr);
  });
});

describe('addresses that cannot be an Elastic IP', () => {
  let lab: Lab;
  before(async () => {
    lab = await startLab();
  });
  after(async () => {
    await lab.close();
  });

  for (const ip of [
    '0.0.0.0',
    '127.0.0.1',
    '10.0.0.1',
    '172.16.5.4',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '224.0.0.1',
    '255.255.255.255',
  ]) {
    test(`GIVEN --elastic-ip ${ip} THEN exit 2 and AWS is not contacted`, async () => {
      lab.emu.resetCalls();
      const r = await lab.cli(['secondary-ip', 'setup', '--yes', '--elastic-ip', ip, '-o', 'json']);
      assert.equal(r.code, 2, r.stderr);
      assert.equal(r.json().error?.code, 'usage');
      assert.deepEqual(lab.emu.calls(), []);
    });
  }
});

describe('sandbox aws flags', () => {
  test('GIVEN a busy --port THEN exit 2 with an error naming the port', async () => {
    const server: Server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    try {
      const r = await runCli(['sandbox', 'aws', '--port', String(port), '-o', 'json'], { timeoutMs: 20_000 });
      assert.equal(r.code, 2, r.stderr);
      const err = errorOf(r.stdout);
      assert.equal(err.code, 'sandbox.port-busy');
      assert.match(err.message, new RegExp(String(port)));
    } finally {
      server.close();
    }
  });
});

describe('SSH files', () => {
  // Every address is given, so nothing needs AWS; the node "host" is loopback on a port nobody
  // listens on, and the files are checked before any connection is tried.
  const nodeFlags = [
    '--node-host',
    '127.0.0.1',
    '--ssh-port',
    '9',
    '--primary-ip',
    '198.18.0.10',
    '--secondary-ip',
    '198.18.0.11',
    '--interface',
    'eth0',
    '--prefix-length',
    '24',
  ];

  test('GIVEN a missing SSH key file THEN a typed error names the file and the fix', async () => {
    const dir = tmp();
    const key = join(dir, 'no-such-key');
    const r = await runCli([
      '-c',
      example,
      'proxy',
      'status',
      ...nodeFlags,
      '--ssh-key',
      key,
      '--known-hosts',
      join(dir, 'kh'),
      '-o',
      'json',
    ]);
    assert.equal(r.code, 2, r.stderr);
    const err = errorOf(r.stdout);
    assert.equal(err.code, 'node.ssh-key-unreadable');
    assert.ok(err.message.includes(key), err.message);
    assert.match(err.remedy ?? '', /ssh\.privateKey|--ssh-key/);
  });

  test('GIVEN a known_hosts path that cannot be read THEN a typed error names the file', async () => {
    const dir = tmp();
    const key = join(dir, 'id');
    writeFileSync(key, 'not really a key, never used\n');
    const knownHosts = join(dir, 'kh-dir');
    mkdirSync(knownHosts);
    const r = await runCli([
      '-c',
      example,
      'proxy',
      'status',
      ...nodeFlags,
      '--ssh-key',
      key,
      '--known-hosts',
      knownHosts,
      '-o',
      'json',
    ]);
    assert.equal(r.code, 2, r.stderr);
    const err = errorOf(r.stdout);
    assert.equal(err.code, 'node.known-hosts-unreadable');
    assert.ok(err.message.includes(knownHosts), err.message);
  });
});
