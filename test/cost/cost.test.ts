import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../src/config/load.js';
import { EXAMPLE_CONFIG } from '../../src/config/example.js';
import { estimateCost, PriceUnknownError, renderCost, solokubeShare } from '../../src/cost/index.js';
import type { CostEstimate } from '../../src/cost/index.js';
import { runCli } from '../support/cli.js';

const example = parseConfig(EXAMPLE_CONFIG, 'example'); // eu-west-1, t3.medium, one app, secondary IP on
const line = (e: CostEstimate, item: string): number => e.lines.find((l) => l.item === item)?.monthlyUsd ?? Number.NaN;

describe('solokube cost', () => {
  test('GIVEN the default configuration THEN the estimate matches a hand calculation from the price table', () => {
    // eu-west-1 prices in src/cost/prices.ts: t3.medium $0.0456/h, gp3 $0.088/GB-month, public IPv4 $0.005/h,
    // hosted zone $0.50, ECR $0.10/GB-month, S3 $0.023/GB-month; NLB $0.0252/h. Month = 730 h.
    const instance = 0.0456 * 730; // 33.288  → 33.29
    const root = 64 * 0.088; // 5.632   → 5.63
    const etcdMain = 20 * 0.088; // 1.76
    const etcdEvents = 20 * 0.088; // 1.76
    const primaryIpv4 = 0.005 * 730; // 3.65
    const zone = 0.5; // 0.50
    const ecr = 1 * 0.5 * 0.1; // one app × 0.5 GB × $0.10 = 0.05
    const bucket = 1 * 0.023; // 0.023   → 0.02
    const eip = 0.005 * 730; // 3.65
    const r2 = (n: number) => Math.round(n * 100) / 100;
    const total = r2(r2(instance) + r2(root) + etcdMain + etcdEvents + primaryIpv4 + zone + ecr + r2(bucket) + eip);
    assert.equal(total, 50.31); // 33.29 + 5.63 + 1.76 + 1.76 + 3.65 + 0.50 + 0.05 + 0.02 + 3.65

    const e = estimateCost(example);
    assert.equal(e.region, 'eu-west-1');
    assert.equal(line(e, 'instance'), 33.29);
    assert.equal(line(e, 'root-volume'), 5.63);
    assert.equal(line(e, 'etcd-main-volume'), 1.76);
    assert.equal(line(e, 'etcd-events-volume'), 1.76);
    assert.equal(line(e, 'primary-public-ipv4'), 3.65);
    assert.equal(line(e, 'elastic-ip'), 3.65);
    assert.equal(line(e, 'hosted-zone'), 0.5);
    assert.equal(line(e, 'ecr-storage'), 0.05);
    assert.equal(line(e, 'state-bucket'), 0.02);
    assert.equal(e.totalUsd, total);
    assert.equal(e.solokubeShareUsd, 3.65);

    const variant = (name: string) => e.variants.find((v) => v.name === name)!;
    // Without the secondary path the Elastic IP goes: 50.31 − 3.65 = 46.66.
    assert.equal(variant('no-secondary-ip').monthlyUsd, 46.66);
    assert.equal(variant('no-secondary-ip').deltaUsd, -3.65);
    // A load balancer instead of the Elastic IP: 46.66 + 0.0252 × 730 (18.396 → 18.40) + one zone's IPv4 3.65 = 68.71.
    assert.equal(variant('load-balancer').monthlyUsd, 68.71);
    assert.equal(variant('load-balancer').deltaUsd, 18.4);
  });

  test('GIVEN another region or instance type THEN the estimate follows the table', () => {
    const use1 = estimateCost({ ...example, region: 'us-east-1' });
    assert.equal(line(use1, 'instance'), 30.37); // 0.0416 × 730 = 30.368
    assert.equal(line(use1, 'root-volume'), 5.12); // 64 × 0.08
    assert.ok(use1.totalUsd < estimateCost(example).totalUsd);
    const large = estimateCost({ ...example, region: 'us-east-1', instanceType: 't3.large' });
    assert.equal(line(large, 'instance'), 60.74); // 0.0832 × 730 = 60.736
    assert.equal(round(large.totalUsd - use1.totalUsd), round(60.74 - 30.37));
    // us-east-1 prices are sourced; eu-west-1's are marked unverified, and the text says so.
    assert.equal(use1.lines.find((l) => l.item === 'instance')?.unverified, false);
    assert.equal(estimateCost(example).lines.find((l) => l.item === 'instance')?.unverified, true);
    assert.match(renderCost(estimateCost(example)), /\* unverified price/);
  });

  test('GIVEN eu-central-1 THEN the whole estimate matches a hand calculation from its prices, every line marked unverified', () => {
    // eu-central-1 prices in src/cost/prices.ts: t3.medium $0.048/h, gp3 $0.0952/GB-month, public IPv4
    // $0.005/h, hosted zone $0.50, ECR $0.10/GB-month, S3 $0.0245/GB-month; NLB $0.027/h. Month = 730 h.
    const e = estimateCost({ ...example, region: 'eu-central-1' });
    const hand = {
      instance: 35.04, // 0.048 × 730 = 35.04
      'root-volume': 6.09, // 64 × 0.0952 = 6.0928
      'etcd-main-volume': 1.9, // 20 × 0.0952 = 1.904
      'etcd-events-volume': 1.9, // 1.904
      'primary-public-ipv4': 3.65, // 0.005 × 730
      'hosted-zone': 0.5,
      'ecr-storage': 0.05, // one app × 0.5 GB × $0.10
      'state-bucket': 0.02, // 1 GB × 0.0245
      'elastic-ip': 3.65, // 0.005 × 730
    };
    for (const [item, usd] of Object.entries(hand)) assert.equal(line(e, item), usd, item);
    assert.equal(e.lines.length, Object.keys(hand).length);
    // The total is the sum of the rounded lines: 35.04 + 6.09 + 1.90 + 1.90 + 3.65 + 0.50 + 0.05 + 0.02 + 3.65.
    assert.equal(e.totalUsd, 52.8);
    assert.equal(e.solokubeShareUsd, 3.65);
    const variant = (name: string) => e.variants.find((v) => v.name === name)!;
    assert.equal(variant('no-secondary-ip').monthlyUsd, 49.15); // 52.80 − 3.65
    // 49.15 + NLB 0.027 × 730 (19.71) + its public IPv4 3.65 = 72.51, 19.71 dearer than the Elastic IP.
    assert.equal(variant('load-balancer').monthlyUsd, 72.51);
    assert.equal(variant('load-balancer').deltaUsd, 19.71);
    // No line of this region rests on a primary source: each says so.
    const regional = e.lines.filter((l) => !['primary-public-ipv4', 'elastic-ip', 'hosted-zone'].includes(l.item));
    assert.ok(
      regional.every((l) => l.unverified),
      JSON.stringify(regional.filter((l) => !l.unverified)),
    );
    assert.ok(estimateCost({ ...example, region: 'eu-central-1', instanceType: 't3.large' }).totalUsd > e.totalUsd);
  });

  test('GIVEN the secondary IP off THEN no Elastic IP line and solokube costs nothing extra', () => {
    const e = estimateCost({ ...example, secondaryIp: false });
    assert.equal(
      e.lines.some((l) => l.item === 'elastic-ip'),
      false,
    );
    assert.equal(e.solokubeShareUsd, 0);
    assert.equal(e.totalUsd, 46.66);
    assert.deepEqual(solokubeShare({ secondaryIp: false }).monthlyUsd, 0);
    assert.equal(solokubeShare({ secondaryIp: true }).monthlyUsd, 3.65);
  });

  test('GIVEN a region or instance type the table lacks THEN a usage error names what the table has', () => {
    assert.throws(
      () => estimateCost({ ...example, region: 'ap-south-1' }),
      (err: unknown) =>
        err instanceof PriceUnknownError &&
        err.exitCode === 2 &&
        /ap-south-1/.test(err.message) &&
        /us-east-1, eu-west-1, eu-central-1/.test(err.message),
    );
    assert.throws(
      () => estimateCost({ ...example, instanceType: 'c5.large' }),
      (err: unknown) =>
        err instanceof PriceUnknownError &&
        /c5\.large/.test(err.message) &&
        /t3\.small, t3\.medium, t3\.large/.test(err.message),
    );
  });

  test('GIVEN the CLI THEN --output json gives the estimate, flags override the file, and an unknown type exits 2', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sk-cost-'));
    const file = join(dir, 'solokube.yaml');
    await writeFile(file, EXAMPLE_CONFIG);
    const json = await runCli(['cost', '-c', file, '--output', 'json']);
    assert.equal(json.code, 0, json.stderr);
    const doc = JSON.parse(json.stdout) as { ok: boolean; result: CostEstimate };
    assert.equal(doc.ok, true);
    assert.equal(doc.result.totalUsd, 50.31);
    const use1 = await runCli([
      'cost',
      '-c',
      file,
      '--region',
      'us-east-1',
      '--instance-type',
      't3.large',
      '--output',
      'json',
    ]);
    assert.equal((JSON.parse(use1.stdout) as { result: CostEstimate }).result.lines[0]?.monthlyUsd, 60.74);
    const bad = await runCli(['cost', '-c', file, '--instance-type', 'x9.huge']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /x9\.huge.*t3\.small, t3\.medium, t3\.large/);
    const text = await runCli(['cost', '-c', file]);
    assert.match(text.stdout, /total\s+\$50\.31/);
    assert.match(text.stdout, /network load balancer/);
  });
});

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
