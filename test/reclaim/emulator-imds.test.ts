// The emulator's IMDSv2, through plain HTTP as curl and the SDKs use it: tokens (TTL, expiry, 401),
// the hop limit, the paths the reclaim script reads, and per-instance credentials.
import { describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { AssignPrivateIpAddressesCommand } from '@aws-sdk/client-ec2';
import { harness } from '../sandbox/aws/harness.js';
import type { ImdsEndpoint } from '../../src/sandbox/aws/index.js';

interface Answer {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

function call(
  imds: ImdsEndpoint,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  timeoutMs = 2000,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(`${imds.endpoint}${path}`, { method, headers, timeout: timeoutMs }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

async function token(imds: ImdsEndpoint, ttl = '60'): Promise<string> {
  const r = await call(imds, 'PUT', '/latest/api/token', { 'X-aws-ec2-metadata-token-ttl-seconds': ttl });
  assert.equal(r.status, 200);
  return r.body;
}

async function setup(t: TestContext, opts: { hops?: number; ttl?: number } = {}) {
  const h = await harness(t);
  h.emu.setInstanceRole(h.instanceId, 'masters.dev.example.com');
  const imds = await h.emu.serveImds(h.instanceId, {
    ...(opts.hops ? { callerHops: opts.hops } : {}),
    ...(opts.ttl ? { credentialTtlSeconds: opts.ttl } : {}),
  });
  const get = async (path: string) =>
    call(imds, 'GET', `/latest/${path}`, { 'X-aws-ec2-metadata-token': await token(imds) });
  return { h, imds, get };
}

describe('emulator IMDSv2', () => {
  test('GIVEN no token THEN 401 while tokens are required; a PUT with a TTL gives one that works and echoes the TTL', async (t) => {
    const { imds } = await setup(t);
    assert.equal((await call(imds, 'GET', '/latest/meta-data/instance-id')).status, 401);
    assert.equal((await call(imds, 'PUT', '/latest/api/token')).status, 400);
    assert.equal(
      (await call(imds, 'PUT', '/latest/api/token', { 'X-aws-ec2-metadata-token-ttl-seconds': '21601' })).status,
      400,
    );
    assert.equal(
      (await call(imds, 'PUT', '/2021-03-23/api/token', { 'X-aws-ec2-metadata-token-ttl-seconds': '60' })).status,
      403,
    );
    assert.equal(
      (
        await call(imds, 'PUT', '/latest/api/token', {
          'X-aws-ec2-metadata-token-ttl-seconds': '60',
          'X-Forwarded-For': '1.2.3.4',
        })
      ).status,
      403,
    );
    const put = await call(imds, 'PUT', '/latest/api/token', { 'X-aws-ec2-metadata-token-ttl-seconds': '60' });
    assert.equal(put.headers['x-aws-ec2-metadata-token-ttl-seconds'], '60');
    const ok = await call(imds, 'GET', '/latest/meta-data/instance-id', { 'X-aws-ec2-metadata-token': put.body });
    assert.deepEqual([ok.status, ok.body], [200, imds.instanceId]);
    assert.equal(
      (await call(imds, 'GET', '/latest/meta-data/instance-id', { 'X-aws-ec2-metadata-token': 'forged' })).status,
      401,
    );
    assert.equal(
      (await call(imds, 'POST', '/latest/meta-data/instance-id', { 'X-aws-ec2-metadata-token': put.body })).status,
      405,
    );
  });

  test('GIVEN a token with a 1 s TTL WHEN it is older than that THEN 401', async (t) => {
    const { imds } = await setup(t);
    const short = await token(imds, '1');
    assert.equal((await call(imds, 'GET', '/latest/meta-data/mac', { 'X-aws-ec2-metadata-token': short })).status, 200);
    await new Promise((r) => setTimeout(r, 1100));
    assert.equal((await call(imds, 'GET', '/latest/meta-data/mac', { 'X-aws-ec2-metadata-token': short })).status, 401);
  });

  test('GIVEN tokens optional THEN a token-less (IMDSv1) GET is served', async (t) => {
    const h = await harness(t);
    h.emu.seed({
      instances: [
        {
          instanceId: 'i-0v1',
          subnetId: Object.keys(h.emu.state().subnets)[0]!,
          associatePublicIp: false,
          metadataOptions: { httpTokens: 'optional' },
        },
      ],
    });
    const imds = await h.emu.serveImds('i-0v1');
    assert.equal((await call(imds, 'GET', '/latest/meta-data/instance-id')).body, 'i-0v1');
  });

  test('GIVEN a caller two hops away and the default hop limit 1 THEN the token never arrives; with limit 2 it does', async (t) => {
    const { h, imds } = await setup(t, { hops: 2 });
    await assert.rejects(
      call(imds, 'PUT', '/latest/api/token', { 'X-aws-ec2-metadata-token-ttl-seconds': '60' }, 500),
      /timeout|socket hang up/,
    );
    assert.equal(imds.requests().at(-1)?.status, 0);
    const subnetId = Object.keys(h.emu.state().subnets)[0]!;
    h.emu.seed({
      instances: [
        { instanceId: 'i-0hop2', subnetId, associatePublicIp: false, metadataOptions: { httpPutResponseHopLimit: 2 } },
      ],
    });
    const bridged = await h.emu.serveImds('i-0hop2', { callerHops: 2 });
    assert.equal((await token(bridged)).length > 20, true);
  });

  test('GIVEN the paths the reclaim reads THEN identity, MAC, ENI, subnet and addresses agree with EC2, live', async (t) => {
    const { h, get } = await setup(t);
    const eni = h.emu.state().networkInterfaces[h.eniId]!;
    const doc = JSON.parse((await get('dynamic/instance-identity/document')).body) as Record<string, string>;
    assert.deepEqual([doc.instanceId, doc.region, doc.accountId], [h.instanceId, 'us-east-1', '123456789012']);
    assert.equal((await get('meta-data/mac')).body, eni.macAddress);
    assert.equal((await get('meta-data/placement/region')).body, 'us-east-1');
    assert.match((await get('meta-data/')).body, /^placement\/$/m);
    assert.equal((await get(`meta-data/network/interfaces/macs/`)).body, `${eni.macAddress}/`);
    const base = `meta-data/network/interfaces/macs/${eni.macAddress}`;
    assert.equal((await get(`${base}/interface-id`)).body, h.eniId);
    assert.equal((await get(`${base}/subnet-ipv4-cidr-block`)).body, '198.18.0.0/24');
    assert.equal((await get(`${base}/local-ipv4s`)).body, '198.18.0.10');
    await h.ec2.send(
      new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: h.eniId, SecondaryPrivateIpAddressCount: 1 }),
    );
    assert.equal((await get(`${base}/local-ipv4s`)).body, '198.18.0.10\n198.18.0.4');
    assert.equal((await get('meta-data/nonexistent')).status, 404);
  });

  test("GIVEN the emulator as a process WHEN the admin API asks for an instance's IMDS THEN it serves that instance; an unknown one is a 400", async (t) => {
    const h = await harness(t);
    const post = async (body: unknown) => {
      const r = await fetch(`${h.emu.endpoint}/_sandbox/imds`, { method: 'POST', body: JSON.stringify(body) });
      return { status: r.status, body: (await r.json()) as { endpoint?: string; port?: number; error?: string } };
    };
    const started = await post({ instanceId: h.instanceId });
    assert.equal(started.status, 200);
    const imds = {
      instanceId: h.instanceId,
      endpoint: started.body.endpoint!,
      port: started.body.port!,
      requests: () => [],
      close: async () => undefined,
    };
    const tok = await token(imds);
    assert.equal(
      (await call(imds, 'GET', '/latest/meta-data/instance-id', { 'X-aws-ec2-metadata-token': tok })).body,
      h.instanceId,
    );
    const unknown = await post({ instanceId: 'i-0nothere' });
    assert.equal(unknown.status, 400);
    assert.match(unknown.body.error ?? '', /no instance i-0nothere/);
  });

  test('GIVEN an instance role THEN credentials are served in the documented shape, reused, and absent without a role', async (t) => {
    const { h, get } = await setup(t);
    assert.equal((await get('meta-data/iam/security-credentials/')).body, 'masters.dev.example.com');
    const creds = JSON.parse((await get('meta-data/iam/security-credentials/masters.dev.example.com')).body) as Record<
      string,
      string
    >;
    assert.equal(creds.Code, 'Success');
    assert.equal(creds.Type, 'AWS-HMAC');
    assert.match(creds.AccessKeyId ?? '', /^ASIA[A-Z2-7]{16}$/);
    assert.match(creds.Expiration ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.ok(Date.parse(creds.Expiration!) > Date.now() + 5 * 3600_000);
    const again = JSON.parse((await get('meta-data/iam/security-credentials/masters.dev.example.com')).body) as Record<
      string,
      string
    >;
    assert.equal(again.AccessKeyId, creds.AccessKeyId);
    h.emu.setInstanceRole(h.instanceId, undefined);
    assert.equal((await get('meta-data/iam/security-credentials/')).status, 404);
  });
});
