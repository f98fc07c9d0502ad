// test:integration — needs the Go-built kops binary.
// pause/resume against the real kops for the specs (get, replace -f) and the sandbox's kops stand-in
// for `update cluster --yes` (it needs a real cloud), on the AWS emulator: the control-plane group
// goes to 0/0 and back to 1/1, the worker group and the cluster spec are untouched, kops is asked to
// update every time, and a rerun changes no spec. What the cloud does with the group at zero (the
// instance terminated, a fresh one on resume) is test/kops/standin-userdata.test.ts's.
// And `up` on a paused cluster stops before changing anything and names `resume` (src/pause/guard.ts).

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAwsClients, type AwsClients } from '../../src/aws/clients.js';
import { validateConfig } from '../../src/config/load.js';
import { RecordingIoHost } from '../../src/core/io.js';
import { planAndApply } from '../../src/core/run.js';
import type { KopsCli } from '../../src/kops/cli.js';
import { KopsRunner } from '../../src/kops/runner.js';
import { clusterResources } from '../../src/kops/stack.js';
import { renderClusterSpecs } from '../../src/kops/spec.js';
import { applySpecs, readSpecs } from '../../src/kops/steps.js';
import { controlPlaneSize, scaleControlPlane, withControlPlaneSize } from '../../src/pause/scale.js';
import { runCli } from '../support/cli.js';
import { writeFile } from 'node:fs/promises';
import { ensureGoTools } from '../../src/sandbox/gotools/build.js';
import { startAwsEmulator, type AwsEmulator } from '../../src/sandbox/aws/index.js';
import { KopsStandIn } from '../../src/sandbox/kops/standin.js';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const REGION = 'eu-west-1';
const CREDS = { accessKeyId: 'AKIDPAUSE', secretAccessKey: 'pause-secret' };
const BUCKET = 'solokube-state-123456789012-eu-west-1';
const CLUSTER = 'pause.example.com';

/** kops (and the CLI) pointed at the emulator for everything AWS and S3, with its own HOME. */
const kopsEnvFor = (home: string, endpoint: string): Record<string, string> => ({
  HOME: home,
  AWS_REGION: REGION,
  AWS_ENDPOINT_URL: endpoint,
  AWS_EC2_METADATA_DISABLED: 'true',
  AWS_ACCESS_KEY_ID: CREDS.accessKeyId,
  AWS_SECRET_ACCESS_KEY: CREDS.secretAccessKey,
  S3_ENDPOINT: endpoint,
  S3_REGION: REGION,
  S3_ACCESS_KEY_ID: CREDS.accessKeyId,
  S3_SECRET_ACCESS_KEY: CREDS.secretAccessKey,
});

/** A cluster kops holds with its control-plane group at zero, and a solokube.yaml for it in `dir`. */
async function holdPaused(kops: KopsCli, name: string, dir: string): Promise<void> {
  const config = validateConfig({ name, dnsZone: 'example.com', region: REGION }, 'test');
  await applySpecs(
    kops,
    withControlPlaneSize(renderClusterSpecs(config, { stateStore: `s3://${BUCKET}` }), 0),
    AbortSignal.timeout(300_000),
  );
  await writeFile(join(dir, 'solokube.yaml'), `name: ${name}\ndnsZone: example.com\nregion: ${REGION}\n`);
}

describe('pause and resume through kops (real kops + stand-in)', { timeout: 20 * 60_000 }, () => {
  let emu: AwsEmulator;
  let clients: AwsClients;
  let dir: string;
  let standIn: KopsStandIn;
  /** The verbs kops was asked to run, in order (observed, not faked: every call goes through). */
  const verbs: string[] = [];
  let kops: KopsCli;
  let binary: string;
  let kopsEnv: Record<string, string>;
  const signal = () => AbortSignal.timeout(300_000);

  before(async () => {
    const io = new RecordingIoHost();
    binary = (await ensureGoTools(['kops'], { io }))['kops']!;
    emu = await startAwsEmulator({ region: REGION, publicIpPool: '198.19.1.0/24' });
    dir = await mkdtemp(join(tmpdir(), 'solokube-pause-'));
    clients = createAwsClients({ region: REGION, endpoint: emu.endpoint, credentials: CREDS, maxAttempts: 4 });
    const config = validateConfig(
      { name: CLUSTER, dnsZone: 'example.com', region: REGION, ssh: { privateKey: join(dir, 'id_ed25519') } },
      'test',
    );
    kopsEnv = { ...kopsEnvFor(dir, emu.endpoint), KUBECONFIG: join(dir, 'kube', 'config') };
    const real = new KopsRunner({ binary, stateStore: `s3://${BUCKET}`, io, env: kopsEnv });
    standIn = new KopsStandIn({
      real,
      endpoint: emu.endpoint,
      region: REGION,
      credentials: CREDS,
      stateStore: `s3://${BUCKET}`,
    });
    kops = {
      run: (step, args, opts) => {
        verbs.push(`${args[0]} ${args[1]}`);
        return standIn.run(step, args, opts);
      },
    };
    await planAndApply(
      clusterResources(
        { config, clients, io, kops, kubeconfigPath: join(dir, 'solokube', 'kubeconfig'), validateWaitMs: 5_000 },
        signal(),
      ),
      { io, signal: signal(), mode: 'converge', yes: true, dryRun: false },
    );
  });
  after(async () => {
    standIn?.close();
    clients?.destroy();
    await emu?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('GIVEN a running cluster WHEN paused THEN kops holds the control-plane group at 0/0, everything else as it was, and was told to update', async () => {
    const before = (await readSpecs(kops, CLUSTER, signal()))!;
    verbs.length = 0;
    const r = await scaleControlPlane(kops, CLUSTER, 0, '87600h', signal());
    assert.deepEqual({ from: r.from, to: r.to, changed: r.changed }, { from: 1, to: 0, changed: true });
    assert.ok(verbs.includes('replace -f'), verbs.join(', '));
    assert.equal(verbs.at(-1), 'update cluster');
    const after = (await readSpecs(kops, CLUSTER, signal()))!;
    assert.deepEqual(controlPlaneSize(after), { group: r.group, minSize: 0, maxSize: 0 });
    assert.deepEqual(after.cluster, before.cluster);
    const workers = (s: typeof before) => s.instanceGroups.filter((g) => g.metadata.name !== r.group);
    assert.deepEqual(workers(after), workers(before));
  });

  test('GIVEN a paused cluster WHEN paused again THEN no spec changes, and kops is still asked to update', async () => {
    verbs.length = 0;
    const r = await scaleControlPlane(kops, CLUSTER, 0, '87600h', signal());
    assert.equal(r.changed, false);
    assert.ok(!verbs.includes('replace -f'), verbs.join(', '));
    assert.equal(verbs.at(-1), 'update cluster');
  });

  test('GIVEN a paused cluster WHEN resumed THEN the control-plane group is back at 1/1', async () => {
    const r = await scaleControlPlane(kops, CLUSTER, 1, '87600h', signal());
    assert.deepEqual({ from: r.from, to: r.to, changed: r.changed }, { from: 0, to: 1, changed: true });
    const after = (await readSpecs(kops, CLUSTER, signal()))!;
    assert.deepEqual(controlPlaneSize(after), { group: r.group, minSize: 1, maxSize: 1 });
  });

  test('GIVEN no such cluster WHEN paused THEN it fails with a remedy and runs no update', async () => {
    verbs.length = 0;
    await assert.rejects(
      scaleControlPlane(kops, 'absent.example.com', 0, '87600h', signal()),
      (e: Error & { code?: string }) => {
        assert.equal(e.code, 'pause.no-cluster');
        return true;
      },
    );
    assert.ok(!verbs.includes('update cluster'));
  });

  test('GIVEN a cluster kops holds at zero and no running instance WHEN status runs THEN it says paused and what it still costs', async () => {
    const name = 'sleeping.example.com';
    await holdPaused(kops, name, dir);
    const run = await runCli(['status', '-o', 'json'], {
      cwd: dir,
      env: {
        ...kopsEnv,
        SOLOKUBE_KOPS: binary,
        AWS_CONFIG_FILE: '/nonexistent/x',
        AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/x',
      },
      timeoutMs: 120_000,
    });
    assert.equal(run.code, 0, run.stderr + run.stdout);
    const r = (JSON.parse(run.stdout) as { result: { paused: boolean; pausedCost: { monthlyUsd: number } } }).result;
    assert.equal(r.paused, true);
    // No apps: etcd main + events 2 × 20 GB × $0.088 = 3.52, the idle Elastic IP 0.005 × 730 = 3.65,
    // the zone 0.50, the bucket 1 GB × $0.023 = 0.02 (eu-west-1 prices in src/cost/prices.ts).
    assert.equal(r.pausedCost.monthlyUsd, 7.69);
  });
});

describe('up on a paused cluster (real kops + stand-in)', { timeout: 20 * 60_000 }, () => {
  test('GIVEN a cluster kops holds at zero WHEN up runs THEN it stops with "paused", names resume, and the group stays at zero', async () => {
    const name = 'dozing.example.com';
    const signal = () => AbortSignal.timeout(300_000);
    const emu = await startAwsEmulator({ region: REGION, publicIpPool: '198.19.3.0/24' });
    const dir = await mkdtemp(join(tmpdir(), 'solokube-up-paused-'));
    const io = new RecordingIoHost();
    const binary = (await ensureGoTools(['kops'], { io }))['kops']!;
    const env = kopsEnvFor(dir, emu.endpoint);
    const kops = new KopsRunner({ binary, stateStore: `s3://${BUCKET}`, io, env });
    try {
      const s3 = new S3Client({ region: REGION, endpoint: emu.endpoint, credentials: CREDS, forcePathStyle: true });
      await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
      s3.destroy();
      await holdPaused(kops, name, dir);

      const run = await runCli(['up', '--yes'], {
        cwd: dir,
        env: {
          ...env,
          SOLOKUBE_KOPS: binary,
          AWS_CONFIG_FILE: '/nonexistent/x',
          AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/x',
        },
        timeoutMs: 180_000,
      });

      assert.notEqual(run.code, 0, run.stdout);
      assert.match(run.stderr, /dozing\.example\.com is paused/);
      assert.match(run.stderr, /solokube resume --yes/);
      const after = (await readSpecs(kops, name, signal()))!;
      assert.equal(controlPlaneSize(after).maxSize, 0, 'up did not resume it');
      assert.equal(
        Object.values(emu.state().instances).filter((i) => i.state === 'running').length,
        0,
        'no instance was launched',
      );
    } finally {
      await emu.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
