// test:integration — needs root, network namespaces and the lab node (or a local sshd).
// `solokube proxy setup|status|remove` as a subprocess, over SSH to the lab node: the whole path a
// user takes, host-key pinning included. Needs root (the lab boots a container).
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RecordingIoHost } from '../../src/core/io.js';
import { startLab } from '../../src/sandbox/lab/index.js';
import type { Lab } from '../../src/sandbox/lab/index.js';
import { runCli } from '../support/cli.js';
import { assertAnsweredBy, httpFromClient, httpsFromClient, nodeSnapshot } from './support/lab-checks.js';

const SECONDARY = '198.18.0.20';
const EIP_SECONDARY = '198.19.1.20';

describe('solokube proxy against the lab node', { timeout: 300_000 }, () => {
  let lab: Lab;
  let dir: string;
  let knownHosts: string;
  let pristine: Record<string, string>;

  const cli = (args: string[]) =>
    runCli(
      [
        '-c',
        join(dir, 'solokube.yaml'),
        '--log-timestamps',
        'none',
        ...args,
        '--node-host',
        lab.node.ssh.host,
        '--ssh-port',
        String(lab.node.ssh.port),
        '--primary-ip',
        lab.node.primaryAddress,
        '--secondary-ip',
        SECONDARY,
      ],
      { timeoutMs: 120_000 },
    );

  before(async () => {
    lab = await startLab({ io: new RecordingIoHost() });
    dir = mkdtempSync(join(tmpdir(), 'skn-cli-'));
    knownHosts = join(dir, 'known_hosts');
    const zone = lab.clusterName.split('.').slice(1).join('.');
    writeFileSync(
      join(dir, 'solokube.yaml'),
      `name: ${lab.clusterName}\ndnsZone: ${zone}\nappsDomain: ${lab.appsDomain}\nregion: ` +
        `eu-west-1\nssh:\n  privateKey: ${lab.node.ssh.privateKeyPath}\n  ` +
        `user: ${lab.node.ssh.user}\n  knownHosts: ${knownHosts}\nproxy: haproxy\n`,
    );
    await lab.gateway.mapPublicIp(EIP_SECONDARY, SECONDARY);
    pristine = await nodeSnapshot(lab);
  });
  after(async () => {
    await lab?.destroy();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('GIVEN an unknown host key WHEN proxy setup runs without --accept-new-host-key THEN it stops, names the fingerprint and changes nothing', async () => {
    const r = await cli(['proxy', 'setup', '--yes']);
    assert.equal(r.code, 1);
    assert.ok(r.stderr.includes(lab.node.ssh.hostKeyFingerprint), r.stderr);
    assert.match(r.stderr, /node\.host-key-unknown/);
    assert.deepEqual(await nodeSnapshot(lab), pristine);
  });

  test('GIVEN --accept-new-host-key WHEN proxy setup runs THEN apps answer on the secondary address and reruns report no changes', async () => {
    const first = await cli(['proxy', 'setup', '--yes', '--accept-new-host-key']);
    assert.equal(first.code, 0, first.stderr);
    assertAnsweredBy(await httpsFromClient(lab, `web.${lab.appsDomain}`, EIP_SECONDARY), 'ingress');
    assertAnsweredBy(await httpFromClient(lab, `web.${lab.appsDomain}`, EIP_SECONDARY), 'ingress');
    for (let i = 0; i < 3; i++) {
      const again = await cli(['proxy', 'setup', '--yes', '-o', 'json']);
      assert.equal(again.code, 0, again.stderr);
      assert.equal((JSON.parse(again.stdout) as { result: { decision: string } }).result.decision, 'nothing-to-do');
    }
    const status = await cli(['proxy', 'status', '-o', 'json']);
    assert.equal((JSON.parse(status.stdout) as { result: { converged: boolean } }).result.converged, true);
  });

  test('GIVEN a pinned key that no longer matches WHEN proxy remove runs THEN it stops before anything changes', async () => {
    const pinned = readFileSync(knownHosts, 'utf8');
    const other = join(dir, 'other');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', other]);
    const [type, b64] = readFileSync(`${other}.pub`, 'utf8').split(' ');
    writeFileSync(knownHosts, `[${lab.node.ssh.host}]:${lab.node.ssh.port} ${type} ${b64}\n`);
    const before = await nodeSnapshot(lab);
    try {
      const r = await cli(['proxy', 'remove', '--yes', '--accept-new-host-key']);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /node\.host-key-changed/);
      assert.ok(r.stderr.includes(lab.node.ssh.hostKeyFingerprint), 'names the key the node presents');
      assert.deepEqual(await nodeSnapshot(lab), before);
    } finally {
      writeFileSync(knownHosts, pinned);
    }
  });

  test('GIVEN a set-up node WHEN proxy remove --yes runs THEN the node is as it was', async () => {
    const r = await cli(['proxy', 'remove', '--yes']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(await nodeSnapshot(lab), pristine);
    const again = await cli(['proxy', 'remove', '--yes']);
    assert.equal(again.code, 0);
    assert.match(again.stdout, /no changes/);
  });

  test('GIVEN addresses left out and no AWS credentials WHEN proxy setup runs THEN it asks AWS, fails on the credentials and touches nothing', async () => {
    const before = await nodeSnapshot(lab);
    const r = await runCli([
      '-c',
      join(dir, 'solokube.yaml'),
      'proxy',
      'setup',
      '--yes',
      '-o',
      'json',
      '--node-host',
      '127.0.0.1',
    ]);
    assert.equal(r.code, 1);
    assert.equal((JSON.parse(r.stdout) as { error: { code: string } }).error.code, 'aws.credentials');
    assert.deepEqual(await nodeSnapshot(lab), before);
  });
});
