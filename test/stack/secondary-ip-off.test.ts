// `secondaryIp: false` converges to "none of it": after the secondary path was set up, `up`'s AWS
// part moves the app names to the instance's own address, then plans the removal of the Elastic IP,
// the secondary IP and the security group, carries it out, and then plans nothing. (The node part of the same run is proven end to end in
// test/sandbox/env; here the node is not contacted: its step finds nothing to read without a node.)

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { awsResources } from '../../src/aws/resources/index.js';
import { parseConfig } from '../../src/config/load.js';
import { planAndApply, planAndApplyPhases, planPhases } from '../../src/core/run.js';
import type { Phase } from '../../src/core/run.js';
import { upPhases } from '../../src/stack/stack.js';
import type { NodeAccess } from '../../src/stack/node-step.js';
import { CONFIG_YAML, addressesOf, controlPlaneEni, ourGroups, withLibraryLab } from '../aws/harness.js';

/** This test never reaches a node: any attempt fails it. */
const noNode: NodeAccess = {
  shellFor: async () => assert.fail('the node was contacted'),
  close: async () => undefined,
};

test('GIVEN the secondary path and DNS are set up WHEN up runs with secondaryIp false THEN it removes all of it and a rerun plans nothing', () =>
  withLibraryLab(async ({ lab, clients, config, io, signal }) => {
    await planAndApply(awsResources(config, clients).all, { io, signal, mode: 'converge', yes: true, dryRun: false });
    assert.equal(addressesOf(lab.emu.state()).length, 1);

    const off = parseConfig(`${CONFIG_YAML}secondaryIp: false\n`, 'test');
    const awsOnly = (phases: Phase[]): Phase[] =>
      phases.map((p) => ({ mode: p.mode, resources: p.resources.filter((r) => r.id.startsWith('aws/')) }));
    const phases = awsOnly(upPhases(off, clients, noNode));
    // First the app names move to the instance's own address, then the rest of the path goes.
    assert.deepEqual(
      phases.map((p) => p.mode),
      ['converge', 'destroy'],
    );
    const planned = await planPhases(phases, io, signal);
    const moved = planned[0]!.result.plan.steps.filter((s) => s.action !== 'unchanged').map((s) => s.id);
    assert.deepEqual(moved, ['aws/dns-records']);
    const removed = planned[1]!.result.plan.steps
      .filter((s) => s.action === 'delete')
      .map((s) => s.id)
      .sort();
    assert.deepEqual(removed, [
      'aws/app-security-group',
      'aws/eip-association',
      'aws/elastic-ip',
      'aws/secondary-private-ip',
    ]);

    await planAndApplyPhases(phases, { io, signal, yes: true, dryRun: false });
    const s = lab.emu.state();
    assert.deepEqual(addressesOf(s), []);
    assert.deepEqual(ourGroups(s), []);
    assert.deepEqual(
      controlPlaneEni(s).privateIps.filter((p) => !p.primary),
      [],
    );

    const again = await planPhases(awsOnly(upPhases(off, clients, noNode)), io, signal);
    assert.deepEqual(
      again.flatMap((p) => p.result.plan.steps).filter((p) => p.action !== 'unchanged'),
      [],
    );
  }));
