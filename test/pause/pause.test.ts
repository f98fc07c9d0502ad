// pause/resume, the parts that need no kops: the rendered group, what a paused cluster still costs
// (checked against a hand calculation from the price table), and the CLI's refusals and dry run.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../src/config/load.js';
import { EXAMPLE_CONFIG } from '../../src/config/example.js';
import { renderClusterSpecs } from '../../src/kops/spec.js';
import { controlPlaneSize, withControlPlaneSize } from '../../src/pause/scale.js';
import { pausedCost } from '../../src/pause/paused-cost.js';
import { runCli } from '../support/cli.js';

const example = parseConfig(EXAMPLE_CONFIG, 'example'); // eu-west-1, t3.medium, one app, secondary IP on

describe('pause and resume without kops', () => {
  test('GIVEN the rendered specs WHEN scaled to 0 and back THEN only the control-plane group changes', () => {
    const specs = renderClusterSpecs(example, { stateStore: 's3://solokube-state-test' });
    assert.deepEqual(controlPlaneSize(specs), { group: 'control-plane-eu-west-1a', minSize: 1, maxSize: 1 });
    const paused = withControlPlaneSize(specs, 0);
    assert.equal(controlPlaneSize(paused).maxSize, 0);
    assert.equal(controlPlaneSize(paused).minSize, 0);
    assert.deepEqual(paused.cluster, specs.cluster);
    const others = (s: typeof specs) => s.instanceGroups.filter((g) => g.spec['role'] !== 'Master');
    assert.deepEqual(others(paused), others(specs));
    assert.deepEqual(withControlPlaneSize(paused, 1), specs);
  });

  test('GIVEN the example configuration WHEN paused THEN it still costs the etcd volumes, the idle Elastic IP, the zone, ECR and the bucket', () => {
    // From src/cost/prices.ts (eu-west-1): etcd main and events 20 GB × $0.088 = 1.76 each; Elastic IP
    // 0.005 × 730 = 3.65; hosted zone 0.50; ECR 0.5 GB × $0.10 = 0.05; bucket 1 GB × $0.023 = 0.02.
    const hand = 1.76 + 1.76 + 3.65 + 0.5 + 0.05 + 0.02; // 7.74
    const c = pausedCost(example);
    assert.equal(c.monthlyUsd, Math.round(hand * 100) / 100);
    assert.equal(c.monthlyUsd, 7.74);
    assert.equal(c.runningMonthlyUsd, 50.31);
    assert.ok(!c.lines.some((l) => ['instance', 'root-volume', 'primary-public-ipv4'].includes(l.item)));
  });

  test('GIVEN pause WHEN run with --dry-run THEN it says what it would do and what it costs; without --yes it refuses', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'solokube-pause-'));
    try {
      await writeFile(join(dir, 'solokube.yaml'), EXAMPLE_CONFIG);
      const dry = await runCli(['pause', '--dry-run', '-o', 'json'], { cwd: dir });
      assert.equal(dry.code, 0, dry.stderr);
      const r = (JSON.parse(dry.stdout) as { result: { decision: string; pausedCost: { monthlyUsd: number } } }).result;
      assert.equal(r.decision, 'dry-run');
      assert.equal(r.pausedCost.monthlyUsd, 7.74);
      const refused = await runCli(['pause', '-o', 'json'], { cwd: dir });
      assert.equal(refused.code, 2);
      assert.match(refused.stdout, /--yes/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
