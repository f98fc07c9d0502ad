// test:integration — needs root, network namespaces and the lab node (or a local sshd).
// A crash between two steps: `up` is killed after the Elastic IP was allocated and before the node
// step ran (AssignPrivateIpAddresses hangs, then the process gets SIGKILL). The rerun must converge
// with exactly one Elastic IP — ours, associated — and the apps must answer.

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { CLI } from '../../support/cli.js';
import { checkUntil, helloDeployedByUp, json, sandboxRun } from './support.js';

interface CallRecord {
  service: string;
  operation: string;
}
interface Address {
  allocationId: string;
  publicIp: string;
  tags: Record<string, string>;
  association?: { privateIpAddress: string };
}
interface State {
  addresses: Record<string, Address>;
}

const sbx = sandboxRun();
after(async () => {
  await sbx.cli(['down', '--sandbox', '--yes']);
});

async function admin<T>(path: string, init?: RequestInit): Promise<T> {
  const res = await fetch(`${sbx.record().emulator.endpoint}/_sandbox/${path}`, init);
  assert.ok(res.ok, `admin ${path}: ${res.status}`);
  return (res.status === 204 ? undefined : await res.json()) as T;
}

const ours = (s: State): Address[] =>
  Object.values(s.addresses).filter((a) => a.tags['solokube.io/cluster'] === 'c1.example.com');

test('GIVEN up killed between the Elastic IP allocation and the node step WHEN rerun THEN it converges with exactly one Elastic IP', async () => {
  // The sandbox exists (emulator + node) but nothing of ours yet.
  const dry = await sbx.cli(['up', '--sandbox', '--dry-run']);
  assert.equal(dry.code, 0, dry.stderr);
  await admin('faults', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ service: 'ec2', operation: 'AssignPrivateIpAddresses', kind: 'hang', times: null }),
  });

  const child = spawn(process.execPath, [CLI, 'up', '--sandbox', '--yes'], {
    cwd: sbx.cwd,
    env: { ...process.env, ...sbx.env },
    stdio: 'ignore',
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const giveUp = Date.now() + 60_000;
  for (;;) {
    const calls = await admin<CallRecord[]>('calls');
    if (calls.some((c) => c.operation === 'AssignPrivateIpAddresses')) break;
    assert.ok(Date.now() < giveUp, 'up never reached AssignPrivateIpAddresses');
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  await exited;

  const crashed = await admin<State>('state');
  assert.equal(ours(crashed).length, 1, 'the Elastic IP was allocated before the crash');
  assert.equal(ours(crashed)[0]!.association, undefined, 'and not associated yet');

  await admin('faults', { method: 'DELETE' });
  const rerun = await sbx.cli(['up', '--sandbox', '--yes', '-o', 'json']);
  assert.equal(rerun.code, 0, rerun.stderr);
  const r = json<{
    plan: { steps: { id: string; action: string }[] };
    summary: { checks: string[]; elasticIp: string };
  }>(rerun);
  const action = (id: string) => r.plan.steps.find((s) => s.id === id)?.action;
  assert.equal(action('aws/elastic-ip'), 'unchanged', 'the allocated address is reused, not allocated again');
  assert.equal(action('node/redirect-rules'), 'create', 'the node step had not run before the crash');

  const converged = await admin<State>('state');
  assert.equal(ours(converged).length, 1, 'exactly one Elastic IP of ours');
  assert.equal(Object.keys(converged.addresses).length, 1, 'and no other address was allocated');
  assert.ok(ours(converged)[0]!.association, 'associated');
  assert.equal(ours(converged)[0]!.publicIp, r.summary.elasticIp);
  // The real Traefik answers with pebble's certificate and routes to the hello app.
  assert.match((await helloDeployedByUp(sbx)).image, /@sha256:/, 'up deployed the example app');
  const check = await checkUntil(r.summary.checks[0]!, /stand-in pod=/, 180_000);
  assert.equal(check.code, 0, check.stderr);

  const again = json<{ decision: string }>(await sbx.cli(['up', '--sandbox', '--yes', '-o', 'json']));
  assert.equal(again.decision, 'nothing-to-do');
});
