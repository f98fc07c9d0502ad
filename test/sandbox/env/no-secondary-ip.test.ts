// test:integration — needs root, network namespaces and the lab node (or a local sshd).
// `up --no-secondary-ip`: nothing of the secondary path is made (no address, no Elastic IP, no
// group, nothing on the node); the app names point at the instance's public address, and the
// summary explains the NodePort URLs, whose checks work as printed (through DNS).

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { checkUntil, helloDeployedByUp, json, runCheck, sandboxRun } from './support.js';

const sbx = sandboxRun();
after(async () => {
  await sbx.cli(['down', '--sandbox', '--yes']);
});

test(
  'GIVEN --no-secondary-ip WHEN up runs THEN nothing of the secondary path exists, the app ' +
    'names point at the primary public address, and the checks answer through the real Traefik ' +
    '(:30443 with a pebble certificate, http on :80)',
  async () => {
    const up = await sbx.cli(['up', '--sandbox', '--no-secondary-ip', '--yes', '-o', 'json']);
    assert.equal(up.code, 0, up.stderr);
    const r = json<{
      decision: string;
      summary: { secondaryIp: boolean; appUrl: string; checks: string[]; monthlyCostUsd: number };
    }>(up);
    assert.equal(r.decision, 'apply', 'only the app records are made');
    assert.equal(r.summary.secondaryIp, false);
    assert.match(r.summary.appUrl, /:30443$/);
    assert.equal(r.summary.monthlyCostUsd, 0);
    // The real Traefik on :30443 with a certificate pebble issued over HTTP-01 on the node's :80.
    assert.match((await helloDeployedByUp(sbx)).image, /@sha256:/, 'up deployed the example app');
    const https = await checkUntil(r.summary.checks[0]!, /stand-in pod=/, 180_000);
    assert.equal(https.code, 0, https.stderr);
    // http:// on the node's own :80 (the example redirects it to https on 30443).
    const httpCheck = r.summary.checks[1]!;
    assert.ok(httpCheck.endsWith(' http://hello.example.com/'), httpCheck);
    const http = runCheck(`${httpCheck} -o /dev/null -w '%{http_code} %{redirect_url}'`);
    assert.equal(http.code, 0, http.stderr);
    assert.equal(http.stdout, '301 https://hello.example.com:30443/');

    const res = await fetch(`${sbx.record().emulator.endpoint}/_sandbox/state`);
    const state = (await res.json()) as {
      addresses: object;
      securityGroups: Record<string, { groupName: string }>;
      hostedZones: Record<string, { records: { name: string; type: string; values: string[] }[] }>;
    };
    assert.deepEqual(state.addresses, {});
    const hello = Object.values(state.hostedZones)
      .flatMap((z) => z.records)
      .find((x) => x.name === 'hello.example.com.' && x.type === 'A');
    assert.deepEqual(hello?.values, ['198.19.1.10']);
    const again = await sbx.cli(['up', '--sandbox', '--no-secondary-ip', '--yes', '-o', 'json']);
    assert.equal(json<{ decision: string }>(again).decision, 'nothing-to-do');
    assert.ok(!Object.values(state.securityGroups).some((g) => g.groupName.startsWith('solokube-')));
    const status = json<{ aws: { secondaryPrivateIp?: unknown; elasticIp?: unknown } }>(
      await sbx.cli(['status', '--sandbox', '-o', 'json']),
    );
    assert.equal(status.aws.secondaryPrivateIp, undefined);
    assert.equal(status.aws.elasticIp, undefined);
  },
);

test(
  'GIVEN the sandbox without the secondary IP WHEN up turns it on THEN the app answers on 443 through the ' +
    'Elastic IP; WHEN up runs with --no-secondary-ip again THEN it removes all of it, the node part ' +
    'included, and a rerun changes nothing',
  async () => {
    // Off → on: the previous test left the sandbox in --no-secondary-ip mode.
    const on = await sbx.cli(['up', '--sandbox', '--yes', '-o', 'json']);
    assert.equal(on.code, 0, on.stderr);
    const onResult = json<{ decision: string; summary: { elasticIp: string; appUrl: string; checks: string[] } }>(on);
    assert.equal(onResult.decision, 'apply');
    assert.doesNotMatch(onResult.summary.appUrl, /:30443/, 'https on 443 again, not the NodePort');
    const onHttps = await checkUntil(onResult.summary.checks[0]!, /stand-in pod=/, 180_000);
    assert.equal(onHttps.code, 0, onHttps.stderr);

    const off = await sbx.cli(['up', '--sandbox', '--no-secondary-ip', '--yes', '-o', 'json']);
    assert.equal(off.code, 0, off.stderr);
    const r = json<{
      decision: string;
      plan: { mode: string; steps: { id: string; action: string }[] };
      summary: { checks: string[] };
    }>(off);
    assert.equal(r.decision, 'apply');
    const removed = r.plan.steps.filter((s) => s.action === 'delete').map((s) => s.id);
    for (const id of ['aws/elastic-ip', 'aws/secondary-private-ip', 'aws/app-security-group'])
      assert.ok(removed.includes(id), `${id} removed: ${removed.join(', ')}`);
    // The app names stay ours and move to the instance's own address (before the Elastic IP goes).
    const dnsStep = r.plan.steps.find((s) => s.id === 'aws/dns-records');
    assert.equal(dnsStep?.action, 'update', JSON.stringify(dnsStep));
    assert.ok(
      removed.some((id) => id.startsWith('node/')),
      `the node's part is removed too: ${removed.join(', ')}`,
    );

    const res = await fetch(`${sbx.record().emulator.endpoint}/_sandbox/state`);
    const state = (await res.json()) as {
      addresses: object;
      securityGroups: Record<string, { groupName: string }>;
      networkInterfaces: Record<string, { privateIps: { primary: boolean }[] }>;
    };
    assert.deepEqual(state.addresses, {}, 'no billed address is left');
    assert.ok(!Object.values(state.securityGroups).some((g) => g.groupName.startsWith('solokube-')));
    assert.ok(
      Object.values(state.networkInterfaces).every((n) => n.privateIps.every((p) => p.primary)),
      'no secondary private IP is left',
    );
    const https = runCheck(r.summary.checks[0]!);
    assert.equal(https.code, 0, https.stderr);

    const again = await sbx.cli(['up', '--sandbox', '--no-secondary-ip', '--yes', '-o', 'json']);
    assert.equal(json<{ decision: string }>(again).decision, 'nothing-to-do');
  },
);
