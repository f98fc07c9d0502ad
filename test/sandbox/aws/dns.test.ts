// The emulator's DNS answers from its Route 53 zones, checked with a real client (dig from
// bind9-dnsutils) over UDP and TCP on loopback; records are written through the real SDK.
import { describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import {
  ChangeResourceRecordSetsCommand,
  ListHostedZonesByNameCommand,
  type Change,
  type Route53Client,
} from '@aws-sdk/client-route-53';
import { harness, ZONE } from './harness.js';

const exec = promisify(execFile);
const DNS_MAIN = fileURLToPath(new URL('../../../src/sandbox/aws/dns/main.js', import.meta.url));

interface Dig {
  status: string;
  flags: string[];
  answer: string[];
  authority: string[];
}

/** dig, parsed: status, header flags, and the answer/authority lines as "name ttl type value". */
async function dig(port: number, name: string, type: string, extra: string[] = []): Promise<Dig> {
  const { stdout } = await exec('dig', [
    '@127.0.0.1',
    '-p',
    String(port),
    '+norec',
    '+time=2',
    '+tries=1',
    ...extra,
    name,
    type,
  ]);
  const status = /status: (\w+)/.exec(stdout)?.[1] ?? '';
  const flags = (/;; flags: ([a-z ]+);/.exec(stdout)?.[1] ?? '').trim().split(/\s+/);
  const section = (title: string): string[] => {
    const m = new RegExp(`;; ${title} SECTION:\\n([\\s\\S]*?)(\\n\\n|$)`).exec(stdout);
    return (m?.[1] ?? '')
      .split('\n')
      .filter((l) => l.trim().length > 0)
      .map((l) =>
        l
          .split(/\s+/)
          .filter((_, i) => i !== 2)
          .join(' '),
      );
  };
  return { status, flags, answer: section('ANSWER'), authority: section('AUTHORITY') };
}

async function zoneId(r53: Route53Client): Promise<string> {
  const z = await r53.send(new ListHostedZonesByNameCommand({ DNSName: ZONE, MaxItems: 1 }));
  return z.HostedZones![0]!.Id!;
}

const rr = (name: string, type: string, values: string[], ttl = 60): Change => ({
  Action: 'UPSERT',
  ResourceRecordSet: { Name: name, Type: type as 'A', TTL: ttl, ResourceRecords: values.map((Value) => ({ Value })) },
});

async function withRecords(t: TestContext, changes: Change[]) {
  const h = await harness(t, { dns: { address: '127.0.0.1', port: 0 } });
  if (changes.length > 0)
    await h.r53.send(
      new ChangeResourceRecordSetsCommand({ HostedZoneId: await zoneId(h.r53), ChangeBatch: { Changes: changes } }),
    );
  return { ...h, port: h.emu.dns!.port };
}

describe('AWS emulator: DNS from the Route 53 zones', () => {
  test('GIVEN an A record WHEN dig asks over UDP and over TCP THEN both get it, authoritative, with the record TTL', async (t) => {
    const { port } = await withRecords(t, [rr(`hello.${ZONE}`, 'A', ['198.19.1.1'], 60)]);
    for (const transport of [[], ['+tcp']]) {
      const r = await dig(port, `hello.${ZONE}`, 'A', transport);
      assert.equal(r.status, 'NOERROR');
      assert.ok(r.flags.includes('aa'), `aa in ${r.flags.join(' ')}`);
      assert.ok(!r.flags.includes('ra'));
      assert.deepEqual(r.answer, [`hello.${ZONE}. 60 A 198.19.1.1`]);
    }
  });

  test("GIVEN mixed-case question WHEN answered THEN the owner name keeps the client's case (RFC 4343)", async (t) => {
    const { port } = await withRecords(t, [rr(`hello.${ZONE}`, 'A', ['198.19.1.1'])]);
    const r = await dig(port, 'HeLLo.Example.COM', 'A');
    assert.deepEqual(r.answer, ['HeLLo.Example.COM. 60 A 198.19.1.1']);
  });

  test('GIVEN AAAA, TXT and a CNAME inside the zone WHEN asked THEN each answers; the CNAME is followed to its A record', async (t) => {
    const { port } = await withRecords(t, [
      rr(`hello.${ZONE}`, 'A', ['198.19.1.1']),
      rr(`v6.${ZONE}`, 'AAAA', ['2001:db8::1', '::ffff:198.19.1.2']),
      rr(`txt.${ZONE}`, 'TXT', ['"v=spf1 -all"', '"part one" "part two"']),
      rr(`www.${ZONE}`, 'CNAME', [`hello.${ZONE}`], 300),
    ]);
    assert.deepEqual((await dig(port, `v6.${ZONE}`, 'AAAA')).answer.sort(), [
      `v6.${ZONE}. 60 AAAA 2001:db8::1`,
      `v6.${ZONE}. 60 AAAA ::ffff:198.19.1.2`,
    ]);
    assert.deepEqual((await dig(port, `txt.${ZONE}`, 'TXT')).answer.sort(), [
      `txt.${ZONE}. 60 TXT "part one" "part two"`,
      `txt.${ZONE}. 60 TXT "v=spf1 -all"`,
    ]);
    assert.deepEqual((await dig(port, `www.${ZONE}`, 'A')).answer, [
      `www.${ZONE}. 300 CNAME hello.${ZONE}.`,
      `hello.${ZONE}. 60 A 198.19.1.1`,
    ]);
    assert.deepEqual((await dig(port, `www.${ZONE}`, 'CNAME')).answer, [`www.${ZONE}. 300 CNAME hello.${ZONE}.`]);
  });

  test(
    'GIVEN an alias A record at the apex pointing at a name in the zone WHEN asked THEN it ' +
      "answers with the target's address under the apex name",
    async (t) => {
      const h = await withRecords(t, [rr(`hello.${ZONE}`, 'A', ['198.19.1.1'], 120)]);
      const zone = (await zoneId(h.r53)).replace('/hostedzone/', '');
      await h.r53.send(
        new ChangeResourceRecordSetsCommand({
          HostedZoneId: zone,
          ChangeBatch: {
            Changes: [
              {
                Action: 'CREATE',
                ResourceRecordSet: {
                  Name: ZONE,
                  Type: 'A',
                  AliasTarget: { HostedZoneId: zone, DNSName: `hello.${ZONE}`, EvaluateTargetHealth: false },
                },
              },
            ],
          },
        }),
      );
      assert.deepEqual((await dig(h.port, ZONE, 'A')).answer, [`${ZONE}. 120 A 198.19.1.1`]);
    },
  );

  test("GIVEN the apex WHEN asked for NS and SOA THEN Route 53's four name servers (TTL 172800) and its SOA (TTL 900) answer", async (t) => {
    const { port } = await withRecords(t, []);
    const ns = await dig(port, ZONE, 'NS');
    assert.equal(ns.answer.length, 4);
    assert.ok(ns.answer.every((l) => / 172800 NS ns-\d+\.awsdns-\d+\./.test(l)));
    const soa = await dig(port, ZONE, 'SOA');
    assert.match(
      soa.answer[0] ?? '',
      /^example\.com\. 900 SOA ns-\S+ awsdns-hostmaster\.amazon\.com\. 1 7200 900 1209600 86400$/,
    );
  });

  test('GIVEN missing names and missing types WHEN asked THEN NXDOMAIN vs NODATA, both with the SOA (TTL 900) in authority', async (t) => {
    const { port } = await withRecords(t, [
      rr(`hello.${ZONE}`, 'A', ['198.19.1.1']),
      rr(`a.b.${ZONE}`, 'A', ['198.19.1.3']),
    ]);
    const nx = await dig(port, `nope.${ZONE}`, 'A');
    assert.equal(nx.status, 'NXDOMAIN');
    assert.ok(nx.flags.includes('aa'));
    assert.deepEqual(nx.answer, []);
    assert.match(nx.authority[0] ?? '', /^example\.com\. 900 SOA /);
    const nodata = await dig(port, `hello.${ZONE}`, 'AAAA');
    assert.equal(nodata.status, 'NOERROR');
    assert.deepEqual(nodata.answer, []);
    assert.match(nodata.authority[0] ?? '', /^example\.com\. 900 SOA /);
    const emptyNonTerminal = await dig(port, `b.${ZONE}`, 'A');
    assert.equal(emptyNonTerminal.status, 'NOERROR', 'b.example.com exists because a.b.example.com does');
    assert.deepEqual(emptyNonTerminal.answer, []);
  });

  test(
    'GIVEN *.apps and an existing sub.apps WHEN asked THEN the wildcard answers any depth with ' +
      'the query name, never for an existing name or below it',
    async (t) => {
      const { port } = await withRecords(t, [
        rr(`*.apps.${ZONE}`, 'A', ['198.19.1.4']),
        rr(`sub.apps.${ZONE}`, 'TXT', ['"here"']),
      ]);
      assert.deepEqual((await dig(port, `x.apps.${ZONE}`, 'A')).answer, [`x.apps.${ZONE}. 60 A 198.19.1.4`]);
      assert.deepEqual((await dig(port, `y.z.apps.${ZONE}`, 'A')).answer, [`y.z.apps.${ZONE}. 60 A 198.19.1.4`]);
      const existing = await dig(port, `sub.apps.${ZONE}`, 'A');
      assert.equal(existing.status, 'NOERROR');
      assert.deepEqual(existing.answer, [], 'an existing name is not wildcard-expanded');
      assert.equal(
        (await dig(port, `q.sub.apps.${ZONE}`, 'A')).status,
        'NXDOMAIN',
        'sub.apps is the closest encloser and has no wildcard',
      );
      assert.equal(
        (await dig(port, `apps.${ZONE}`, 'A')).status,
        'NOERROR',
        'apps is an empty non-terminal, not matched by its own wildcard',
      );
      assert.deepEqual((await dig(port, `apps.${ZONE}`, 'A')).answer, []);
    },
  );

  test('GIVEN a name outside every hosted zone WHEN asked THEN REFUSED without the aa flag', async (t) => {
    const { port } = await withRecords(t, []);
    const r = await dig(port, 'www.example.org', 'A');
    assert.equal(r.status, 'REFUSED');
    assert.ok(!r.flags.includes('aa'));
  });

  test('GIVEN an answer larger than 512 bytes WHEN asked over UDP without EDNS THEN TC is set; over TCP it arrives whole', async (t) => {
    const values = Array.from({ length: 20 }, (_, i) => `"${'x'.repeat(40)}-${i}"`);
    const { port } = await withRecords(t, [rr(`big.${ZONE}`, 'TXT', values)]);
    const udp = await dig(port, `big.${ZONE}`, 'TXT', ['+noedns', '+ignore']);
    assert.ok(udp.flags.includes('tc'), `tc in ${udp.flags.join(' ')}`);
    assert.equal((await dig(port, `big.${ZONE}`, 'TXT', ['+tcp'])).answer.length, 20);
  });

  test('GIVEN malformed packets WHEN they arrive THEN a readable header gets FORMERR, garbage gets nothing, and the server keeps answering', async (t) => {
    const { port } = await withRecords(t, [rr(`hello.${ZONE}`, 'A', ['198.19.1.1'])]);
    const sock = createSocket('udp4');
    t.after(() => sock.close());
    const reply = new Promise<Buffer>((resolve) => sock.once('message', resolve));
    // id 0x1234, a query with QDCOUNT 1 whose question stops in the middle of a label
    sock.send(Buffer.from([0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0, 0, 0, 0, 0, 0, 0x05, 0x61]), port, '127.0.0.1');
    const formerr = await reply;
    assert.equal(formerr.readUInt16BE(0), 0x1234);
    assert.equal(formerr[3]! & 0x0f, 1, 'rcode FORMERR');
    sock.send(Buffer.from([1, 2, 3]), port, '127.0.0.1');
    assert.deepEqual((await dig(port, `hello.${ZONE}`, 'A')).answer, [`hello.${ZONE}. 60 A 198.19.1.1`]);
  });

  test("GIVEN the standalone DNS process reading the emulator's state file WHEN a record changes through the SDK THEN the next query sees it", async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'skdns-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    const stateFile = join(dir, 'state.json');
    const h = await harness(t, { stateFile });
    const { kopsClusterSeed } = await import('../../../src/sandbox/aws/index.js');
    h.emu.seed(kopsClusterSeed({ clusterName: 'dev.example.com', dnsZone: ZONE, publicIp: '198.19.1.10' }));
    const child = spawn(process.execPath, [DNS_MAIN, '--state', stateFile, '--address', '127.0.0.1', '--port', '0'], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    t.after(() => {
      child.kill('SIGTERM');
    });
    const first = await new Promise<string>((resolve, reject) => {
      child.stdout.once('data', (d: Buffer) => resolve(d.toString()));
      child.once('exit', (code) => reject(new Error(`dns main exited ${code}`)));
    });
    const { port } = JSON.parse(first) as { port: number };
    assert.equal((await dig(port, `hello.${ZONE}`, 'A')).status, 'NXDOMAIN');
    assert.deepEqual((await dig(port, `api.dev.${ZONE}`, 'A')).answer, [`api.dev.${ZONE}. 60 A 198.19.1.10`]);
    await h.r53.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: await zoneId(h.r53),
        ChangeBatch: { Changes: [rr(`hello.${ZONE}`, 'A', ['198.19.1.1'])] },
      }),
    );
    assert.deepEqual((await dig(port, `hello.${ZONE}`, 'A', ['+tcp'])).answer, [`hello.${ZONE}. 60 A 198.19.1.1`]);
  });
});
