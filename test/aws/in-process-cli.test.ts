// lab.cli runs main() in the test process (harness.ts); the tests built on it are only as good as
// that stand-in. Here the same commands run both ways against the same emulator: the exit code,
// the JSON document and the AWS calls must be the same, and the test process's environment must
// be as it was.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { operations, runCli, runCliInProcess, startLab } from './harness.js';

describe('the in-process CLI of the AWS tests stands in for the process', () => {
  for (const args of [
    ['secondary-ip', 'setup', '--yes', '--dry-run', '--output', 'json'],
    ['status', '--output', 'json'],
    ['secondary-ip', 'setup', '--bogus-flag', '--output', 'json'],
  ]) {
    test(`GIVEN solokube ${args.join(' ')} WHEN run in-process and as a process THEN the same exit code, document and AWS calls`, async () => {
      const lab = await startLab();
      try {
        const full = ['-c', lab.configPath, '--log-timestamps', 'none', ...args];
        const envBefore = { ...process.env };
        lab.emu.resetCalls();
        const inProcess = await runCliInProcess(lab.emu.endpoint, full, 60_000);
        const callsInProcess = operations(lab.emu).sort();
        assert.deepEqual({ ...process.env }, envBefore, 'the environment is put back');
        lab.emu.resetCalls();
        const subprocess = await runCli(lab.emu.endpoint, full, 60_000);
        assert.equal(inProcess.code, subprocess.code, `${inProcess.stderr}\n---\n${subprocess.stderr}`);
        assert.deepEqual(inProcess.json(), subprocess.json());
        // Independent reads run side by side, so only the set of calls (with repeats) is compared.
        assert.deepEqual(callsInProcess, operations(lab.emu).sort());
      } finally {
        await lab.close();
      }
    });
  }
});
