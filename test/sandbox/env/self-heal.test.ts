// test:integration — needs root, network namespaces, the lab node and the Go-built Kubernetes/kwok/kops/Traefik binaries.
// Self-healing after an instance replacement, end to end through the CLI as a subprocess: `up
// --sandbox`, the hello app (tolerating the control-plane taint, as an app must to come back on a
// re-registered node) answering on https://hello.example.com from the client namespace; then the
// sandbox's Auto Scaling group replaces the control-plane instance (`sandbox replace-instance`, the
// cloud acting: the interface and the secondary IP go with the old instance, the Elastic IP is left
// unattached). With NO solokube command, the new node's reclaim unit (from the instance group's
// user data) takes a secondary IP and the same Elastic IP back, and the app answers again on the same
// address. Then: nothing leaked in the emulator, the unit's journal shows the work, `up` converges and
// a second `up` plans nothing, `down --sandbox` leaves nothing.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { attachLab } from '../../../src/sandbox/lab/index.js';
import { emulatorState } from '../../../src/sandbox/env/emulator-process.js';
import { RECLAIM_PATHS, RECLAIM_UNIT_NAME, parseReclaimState } from '../../../src/reclaim/index.js';
import { helloDeployedByUp, httpsUntil, isAlive, json, netnsList, sandboxNode, sandboxRun } from './support.js';

const CLUSTER = 'c1.example.com';
/** The bound this test holds the healing to, from the new node's boot to the app answering. The goal is 60 s. */
const HEAL_BOUND_MS = 180_000;

interface UpResult {
  decision: string;
  plan: { steps: { id: string; action: string; changes?: { field: string }[] }[] };
  summary: { elasticIp: string };
}

describe('self-healing after an instance replacement (sandbox, end to end)', { timeout: 45 * 60_000 }, () => {
  const sbx = sandboxRun();
  after(async () => {
    await sbx.cli(['down', '--sandbox', '--yes'], 600_000);
  });
  const state = async () => emulatorState(sbx.record().emulator.endpoint);

  test(
    'GIVEN the sandbox up with hello answering WHEN its Auto Scaling group replaces the ' +
      'instance THEN with no solokube command hello answers again through the same Elastic IP, ' +
      'nothing leaks, up converges and down leaves nothing',
    async (t) => {
      const up = await sbx.cli(['up', '--sandbox', '--yes', '-o', 'json'], 900_000);
      assert.equal(up.code, 0, up.stderr);
      const eip = json<UpResult>(up).summary.elasticIp;
      // up deployed the example's hello, whose pods tolerate the control-plane taint kops puts back
      // on every new instance: it must come back with no solokube command.
      const hello = await helloDeployedByUp(sbx);
      assert.match(hello.image, /@sha256:/, 'up deployed the example app');
      const first = await httpsUntil(sbx, 'hello.example.com', 240_000);
      assert.equal(first.remoteIp, eip, 'hello answers through the Elastic IP');
      // The unit failed at the first boot (no Elastic IP existed yet); up ran it again once it had set
      // the node up, so its last run, which doctor reports, is a success.
      const firstLab = await attachLab(sandboxNode(sbx).labRecordPath);
      const firstRun = parseReclaimState((await firstLab.node.exec(['cat', RECLAIM_PATHS.state])).stdout);
      assert.ok(firstRun.kind === 'ran' && firstRun.last.result === 'ok', JSON.stringify(firstRun));
      assert.match(
        (await firstLab.node.exec(['journalctl', '-u', RECLAIM_UNIT_NAME, '-o', 'cat', '--no-pager'])).stdout,
        /FAILED: no Elastic IP tagged/,
      );

      const before = await state();
      const oldInstance = Object.values(before.instances).find((i) => i.state === 'running')!;
      const eipBefore = Object.values(before.addresses).find((a) => a.publicIp === eip)!;
      const oldSecondary = eipBefore.association!.privateIpAddress;
      const oldEni = eipBefore.association!.networkInterfaceId;
      const oldLab = sandboxNode(sbx).labRecordPath;

      // The cloud acts: no solokube operator command from here until the app answers again.
      const replaced = await sbx.cli(['sandbox', 'replace-instance', '-o', 'json'], 900_000);
      assert.equal(replaced.code, 0, replaced.stderr);
      const r = json<{ terminated: string; launched: string; bootedMs: number }>(replaced);
      assert.equal(r.terminated, oldInstance.instanceId);
      assert.notEqual(r.launched, oldInstance.instanceId);
      assert.ok(!existsSync(oldLab), 'the old node is gone with its instance');
      const healed = await httpsUntil(sbx, 'hello.example.com', HEAL_BOUND_MS);
      t.diagnostic(
        `replacement: the new node booted in ${Math.round(r.bootedMs / 1000)} s; hello answered again ${Math.round(healed.ms / 1000)} s after that (bound ${HEAL_BOUND_MS / 1000} s, goal 60 s)`,
      );
      assert.equal(healed.remoteIp, eip, 'the same Elastic IP');
      assert.match(healed.out, /stand-in pod=/);

      // The emulator: the Elastic IP on the new instance's interface, at its one secondary address;
      // the old interface (and the old secondary with it) gone; no other address of ours.
      const after1 = await state();
      const eipAfter = Object.values(after1.addresses).find((a) => a.publicIp === eip)!;
      assert.equal(eipAfter.allocationId, eipBefore.allocationId, 'the same allocation');
      const newEni = after1.networkInterfaces[eipAfter.association!.networkInterfaceId]!;
      assert.equal(newEni.attachment?.instanceId, r.launched);
      const secondaries = newEni.privateIps.filter((p) => !p.primary).map((p) => p.address);
      assert.deepEqual(
        secondaries,
        [eipAfter.association!.privateIpAddress],
        'exactly one secondary, the associated one',
      );
      assert.equal(after1.networkInterfaces[oldEni], undefined, 'the old interface is gone');
      const holders = Object.values(after1.networkInterfaces).filter((e) =>
        e.privateIps.some((p) => p.address === oldSecondary && e.networkInterfaceId !== newEni.networkInterfaceId),
      );
      assert.deepEqual(holders, [], 'the old secondary address is held by no interface');
      const ours = Object.values(after1.addresses).filter((a) => a.tags['solokube.io/cluster'] === CLUSTER);
      assert.equal(ours.length, 1, 'one Elastic IP of ours');

      // The unit did it, on the new node: its journal and its last-run record.
      const lab = await attachLab(sandboxNode(sbx).labRecordPath);
      const journal = (await lab.node.exec(['journalctl', '-u', RECLAIM_UNIT_NAME, '-o', 'cat', '--no-pager'])).stdout;
      t.diagnostic(`journal of ${RECLAIM_UNIT_NAME} on ${r.launched}:\n${journal}`);
      assert.match(journal, new RegExp(`instance ${r.launched} in `));
      assert.match(journal, new RegExp(`done: ${eip.replace(/\./g, '\\.')} -> `));
      const last = parseReclaimState((await lab.node.exec(['cat', RECLAIM_PATHS.state])).stdout);
      assert.ok(last.kind === 'ran' && last.last.result === 'ok' && last.last.elasticIp === eip, JSON.stringify(last));

      // solokube again: up puts back only what is its own and not the unit's (the node's taint kops
      // registers again, up's own boot unit on the fresh disk), then a second up plans nothing.
      const again = await sbx.cli(['up', '--sandbox', '--yes', '-o', 'json'], 900_000);
      assert.equal(again.code, 0, again.stderr);
      const changed = json<UpResult>(again)
        .plan.steps.filter((s) => s.action !== 'unchanged')
        .map((s) => s.id);
      t.diagnostic(`up after the replacement changed: ${changed.join(', ') || 'nothing'}`);
      // What kops gives a new instance anyway (the app security group, from additionalSecurityGroups)
      // needs nothing; the taint and up's own boot unit are up's to put back.
      assert.deepEqual(changed.sort(), ['k8s/control-plane-taint', 'node/boot-unit']);
      const third = await sbx.cli(['up', '--sandbox', '--yes', '-o', 'json'], 900_000);
      assert.equal(third.code, 0, third.stderr);
      const converged = json<UpResult>(third);
      assert.deepEqual(
        converged.plan.steps.filter((s) => s.action !== 'unchanged').map((s) => `${s.id} ${s.action}`),
        [],
      );
      assert.equal(converged.decision, 'nothing-to-do');
      assert.equal((await httpsUntil(sbx, 'hello.example.com', 60_000)).remoteIp, eip);

      // down leaves nothing: no process, no namespace, no sandbox directory (and etcd's data with it).
      const record = sbx.record() as ReturnType<typeof sbx.record> & { instanceLink?: { pid: number } };
      const labName = lab.name;
      const down = await sbx.cli(['down', '--sandbox', '--yes'], 600_000);
      assert.equal(down.code, 0, down.stderr);
      assert.equal(existsSync(sbx.env.SOLOKUBE_SANDBOX_DIR!), false);
      assert.equal(isAlive(record.emulator.pid), false);
      if (record.instanceLink) assert.equal(isAlive(record.instanceLink.pid), false, 'the instance link is gone');
      assert.deepEqual(
        netnsList().filter((n) => n.includes(labName)),
        [],
      );
    },
  );
});
