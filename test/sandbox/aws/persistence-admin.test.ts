// The state file across restarts, the /_sandbox/ admin API over plain HTTP, the process entry
// point, and AWS_ENDPOINT_URL reaching the emulator from a subprocess.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import {
  AllocateAddressCommand,
  AssignPrivateIpAddressesCommand,
  DescribeAddressesCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import { kopsClusterSeed, startAwsEmulator } from '../../../src/sandbox/aws/index.js';
import { CLUSTER, clientConfig, ZONE } from './harness.js';

function tempDir(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'solokube-emu-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

describe('AWS emulator: persistence and admin API', () => {
  test('GIVEN a state file WHEN the emulator restarts on it THEN addresses, private IPs and id counters survive', async (t) => {
    const stateFile = join(tempDir(t), 'aws.json');
    const first = await startAwsEmulator({ stateFile, publicIpPool: '198.19.1.0/24' });
    first.seed(kopsClusterSeed({ clusterName: CLUSTER, dnsZone: ZONE, publicIp: '198.19.1.10' }));
    const ec2a = new EC2Client(clientConfig(first.endpoint));
    const eniId = Object.keys(first.state().networkInterfaces)[0]!;
    const a1 = await ec2a.send(new AllocateAddressCommand({ Domain: 'vpc' }));
    await ec2a.send(
      new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: eniId, SecondaryPrivateIpAddressCount: 1 }),
    );
    ec2a.destroy();
    const before = first.state();
    await first.close();

    const second = await startAwsEmulator({ stateFile, publicIpPool: '198.19.1.0/24' });
    t.after(() => second.close());
    assert.deepEqual(second.state(), before);
    const ec2b = new EC2Client(clientConfig(second.endpoint));
    t.after(() => ec2b.destroy());
    const a2 = await ec2b.send(new AllocateAddressCommand({ Domain: 'vpc' }));
    assert.notEqual(a2.AllocationId, a1.AllocationId);
    assert.notEqual(a2.PublicIp, a1.PublicIp);
    assert.equal((await ec2b.send(new DescribeAddressesCommand({}))).Addresses!.length, 2);
    // Re-seeding the same cluster on a reused state adds nothing and keeps the secondary IP.
    second.seed(kopsClusterSeed({ clusterName: CLUSTER, dnsZone: ZONE, publicIp: '198.19.1.10' }));
    assert.equal(second.state().networkInterfaces[eniId]!.privateIps.length, 2);
  });

  test('GIVEN the admin API WHEN seeding, faulting, reading calls and state over HTTP THEN each route works and bad input is a 400', async (t) => {
    const emu = await startAwsEmulator();
    t.after(() => emu.close());
    const admin = (method: string, path: string, body?: unknown) =>
      fetch(`${emu.endpoint}/_sandbox/${path}`, {
        method,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }).then(async (r) => ({ status: r.status, json: (await r.json()) as unknown }));
    assert.deepEqual(await admin('GET', 'health'), { status: 200, json: { ok: true, endpoint: emu.endpoint } });
    assert.equal((await admin('POST', 'seed', kopsClusterSeed({ clusterName: CLUSTER, dnsZone: ZONE }))).status, 200);
    const bad = await admin('POST', 'seed', { vpcs: [{ cidrBlock: 'not-a-cidr' }] });
    assert.equal(bad.status, 400);
    assert.equal(
      (await admin('POST', 'seed', { subnets: [{ vpcId: 'vpc-missing', cidrBlock: '10.0.0.0/24' }] })).status,
      400,
    );
    assert.equal((await admin('POST', 'faults', { kind: 'explode' })).status, 400);
    assert.equal(
      (
        await admin('POST', 'faults', {
          service: 'ec2',
          operation: 'DescribeAddresses',
          kind: 'error',
          code: 'InternalError',
          times: 'Infinity',
        })
      ).status,
      200,
    );
    const faults = await admin('GET', 'faults');
    assert.deepEqual(
      (faults.json as { remaining: unknown }[]).map((f) => f.remaining),
      ['Infinity'],
    );
    const ec2 = new EC2Client(clientConfig(emu.endpoint));
    t.after(() => ec2.destroy());
    await assert.rejects(ec2.send(new DescribeAddressesCommand({})), { name: 'InternalError' });
    assert.equal((await admin('DELETE', 'faults')).status, 200);
    await ec2.send(new DescribeAddressesCommand({}));
    const calls = (await admin('GET', 'calls')).json as { operation: string; status: number }[];
    assert.deepEqual(
      calls.map((c) => [c.operation, c.status]),
      [
        ['DescribeAddresses', 500],
        ['DescribeAddresses', 200],
      ],
    );
    await admin('DELETE', 'calls');
    assert.deepEqual((await admin('GET', 'calls')).json, []);
    const state = (await admin('GET', 'state')).json as {
      instances: Record<string, unknown>;
      hostedZones: Record<string, unknown>;
    };
    assert.equal(Object.keys(state.instances).length, 1);
    assert.equal(Object.keys(state.hostedZones).length, 1);
    assert.equal((await admin('GET', 'nothing-here')).status, 404);
    assert.ok(emu.endpoint.startsWith('http://127.0.0.1:'));
  });

  test(
    'GIVEN the process entry point WHEN started with --seed-kops THEN it prints its endpoint ' +
      'and a CLI-style subprocess reaches it through AWS_ENDPOINT_URL',
    async (t) => {
      const stateFile = join(tempDir(t), 'aws.json');
      const main = new URL('../../../src/sandbox/aws/main.js', import.meta.url).pathname;
      const child = spawn(
        process.execPath,
        [
          main,
          '--port',
          '0',
          '--state',
          stateFile,
          '--public-ip-pool',
          '198.19.1.0/24',
          '--seed-kops',
          CLUSTER,
          '--dns-zone',
          ZONE,
          '--public-ip',
          '198.19.1.10',
        ],
        { stdio: ['ignore', 'pipe', 'inherit'] },
      );
      t.after(() => {
        if (child.exitCode === null) child.kill('SIGTERM');
      });
      const line = await new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stdout! }).once('line', resolve);
        child.once('exit', (code) => reject(new Error(`emulator exited with ${code}`)));
      });
      const { endpoint } = JSON.parse(line) as { endpoint: string };
      const script = [
        "import { EC2Client, DescribeInstancesCommand } from '@aws-sdk/client-ec2';",
        "const r = await new EC2Client({}).send(new DescribeInstancesCommand({ Filters: [{ Name: 'tag:KubernetesCluster', Values: [process.argv[1]] }] }));",
        'process.stdout.write(r.Reservations[0].Instances[0].PublicIpAddress);',
      ].join('\n');
      const r = spawnSync(process.execPath, ['--input-type=module', '-e', script, CLUSTER], {
        cwd: process.cwd(),
        env: {
          ...process.env,
          AWS_ENDPOINT_URL: endpoint,
          AWS_REGION: 'us-east-1',
          AWS_ACCESS_KEY_ID: 'x',
          AWS_SECRET_ACCESS_KEY: 'y',
          AWS_MAX_ATTEMPTS: '1',
        },
        encoding: 'utf8',
        timeout: 20000,
      });
      assert.equal(r.stdout, '198.19.1.10', r.stderr);
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    },
  );
});
