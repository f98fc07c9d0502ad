// The sandbox's background emulator: started detached, recognised by its command line (a recorded
// PID reused by another program is never signalled), stopped by PID.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  emulatorHealthy,
  isEmulatorAlive,
  startEmulatorProcess,
  stopEmulator,
} from '../../../src/sandbox/env/emulator-process.js';

test('GIVEN a started background emulator THEN it answers and is recognised; another live PID is not; stop ends it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'solokube-emuproc-'));
  const emu = await startEmulatorProcess({
    stateFile: join(dir, 'state.json'),
    logFile: join(dir, 'log'),
    region: 'eu-west-1',
    publicIpPool: '198.19.1.0/24',
  });
  try {
    assert.equal(await emulatorHealthy(emu.endpoint), true);
    assert.equal(isEmulatorAlive(emu.pid), true);
    assert.equal(isEmulatorAlive(process.pid), false, 'a live process that is not the emulator');
    await stopEmulator(process.pid); // must not signal this test process
  } finally {
    await stopEmulator(emu.pid);
  }
  assert.equal(isEmulatorAlive(emu.pid), false);
  assert.equal(await emulatorHealthy(emu.endpoint), false);
});
