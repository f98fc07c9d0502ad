// `solokube sandbox aws` as a user runs it: the endpoint on stdout, the real SDK answered there,
// state kept in --state across a restart, Ctrl-C (SIGINT) stops it with exit 0.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AllocateAddressCommand, DescribeAddressesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { CLI } from '../support/cli.js';

async function startForeground(
  state: string,
  args: string[] = ['--region', 'eu-west-1'],
): Promise<{ endpoint: string; stop(): Promise<number | null> }> {
  const child = spawn(process.execPath, [CLI, 'sandbox', 'aws', '--state', state, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const endpoint = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolve(out.split('\n')[0]!);
    });
    child.on('exit', (code) => reject(new Error(`exited early with ${code}`)));
  });
  return {
    endpoint,
    stop: () =>
      new Promise((resolve) => {
        child.on('exit', (code) => resolve(code));
        child.kill('SIGINT');
      }),
  };
}

test('GIVEN sandbox aws in the foreground THEN the SDK talks to it, its state survives a restart, and Ctrl-C stops it cleanly', async () => {
  const state = join(mkdtempSync(join(tmpdir(), 'solokube-emu-')), 'state.json');
  const first = await startForeground(state);
  assert.match(first.endpoint, /^http:\/\/127\.0\.0\.1:\d+$/);
  const client = (endpoint: string) =>
    new EC2Client({
      endpoint,
      region: 'eu-west-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
      maxAttempts: 1,
    });
  const c1 = client(first.endpoint);
  const allocated = await c1.send(new AllocateAddressCommand({ Domain: 'vpc' }));
  c1.destroy();
  assert.equal(await first.stop(), 0);

  const second = await startForeground(state);
  const c2 = client(second.endpoint);
  const { Addresses } = await c2.send(new DescribeAddressesCommand({}));
  c2.destroy();
  assert.deepEqual(
    Addresses?.map((a) => a.AllocationId),
    [allocated.AllocationId],
  );
  assert.equal(await second.stop(), 0);
});

test('GIVEN sandbox aws --region eu-west-1 (a name the global --region also has) THEN the emulator answers as eu-west-1', async () => {
  const emu = await startForeground(join(mkdtempSync(join(tmpdir(), 'solokube-emu-')), 'state.json'), [
    '--region',
    'eu-west-1',
  ]);
  try {
    const ec2 = new EC2Client({
      endpoint: emu.endpoint,
      region: 'eu-west-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
      maxAttempts: 1,
    });
    const allocated = await ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }));
    ec2.destroy();
    assert.equal(allocated.NetworkBorderGroup, 'eu-west-1');
  } finally {
    assert.equal(await emu.stop(), 0);
  }
});

test('GIVEN sandbox aws --dns-port 0 with a kops seed THEN dig gets the seeded api record from 127.0.0.1 on the announced port', async () => {
  const child = spawn(
    process.execPath,
    [CLI, 'sandbox', 'aws', '--seed-kops', 'c1.example.com', '--dns-zone', 'example.com', '--dns-port', '0'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  try {
    const dnsPort = await new Promise<number>((resolve, reject) => {
      let err = '';
      child.stderr.on('data', (d: Buffer) => {
        err += d.toString();
        const m = /DNS from the hosted zones on 127\.0\.0\.1:(\d+)/.exec(err);
        if (m) resolve(Number(m[1]));
      });
      child.on('exit', (code) => reject(new Error(`exited early with ${code}: ${err}`)));
    });
    const dig = await new Promise<string>((resolve) => {
      const d = spawn('dig', [
        '@127.0.0.1',
        '-p',
        String(dnsPort),
        '+short',
        '+time=2',
        '+tries=1',
        'api.c1.example.com',
        'A',
      ]);
      let out = '';
      d.stdout.on('data', (b: Buffer) => (out += b.toString()));
      d.on('exit', () => resolve(out.trim()));
    });
    assert.match(dig, /^\d+\.\d+\.\d+\.\d+$/, "the kops seed's api record answers");
  } finally {
    child.kill('SIGINT');
  }
});
