// test:integration — needs root, network namespaces and the lab node.
// pause / resume in the sandbox, end to end through the CLI as a subprocess: after `up --sandbox`,
// `pause --sandbox` takes the control-plane instance away (its lab node removed) while the Elastic IP
// and the api record stay; `status --sandbox` says paused with what it still costs; `up --sandbox`
// refuses to resume it silently and names resume; `resume --sandbox` launches a fresh instance whose
// fresh lab node boots with the cluster's state (etcd's data outlives the node, as kops' volumes do),
// and its reclaim unit takes the Elastic IP back: the hello app answers on https://hello.example.com
// again through the same address, with no other solokube command.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { emulatorState } from '../../../src/sandbox/env/emulator-process.js';
import { helloDeployedByUp, httpsUntil, json, sandboxRun } from './support.js';

describe('pause and resume the sandbox', { timeout: 30 * 60_000 }, () => {
  const sbx = sandboxRun();
  after(async () => {
    await sbx.cli(['down', '--sandbox', '--yes']);
  });

  test(
    'GIVEN a sandbox that is up WHEN paused, upped, and resumed THEN the node goes and comes ' +
      'back fresh, the EIP and DNS stay, status says paused with its cost, and up refuses',
    async () => {
      const up = await sbx.cli(['up', '--sandbox', '--yes', '-o', 'json'], 900_000);
      assert.equal(up.code, 0, up.stderr);
      const eip = json<{ summary: { elasticIp: string } }>(up).summary.elasticIp;
      // up deployed the example's hello, whose pods tolerate the control-plane taint kops puts back
      // on every new instance: it must come back with no solokube command.
      const hello = await helloDeployedByUp(sbx);
      assert.match(hello.image, /@sha256:/, 'up deployed the example app');
      assert.equal(
        (await httpsUntil(sbx, 'hello.example.com', 240_000)).remoteIp,
        eip,
        'hello answers before the pause',
      );
      const endpoint = sbx.record().emulator.endpoint;
      const labBefore = sbx.record().labRecordPath;
      const running = async () =>
        Object.values((await emulatorState(endpoint)).instances).filter((i) => i.state === 'running');
      const apiRecord = async () =>
        JSON.stringify(
          Object.values((await emulatorState(endpoint)).hostedZones).flatMap((z) =>
            z.records.filter((r) => r.name.startsWith('api.')),
          ),
        );
      const eipHeld = async () =>
        Object.values((await emulatorState(endpoint)).addresses).some((a) => a.publicIp === eip);
      const dnsBefore = await apiRecord();
      assert.equal((await running()).length, 1);

      const pause = await sbx.cli(['pause', '--sandbox', '--yes'], 600_000);
      assert.equal(pause.code, 0, pause.stderr);
      assert.equal((await running()).length, 0, 'paused: no running instance');
      assert.ok(!existsSync(labBefore), 'paused: the lab node is removed');
      assert.ok(await eipHeld(), 'paused: the Elastic IP stays allocated');
      assert.equal(await apiRecord(), dnsBefore, 'paused: the api records stay');

      const status = await sbx.cli(['status', '--sandbox', '-o', 'json'], 300_000);
      assert.equal(status.code, 0, status.stderr);
      const s = json<{ paused: boolean; pausedCost?: { monthlyUsd: number } }>(status);
      assert.equal(s.paused, true);
      assert.ok((s.pausedCost?.monthlyUsd ?? 0) > 0, 'status names what it still costs');

      const upPaused = await sbx.cli(['up', '--sandbox', '--yes'], 300_000);
      assert.notEqual(upPaused.code, 0);
      assert.match(upPaused.stderr, /is paused/);
      assert.match(upPaused.stderr, /solokube resume/);
      assert.equal((await running()).length, 0, 'up did not resume it');

      const resume = await sbx.cli(['resume', '--sandbox', '--yes'], 900_000);
      assert.equal(resume.code, 0, resume.stderr);
      const [fresh] = await running();
      assert.ok(fresh, 'resumed: a fresh instance runs');
      assert.equal(
        (sbx.record() as { instanceId?: string }).instanceId,
        fresh.instanceId,
        'its lab node booted as that instance',
      );
      assert.ok(existsSync(sbx.record().labRecordPath));
      assert.ok(await eipHeld(), 'the same Elastic IP is still ours');
      const back = await httpsUntil(sbx, 'hello.example.com', 180_000);
      assert.equal(back.remoteIp, eip, 'resumed: hello answers on https through the same Elastic IP');
      assert.match(back.out, /stand-in pod=/);
      const down = await sbx.cli(['down', '--sandbox', '--yes'], 600_000);
      assert.equal(down.code, 0, `down after resume reaches the fresh node's API: ${down.stderr}`);
    },
  );
});
