// test:integration — needs root, the lab node or the Go-built Kubernetes/kops/Traefik binaries.
// The cluster lifecycle end to end against the emulator: real kops for everything that can run
// here (create -f, replace -f, get, create sshpublickey), the sandbox's stand-in for what needs a
// real cloud (update --yes, validate, export kubeconfig, delete). A failure injected at each step
// is followed by a rerun that converges without duplicates; down leaves nothing of the cluster,
// state store versions included.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAwsClients, type AwsClients } from '../../src/aws/clients.js';
import { validateConfig } from '../../src/config/load.js';
import { SolokubeError } from '../../src/core/errors.js';
import { RecordingIoHost } from '../../src/core/io.js';
import { planAndApply } from '../../src/core/run.js';
import { KopsRunner } from '../../src/kops/runner.js';
import { clusterResources } from '../../src/kops/stack.js';
import { ensureGoTools } from '../../src/sandbox/gotools/build.js';
import { startAwsEmulator, type AwsEmulator } from '../../src/sandbox/aws/index.js';
import { KopsStandIn, type StandInOptions } from '../../src/sandbox/kops/standin.js';
import type { LaunchedInstance } from '../../src/sandbox/kops/node-provider.js';
import { assertIdempotent } from '../support/idempotency.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const REGION = 'eu-west-1';
const CREDS = { accessKeyId: 'AKIDKOPSLIFE', secretAccessKey: 'kops-life-secret' };
const BUCKET = 'solokube-state-123456789012-eu-west-1';

let kopsBinary: string;

interface World {
  emu: AwsEmulator;
  clients: AwsClients;
  dir: string;
  io: RecordingIoHost;
  launched: LaunchedInstance[];
  resources(faults?: Partial<StandInOptions>): ReturnType<typeof clusterResources>;
  close(): Promise<void>;
}

async function world(name: string): Promise<World> {
  const emu = await startAwsEmulator({ region: REGION, publicIpPool: '198.19.1.0/24' });
  const dir = await mkdtemp(join(tmpdir(), 'solokube-life-'));
  const clients = createAwsClients({ region: REGION, endpoint: emu.endpoint, credentials: CREDS, maxAttempts: 4 });
  const config = validateConfig(
    { name, dnsZone: 'example.com', region: REGION, ssh: { privateKey: join(dir, 'id_ed25519') } },
    'test',
  );
  const io = new RecordingIoHost();
  const launched: LaunchedInstance[] = [];
  const real = new KopsRunner({
    binary: kopsBinary,
    stateStore: `s3://${BUCKET}`,
    io,
    env: {
      HOME: dir,
      KUBECONFIG: join(dir, 'kube', 'config'),
      AWS_REGION: REGION,
      AWS_ENDPOINT_URL: emu.endpoint,
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_ACCESS_KEY_ID: CREDS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: CREDS.secretAccessKey,
      S3_ENDPOINT: emu.endpoint,
      S3_REGION: REGION,
      S3_ACCESS_KEY_ID: CREDS.accessKeyId,
      S3_SECRET_ACCESS_KEY: CREDS.secretAccessKey,
    },
  });
  const standIns: KopsStandIn[] = [];
  return {
    emu,
    clients,
    dir,
    io,
    launched,
    resources(faults = {}) {
      const kops = new KopsStandIn({
        real,
        endpoint: emu.endpoint,
        region: REGION,
        credentials: CREDS,
        stateStore: `s3://${BUCKET}`,
        nodeProvider: {
          onInstanceLaunched: async (i) => {
            launched.push(i);
          },
        },
        ...faults,
      });
      standIns.push(kops);
      return clusterResources(
        { config, clients, io, kops, kubeconfigPath: join(dir, 'solokube', 'kubeconfig'), validateWaitMs: 5_000 },
        AbortSignal.timeout(120_000),
      );
    },
    async close() {
      for (const s of standIns) s.close();
      clients.destroy();
      await emu.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

const converge = (w: World, faults?: Partial<StandInOptions>) =>
  planAndApply(w.resources(faults), {
    io: w.io,
    signal: AbortSignal.timeout(300_000),
    mode: 'converge',
    yes: true,
    dryRun: false,
  });

function clusterObjects(w: World, cluster: string) {
  const s = w.emu.state();
  const mine = (tags: Record<string, string>) => tags['KubernetesCluster'] === cluster;
  return {
    vpcs: Object.values(s.vpcs).filter((v) => mine(v.tags)).length,
    instances: Object.values(s.instances).filter((i) => mine(i.tags)).length,
    groups: Object.values(s.securityGroups).filter((g) => mine(g.tags)).length,
    autoScalingGroups: Object.values(s.autoScalingGroups ?? {}).filter((g) => mine(g.tags)).length,
    apiRecords: Object.values(s.hostedZones)
      .flatMap((z) => z.records)
      .filter((r) => r.name === `api.${cluster}.`).length,
  };
}

async function failsWith(p: Promise<unknown>): Promise<SolokubeError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof SolokubeError) return e;
    throw e;
  }
  throw new Error('expected a failure');
}

describe('kops cluster lifecycle (real kops + stand-in)', { timeout: 45 * 60_000 }, () => {
  before(async () => {
    kopsBinary = (await ensureGoTools(['kops'], { io: new RecordingIoHost() }))['kops']!;
  });

  test(
    'GIVEN an empty account WHEN the cluster is created and planned again THEN state store, ' +
      'specs, cloud objects and kubeconfig exist once, the key was made, and the second plan has ' +
      'no changes; down removes all of it',
    async (t) => {
      const w = await world('life.example.com');
      t.after(() => w.close());
      await assertIdempotent(w.resources(), { io: w.io, signal: AbortSignal.timeout(300_000) });
      assert.deepEqual(clusterObjects(w, 'life.example.com'), {
        vpcs: 1,
        instances: 1,
        groups: 2,
        autoScalingGroups: 2,
        apiRecords: 1,
      });
      assert.equal(w.launched.length, 1);
      // One Auto Scaling group per instance group, sized from its spec; the control plane's holds the instance.
      const asgs = w.emu.state().autoScalingGroups ?? {};
      const running = Object.values(w.emu.state().instances).filter((i) => i.state === 'running');
      assert.deepEqual(
        Object.values(asgs)
          .map((g) => [g.name, g.minSize, g.maxSize, g.instances])
          .sort(),
        [
          ['control-plane-eu-west-1a.masters.life.example.com', 1, 1, running.map((i) => i.instanceId)],
          ['nodes-eu-west-1a.life.example.com', 0, 0, []],
        ],
      );
      assert.ok(existsSync(join(w.dir, 'solokube', 'kubeconfig')));
      assert.ok(w.io.events.some((e) => /created a new ed25519 SSH key/.test(e.message)));
      const keys = Object.keys(w.emu.state().buckets![BUCKET]!.objects);
      assert.ok(
        keys.some((k) => k.startsWith('life.example.com/pki/ssh/public/admin/')),
        keys.join(', '),
      );
      await planAndApply(w.resources(), {
        io: w.io,
        signal: AbortSignal.timeout(300_000),
        mode: 'destroy',
        yes: true,
        dryRun: false,
      });
      assert.deepEqual(clusterObjects(w, 'life.example.com'), {
        vpcs: 0,
        instances: 0,
        groups: 0,
        autoScalingGroups: 0,
        apiRecords: 0,
      });
      assert.deepEqual(w.emu.state().buckets, {}, 'the state store went with every version and delete marker');
    },
  );

  for (const step of ['update', 'validate', 'export'] as const) {
    test(`GIVEN kops ${step} exits non-zero WHEN the rerun comes THEN it resumes and converges with one of everything`, async (t) => {
      const w = await world(`fail-${step}.example.com`);
      t.after(() => w.close());
      await failsWith(converge(w, { failNext: { command: step } }));
      await assertIdempotent(w.resources(), { io: w.io, signal: AbortSignal.timeout(300_000) });
      assert.deepEqual(clusterObjects(w, `fail-${step}.example.com`), {
        vpcs: 1,
        instances: 1,
        groups: 2,
        autoScalingGroups: 2,
        apiRecords: 1,
      });
    });
  }

  test(
    'GIVEN validate never passes WHEN the cluster is created THEN kops.validate lists the ' +
      'failing node; once the node is ready the rerun converges',
    async (t) => {
      const w = await world('slow.example.com');
      t.after(() => w.close());
      const err = await failsWith(converge(w, { validateNeverPasses: true }));
      assert.equal(err.code, 'kops.validate');
      assert.match(err.message, /Node .* is not ready/);
      await assertIdempotent(w.resources(), { io: w.io, signal: AbortSignal.timeout(300_000) });
      assert.equal(clusterObjects(w, 'slow.example.com').instances, 1);
    },
  );

  test('GIVEN kops create -f fails on the state store, and S3 throttles WHEN rerun THEN it converges without duplicates', async (t) => {
    const w = await world('s3.example.com');
    t.after(() => w.close());
    await planAndApply([w.resources()[0]!], {
      io: w.io,
      signal: AbortSignal.timeout(60_000),
      mode: 'converge',
      yes: true,
      dryRun: false,
    });
    w.emu.injectFault({
      service: 's3',
      operation: 'PutObject',
      kind: 'error',
      code: 'AccessDenied',
      status: 403,
      times: 1,
    });
    const err = await failsWith(converge(w));
    assert.match(err.code, /^kops\./);
    w.emu.injectFault({ service: 's3', kind: 'error', code: 'SlowDown', status: 503, times: 3 });
    await assertIdempotent(w.resources(), { io: w.io, signal: AbortSignal.timeout(300_000) });
    assert.deepEqual(clusterObjects(w, 's3.example.com'), {
      vpcs: 1,
      instances: 1,
      groups: 2,
      autoScalingGroups: 2,
      apiRecords: 1,
    });
  });
});
