// removeSandbox stops every recorded part even when one of them cannot be removed, so a failed
// `down --sandbox` never leaves the emulator running after its record is gone.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isEmulatorAlive, startEmulatorProcess, stopEmulator } from '../../../src/sandbox/env/emulator-process.js';
import { recordPath, writeRecord } from '../../../src/sandbox/env/record.js';
import { removeSandbox } from '../../../src/sandbox/env/sandbox.js';
import { RecordingIoHost } from '../../../src/core/io.js';

test(
  'GIVEN a sandbox whose node record is unreadable WHEN removeSandbox runs THEN it fails, ' +
    'yet the emulator is stopped and the record that names it stays for a rerun',
  async () => {
    const root = mkdtempSync(join(tmpdir(), 'solokube-remove-'));
    const dir = join(root, 'sandbox');
    const previous = process.env.SOLOKUBE_SANDBOX_DIR;
    process.env.SOLOKUBE_SANDBOX_DIR = dir;
    mkdirSync(dir);
    const emu = await startEmulatorProcess({
      stateFile: join(dir, 'state.json'),
      logFile: join(dir, 'log'),
      region: 'us-east-1',
      publicIpPool: '198.19.1.0/24',
    });
    try {
      const brokenLab = join(dir, 'lab.json');
      writeFileSync(brokenLab, 'not a lab record');
      await writeRecord({
        version: 1,
        clusterName: 'c1.example.com',
        dnsZone: 'example.com',
        region: 'us-east-1',
        emulator: {
          pid: emu.pid,
          endpoint: emu.endpoint,
          stateFile: join(dir, 'state.json'),
          logFile: join(dir, 'log'),
        },
        labRecordPath: brokenLab,
        createdAt: new Date().toISOString(),
      });
      await assert.rejects(removeSandbox(new RecordingIoHost()));
      assert.equal(isEmulatorAlive(emu.pid), false, 'the emulator was stopped although the node part failed');
      assert.equal(existsSync(recordPath()), true, 'the record stays: nothing was removed silently');
    } finally {
      await stopEmulator(emu.pid);
      if (previous === undefined) delete process.env.SOLOKUBE_SANDBOX_DIR;
      else process.env.SOLOKUBE_SANDBOX_DIR = previous;
      rmSync(root, { recursive: true, force: true });
    }
  },
);
