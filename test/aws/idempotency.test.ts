// Every AWS resource on its own: applied once on a fresh account (with only what it depends on),
// then planned again, must plan no changes. Library level, real SDK over HTTP to the emulator.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { nodeAddressing } from '../../src/aws/node-addressing.js';
import { AWS_IDS, awsResources } from '../../src/aws/resources/index.js';
import { readAwsStatus } from '../../src/aws/status.js';
import { SolokubeError } from '../../src/core/errors.js';
import { planConverge } from '../../src/core/plan.js';
import type { Resource } from '../../src/core/resource.js';
import { planAndApply } from '../../src/core/run.js';
import { withLibraryLab } from './harness.js';

/** The resource and everything it depends on, from the full list. */
function closure(all: Resource[], id: string): Resource[] {
  const want = new Set<string>();
  const visit = (rid: string): void => {
    if (want.has(rid)) return;
    want.add(rid);
    for (const d of all.find((r) => r.id === rid)!.dependsOn ?? []) visit(d);
  };
  visit(id);
  return all.filter((r) => want.has(r.id));
}

const MUTABLE = [
  AWS_IDS.elasticIp,
  AWS_IDS.secondaryPrivateIp,
  AWS_IDS.eipAssociation,
  AWS_IDS.appSecurityGroup,
  AWS_IDS.dnsRecords,
];

describe('every AWS resource is idempotent', () => {
  for (const id of MUTABLE) {
    test(`GIVEN a fresh account WHEN ${id} is applied and planned again THEN the second plan has no changes`, () =>
      withLibraryLab(async ({ clients, config, io, signal }) => {
        const first = await planAndApply(closure(awsResources(config, clients).all, id), {
          io,
          signal,
          mode: 'converge',
          yes: true,
          dryRun: false,
        });
        assert.equal(first.plan.steps.find((s) => s.id === id)?.action, 'create');
        const again = await planConverge(closure(awsResources(config, clients).all, id), io, signal);
        assert.deepEqual(
          again.plan.steps.filter((s) => s.action !== 'unchanged'),
          [],
        );
      }));
  }

  test('GIVEN a fresh account WHEN the control-plane discovery runs twice THEN it finds the same instance both times and plans nothing', () =>
    withLibraryLab(async ({ clients, config, io, signal }) => {
      const one = await planConverge(closure(awsResources(config, clients).all, AWS_IDS.controlPlane), io, signal);
      const two = await planConverge(closure(awsResources(config, clients).all, AWS_IDS.controlPlane), io, signal);
      assert.deepEqual(one.evidence.actual.get(AWS_IDS.controlPlane), two.evidence.actual.get(AWS_IDS.controlPlane));
      assert.deepEqual(
        two.plan.steps.map((s) => s.action),
        ['unchanged'],
      );
    }));
});

describe('addresses handed to the node layer', () => {
  test(
    'GIVEN setup has run WHEN the status is read THEN nodeAddressing gives the secondary IP, ' +
      'its prefix and the ENI MAC; before setup it refuses with a remedy',
    () =>
      withLibraryLab(async ({ lab, clients, config, io, signal }) => {
        const before = await readAwsStatus(config, clients, io, signal);
        assert.throws(
          () => nodeAddressing(before),
          (e: unknown) => e instanceof SolokubeError && e.remedy !== undefined,
        );
        await planAndApply(awsResources(config, clients).secondaryIp, {
          io,
          signal,
          mode: 'converge',
          yes: true,
          dryRun: false,
        });
        const a = nodeAddressing(await readAwsStatus(config, clients, io, signal));
        const eni = Object.values(lab.emu.state().networkInterfaces).find((n) => n.macAddress === a.macAddress);
        assert.ok(eni, 'the MAC is the ENI’s');
        assert.equal(a.secondaryIp, eni.privateIps.find((p) => !p.primary)?.address);
        assert.equal(a.primaryIp, eni.privateIps.find((p) => p.primary)?.address);
        assert.equal(a.prefixLength, 24);
      }),
  );
});
