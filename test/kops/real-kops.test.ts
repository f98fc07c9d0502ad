// test:integration — needs root, the lab node or the Go-built Kubernetes/kops/Traefik binaries.
// The proof that solokube's specs are right: the real kops binary (built from its module, pinned in
// gotools/) takes them through `create -f` and `replace -f` against the emulator (S3 state store,
// EC2), and `kops get -o yaml` reads back exactly what we rendered. The emulator's call log shows
// which AWS calls kops made; none may hit an operation the emulator does not serve.
import { before, after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAwsClients } from '../../src/aws/clients.js';
import { stateStore } from '../../src/aws/resources/state-store.js';
import { names } from '../../src/config/naming.js';
import { RecordingIoHost } from '../../src/core/io.js';
import { planAndApply } from '../../src/core/run.js';
import { KopsRunner } from '../../src/kops/runner.js';
import { renderClusterSpecs } from '../../src/kops/spec.js';
import { applySpecs, readSpecs } from '../../src/kops/steps.js';
import { ensureGoTools } from '../../src/sandbox/gotools/build.js';
import { startAwsEmulator, type AwsEmulator } from '../../src/sandbox/aws/index.js';
import { CONFIGS } from './support.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const REGION = 'eu-west-1';
const CREDS = { accessKeyId: 'AKIDKOPSTEST', secretAccessKey: 'kops-test-secret' };
const BUCKET = 'solokube-state-123456789012-eu-west-1';

let emu: AwsEmulator;
let home: string;
let kopsBinary: string;

function runner(io = new RecordingIoHost()): KopsRunner {
  return new KopsRunner({
    binary: kopsBinary,
    stateStore: `s3://${BUCKET}`,
    io,
    env: {
      HOME: home,
      KUBECONFIG: join(home, 'kubeconfig'),
      AWS_REGION: REGION,
      AWS_ENDPOINT_URL: emu.endpoint,
      AWS_ACCESS_KEY_ID: CREDS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: CREDS.secretAccessKey,
      AWS_EC2_METADATA_DISABLED: 'true',
      S3_ENDPOINT: emu.endpoint,
      S3_REGION: REGION,
      S3_ACCESS_KEY_ID: CREDS.accessKeyId,
      S3_SECRET_ACCESS_KEY: CREDS.secretAccessKey,
    },
  });
}

describe('real kops accepts the rendered specs', { timeout: 45 * 60_000 }, () => {
  before(async () => {
    kopsBinary = (await ensureGoTools(['kops'], { io: new RecordingIoHost() }))['kops']!;
    emu = await startAwsEmulator({ region: REGION });
    home = await mkdtemp(join(tmpdir(), 'solokube-kops-home-'));
    const config = CONFIGS['default']!.config;
    const clients = createAwsClients({ region: REGION, endpoint: emu.endpoint, credentials: CREDS });
    const io = new RecordingIoHost();
    await planAndApply([stateStore({ config, names: names(config), clients })], {
      io,
      signal: AbortSignal.timeout(60_000),
      mode: 'converge',
      yes: true,
      dryRun: false,
    });
    clients.destroy();
  });
  after(async () => {
    await emu?.close();
    if (home) await rm(home, { recursive: true, force: true });
  });

  for (const name of Object.keys(CONFIGS)) {
    test(
      `GIVEN the ${name} configuration WHEN kops creates the cluster from our specs THEN kops ` +
        `get returns exactly what we rendered, and a second apply changes nothing`,
      async () => {
        const c = CONFIGS[name]!;
        // One cluster name per case, so the cases share the state store without meeting.
        const config = { ...c.config, name: `${name}.example.com` };
        const specs = renderClusterSpecs(config, {
          stateStore: `s3://${BUCKET}`,
          ...(c.appSecurityGroupId ? { appSecurityGroupId: c.appSecurityGroupId } : {}),
        });
        const kops = runner();
        const signal = AbortSignal.timeout(5 * 60_000);
        emu.resetCalls();
        assert.equal(await applySpecs(kops, specs, signal), 'created');
        const back = await readSpecs(kops, config.name, signal);
        assert.deepEqual(back?.cluster, specs.cluster);
        assert.deepEqual(
          back?.instanceGroups.sort((a, b) => a.metadata.name.localeCompare(b.metadata.name)),
          specs.instanceGroups,
        );
        assert.equal(await applySpecs(kops, specs, signal), 'unchanged');
        const refused = emu
          .calls()
          .filter((x) => x.status >= 400 && !['NoSuchKey', 'NotFound'].includes(x.errorCode ?? ''));
        assert.deepEqual(refused, [], 'kops made calls the emulator refused');
      },
    );
  }

  test('GIVEN an existing cluster WHEN the instance type changes THEN replace -f updates it and kops get shows the new type', async () => {
    const base = CONFIGS['default']!.config;
    const config = { ...base, name: 'replace.example.com' };
    const kops = runner();
    const signal = AbortSignal.timeout(5 * 60_000);
    assert.equal(
      await applySpecs(kops, renderClusterSpecs(config, { stateStore: `s3://${BUCKET}` }), signal),
      'created',
    );
    const bigger = renderClusterSpecs(
      { ...config, instanceType: 'm6i.xlarge' },
      { stateStore: `s3://${BUCKET}`, appSecurityGroupId: 'sg-0fedcba9876543210' },
    );
    assert.equal(await applySpecs(kops, bigger, signal), 'replaced');
    const back = await readSpecs(kops, config.name, signal);
    assert.deepEqual(
      back?.instanceGroups.sort((a, b) => a.metadata.name.localeCompare(b.metadata.name)),
      bigger.instanceGroups,
    );
    const ops = [...new Set(emu.calls().map((x) => `${x.service}:${x.operation}`))].sort();
    // What kops 1.36.2 asks AWS for in create -f, replace -f and get (found by running it; a change in
    // kops shows up here): BuildCloud's DescribeRegions/DescribeAvailabilityZones, replace's
    // DescribeVolumes (FindClusterStatus), and the state store.
    assert.deepEqual(ops, [
      'ec2:DescribeAvailabilityZones',
      'ec2:DescribeRegions',
      'ec2:DescribeVolumes',
      's3:GetBucketEncryption',
      's3:GetObject',
      's3:ListObjectsV2',
      's3:PutObject',
    ]);
  });

  test(
    'GIVEN a cluster with the reclaim fragments WHEN the secondary IP is switched off and on ' +
      'again THEN replace -f removes and restores them, and kops get returns each render exactly',
    async () => {
      const base = CONFIGS['default']!.config;
      const config = { ...base, name: 'switch.example.com' };
      const kops = runner();
      const signal = AbortSignal.timeout(5 * 60_000);
      const on = renderClusterSpecs(config, { stateStore: `s3://${BUCKET}` });
      assert.ok(on.cluster.spec['additionalPolicies'], 'the render carries the reclaim policy');
      assert.equal(await applySpecs(kops, on, signal), 'created');
      const off = renderClusterSpecs({ ...config, secondaryIp: false }, { stateStore: `s3://${BUCKET}` });
      for (const [want, action] of [
        [off, 'replaced'],
        [on, 'replaced'],
      ] as const) {
        assert.equal(await applySpecs(kops, want, signal), action);
        const back = await readSpecs(kops, config.name, signal);
        assert.deepEqual(back?.cluster, want.cluster);
        assert.deepEqual(
          back?.instanceGroups.sort((a, b) => a.metadata.name.localeCompare(b.metadata.name)),
          want.instanceGroups,
        );
        assert.equal(await applySpecs(kops, want, signal), 'unchanged');
      }
    },
  );
});
