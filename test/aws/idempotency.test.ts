// Every AWS resource on its own: applied once on a fresh account (with only what it depends on),
// then planned again, must plan no changes. Library level, real SDK over HTTP to the emulator.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createAwsClients } from '../../src/aws/clients.js';
import { AWS_IDS, awsResources } from '../../src/aws/resources/index.js';
import { parseConfig } from '../../src/config/load.js';
import { RecordingIoHost } from '../../src/core/io.js';
import { planConverge } from '../../src/core/plan.js';
import type { Resource } from '../../src/core/resource.js';
import { planAndApply } from '../../src/core/run.js';
import { CONFIG_YAML, REGION, TEST_CREDENTIALS, startLab } from './harness.js';

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

const MUTABLE = [AWS_IDS.elasticIp, AWS_IDS.secondaryPrivateIp, AWS_IDS.eipAssociation, AWS_IDS.appSecurityGroup, AWS_IDS.dnsRecords];

describe('every AWS resource is idempotent', () => {
  for (const id of MUTABLE) {
    test(`GIVEN a fresh account WHEN ${id} is applied and planned again THEN the second plan has no changes`, async () => {
      const lab = await startLab();
      const clients = createAwsClients({ region: REGION, endpoint: lab.emu.endpoint, credentials: TEST_CREDENTIALS });
      const config = parseConfig(CONFIG_YAML, 'test');
      const io = new RecordingIoHost();
      const signal = new AbortController().signal;
      try {
        const resources = closure(awsResources(config, clients).all, id);
        const first = await planAndApply(resources, { io, signal, mode: 'converge', yes: true, dryRun: false });
        assert.equal(first.plan.steps.find((s) => s.id === id)?.action, 'create');
        const fresh = closure(awsResources(config, clients).all, id);
        const again = await planConverge(fresh, io, signal);
        assert.deepEqual(again.plan.steps.filter((s) => s.action !== 'unchanged'), []);
      } finally {
        clients.destroy();
        await lab.close();
      }
    });
  }

  test('GIVEN a fresh account WHEN the control-plane discovery runs twice THEN it finds the same instance both times and plans nothing', async () => {
    const lab = await startLab();
    const clients = createAwsClients({ region: REGION, endpoint: lab.emu.endpoint, credentials: TEST_CREDENTIALS });
    const config = parseConfig(CONFIG_YAML, 'test');
    try {
      const io = new RecordingIoHost();
      const signal = new AbortController().signal;
      const one = await planConverge(closure(awsResources(config, clients).all, AWS_IDS.controlPlane), io, signal);
      const two = await planConverge(closure(awsResources(config, clients).all, AWS_IDS.controlPlane), io, signal);
      assert.deepEqual(one.evidence.actual.get(AWS_IDS.controlPlane), two.evidence.actual.get(AWS_IDS.controlPlane));
      assert.deepEqual(two.plan.steps.map((s) => s.action), ['unchanged']);
    } finally {
      clients.destroy();
      await lab.close();
    }
  });
});
