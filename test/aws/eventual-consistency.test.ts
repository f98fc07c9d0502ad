// Setup and cleanup against an emulator in eventual-consistency mode (changes visible to the rest
// of the API only after a lag, answering DependencyViolation / InvalidAssociationID.NotFound /
// InvalidAllocationID.NotFound meanwhile, as EC2 does): the engine's retry-until-deadline does the
// waiting, and a change that never becomes visible fails at the step's deadline with its cause.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  CreateSecurityGroupCommand,
  DescribeNetworkInterfacesCommand,
  ModifyNetworkInterfaceAttributeCommand,
} from '@aws-sdk/client-ec2';
import { awsResources } from '../../src/aws/resources/index.js';
import { DeadlineError, NotReadyError } from '../../src/core/errors.js';
import { applyConverge } from '../../src/core/executor.js';
import { planAndApply } from '../../src/core/run.js';
import { planConverge, planDestroy } from '../../src/core/plan.js';
import type { Resource } from '../../src/core/resource.js';
import { addressesOf, controlPlaneEni, ourGroups, startLab, withLibraryLab } from './harness.js';

const LAG_MS = 1_500;

describe('eventual consistency: setup and cleanup converge', () => {
  test(
    'GIVEN an emulator whose changes show up 1.5 s late WHEN setup and then cleanup run ' +
      'through the CLI THEN both succeed and the account ends clean',
    async () => {
      const lab = await startLab();
      try {
        lab.emu.setConsistencyLag(LAG_MS);
        const setup = await lab.cli(['secondary-ip', 'setup', '--yes'], { timeoutMs: 90_000 });
        assert.equal(setup.code, 0, setup.stderr);
        assert.match(setup.stderr, /waiting for/, 'the engine waited for EC2 to catch up');
        let state = lab.emu.state();
        const eip = addressesOf(state)[0];
        assert.ok(eip?.association, 'the Elastic IP is associated');
        assert.ok(controlPlaneEni(state).groupIds.includes(ourGroups(state)[0]!.groupId), 'our group is attached');

        // Right away: the association, the detach and the allocation are all still "recent".
        const cleanup = await lab.cli(['secondary-ip', 'cleanup', '--force'], { timeoutMs: 90_000 });
        assert.equal(cleanup.code, 0, cleanup.stderr);
        state = lab.emu.state();
        assert.deepEqual(addressesOf(state), [], 'no Elastic IP of ours is left (none billed idle)');
        assert.deepEqual(ourGroups(state), []);
        assert.deepEqual(
          controlPlaneEni(state).privateIps.filter((p) => !p.primary),
          [],
        );

        await sleep(LAG_MS);
        const again = await lab.cli(['secondary-ip', 'cleanup', '--force', '--output', 'json']);
        assert.equal(again.json().result?.decision, 'nothing-to-do', again.stdout);
      } finally {
        await lab.close();
      }
    },
  );

  test('GIVEN a change that never becomes visible WHEN setup runs THEN the step fails at its deadline with the last cause', async () => {
    await withLibraryLab(async ({ lab, clients, config, io, signal }) => {
      lab.emu.setConsistencyLag(Infinity);
      const short = (r: Resource): Resource => ({ ...r, deadlineMs: 1_500 });
      const started = Date.now();
      await assert.rejects(
        planAndApply(awsResources(config, clients).secondaryIp.map(short), {
          io,
          signal,
          mode: 'converge',
          yes: true,
          dryRun: false,
        }),
        (err: unknown) => {
          assert.ok(err instanceof DeadlineError, String(err));
          assert.match(err.message, /Elastic IP → secondary private IP did not finish within 1\.5s/);
          assert.ok(err.cause instanceof NotReadyError, String(err.cause));
          assert.match(err.message, /InvalidAllocationID\.NotFound/);
          return true;
        },
      );
      assert.ok(Date.now() - started < 15_000, 'gave up near the deadline');
    });
  });
});

describe("eventual consistency: the ENI's group list", () => {
  test('GIVEN a group attached to the control-plane ENI after the plan was made WHEN setup applies THEN that group stays attached', async () => {
    await withLibraryLab(async ({ lab, clients, config, io, signal }) => {
      const { networkInterfaceId: eniId, vpcId } = controlPlaneEni(lab.emu.state());
      const resources = awsResources(config, clients).secondaryIp;
      const planned = await planConverge(resources, io, signal);
      // Between plan and apply, someone (kops, a person) attaches another group to the ENI.
      const late = await clients.ec2.send(
        new CreateSecurityGroupCommand({ GroupName: 'attached-later', Description: 'not ours', VpcId: vpcId }),
      );
      const now = (
        await clients.ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [eniId] }))
      ).NetworkInterfaces![0]!.Groups!.map((g) => g.GroupId!);
      await clients.ec2.send(
        new ModifyNetworkInterfaceAttributeCommand({ NetworkInterfaceId: eniId, Groups: [...now, late.GroupId!] }),
      );
      await applyConverge(resources, planned, { io, signal });
      const groups = controlPlaneEni(lab.emu.state()).groupIds;
      assert.ok(groups.includes(late.GroupId!), `the later group is still attached: ${groups.join(', ')}`);
      assert.ok(groups.includes(ourGroups(lab.emu.state())[0]!.groupId), 'and ours was added');
      for (const g of now) assert.ok(groups.includes(g), `kops' ${g} stays`);
      const { plan } = await planDestroy(awsResources(config, clients).destroy, io, signal);
      assert.ok(plan.steps.some((s) => s.action === 'delete'));
    });
  });
});
