// The cost line `plan` and `up` print: solokube's part (the Elastic IP) and the whole cluster's
// estimate from the same price table `solokube cost` reads, or the share alone when the table does
// not know the region.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../src/config/load.js';
import { EXAMPLE_CONFIG } from '../../src/config/example.js';
import { estimateCost, solokubeShare } from '../../src/cost/index.js';
import { runCli } from '../support/cli.js';

const example = parseConfig(EXAMPLE_CONFIG, 'example'); // eu-west-1, t3.medium, one app, secondary IP on

describe('the cost line of plan and up', () => {
  test('GIVEN the example configuration THEN the line gives the Elastic IP and the whole estimate `solokube cost` gives', () => {
    const s = solokubeShare(example);
    assert.equal(s.monthlyUsd, 3.65); // 0.005 × 730
    assert.equal(s.clusterMonthlyUsd, estimateCost(example).totalUsd);
    assert.equal(s.clusterMonthlyUsd, 50.31); // the hand calculation in cost.test.ts
    assert.equal(s.clusterEstimateUnverified, true, 'eu-west-1 prices have no primary source yet');
    assert.match(
      s.line,
      /^about \$3\.65\/month for solokube's part .*about \$50\.31\/month for the whole cluster \(t3\.medium in eu-west-1, some prices unverified\)/,
    );
  });

  test('GIVEN us-east-1 THEN the estimate follows the region and is not marked unverified', () => {
    const s = solokubeShare({ ...example, region: 'us-east-1' });
    assert.equal(s.clusterMonthlyUsd, estimateCost({ ...example, region: 'us-east-1' }).totalUsd);
    assert.equal(s.clusterEstimateUnverified, false);
    assert.doesNotMatch(s.line, /unverified/);
  });

  test('GIVEN a region the price table lacks THEN the line keeps the share and points at `solokube cost`', () => {
    const s = solokubeShare({ ...example, region: 'ap-south-1' });
    assert.equal(s.monthlyUsd, 3.65);
    assert.equal(s.clusterMonthlyUsd, undefined);
    assert.match(s.line, /`solokube cost` for the whole cluster$/);
  });

  test('GIVEN no secondary IP THEN solokube adds nothing and the cluster estimate drops by the Elastic IP', () => {
    const s = solokubeShare({ ...example, secondaryIp: false });
    assert.equal(s.monthlyUsd, 0);
    assert.equal(s.clusterMonthlyUsd, 46.66); // 50.31 − 3.65
  });

  test('GIVEN plan --offline WHEN run THEN its text ends with the cost line and its JSON carries the figures', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'solokube-plan-cost-'));
    try {
      await writeFile(join(dir, 'solokube.yaml'), EXAMPLE_CONFIG);
      const text = await runCli(['plan', '--offline'], { cwd: dir });
      assert.equal(text.code, 0, text.stderr);
      assert.equal(text.stdout.trim().split('\n').at(-1), `cost  ${solokubeShare(example).line}`);
      const run = await runCli(['plan', '--offline', '-o', 'json'], { cwd: dir });
      assert.equal(run.code, 0, run.stderr);
      const cost = (JSON.parse(run.stdout) as { result: { cost: { monthlyUsd: number; clusterMonthlyUsd: number } } })
        .result.cost;
      assert.deepEqual([cost.monthlyUsd, cost.clusterMonthlyUsd], [3.65, 50.31]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
