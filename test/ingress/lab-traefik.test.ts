// test:integration — needs root, the lab node or the Go-built Kubernetes/kops/Traefik binaries.
// The ingress for real, end to end in the sandbox, without Kubernetes (the lab has no API server
// yet): `up --sandbox` makes the Elastic IP, the DNS records and the node's redirect; pebble (the
// ACME test CA) runs on the internet side resolving through the emulator's DNS; the real Traefik
// binary runs on the node with solokube's static configuration and the routes the apps' Ingress
// objects would give it, in front of an app stand-in. A client on the internet side then uses
// https://hello.example.com exactly as a browser would: DNS → Elastic IP → gateway NAT → secondary
// :443 → kernel redirect → Traefik :8443, with a certificate pebble issued over HTTP-01.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ChangeResourceRecordSetsCommand, ListHostedZonesByNameCommand, Route53Client } from '@aws-sdk/client-route-53';
import { parseConfig } from '../../src/config/load.js';
import { RecordingIoHost } from '../../src/core/io.js';
import { ingressSettings, type IngressSettings } from '../../src/ingress/index.js';
import { attachLab, type Lab } from '../../src/sandbox/lab/index.js';
import { ensureGoTools } from '../../src/sandbox/gotools/build.js';
import { startLabPebble, type LabPebble } from '../../src/sandbox/ingress/pebble.js';
import {
  LAB_ACME_FILE,
  installLabTraefik,
  labTraefikLog,
  releaseStandinNodePorts,
  restartLabTraefik,
  startAppStandin,
  startLabTraefik,
  stopLabTraefik,
  writeLabRoutes,
} from '../../src/sandbox/ingress/lab-traefik.js';
import { json, sandboxRun } from '../sandbox/env/support.js';

const CONFIG = `name: c1.example.com
dnsZone: example.com
region: eu-west-1
proxy: direct
tlsEmail: ops@example.com
# pebble on the sandbox's internet side
acme: https://198.19.0.100:14000/dir
apps:
  - name: hello
    port: 8080
`;

const sbx = sandboxRun();
// This proof runs its own pebble and a file-provider Traefik on the ports the sandbox's would take.
sbx.env.SOLOKUBE_SANDBOX_INGRESS = 'none';
const configPath = join(sbx.cwd, 'solokube.yaml');
let lab: Lab;
let pebble: LabPebble;
let backend: string;
let traefikBin: string;
let elasticIp: string;
/** The serial of the certificate pebble issued in the first test; later modes must serve the same one. */
let issuedSerial = '';

const PRIMARY_PUBLIC_IP = '198.19.1.10';

async function setHelloRecord(address: string): Promise<void> {
  const r53 = new Route53Client({
    endpoint: sbx.record().emulator.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'sandbox', secretAccessKey: 'sandbox' },
  });
  try {
    const zone = (await r53.send(new ListHostedZonesByNameCommand({ DNSName: 'example.com', MaxItems: 1 })))
      .HostedZones![0]!.Id!;
    await r53.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: zone,
        ChangeBatch: {
          Changes: [
            {
              Action: 'UPSERT',
              ResourceRecordSet: {
                Name: 'hello.example.com',
                Type: 'A',
                TTL: 60,
                ResourceRecords: [{ Value: address }],
              },
            },
          ],
        },
      }),
    );
  } finally {
    r53.destroy();
  }
}

async function settingsFromFile(o: { nodePrimaryIp?: string } = {}): Promise<IngressSettings> {
  return ingressSettings(parseConfig(await readFile(configPath, 'utf8'), configPath), o);
}

async function client(argv: string[]) {
  return lab.client.exec(argv, { timeoutMs: 20_000 });
}

/** curl from the internet side, trusting only pebble's issuing root; names resolve through the sandbox DNS. */
async function curl(url: string, extra: string[] = []) {
  return client(['curl', '-sS', '--max-time', '8', '--cacert', pebble.issuingRootPath, ...extra, url]);
}

/** The served certificate's serial and issuer, as the client sees them. */
async function servedCertificate(): Promise<{ serial: string; issuer: string; subject: string }> {
  const r = await client([
    'sh',
    '-c',
    'openssl s_client -connect hello.example.com:443 -servername hello.example.com </dev/null 2>/dev/null | openssl x509 -noout -serial -issuer -subject',
  ]);
  return {
    serial: /serial=(\S+)/.exec(r.stdout)?.[1] ?? '',
    issuer: /issuer=(.*)/.exec(r.stdout)?.[1] ?? '',
    subject: /subject=(.*)/.exec(r.stdout)?.[1] ?? '',
  };
}

async function eventually<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end)
      throw new Error(
        `${what} did not happen within ${timeoutMs} ms\n--- Traefik log ---\n${lab ? await labTraefikLog(lab, 60) : ''}`,
      );
    await new Promise((r) => setTimeout(r, 500));
  }
}

describe('ingress end to end in the sandbox: DNS, pebble, real Traefik on the node', { timeout: 15 * 60_000 }, () => {
  before(async () => {
    // Waits for the machine's Traefik build when one is running (cold: tens of minutes, once).
    traefikBin = (await ensureGoTools(['traefik'], { io: new RecordingIoHost() })).traefik!;
    await writeFile(configPath, CONFIG);
    const up = await sbx.cli(['up', '--sandbox', '--yes', '-o', 'json']);
    assert.equal(up.code, 0, up.stderr);
    elasticIp = json<{ summary: { elasticIp: string } }>(up).summary.elasticIp;
    lab = await attachLab(sbx.record().labRecordPath);
    pebble = await startLabPebble(lab);
    backend = await startAppStandin(lab, 'hello');
    await installLabTraefik(lab, traefikBin, {
      settings: await settingsFromFile(),
      backends: { hello: backend },
      acmeListenerCaPath: pebble.listenerCaPath,
    });
    await startLabTraefik(lab);
  });

  after(async () => {
    await pebble?.stop();
    await sbx.cli(['down', '--sandbox', '--yes']);
  });

  test(
    'GIVEN direct mode WHEN a client opens https://hello.example.com THEN DNS gives the ' +
      'Elastic IP, pebble issued the certificate over HTTP-01, and the app sees the client ' +
      'address',
    async () => {
      const resolved = await client(['getent', 'ahostsv4', 'hello.example.com']);
      assert.equal(resolved.stdout.split(/\s+/)[0], elasticIp);
      const body = await eventually(
        'a certificate from pebble',
        async () => {
          const r = await curl('https://hello.example.com/', ['-i']);
          return r.code === 0 ? r.stdout : undefined;
        },
        120_000,
      );
      assert.match(body, /x-solokube-standin: app hello \(nginx on the lab node/i, 'the stand-in says it is one');
      assert.match(
        body,
        /app hello stand-in host=hello\.example\.com xff=198\.19\.0\.100 real_ip=198\.19\.0\.100 proto=https/,
      );
      const cert = await servedCertificate();
      assert.match(cert.issuer, /Pebble Intermediate/);
      assert.match(cert.subject, /hello\.example\.com/);
      assert.ok((await pebble.orders()) >= 1);
    },
  );

  test('GIVEN the redirect (global default) WHEN http:// is asked THEN a permanent redirect to https without a port', async () => {
    const r = await client([
      'curl',
      '-sS',
      '--max-time',
      '8',
      '-o',
      '/dev/null',
      '-w',
      '%{http_code} %{redirect_url}',
      'http://hello.example.com/some/path?q=1',
    ]);
    // Traefik's permanent redirectScheme answers a GET with 301 (308 for other methods; redirect.go).
    assert.equal(r.stdout, '301 https://hello.example.com/some/path?q=1');
  });

  test('GIVEN an issued certificate WHEN Traefik restarts THEN it serves the same certificate from acme.json (0600) and pebble gets no new order', async () => {
    const before = await servedCertificate();
    issuedSerial = before.serial;
    const orders = await pebble.orders();
    await restartLabTraefik(lab);
    const afterRestart = await eventually(
      'HTTPS after the restart',
      async () => ((await curl('https://hello.example.com/')).code === 0 ? servedCertificate() : undefined),
      30_000,
    );
    assert.equal(afterRestart.serial, before.serial);
    assert.equal(await pebble.orders(), orders);
    const mode = await lab.node.exec(['stat', '-c', '%a', LAB_ACME_FILE]);
    assert.equal(mode.stdout.trim(), '600');
  });

  test('GIVEN https-redirect disable --app hello WHEN the routes are rendered again THEN http:// serves the app and https still works', async () => {
    const r = await sbx.cli(['https-redirect', 'disable', '--app', 'hello']);
    assert.equal(r.code, 0, r.stderr);
    await writeLabRoutes(lab, { settings: await settingsFromFile(), backends: { hello: backend } });
    const body = await eventually(
      'HTTP served',
      async () => {
        const h = await client(['curl', '-sS', '--max-time', '8', 'http://hello.example.com/']);
        return h.code === 0 && h.stdout.startsWith('app hello') ? h.stdout : undefined;
      },
      20_000,
    );
    assert.match(body, /xff=198\.19\.0\.100 real_ip=198\.19\.0\.100 proto=http$/m);
    assert.equal((await curl('https://hello.example.com/')).code, 0);
  });

  test(
    'GIVEN no secondary IP WHEN Traefik serves :80 and :30443 on the node and the name points ' +
      'at the primary public address THEN HTTP answers on 80, HTTPS on 30443 with the same ' +
      'certificate, and the redirect names :30443',
    async () => {
      const serial = (await servedCertificate()).serial;
      const orders = await pebble.orders();
      // solokube's stack does not yet point app names at the primary address in this mode (see the
      // README); the record is written here through the real SDK, as that step will.
      await setHelloRecord(PRIMARY_PUBLIC_IP);
      await stopLabTraefik(lab);
      await releaseStandinNodePorts(lab);
      const config = parseConfig(await readFile(configPath, 'utf8'), configPath);
      const settings = ingressSettings({ ...config, secondaryIp: false });
      assert.deepEqual(settings.ports, { web: 80, websecure: 30443, redirectTo: 30443 });
      await installLabTraefik(lab, traefikBin, {
        settings,
        backends: { hello: backend },
        acmeListenerCaPath: pebble.listenerCaPath,
      });
      await startLabTraefik(lab);
      assert.equal(
        (await client(['getent', 'ahostsv4', 'hello.example.com'])).stdout.split(/\s+/)[0],
        PRIMARY_PUBLIC_IP,
      );
      const http = await eventually(
        'HTTP on port 80 of the primary address',
        async () => {
          const r = await client(['curl', '-sS', '--max-time', '8', 'http://hello.example.com/']);
          return r.code === 0 && r.stdout.startsWith('app hello') ? r.stdout : undefined;
        },
        20_000,
      );
      assert.match(http, /xff=198\.19\.0\.100 real_ip=198\.19\.0\.100 proto=http$/m);
      const https = await curl('https://hello.example.com:30443/');
      assert.equal(https.code, 0, https.stderr);
      assert.match(https.stdout, /proto=https/);
      const served = await client([
        'sh',
        '-c',
        'openssl s_client -connect hello.example.com:30443 -servername hello.example.com </dev/null 2>/dev/null | openssl x509 -noout -serial',
      ]);
      assert.equal(/serial=(\S+)/.exec(served.stdout)?.[1], serial, 'the same ACME certificate');
      assert.equal(await pebble.orders(), orders);
      await writeLabRoutes(lab, {
        settings: { ...settings, apps: settings.apps.map((a) => ({ ...a, mode: 'https-redirect' as const })) },
        backends: { hello: backend },
      });
      const redirect = await eventually(
        'the redirect to :30443',
        async () => {
          const r = await client([
            'curl',
            '-sS',
            '--max-time',
            '8',
            '-o',
            '/dev/null',
            '-w',
            '%{http_code} %{redirect_url}',
            'http://hello.example.com/x',
          ]);
          return r.stdout.startsWith('301') ? r.stdout : undefined;
        },
        20_000,
      );
      assert.equal(redirect, '301 https://hello.example.com:30443/x');
      await setHelloRecord(elasticIp);
    },
  );

  test(
    'GIVEN proxy: haproxy with PROXY v2 WHEN up converges the node and Traefik sits behind the ' +
      'NodePorts THEN the app still sees the client address, on the same certificate',
    async () => {
      // The previous test left Traefik on :30443, so nothing serves :443 now: compare with the issued one.
      const serial = issuedSerial;
      assert.notEqual(serial, '', 'the first test recorded the issued certificate');
      const orders = await pebble.orders();
      // Traefik moves from the node's ports to behind the NodePorts; HAProxy takes :80/:8443.
      await stopLabTraefik(lab);
      await writeFile(
        configPath,
        (await readFile(configPath, 'utf8')).replace('proxy: direct', 'proxy: haproxy\nproxyProtocol: true'),
      );
      const up = await sbx.cli(['up', '--sandbox', '--yes', '-o', 'json']);
      assert.equal(up.code, 0, up.stderr);
      // The lab's nginx stand-in holds the NodePorts; in a cluster they belong to Traefik's Service.
      await releaseStandinNodePorts(lab);
      // Without kube-proxy, "the NodePort" is Traefik listening on it directly.
      const settings = {
        ...(await settingsFromFile({ nodePrimaryIp: lab.node.primaryAddress })),
        ports: { web: 30080, websecure: 30443 },
      };
      assert.ok(settings.proxyProtocolTrustedIps?.includes('127.0.0.1/32'));
      await installLabTraefik(lab, traefikBin, {
        settings,
        backends: { hello: backend },
        acmeListenerCaPath: pebble.listenerCaPath,
      });
      await startLabTraefik(lab);
      const body = await eventually(
        'HTTPS through HAProxy',
        async () => {
          const r = await curl('https://hello.example.com/');
          return r.code === 0 ? r.stdout : undefined;
        },
        30_000,
      );
      assert.match(
        body,
        /xff=198\.19\.0\.100 real_ip=198\.19\.0\.100 proto=https/,
        'PROXY v2 carried the client address through HAProxy',
      );
      const http = await client(['curl', '-sS', '--max-time', '8', 'http://hello.example.com/']);
      assert.match(http.stdout, /xff=198\.19\.0\.100 real_ip=198\.19\.0\.100 proto=http/);
      assert.equal((await servedCertificate()).serial, serial);
      assert.equal(await pebble.orders(), orders);
    },
  );
});
