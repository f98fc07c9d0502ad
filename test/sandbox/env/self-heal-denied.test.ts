// test:integration — needs root, network namespaces, the lab node and the Go-built Kubernetes/kwok/kops/Traefik binaries.
// The failure path of self-healing, end to end: the instance role lacks AssociateAddress on the
// Elastic IP (its policy edited in the emulator, as someone might edit kops' additionalPolicies by
// hand). After the sandbox's Auto Scaling group replaces the instance, the new node's reclaim unit
// fails clearly in its journal, changes nothing in EC2 (no secondary IP on the new interface, the
// Elastic IP still unattached), and `doctor --sandbox` names the reclaim unit's failure. `up` then
// does the work with solokube's own credentials; the unit, run again, finds nothing left to do (so
// needs no AssociateAddress) and records ok — the missing permission shows again only at the next
// replacement, which is what doctor reported before.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  renderReclaimPolicyStatements,
  reclaimSpecFor,
  RECLAIM_PATHS,
  RECLAIM_UNIT_NAME,
} from '../../../src/reclaim/index.js';
import { parseReclaimState } from '../../../src/reclaim/index.js';
import { parseConfig } from '../../../src/config/load.js';
import { EXAMPLE_CONFIG } from '../../../src/config/example.js';
import { sleep } from '../../../src/core/sleep.js';
import { attachLab } from '../../../src/sandbox/lab/index.js';
import { emulatorState } from '../../../src/sandbox/env/emulator-process.js';
import { json, sandboxNode, sandboxRun } from './support.js';

const CLUSTER = 'c1.example.com';

describe('self-healing without the permission it needs (sandbox, end to end)', { timeout: 30 * 60_000 }, () => {
  const sbx = sandboxRun();
  after(async () => {
    await sbx.cli(['down', '--sandbox', '--yes'], 600_000);
  });

  test(
    'GIVEN the instance role without AssociateAddress on the Elastic IP WHEN the instance is ' +
      'replaced THEN the unit fails clearly and changes nothing, and doctor names it; up then ' +
      'heals it with its own credentials',
    async () => {
      const up = await sbx.cli(['up', '--sandbox', '--yes', '-o', 'json'], 900_000);
      assert.equal(up.code, 0, up.stderr);
      const eip = json<{ summary: { elasticIp: string } }>(up).summary.elasticIp;
      const endpoint = sbx.record().emulator.endpoint;
      // The example configuration's region as the sandbox runs it (what up rendered the policy for).
      const spec = reclaimSpecFor({ ...parseConfig(EXAMPLE_CONFIG, 'example') });
      const denied = renderReclaimPolicyStatements(spec).filter((s) => s.Sid !== 'SolokubeReclaimElasticIp');
      assert.ok(denied.length < renderReclaimPolicyStatements(spec).length, 'the Elastic IP statement was taken out');
      const put = await fetch(`${endpoint}/_sandbox/iam/role-policy`, {
        method: 'POST',
        body: JSON.stringify({ roleName: `masters.${CLUSTER}`, policy: denied }),
      });
      assert.equal(put.status, 200);

      const replaced = await sbx.cli(['sandbox', 'replace-instance', '-o', 'json'], 900_000);
      assert.equal(replaced.code, 0, replaced.stderr);
      const launched = json<{ launched: string }>(replaced).launched;
      const lab = await attachLab(sandboxNode(sbx).labRecordPath);
      let last = parseReclaimState(undefined);
      for (let i = 0; i < 60 && last.kind !== 'ran'; i++) {
        await sleep(1000);
        last = parseReclaimState((await lab.node.exec(['cat', RECLAIM_PATHS.state])).stdout);
      }
      assert.ok(last.kind === 'ran' && last.last.result === 'failed', JSON.stringify(last));
      const journal = (await lab.node.exec(['journalctl', '-u', RECLAIM_UNIT_NAME, '-o', 'cat', '--no-pager'])).stdout;
      assert.match(journal, /FAILED: dry run: AssociateAddress: HTTP 403 UnauthorizedOperation.*ec2:AssociateAddress/);
      assert.equal((await lab.node.exec(['systemctl', 'is-failed', RECLAIM_UNIT_NAME])).stdout.trim(), 'failed');

      const state = await emulatorState(endpoint);
      const address = Object.values(state.addresses).find((a) => a.publicIp === eip)!;
      assert.equal(address.association, undefined, 'the Elastic IP is still unattached');
      const eni = Object.values(state.networkInterfaces).find((e) => e.attachment?.instanceId === launched)!;
      assert.deepEqual(
        eni.privateIps.filter((p) => !p.primary),
        [],
        'no secondary IP was assigned (its record was removed again)',
      );
      assert.deepEqual(
        Object.keys(eni.tags).filter((k) => k.startsWith('solokube.io/secondary-ip/')),
        [],
      );

      const doctor = await sbx.cli(['doctor', '--sandbox'], 300_000);
      assert.equal(doctor.code, 1, `${doctor.stdout}\n${doctor.stderr}`);
      assert.match(
        doctor.stdout,
        /FAIL\s+\S+\s+node\/reclaim-unit\s+solokube-reclaim\.service last run \S+ failed: .*UnauthorizedOperation/,
      );

      const again = await sbx.cli(['up', '--sandbox', '--yes'], 900_000);
      assert.equal(again.code, 0, again.stderr);
      const rerun = parseReclaimState((await lab.node.exec(['cat', RECLAIM_PATHS.state])).stdout);
      assert.ok(rerun.kind === 'ran' && rerun.last.result === 'ok', JSON.stringify(rerun));
      assert.deepEqual(rerun.kind === 'ran' ? rerun.last.changes : undefined, [], 'up had done it all');
      const associated = Object.values((await emulatorState(endpoint)).addresses).find((a) => a.publicIp === eip)!;
      assert.equal(associated.association?.networkInterfaceId, eni.networkInterfaceId);
    },
  );
});
