// test:integration — needs root, network namespaces and the lab node (or a local sshd).
// Failure paths of startLab: bad input changes nothing; a node that cannot boot fails fast, says
// why, and leaves nothing behind. Needs root (CI is root).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RecordingIoHost } from '../../../src/core/io.js';
import { SolokubeError } from '../../../src/core/errors.js';
import { LAB_STATE_ROOT, destroyLab, newLabName, startLab, type LabRecord } from '../../../src/sandbox/lab/index.js';
import { netnsPath } from '../../../src/sandbox/lab/gateway.js';

test('GIVEN invalid options WHEN starting a lab THEN it refuses before creating anything', async () => {
  for (const bad of [
    { primaryAddress: '10.0.0.5' },
    { primaryAddress: '198.18.0.10;reboot' },
    { clusterName: 'Bad Name' },
    { cpus: '1;true' },
    { name: 'lab-1' },
  ]) {
    const name = newLabName();
    await assert.rejects(
      startLab({ io: new RecordingIoHost(), name, ...bad }),
      (e: unknown) => e instanceof SolokubeError && e.exitCode === 2,
    );
    assert.equal(existsSync(`${LAB_STATE_ROOT}/${name}`), false);
  }
});

test(
  'GIVEN a node that cannot boot (pinned to a CPU that does not exist) WHEN starting THEN it ' +
    'fails fast with the console output and leaves nothing',
  async () => {
    const name = newLabName();
    await assert.rejects(
      startLab({ io: new RecordingIoHost(), name, cpus: '63', bootTimeoutMs: 60_000 }),
      (e: unknown) => {
        assert.ok(e instanceof SolokubeError);
        assert.equal(e.code, 'lab.start-failed');
        // "not running" comes from the supervisor's state, not from the boot deadline: it gave up early.
        assert.match(e.message, /not running/);
        return true;
      },
    );
    assert.equal(existsSync(`${LAB_STATE_ROOT}/${name}`), false);
    assert.equal(existsSync(netnsPath(`${name}-gw`)), false);
    assert.equal(existsSync(netnsPath(`${name}-cl`)), false);
  },
);

test('GIVEN a lab record whose paths point outside its own directory WHEN destroying THEN nothing is removed', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'skl-unsafe-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const name = newLabName();
  const own = join(dir, name);
  await mkdir(own);
  const victim = join(dir, 'victim');
  await mkdir(victim);
  const record = {
    version: 1,
    name,
    createdAt: new Date().toISOString(),
    imagePath: '/var/cache/solokube/x',
    dir: own,
    root: victim,
    upper: join(own, 'upper'),
    work: join(own, 'work'),
    recordPath: join(own, 'lab.json'),
    statusPath: join(own, 'supervisor.json'),
    logPath: join(own, 'console.log'),
    knownHostsPath: join(own, 'keys/known_hosts'),
    netns: { gw: `${name}-gw`, client: `${name}-cl` },
    machineName: name,
    node: { interface: 'host0', primaryAddress: '198.18.0.10', prefixLength: 24, gateway: '198.18.0.1' },
    client: { address: '198.19.0.100' },
    ssh: { host: '127.0.0.1', port: 1, user: 'root', privateKeyPath: '', hostPublicKey: '', hostKeyFingerprint: '' },
    tls: { caCertPath: '', apiCertPath: '', apiKeyPath: '', ingressCertPath: '', ingressKeyPath: '' },
    clusterName: 'c.test',
    appsDomain: 'apps.c.test',
    ingressMode: { proxyProtocol: false, direct: false },
    supervisorPid: 0,
  } satisfies LabRecord;
  await assert.rejects(
    destroyLab(record),
    (e: unknown) => e instanceof SolokubeError && e.code === 'lab.record-unsafe',
  );
  await assert.rejects(
    destroyLab({ ...record, root: join(own, 'root'), dir: '/' }),
    (e: unknown) => e instanceof SolokubeError && e.code === 'lab.record-unsafe',
  );
  assert.equal(existsSync(victim), true);
  assert.equal(existsSync(own), true);
});
