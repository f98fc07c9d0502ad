// The internet-side probes against real servers on loopback: a TLS server with a certificate from a
// CA made here with openssl (issuer, names, trust, days to expiry — expiry through the clock doctor
// is given, as a certificate expiring in pebble's clock would), an HTTPS request through it, and
// name resolution through the AWS emulator's DNS answering its Route 53 zones.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { httpRequest, resolveName, tlsPeer } from '../../src/doctor/probes.js';
import { tlsCheck } from '../../src/doctor/internet-checks.js';
import { mintChain } from './support/tls-chain.js';
import { closedPort } from './support/closed-port.js';
import { kopsClusterSeed, startAwsEmulator } from '../../src/sandbox/aws/index.js';
import type { AwsEmulator } from '../../src/sandbox/aws/index.js';

const DAY = 86_400_000;

describe('TLS and HTTPS probes against a real TLS server', () => {
  let dir: string;
  let server: Server;
  let port: number;
  let ca: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'solokube-doctor-tls-'));
    const chain = mintChain(dir, 'leaf', 'hello.example.com', {
      caSubject: '/O=doctor test/CN=doctor test CA',
      caDays: 30,
      leafDays: 10,
    });
    ca = chain.caPath;
    server = createServer({ key: chain.key, cert: chain.cert }, (req, res) => {
      res.writeHead(req.headers.host?.startsWith('hello.example.com') ? 200 : 421);
      res.end('hello from the test server\n');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(() => {
    server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('GIVEN a trusted 10-day certificate for the name WHEN probed THEN issuer, names and days are reported, and fewer than 20 days warn', async () => {
    const r = await tlsPeer(
      { address: '127.0.0.1', port, servername: 'hello.example.com' },
      { caFile: ca, timeoutMs: 3_000 },
    );
    assert.equal(r.error, undefined);
    assert.equal(r.authorized, true);
    assert.equal(r.nameMatches, true);
    assert.deepEqual(r.names, ['hello.example.com']);
    assert.equal(r.issuer, 'doctor test / doctor test CA');
    const c = tlsCheck('tls/hello.example.com', r, new Date());
    assert.equal(c.status, 'warn');
    assert.match(c.summary, /issuer doctor test \/ doctor test CA, names hello\.example\.com, (9|10) day\(s\) left/);
    assert.equal(tlsCheck('tls/hello.example.com', r, new Date(Date.now() - 15 * DAY)).status, 'pass');
  });

  test('GIVEN the clock past the expiry WHEN judged THEN the certificate fails as expired', async () => {
    const r = await tlsPeer(
      { address: '127.0.0.1', port, servername: 'hello.example.com' },
      { caFile: ca, timeoutMs: 3_000 },
    );
    const c = tlsCheck('tls/hello.example.com', r, new Date(Date.now() + 11 * DAY));
    assert.equal(c.status, 'fail');
    assert.match(c.summary, /expired/);
    assert.ok(c.remedy);
  });

  test('GIVEN another name, or no trust in the CA WHEN probed THEN each fails for its own reason', async () => {
    const other = await tlsPeer(
      { address: '127.0.0.1', port, servername: 'other.example.com' },
      { caFile: ca, timeoutMs: 3_000 },
    );
    const wrongName = tlsCheck('tls/other.example.com', other, new Date());
    assert.equal(wrongName.status, 'fail');
    assert.match(wrongName.summary, /not among the certificate's names/);
    const untrusted = await tlsPeer(
      { address: '127.0.0.1', port, servername: 'hello.example.com' },
      { timeoutMs: 3_000 },
    );
    const c = tlsCheck('tls/hello.example.com', untrusted, new Date());
    assert.equal(c.status, 'fail');
    assert.match(c.summary, /not trusted/);
  });

  test('GIVEN nothing listens WHEN probed THEN the TLS probe and the request report the refusal as data', async () => {
    const closed = await closedPort();
    const t = await tlsPeer(
      { address: '127.0.0.1', port: closed, servername: 'hello.example.com' },
      { timeoutMs: 2_000 },
    );
    assert.match(t.error ?? '', /ECONNREFUSED/);
    const h = await httpRequest(
      { url: `https://hello.example.com:${closed}/`, address: '127.0.0.1' },
      { timeoutMs: 2_000 },
    );
    assert.match(h.error ?? '', /ECONNREFUSED/);
  });

  test('GIVEN a fixed address WHEN an HTTPS request is made THEN it verifies the certificate for the URL host and reports the status', async () => {
    const ok = await httpRequest(
      { url: `https://hello.example.com:${port}/`, address: '127.0.0.1' },
      { caFile: ca, timeoutMs: 3_000 },
    );
    assert.equal(ok.status, 200, ok.error);
    assert.match(ok.bodyStart ?? '', /hello from the test server/);
    const untrusted = await httpRequest(
      { url: `https://hello.example.com:${port}/`, address: '127.0.0.1' },
      { timeoutMs: 3_000 },
    );
    assert.ok(untrusted.error, 'an untrusted certificate is an error: the request always verifies');
    assert.equal(untrusted.errorCode, 'UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    const pinned = await httpRequest(
      { url: `https://hello.example.com:${port}/`, address: '127.0.0.1', caPem: readFileSync(ca, 'utf8') },
      { timeoutMs: 3_000 },
    );
    assert.equal(pinned.status, 200, pinned.error);
  });
});

describe('name resolution through the emulator DNS', () => {
  let emu: AwsEmulator;
  before(async () => {
    emu = await startAwsEmulator({ publicIpPool: '198.19.1.0/24', dns: { address: '127.0.0.1', port: 0 } });
    emu.seed(kopsClusterSeed({ clusterName: 'c1.example.com', dnsZone: 'example.com', region: 'us-east-1' }));
  });
  after(async () => emu?.close());

  test("GIVEN kops' api record WHEN resolved THEN the instance's public address comes back; an unknown name is an error", async () => {
    const server = `127.0.0.1:${emu.dns!.port}`;
    const instance = Object.values(emu.state().networkInterfaces)[0]!;
    const api = await resolveName('api.c1.example.com', { dnsServer: server, timeoutMs: 2_000 });
    assert.equal(api.error, undefined);
    assert.deepEqual(api.addresses, [instance.autoPublicIp]);
    const none = await resolveName('nope.example.com', { dnsServer: server, timeoutMs: 2_000 });
    assert.deepEqual(none.addresses, []);
    assert.match(none.error ?? '', /ENOTFOUND/);
  });
});

describe('the remaining life of a short-lived certificate', () => {
  const served = (validTo: Date) => ({
    kind: 'tls' as const,
    servername: 'hello.example.com',
    address: '198.19.1.10',
    authorized: true,
    nameMatches: true,
    issuer: 'Pebble Intermediate CA 1a2b3c',
    names: ['hello.example.com'],
    validTo: validTo.toISOString(),
  });

  test('GIVEN a certificate with 90 seconds left WHEN judged THEN it warns with minutes, not "0 days"', () => {
    const now = new Date('2026-11-30T12:00:00Z');
    const c = tlsCheck('tls/hello.example.com', served(new Date(now.getTime() + 90_000)), now);
    assert.equal(c.status, 'warn');
    assert.match(c.summary, /1 minute\(s\) left \(until 2026-11-30T12:01:30\.000Z\)/);
  });

  test('GIVEN a certificate that expired 5 seconds ago WHEN judged THEN it fails as expired 5 seconds ago, not a day', () => {
    const now = new Date('2026-11-30T12:00:00Z');
    const c = tlsCheck('tls/hello.example.com', served(new Date(now.getTime() - 5_000)), now);
    assert.equal(c.status, 'fail');
    assert.match(c.summary, /expired certificate; .*expired 5 second\(s\) ago/);
    assert.ok(c.remedy);
  });
});
