// Failure paths of startLab: bad input changes nothing; a node that cannot boot fails fast, says
// why, and leaves nothing behind. Needs root (CI is root).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { RecordingIoHost } from '../../../src/core/io.js';
import { SolokubeError } from '../../../src/core/errors.js';
import { LAB_STATE_ROOT, newLabName, startLab } from '../../../src/sandbox/lab/index.js';
import { netnsPath } from '../../../src/sandbox/lab/gateway.js';

test('GIVEN invalid options WHEN starting a lab THEN it refuses before creating anything', async () => {
  for (const bad of [{ primaryAddress: '10.0.0.5' }, { primaryAddress: '198.18.0.10;reboot' }, { clusterName: 'Bad Name' }, { cpus: '1;true' }, { name: 'lab-1' }]) {
    const name = newLabName();
    await assert.rejects(startLab({ io: new RecordingIoHost(), name, ...bad }), (e: unknown) => e instanceof SolokubeError && e.exitCode === 2);
    assert.equal(existsSync(`${LAB_STATE_ROOT}/${name}`), false);
  }
});

test('GIVEN a node that cannot boot (pinned to a CPU that does not exist) WHEN starting THEN it fails fast with the console output and leaves nothing', async () => {
  const name = newLabName();
  await assert.rejects(startLab({ io: new RecordingIoHost(), name, cpus: '63', bootTimeoutMs: 60_000 }), (e: unknown) => {
    assert.ok(e instanceof SolokubeError);
    assert.equal(e.code, 'lab.start-failed');
    // "not running" comes from the supervisor's state, not from the boot deadline: it gave up early.
    assert.match(e.message, /not running/);
    return true;
  });
  assert.equal(existsSync(`${LAB_STATE_ROOT}/${name}`), false);
  assert.equal(existsSync(netnsPath(`${name}-gw`)), false);
  assert.equal(existsSync(netnsPath(`${name}-cl`)), false);
});
