// `secondaryIp: false` converges to "none of it": after the secondary path was set up, `up`'s AWS
// part plans the removal of the Elastic IP, the secondary IP, the security group and our records,
// carries it out, and then plans nothing. (The node part of the same run is proven end to end in
// test/sandbox/env; here the node is not contacted: its step finds nothing to read without a node.)

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { awsResources } from '../../src/aws/resources/index.js';
import { parseConfig } from '../../src/config/load.js';
import { planAndApply } from '../../src/core/run.js';
import { planConverge, planDestroy } from '../../src/core/plan.js';
import { upPhases } from '../../src/stack/stack.js';
import type { NodeAccess } from '../../src/stack/node-step.js';
import { CONFIG_YAML, addressesOf, controlPlaneEni, ourGroups, withLibraryLab } from '../aws/harness.js';

/** This test never reaches a node: any attempt fails it. */
const noNode: NodeAccess = { shellFor: async () => assert.fail('the node was contacted'), close: async () => undefined };

test('GIVEN the secondary path and DNS are set up WHEN up runs with secondaryIp false THEN it removes all of it and a rerun plans nothing', () => withLibraryLab(async ({ lab, clients, config, io, signal }) => {
  await planAndApply(awsResources(config, clients).all, { io, signal, mode: 'converge', yes: true, dryRun: false });
  assert.equal(addressesOf(lab.emu.state()).length, 1);

  const off = parseConfig(`${CONFIG_YAML}secondaryIp: false\n`, 'test');
  const [run] = upPhases(off, clients, noNode);
  assert.ok(run);
  const aws = run.resources.filter((r) => r.id.startsWith('aws/'));
  const planned = run.mode === 'converge' ? await planConverge(aws, io, signal) : await planDestroy(aws, io, signal);
  const removed = planned.plan.steps.filter((s) => s.action === 'delete').map((s) => s.id).sort();
  assert.deepEqual(removed, ['aws/app-security-group', 'aws/dns-records', 'aws/eip-association', 'aws/elastic-ip', 'aws/secondary-private-ip']);

  await planAndApply(aws, { io, signal, mode: run.mode, yes: true, dryRun: false });
  const s = lab.emu.state();
  assert.deepEqual(addressesOf(s), []);
  assert.deepEqual(ourGroups(s), []);
  assert.deepEqual(controlPlaneEni(s).privateIps.filter((p) => !p.primary), []);

  const [again] = upPhases(off, clients, noNode);
  assert.ok(again);
  const second = await planDestroy(again.resources.filter((r) => r.id.startsWith('aws/')), io, signal);
  assert.deepEqual(second.plan.steps.filter((p) => p.action !== 'unchanged'), []);
}));
