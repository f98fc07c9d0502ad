// test:integration — needs root, network namespaces and the lab node (or a local sshd).
// End to end, through the CLI as a subprocess: `up --sandbox` on a fresh sandbox — an account that
// owns only its hosted zone, where up creates the state store and the kops cluster (real kops plus
// the stand-in, the lab node booted as the instance) before the network part — the printed checks
// pasted from the client namespace, `up` again (no changes), `down --sandbox`, and nothing of ours
// left: not in the emulator (kops' objects and the state bucket's versions included), not as a
// namespace, not as a process.

import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { runCli } from '../../support/cli.js';
import type { OwnedLeftovers } from '../../../src/sandbox/env/leftovers.js';
import { checkUntil, helloDeployedByUp, isAlive, json, netnsList, runCheck, sandboxRun } from './support.js';

interface UpResult {
  decision: string;
  changed: number;
  plan: { steps: { id: string; action: string }[] };
  summary: { checks: string[]; elasticIp: string; primaryPublicIp: string };
  sandbox: { lab: string; clientNetns: string; gatewayNetns: string };
}
interface DownResult {
  decision: string;
  sandbox: {
    leftovers: OwnedLeftovers;
  };
}

describe('sandbox end to end: up, checks, up again, down', () => {
  const sbx = sandboxRun();
  after(async () => {
    await sbx.cli(['down', '--sandbox', '--yes']);
  });

  test('GIVEN a fresh sandbox WHEN up is planned THEN the emulator owns only the hosted zone and the plan is the cluster, the rest named as then', async () => {
    const dry = await sbx.cli(['up', '--sandbox', '--dry-run', '-o', 'json']);
    assert.equal(dry.code, 0, dry.stderr);
    const plan = json<{ decision: string; plan: UpResult['plan']; then: string[] }>(dry);
    assert.equal(plan.decision, 'dry-run');
    assert.deepEqual(
      plan.plan.steps.map((s) => [s.id, s.action]),
      [
        ['aws/state-store', 'create'],
        ['kops/cluster', 'create'],
      ],
    );
    assert.equal(plan.then.length, 2, plan.then.join('\n'));
    const res = await fetch(`${sbx.record().emulator.endpoint}/_sandbox/state`);
    const state = (await res.json()) as {
      instances: object;
      vpcs: object;
      buckets?: object;
      hostedZones: Record<string, { name: string; records: { name: string; type: string }[] }>;
    };
    assert.deepEqual(Object.keys(state.instances), []);
    assert.deepEqual(Object.keys(state.vpcs), []);
    assert.deepEqual(Object.keys(state.buckets ?? {}), []);
    const zones = Object.values(state.hostedZones);
    assert.deepEqual(
      zones.map((z) => z.name),
      ['example.com.'],
    );
    assert.deepEqual(
      zones[0]!.records.filter((r) => r.type === 'A').map((r) => r.name),
      [],
      'no address record before up',
    );
  });

  test('the README main command brings the sandbox up and its checks show apps on the Elastic IP and the API on the primary IP, both on 443', async () => {
    const up = await sbx.cli(['up', '--sandbox', '--yes', '-o', 'json']);
    assert.equal(up.code, 0, up.stderr);
    const r = json<UpResult>(up);
    assert.equal(r.decision, 'apply');
    assert.ok(r.changed >= 11, `expected the whole setup to be created, got ${r.changed} changes`);
    const action = (id: string) => r.plan.steps.find((s) => s.id === id)?.action;
    assert.equal(action('aws/state-store'), 'create', 'up made the state store');
    assert.equal(action('kops/cluster'), 'create', 'and the kops cluster, before the network part');
    assert.equal(action('aws/elastic-ip'), 'create');
    assert.notEqual(r.summary.elasticIp, r.summary.primaryPublicIp);
    const [appsHttps, api, appsHttp] = r.summary.checks;
    assert.ok(appsHttps && api && appsHttp, 'three checks printed');
    assert.ok(!appsHttps.includes('--resolve') && !api.includes('--resolve'), 'the checks rely on DNS, not --resolve');
    // The client namespace resolves through the sandbox's DNS (the emulator's Route 53 zones).
    const prefix = /^(ip netns exec \S+) /.exec(appsHttps)?.[1];
    assert.ok(prefix, appsHttps);
    assert.equal(runCheck(`${prefix} getent ahostsv4 hello.example.com`).stdout.split(/\s+/)[0], r.summary.elasticIp);
    assert.equal(
      runCheck(`${prefix} getent ahostsv4 api.c1.example.com`).stdout.split(/\s+/)[0],
      r.summary.primaryPublicIp,
    );
    // Pasted as printed, from the client namespace on the "internet" side: the real Traefik, with a
    // certificate pebble issued (the check trusts pebble's root), routes to the hello app's pod.
    assert.match((await helloDeployedByUp(sbx)).image, /@sha256:/, 'up deployed the example app');
    const a = await checkUntil(appsHttps, /stand-in pod=/, 180_000);
    assert.equal(a.code, 0, a.stderr);
    assert.match(a.stdout, /host=hello\.example\.com\b/);
    const k = runCheck(api);
    assert.equal(k.code, 0, k.stderr);
    // The node's real kube-apiserver, on the primary public IP's 443, untouched by the redirect.
    assert.equal((JSON.parse(k.stdout) as { gitVersion: string }).gitVersion, 'v1.36.3');
    // The example's proxy: direct keeps the client address on the connection itself (a kernel
    // redirect, no proxy in between), so Traefik forwards the client's own address to the app.
    assert.match(a.stdout, /xff=198\.19\.0\.100\b/, 'the path keeps the client address');
    // The example redirects http:// to https://.
    const h = runCheck(`${appsHttp} -o /dev/null -w '%{http_code} %{redirect_url}'`);
    assert.equal(h.code, 0, h.stderr);
    assert.equal(h.stdout, '301 https://hello.example.com/');
  });

  test('up again plans no changes', async () => {
    const again = await sbx.cli(['up', '--sandbox', '--yes', '-o', 'json']);
    assert.equal(again.code, 0, again.stderr);
    const r = json<UpResult & { plan: { steps: { action: string }[] } }>(again);
    assert.equal(r.decision, 'nothing-to-do');
    assert.ok(r.plan.steps.every((s) => s.action === 'unchanged'));
  });

  test('status and doctor --sandbox read the running sandbox: converged, every check passing', async () => {
    const status = await sbx.cli(['status', '--sandbox', '-o', 'json']);
    assert.equal(status.code, 0, status.stderr);
    const s = json<{ converged: boolean; aws: { ready: boolean } }>(status);
    assert.equal(s.converged, true);
    assert.equal(s.aws.ready, true);
    const plan = json<{ plan: { steps: { action: string }[] } }>(await sbx.cli(['plan', '--sandbox', '-o', 'json']));
    assert.ok(plan.plan.steps.length >= 10 && plan.plan.steps.every((st) => st.action === 'unchanged'));
    const doctor = await sbx.cli(['doctor', '--sandbox', '-o', 'json']);
    assert.equal(doctor.code, 0, doctor.stderr + doctor.stdout);
    assert.equal(json<{ ok: boolean }>(doctor).ok, true);
  });

  test('proxy status with no address flags reads the addresses from AWS discovery and finds the node converged', async () => {
    assert.equal((await sbx.cli(['init'])).code, 0); // proxy reads ./solokube.yaml: the same example the sandbox used
    const lab = JSON.parse(readFileSync(sbx.record().labRecordPath, 'utf8')) as {
      ssh: { port: number; user: string; privateKeyPath: string };
      knownHostsPath: string;
    };
    const r = await runCli(
      [
        'proxy',
        'status',
        '-o',
        'json',
        '--node-host',
        '127.0.0.1',
        '--ssh-port',
        String(lab.ssh.port),
        '--ssh-user',
        lab.ssh.user,
        '--ssh-key',
        lab.ssh.privateKeyPath,
        '--known-hosts',
        lab.knownHostsPath,
      ],
      {
        cwd: sbx.cwd,
        env: {
          ...sbx.env,
          AWS_ENDPOINT_URL: sbx.record().emulator.endpoint,
          AWS_ACCESS_KEY_ID: 'x',
          AWS_SECRET_ACCESS_KEY: 'x',
        },
      },
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(json<{ converged: boolean }>(r).converged, true);
  });

  test('down --sandbox leaves nothing of ours in the emulator, and no namespace, process or state', async () => {
    const record = sbx.record();
    const upInfo = json<UpResult>(await sbx.cli(['up', '--sandbox', '--yes', '-o', 'json']));
    const down = await sbx.cli(['down', '--sandbox', '--yes', '-o', 'json']);
    assert.equal(down.code, 0, down.stderr);
    const d = json<DownResult>(down);
    assert.deepEqual(d.sandbox.leftovers, {
      addresses: [],
      securityGroups: [],
      records: [],
      secondaryPrivateIps: [],
      kopsObjects: [],
      buckets: [],
    });
    const namespaces = netnsList();
    assert.ok(
      !namespaces.includes(upInfo.sandbox.clientNetns) && !namespaces.includes(upInfo.sandbox.gatewayNetns),
      `namespaces left: ${namespaces.join(' ')}`,
    );
    assert.equal(isAlive(record.emulator.pid), false, 'the emulator process is gone');
    assert.equal(existsSync(record.labRecordPath), false, 'the lab state is gone');
    assert.equal(existsSync(sbx.env.SOLOKUBE_SANDBOX_DIR!), false, 'the sandbox state is gone');
  });
});
