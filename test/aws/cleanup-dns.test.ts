// DNS sync and status, doctor, and cleanup: after setup + dns sync everything checks out; cleanup
// removes all of ours and nothing else (foreign addresses and records stay exactly as they were).

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { APPS, CLUSTER, ZONE, addressesOf, controlPlaneEni, mutatingCalls, ourGroups, startLab } from './harness.js';
import type { Lab } from './harness.js';
import type { EmulatorStateView } from '../../src/sandbox/aws/model.js';

const FOREIGN_IP = '198.51.100.230';
const zoneOf = (s: EmulatorStateView) => Object.values(s.hostedZones).find((z) => z.name === `${ZONE}.`)!;
const aRecord = (s: EmulatorStateView, name: string) =>
  zoneOf(s).records.find((r) => r.name === `${name}.` && r.type === 'A');

describe('dns sync, doctor and cleanup', () => {
  let lab: Lab;
  let foreignBefore: EmulatorStateView['addresses'][string];
  before(async () => {
    lab = await startLab({
      seed: {
        addresses: [{ publicIp: FOREIGN_IP, tags: { owner: 'someone-else' } }],
        records: [
          { zone: `${ZONE}`, name: `www.${ZONE}`, type: 'A', ttl: 300, values: [FOREIGN_IP] },
          { zone: `${ZONE}`, name: `legacy.${APPS}`, type: 'A', ttl: 300, values: ['198.51.100.231'] },
        ],
      },
    });
    foreignBefore = Object.values(lab.emu.state().addresses).find((a) => a.publicIp === FOREIGN_IP)!;
  });
  after(async () => {
    await lab.close();
  });

  test('GIVEN nothing is set up WHEN doctor runs THEN it fails with remedies and exit 1', async () => {
    const run = await lab.cli(['doctor', '--hops', 'aws', '--output', 'json']);
    assert.equal(run.code, 1);
    const out = run.json<{
      ok: boolean;
      error: { code: string; details: { checks: { id: string; status: string; remedy?: string }[] } };
    }>();
    assert.equal(out.ok, false);
    assert.equal(out.error.code, 'doctor.failed');
    const checks = out.error.details.checks;
    assert.equal(checks.find((c) => c.id === 'credentials')?.status, 'pass');
    assert.equal(checks.find((c) => c.id === 'association')?.status, 'fail');
    assert.ok(checks.filter((c) => c.status !== 'pass').every((c) => c.remedy));
  });

  test('GIVEN no Elastic IP yet WHEN dns sync runs THEN it fails with a remedy and writes nothing', async () => {
    lab.emu.resetCalls();
    const run = await lab.cli(['dns', 'sync', '--yes', '--output', 'json']);
    assert.equal(run.code, 1);
    assert.match(run.json().error?.remedy ?? '', /secondary-ip setup/);
    assert.deepEqual(mutatingCalls(lab.emu), []);
  });

  test('GIVEN setup ran WHEN dns sync runs THEN the wildcard and app hosts point at the Elastic IP with TTL 60, and a rerun changes nothing', async () => {
    assert.equal((await lab.cli(['secondary-ip', 'setup', '--yes'])).code, 0);
    const sync = await lab.cli(['dns', 'sync', '--yes']);
    assert.equal(sync.code, 0, sync.stderr);
    const s = lab.emu.state();
    const eip = addressesOf(s)[0]!.publicIp;
    for (const name of [`*.${APPS}`, `hello.${APPS}`]) {
      const r = aRecord(s, name);
      assert.deepEqual(r?.values, [eip], name);
      assert.equal(r?.ttl, 60);
    }
    lab.emu.resetCalls();
    const again = await lab.cli(['dns', 'sync', '--yes', '--output', 'json']);
    assert.equal(again.json().result?.decision, 'nothing-to-do');
    assert.deepEqual(mutatingCalls(lab.emu), []);
  });

  test('GIVEN setup and dns sync WHEN dns status and doctor run THEN both report everything in order', async () => {
    const status = await lab.cli(['dns', 'status', '--output', 'json']);
    assert.equal(status.code, 0, status.stderr);
    assert.equal(status.json<{ result: { inSync: boolean } }>().result.inSync, true);
    const doctor = await lab.cli(['doctor', '--hops', 'aws', '--output', 'json']);
    assert.equal(doctor.code, 0, doctor.stdout + doctor.stderr);
    const checks = doctor.json<{ result: { checks: { id: string; status: string }[] } }>().result.checks;
    assert.ok(checks.every((c) => c.status !== 'fail'));
    const text = await lab.cli(['doctor', '--hops', 'aws']);
    assert.match(text.stdout, /PASS/);
  });

  test('GIVEN everything is set up WHEN cleanup runs with --dry-run THEN it lists our objects and changes nothing', async () => {
    lab.emu.resetCalls();
    const run = await lab.cli(['secondary-ip', 'cleanup', '--dry-run', '--output', 'json']);
    assert.equal(run.code, 0, run.stderr);
    const deletes = run
      .json()
      .result?.plan?.steps.filter((s) => s.action === 'delete')
      .map((s) => s.id)
      .sort();
    assert.deepEqual(deletes, [
      'aws/app-security-group',
      'aws/dns-records',
      'aws/eip-association',
      'aws/elastic-ip',
      'aws/secondary-private-ip',
    ]);
    assert.deepEqual(mutatingCalls(lab.emu), []);
  });

  test('GIVEN everything is set up WHEN cleanup runs with --force THEN nothing of ours remains and foreign objects are untouched', async () => {
    const kopsGroups = controlPlaneEni(lab.emu.state()).groupIds.filter(
      (g) => !ourGroups(lab.emu.state()).some((o) => o.groupId === g),
    );
    const run = await lab.cli(['secondary-ip', 'cleanup', '--force']);
    assert.equal(run.code, 0, run.stderr);
    const s = lab.emu.state();
    assert.deepEqual(addressesOf(s), []);
    assert.deepEqual(ourGroups(s), []);
    const eni = controlPlaneEni(s);
    assert.deepEqual(
      eni.privateIps.filter((p) => !p.primary),
      [],
    );
    assert.deepEqual(eni.groupIds.sort(), kopsGroups.sort());
    assert.equal(aRecord(s, `*.${APPS}`), undefined);
    assert.equal(aRecord(s, `hello.${APPS}`), undefined);
    assert.deepEqual(aRecord(s, `www.${ZONE}`)?.values, [FOREIGN_IP]);
    assert.deepEqual(aRecord(s, `legacy.${APPS}`)?.values, ['198.51.100.231']);
    assert.ok(aRecord(s, `api.${CLUSTER}`), "kops' API record stays");
    assert.deepEqual(
      Object.values(s.addresses).find((a) => a.publicIp === FOREIGN_IP),
      foreignBefore,
    );
  });

  test('GIVEN cleanup ran WHEN it runs again THEN there is nothing to do', async () => {
    lab.emu.resetCalls();
    const run = await lab.cli(['secondary-ip', 'cleanup', '--yes', '--output', 'json']);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.json().result?.decision, 'nothing-to-do');
    assert.deepEqual(mutatingCalls(lab.emu), []);
  });
});
