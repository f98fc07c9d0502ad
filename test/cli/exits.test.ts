// How a command ends when it does not end by itself: parse errors, Ctrl-C, SIGTERM and --timeout.
// Every such exit still prints exactly one JSON document with --output json, and interruption and
// deadlines are typed errors that say what was going on. The AWS side is the emulator in this
// process, made to hang where a test needs a command to be busy.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { runCli } from '../support/cli.js';
import { cliEnv, startLab } from '../aws/harness.js';
import type { Lab } from '../aws/harness.js';

const example = new URL('../../../examples/solokube.yaml', import.meta.url).pathname;
const BIN = new URL('../../src/cli/bin.js', import.meta.url).pathname;

interface Doc {
  ok: boolean;
  command: string;
  error?: { code: string; message: string; remedy?: string };
  result?: unknown;
}

function oneJsonDocument(stdout: string): Doc {
  // JSON.parse refuses trailing text, so this also proves there is exactly one document.
  return JSON.parse(stdout) as Doc;
}

/** Start a CLI run against the lab, wait until the emulator has seen `operation`, then send `signal`. */
async function interruptDuring(
  lab: Lab,
  args: string[],
  operation: string,
  signal: NodeJS.Signals,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [BIN, '-c', lab.configPath, '--log-timestamps', 'none', ...args], {
    env: cliEnv(lab.emu.endpoint),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const closed = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const hardStop = setTimeout(() => child.kill('SIGKILL'), 30_000);
  for (let i = 0; i < 200 && !lab.emu.calls().some((c) => c.operation === operation); i++)
    await new Promise((r) => setTimeout(r, 50));
  assert.ok(
    lab.emu.calls().some((c) => c.operation === operation),
    `the command reached ${operation}; stderr: ${stderr}`,
  );
  child.kill(signal);
  const code = await closed;
  clearTimeout(hardStop);
  return { code, stdout, stderr };
}

describe('--output json: every exit prints one JSON document', () => {
  for (const [what, args] of [
    ['an unknown option', ['plan', '--offline', '--no-such-flag']],
    ['an unknown command', ['no-such-command']],
    ['a missing option value', ['plan', '-c']],
    ['a bad --timeout', ['plan', '--offline', '--timeout', 'soon']],
    ['an unknown subcommand', ['secondary-ip', 'explode']],
    ['no command at all', []],
    ['a group without its subcommand', ['secondary-ip']],
  ] as const) {
    test(`GIVEN ${what} and --output json THEN exit 2 and stdout is one JSON error document`, async () => {
      const r = await runCli(['--output', 'json', ...args]);
      assert.equal(r.code, 2, r.stderr);
      const doc = oneJsonDocument(r.stdout);
      assert.equal(doc.ok, false);
      assert.equal(doc.error?.code, 'usage');
      assert.ok(doc.error?.message, 'the document says what was wrong');
    });
  }

  test('GIVEN -o json written after the bad option THEN the error is still a JSON document', async () => {
    const r = await runCli(['plan', '--bogus', '-o', 'json']);
    assert.equal(r.code, 2);
    assert.equal(oneJsonDocument(r.stdout).error?.code, 'usage');
  });

  test('GIVEN --help with --output json THEN exit 0 and the help travels in one JSON document', async () => {
    const r = await runCli(['plan', '--help', '-o', 'json']);
    assert.equal(r.code, 0);
    const doc = oneJsonDocument(r.stdout);
    assert.equal(doc.ok, true);
    assert.match(JSON.stringify(doc.result), /Exit codes/);
  });

  test('GIVEN text output and a parse error THEN stdout stays empty', async () => {
    const r = await runCli(['plan', '--bogus', '-c', example]);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
  });
});

describe('interruption and deadlines', () => {
  for (const [signal, code] of [
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as const) {
    test(`GIVEN a command busy on AWS WHEN ${signal} arrives with --output json THEN exit ${code} and one JSON document says it was interrupted`, async () => {
      const lab = await startLab();
      try {
        lab.emu.injectFault({ service: 'ec2', operation: 'DescribeInstances', kind: 'hang', times: Infinity });
        const r = await interruptDuring(
          lab,
          ['secondary-ip', 'setup', '--yes', '-o', 'json'],
          'DescribeInstances',
          signal,
        );
        assert.equal(r.code, code, r.stderr);
        const doc = oneJsonDocument(r.stdout);
        assert.equal(doc.ok, false);
        assert.equal(doc.error?.code, 'interrupted');
        assert.match(doc.error?.message ?? '', new RegExp(`\\(${signal}\\)`));
      } finally {
        await lab.close();
      }
    });
  }

  test(
    'GIVEN setup interrupted by Ctrl-C after it made the Elastic IP THEN exit 130, an ' +
      'interrupted error naming what was done, and a rerun continues',
    async () => {
      const lab = await startLab();
      try {
        lab.emu.injectFault({ service: 'ec2', operation: 'AssociateAddress', kind: 'hang', times: 1 });
        const r = await interruptDuring(
          lab,
          ['secondary-ip', 'setup', '--yes', '-o', 'json'],
          'AssociateAddress',
          'SIGINT',
        );
        assert.equal(r.code, 130, r.stderr);
        const err = oneJsonDocument(r.stdout).error!;
        assert.equal(err.code, 'interrupted');
        assert.match(err.message, /Elastic IP/, 'what was done so far is named');
        assert.match(`${err.message} ${err.remedy ?? ''}`, /rerun/i);
        assert.doesNotMatch(r.stderr, /--help/);
        lab.emu.clearFaults();
        const rerun = await lab.cli(['secondary-ip', 'setup', '--yes']);
        assert.equal(rerun.code, 0, rerun.stderr);
      } finally {
        await lab.close();
      }
    },
  );

  test('GIVEN AWS hangs while the plan is read WHEN --timeout passes THEN exit 1 with a deadline error naming the step that was running', async () => {
    const lab = await startLab();
    try {
      lab.emu.injectFault({ service: 'ec2', operation: 'DescribeInstances', kind: 'hang', times: Infinity });
      // 5 s, not less: on a loaded machine start-up and the earlier reads can use a short deadline
      // up before DescribeInstances is reached, and then another step is (rightly) named.
      const r = await lab.cli(['secondary-ip', 'setup', '--yes', '--timeout', '5', '-o', 'json'], {
        timeoutMs: 60_000,
      });
      // Exit 1 with a deadline error means the CLI's own deadline ended it, not the test's kill.
      assert.equal(r.code, 1, r.stderr);
      const err = r.json().error!;
      assert.equal(err.code, 'deadline');
      assert.match(err.message, /aws\/control-plane/);
      assert.match(err.message, /--timeout/);
    } finally {
      await lab.close();
    }
  });

  test('GIVEN a person takes longer than --timeout to answer the question THEN the deadline starts after the answer and the run succeeds', async () => {
    const lab = await startLab();
    try {
      const run = await onTerminal(lab, ['--timeout', '5', 'secondary-ip', 'setup']);
      await new Promise((r) => setTimeout(r, 7_000));
      run.type('y\r');
      const code = await run.closed;
      assert.equal(code, 0, run.output());
      assert.match(run.output(), /setup: done/);
    } finally {
      await lab.close();
    }
  });

  test('GIVEN the question is open WHEN the person presses Ctrl-C THEN exit 130 as interrupted, nothing changed', async () => {
    const lab = await startLab();
    try {
      const run = await onTerminal(lab, ['secondary-ip', 'setup']);
      run.type('\u0003');
      const code = await run.closed;
      assert.equal(code, 130, run.output());
      assert.match(run.output(), /\[interrupted\]/);
      assert.match(run.output(), /Nothing had been changed/);
    } finally {
      await lab.close();
    }
  });
});

/** Run the CLI on a terminal (`script` makes one) until it asks its question. */
async function onTerminal(
  lab: Lab,
  args: string[],
): Promise<{ type(s: string): void; output(): string; closed: Promise<number | null> }> {
  const cmd = [process.execPath, BIN, '-c', lab.configPath, ...args].map((a) => `'${a}'`).join(' ');
  const child = spawn('script', ['-qefc', cmd, '/dev/null'], {
    env: { ...cliEnv(lab.emu.endpoint), NO_COLOR: '1' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const hardStop = setTimeout(() => child.kill('SIGKILL'), 40_000);
  const closed = new Promise<number | null>((resolve) =>
    child.on('close', (code) => {
      clearTimeout(hardStop);
      resolve(code);
    }),
  );
  for (let i = 0; i < 400 && !out.includes('[y/N]'); i++) await new Promise((r) => setTimeout(r, 50));
  assert.match(out, /\[y\/N\]/, 'the CLI asked');
  return { type: (s) => child.stdin.write(s), output: () => out, closed };
}
