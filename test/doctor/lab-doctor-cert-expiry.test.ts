// test:integration — needs root, network namespaces and the lab node.
// A certificate expiring in pebble's clock, on a real sandbox: pebble (Debian's 2.4.0, which reads
// `certificateValidityPeriod`) is told through SOLOKUBE_SANDBOX_CERT_LIFETIME_S to issue
// certificates valid for LIFETIME_S seconds; the real Traefik obtains hello's over HTTP-01 through
// the Elastic IP and serves it. While it is valid doctor passes with a warning on the TLS hop (less
// than a day left); once pebble's notAfter has passed, the TLS hop is the first broken one, with its
// remedy, and every hop before it still passes. Traefik renews only at start or once a day, so
// nothing replaces the certificate while the test waits. Its own sandbox: the short lifetime would
// break lab-doctor.test.ts's other cases.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { helloDeployedByUp, json, sandboxRun } from '../sandbox/env/support.js';
import { sleep } from '../../src/core/sleep.js';
import { doctorCli } from './support/doctor-cli.js';
import type { DoctorCliReport } from './support/doctor-cli.js';
import { SANDBOX_CERT_LIFETIME_ENV } from '../../src/sandbox/ingress/pebble.js';

const LIFETIME_S = 150;
const APP = 'hello.example.com';
const TLS_ID = `tls/${APP}`;

describe("doctor names the TLS hop when a certificate expires in pebble's clock", () => {
  const sbx = sandboxRun();
  sbx.env[SANDBOX_CERT_LIFETIME_ENV] = String(LIFETIME_S);
  let validTo: Date | undefined;

  const doctor = () => doctorCli(sbx);
  const check = (r: DoctorCliReport, id: string) => r.checks.find((c) => c.id === id);

  before(async () => {
    const up = await sbx.cli(['up', '--sandbox', '--yes', '-o', 'json'], 600_000);
    assert.equal(up.code, 0, up.stderr);
    json<unknown>(up);
    assert.match((await helloDeployedByUp(sbx)).image, /@sha256:/, 'up deployed the example app');
  });
  after(async () => {
    await sbx.cli(['down', '--sandbox', '--yes']);
  });

  test('GIVEN a certificate pebble issued for 150 s WHEN doctor runs while it is valid THEN every hop passes and TLS warns with the time left', async () => {
    // Traefik orders the certificate once the app's route exists; doctor sees it as soon as it is served.
    const end = Date.now() + 180_000;
    let last: { code: number | null; report: DoctorCliReport } | undefined;
    while (Date.now() < end) {
      last = await doctor();
      const tls = check(last.report, TLS_ID);
      if (tls && tls.status !== 'fail' && last.code === 0) break;
      await sleep(3_000);
    }
    const { code, report } = last!;
    const tls = check(report, TLS_ID);
    assert.equal(code, 0, JSON.stringify(report.checks.filter((c) => c.status === 'fail')));
    assert.equal(report.ok, true);
    assert.equal(tls?.status, 'warn', tls?.summary);
    assert.match(
      tls!.summary,
      /issuer Pebble Intermediate CA [0-9a-f]+, names hello\.example\.com, \d+ (second|minute)\(s\) left/,
    );
    validTo = new Date(/until ([0-9TZ:.-]+)\)/.exec(tls!.summary)![1]!);
    // pebble honoured the lifetime: the certificate ends within LIFETIME_S of now (its notBefore is at issue).
    const left = validTo.getTime() - Date.now();
    assert.ok(left > 0 && left <= LIFETIME_S * 1000, `${left} ms left`);
    for (const id of [`e2e/${APP}`, 'e2e/api-on-primary', `dns/${APP}`, 'node/listening'])
      assert.equal(check(report, id)?.status, 'pass', id);
  });

  test('GIVEN the same certificate past its notAfter WHEN doctor runs THEN the TLS hop is the first broken one, with a remedy', async () => {
    assert.ok(validTo, 'the first test saw the certificate');
    const wait = validTo.getTime() - Date.now() + 2_000;
    assert.ok(wait <= LIFETIME_S * 1000 + 2_000, `bounded wait ${wait} ms`);
    if (wait > 0) await sleep(wait);
    const { code, report } = await doctor();
    assert.equal(code, 1);
    assert.equal(report.ok, false);
    assert.deepEqual(
      { hop: report.firstBroken?.hop, id: report.firstBroken?.id },
      { hop: 'tls', id: TLS_ID },
      JSON.stringify(report.checks.filter((c) => c.status === 'fail')),
    );
    assert.match(report.firstBroken!.summary, /expired certificate; .*expired \d+ (second|minute)\(s\) ago/);
    assert.ok(report.firstBroken?.remedy);
    const earlier = report.checks.filter((c) => ['aws', 'node', 'cluster', 'dns'].includes(c.hop));
    assert.ok(
      earlier.every((c) => c.status !== 'fail'),
      JSON.stringify(earlier.filter((c) => c.status === 'fail')),
    );
    // The request to the app fails too (its certificate is no longer valid), later on the path.
    assert.equal(check(report, `e2e/${APP}`)?.status, 'fail');
  });
});
