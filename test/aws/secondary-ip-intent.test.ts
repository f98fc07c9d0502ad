// A run killed between assigning the secondary private IP and recording it must not leave an
// address nobody can prove is ours. The record (the ENI tag naming the address) is written before
// AssignPrivateIpAddresses, so whatever the kill interrupts, a rerun either finds the address on
// the ENI with its record (ours: kept, nothing new assigned) or finds a record without an address
// (removed). The kill is real: the CLI process gets SIGKILL while the emulator holds the request,
// with the assignment carried out (phase 'after') or not yet (phase 'before').

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { cliEnv, controlPlaneEni, operations, recordedSecondaryIps, secondaryIpsOnEni, startLab } from './harness.js';
import type { Lab } from './harness.js';

const BIN = fileURLToPath(new URL('../../src/cli/bin.js', import.meta.url));

const secondaries = secondaryIpsOnEni;
const recordedIps = recordedSecondaryIps;

/** Starts `secondary-ip setup` and SIGKILLs it as soon as `until` holds (checked every 20 ms, 30 s at most). */
async function setupKilledWhen(lab: Lab, until: () => boolean): Promise<void> {
  const child = spawn(
    process.execPath,
    [BIN, '-c', lab.configPath, '--log-timestamps', 'none', 'secondary-ip', 'setup', '--yes'],
    { env: cliEnv(lab.emu.endpoint), stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const deadline = Date.now() + 30_000;
  let running = true;
  void exited.then(() => (running = false));
  while (running && !until() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  const reached = until();
  child.kill('SIGKILL');
  await exited;
  assert.ok(reached, `the run reached the point where it is killed (stderr: ${stderr})`);
}

describe('a run killed around the secondary IP assignment leaves nothing unprovable', () => {
  test(
    'GIVEN setup is killed after AWS assigned the secondary IP and before the run saw the ' +
      'answer WHEN setup reruns THEN that address is ours: recorded, kept and the only secondary IP',
    async () => {
      const lab = await startLab();
      try {
        lab.emu.injectFault({
          service: 'ec2',
          operation: 'AssignPrivateIpAddresses',
          kind: 'hang',
          phase: 'after',
          times: 1,
        });
        await setupKilledWhen(lab, () => secondaries(lab).length === 1);
        const [assigned] = secondaries(lab);
        assert.deepEqual(recordedIps(lab), [assigned], 'the record was on the ENI when the address arrived');

        lab.emu.resetCalls();
        const rerun = await lab.cli(['secondary-ip', 'setup', '--yes']);
        assert.equal(rerun.code, 0, rerun.stderr);
        assert.deepEqual(secondaries(lab), [assigned], 'no second address was assigned');
        assert.deepEqual(recordedIps(lab), [assigned]);
        assert.ok(!operations(lab.emu).includes('AssignPrivateIpAddresses'));

        const cleanup = await lab.cli(['secondary-ip', 'cleanup', '--yes']);
        assert.equal(cleanup.code, 0, cleanup.stderr);
        assert.deepEqual(secondaries(lab), [], 'cleanup gives the address back: it was provably ours');
        assert.deepEqual(recordedIps(lab), []);
      } finally {
        await lab.close();
      }
    },
  );

  test(
    'GIVEN setup is killed after recording the address and before AWS assigned it WHEN setup ' +
      'reruns THEN the record of the address that never arrived is removed and exactly one ' +
      'recorded address remains',
    async () => {
      const lab = await startLab();
      try {
        lab.emu.injectFault({
          service: 'ec2',
          operation: 'AssignPrivateIpAddresses',
          kind: 'hang',
          phase: 'before',
          times: 1,
        });
        await setupKilledWhen(lab, () => operations(lab.emu).includes('AssignPrivateIpAddresses'));
        assert.deepEqual(secondaries(lab), [], 'nothing was assigned');
        const intended = recordedIps(lab);
        assert.equal(intended.length, 1, 'the address was recorded before the assignment was asked for');

        const rerun = await lab.cli(['secondary-ip', 'setup', '--yes']);
        assert.equal(rerun.code, 0, rerun.stderr);
        const now = secondaries(lab);
        assert.equal(now.length, 1);
        assert.deepEqual(recordedIps(lab), now, 'only the address on the ENI is recorded');

        // And the same after cleanup: an intent whose address never arrived is not left behind.
        const cleanup = await lab.cli(['secondary-ip', 'cleanup', '--yes']);
        assert.equal(cleanup.code, 0, cleanup.stderr);
        assert.deepEqual(recordedIps(lab), []);
      } finally {
        await lab.close();
      }
    },
  );

  test(
    'GIVEN the address chosen for us is taken by another network interface just before our ' +
      'assignment WHEN setup runs THEN it records and assigns another free one and leaves no ' +
      'record of the taken one',
    async () => {
      const lab = await startLab();
      try {
        // Our AssignPrivateIpAddresses is held for a moment; meanwhile another instance's interface
        // in the same subnet comes up with the very address we recorded, so ours meets
        // InvalidIPAddress.InUse.
        lab.emu.injectFault({ service: 'ec2', operation: 'AssignPrivateIpAddresses', kind: 'latency', ms: 1500 });
        const run = lab.cli(['secondary-ip', 'setup', '--yes']);
        const deadline = Date.now() + 30_000;
        while (recordedIps(lab).length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
        const taken = recordedIps(lab)[0];
        assert.ok(taken, 'the run recorded the address it is about to assign');
        lab.emu.seed({
          networkInterfaces: [{ subnetId: controlPlaneEni(lab.emu.state()).subnetId, privateIpAddresses: [taken] }],
        });

        const done = await run;
        assert.equal(done.code, 0, done.stderr);
        const ours = recordedIps(lab);
        assert.equal(ours.length, 1);
        assert.notEqual(ours[0], taken, 'the taken address is not recorded as ours');
        assert.deepEqual(secondaries(lab), ours, 'the other free address was assigned instead');
      } finally {
        await lab.close();
      }
    },
  );
});
