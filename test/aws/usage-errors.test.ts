// Bad flags or configuration exit 2 and contact nothing: the emulator's call log stays empty.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCliInProcess, startLab } from './harness.js';
import type { Lab } from './harness.js';

describe('usage and configuration errors contact nothing', () => {
  let lab: Lab;
  before(async () => {
    lab = await startLab();
  });
  after(async () => {
    await lab.close();
  });

  const cases: [string, string[]][] = [
    ['an allocation id that is not one', ['secondary-ip', 'setup', '--yes', '--allocation-id', 'eip-123; rm -rf /']],
    ['an elastic IP that is not IPv4', ['secondary-ip', 'setup', '--yes', '--elastic-ip', '300.1.2.3']],
    [
      'both --elastic-ip and --allocation-id',
      [
        'secondary-ip',
        'cleanup',
        '--yes',
        '--elastic-ip',
        '198.51.100.9',
        '--allocation-id',
        'eipalloc-0123456789abcdef0',
      ],
    ],
    ['an unknown option', ['secondary-ip', 'setup', '--yes', '--bogus']],
    ['an unknown subcommand', ['secondary-ip', 'explode']],
    ['a bad --elastic-ip on dns sync', ['dns', 'sync', '--elastic-ip', 'nope']],
    ['a bad --output', ['doctor', '--output', 'yaml']],
  ];
  for (const [what, args] of cases) {
    test(`GIVEN ${what} WHEN the command runs THEN it exits 2 and makes no AWS call`, async () => {
      lab.emu.resetCalls();
      const run = await lab.cli(args);
      assert.equal(run.code, 2, run.stderr);
      assert.deepEqual(lab.emu.calls(), []);
    });
  }

  test('GIVEN an invalid configuration WHEN setup, status, dns sync or doctor run THEN each exits 2 and makes no AWS call', async () => {
    const bad = join(lab.dir, 'bad.yaml');
    await writeFile(bad, 'name: c1.example.com\ndnsZone: other.org\nregion: mars-1\n');
    lab.emu.resetCalls();
    for (const args of [
      ['secondary-ip', 'setup', '--yes'],
      ['secondary-ip', 'status'],
      ['dns', 'sync', '--yes'],
      ['doctor'],
    ]) {
      const run = await runCliInProcess(lab.emu.endpoint, ['-c', bad, ...args], 30_000);
      assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
    }
    assert.deepEqual(lab.emu.calls(), []);
  });

  test('GIVEN secondaryIp: false in the configuration WHEN setup runs THEN it exits 2 and makes no AWS call', async () => {
    const off = join(lab.dir, 'off.yaml');
    await writeFile(off, 'name: c1.example.com\ndnsZone: example.com\nregion: eu-west-1\nsecondaryIp: false\n');
    lab.emu.resetCalls();
    const run = await runCliInProcess(lab.emu.endpoint, ['-c', off, 'secondary-ip', 'setup', '--yes'], 30_000);
    assert.equal(run.code, 2, run.stderr);
    assert.deepEqual(lab.emu.calls(), []);
  });
});
