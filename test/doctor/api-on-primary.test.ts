// doctor's request to kube-apiserver on the primary address trusts only the cluster's CA (from the
// admin kubeconfig). Two real TLS servers on loopback, each with a CA made here with openssl: one
// plays kube-apiserver (a certificate for api.<cluster> from "the cluster's CA"), the other a server
// whose certificate comes from another CA for the same name. The request is the one
// internetRequests builds; only its URL gets the test server's port (nothing here may bind 443),
// and its result is judged under the URL doctor asked for.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../src/config/load.js';
import { EXAMPLE_CONFIG } from '../../src/config/example.js';
import { internetChecks, internetRequests } from '../../src/doctor/internet-checks.js';
import type { InternetTargets } from '../../src/doctor/internet-checks.js';
import { httpRequest } from '../../src/doctor/probes.js';
import { internetTargets } from '../../src/doctor/run.js';
import { KubeClient } from '../../src/k8s/client.js';
import { mintChain } from './support/tls-chain.js';
import { closedPort } from './support/closed-port.js';
import type { HttpResult, ProbeRequest } from '../../src/doctor/probes.js';

const config = parseConfig(EXAMPLE_CONFIG, 'example');
const API = `api.${config.name}`;

async function listen(cert: Buffer, key: Buffer, body: string): Promise<{ server: Server; port: number }> {
  const server = createServer({ cert, key }, (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

/** Run doctor's API probe against a loopback port and judge it as doctor would. */
async function probeApi(t: InternetTargets, port: number) {
  const reqs = internetRequests(config, t, ['e2e']);
  const api = reqs.find(
    (r): r is Extract<ProbeRequest, { kind: 'http' }> => r.kind === 'http' && r.url === `https://${API}/version`,
  );
  let result: HttpResult | undefined;
  if (api) {
    const url = new URL(api.url);
    url.port = String(port);
    result = { ...(await httpRequest({ ...api, url: url.toString() }, { timeoutMs: 3_000 })), url: api.url };
  }
  const checks = internetChecks(config, t, result ? [result] : [], new Date());
  return { request: api, result, check: checks.find((c) => c.id === 'e2e/api-on-primary')! };
}

describe("the API on the primary address is checked against the cluster's CA", () => {
  let dir: string;
  let clusterCa: string;
  let apiServer: { server: Server; port: number };
  let impostor: { server: Server; port: number };
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'solokube-doctor-api-'));
    const cluster = mintChain(dir, 'cluster', API);
    const other = mintChain(dir, 'other', API);
    clusterCa = cluster.ca;
    apiServer = await listen(cluster.cert, cluster.key, '{"major":"1","minor":"34","gitVersion":"v1.34.2"}');
    impostor = await listen(other.cert, other.key, '{"gitVersion":"v0.0.0-impostor"}');
  });
  after(() => {
    apiServer?.server.close();
    impostor?.server.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test("GIVEN kube-apiserver with the cluster's certificate WHEN doctor probes the primary THEN the request pins that CA and passes", async () => {
    const { request, result, check } = await probeApi(
      { primaryPublicIp: '127.0.0.1', clusterCaPem: clusterCa },
      apiServer.port,
    );
    assert.equal(request?.caPem, clusterCa, 'the request carries the cluster CA');
    assert.equal(request?.address, '127.0.0.1');
    assert.equal(result?.status, 200, result?.error);
    assert.equal(check.status, 'pass');
    assert.equal(check.hop, 'e2e');
    assert.match(check.summary, /v1\.34\.2/);
  });

  test('GIVEN a server whose certificate another CA issued for the same name WHEN doctor probes THEN the hop fails and says why', async () => {
    const { result, check } = await probeApi({ primaryPublicIp: '127.0.0.1', clusterCaPem: clusterCa }, impostor.port);
    assert.equal(result?.status, undefined, 'no answer is read from an untrusted server');
    assert.ok(result?.errorCode, 'the TLS error carries its code');
    assert.equal(check.status, 'fail');
    assert.equal(check.hop, 'e2e');
    assert.match(check.summary, /certificate the cluster's CA did not issue/);
    assert.match(check.remedy ?? '', /node\/redirect/);
    assert.doesNotMatch(check.summary, /impostor/);
  });

  test('GIVEN a CA pinned for the request WHEN the same server is asked with the probe-wide trust THEN the pin, not the file, decides', async () => {
    // The probe options trust the impostor's CA file; the request's pin still rejects the impostor.
    const otherCaFile = join(dir, 'other-ca.crt');
    const pinned = await httpRequest(
      { url: `https://${API}:${impostor.port}/version`, address: '127.0.0.1', caPem: clusterCa },
      { caFile: otherCaFile, timeoutMs: 3_000 },
    );
    assert.ok(pinned.error);
    const unpinned = await httpRequest(
      { url: `https://${API}:${impostor.port}/version`, address: '127.0.0.1' },
      { caFile: otherCaFile, timeoutMs: 3_000 },
    );
    assert.equal(unpinned.status, 200, unpinned.error);
  });

  test("GIVEN an admin kubeconfig WHEN doctor takes the cluster's CA THEN it is the kubeconfig's, embedded or as a file", () => {
    const kubeconfig = (cluster: string) =>
      [
        'apiVersion: v1',
        'kind: Config',
        `clusters: [{ name: ${config.name}, cluster: { server: 'https://${API}', ${cluster} } }]`,
        `users: [{ name: admin, user: { token: t } }]`,
        `contexts: [{ name: ${config.name}, context: { cluster: ${config.name}, user: admin } }]`,
        `current-context: ${config.name}`,
      ].join('\n');
    const embedded = join(dir, 'embedded.kubeconfig');
    writeFileSync(embedded, kubeconfig(`certificate-authority-data: ${Buffer.from(clusterCa).toString('base64')}`));
    const asFile = join(dir, 'file.kubeconfig');
    writeFileSync(asFile, kubeconfig('certificate-authority: cluster-ca.crt'));
    for (const path of [embedded, asFile]) {
      const client = KubeClient.fromKubeconfig(path, { clusterName: config.name });
      try {
        assert.equal(client.clusterCaPem(), clusterCa, path);
      } finally {
        client.close();
      }
    }
    const facts = { controlPlane: { primaryPublicIp: '127.0.0.1' } } as Parameters<typeof internetTargets>[1];
    assert.equal(internetTargets(config, facts, clusterCa).clusterCaPem, clusterCa);
    assert.equal(internetTargets(config, facts).clusterCaPem, undefined);
  });

  test("GIVEN no kubeconfig with the cluster's CA WHEN doctor builds its probes THEN the API is not asked and the check skips with the reason", async () => {
    const { request, check } = await probeApi({ primaryPublicIp: '127.0.0.1' }, apiServer.port);
    assert.equal(request, undefined);
    assert.equal(check.status, 'skip');
    assert.match(check.summary, /^skipped: no kubeconfig with the cluster's CA/);
  });

  test('GIVEN nothing answers on the primary WHEN probed THEN the hop fails as unreachable, not as untrusted', async () => {
    const closed = await closedPort();
    const { check } = await probeApi({ primaryPublicIp: '127.0.0.1', clusterCaPem: clusterCa }, closed);
    assert.equal(check.status, 'fail');
    assert.match(check.summary, /does not answer on 127\.0\.0\.1:443 .*ECONNREFUSED/);
  });
});
