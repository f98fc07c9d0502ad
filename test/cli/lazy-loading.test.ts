// Heavy dependencies load only with the commands that need them: `--help` and `version` load none
// of zod, yaml, ssh2 or the AWS SDK, and `plan --offline` only what reading the configuration
// takes. Checked on tsc's unbundled modules, where every package a process loads is one URL the
// loader sees (in the esbuild bundle they are chunks of it, so the same edges decide what loads).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NO_REAL_AWS } from '../support/cli.js';

const MAIN = new URL('../../src/cli/main.js', import.meta.url).href;
const MODULE_LOG = fileURLToPath(new URL('../support/module-log.js', import.meta.url));
const EXAMPLE = fileURLToPath(new URL('../../../examples/solokube.yaml', import.meta.url));
const HEAVY = [
  'zod',
  'yaml',
  'ssh2',
  '@aws-sdk/client-ec2',
  '@aws-sdk/client-route-53',
  '@aws-sdk/client-sts',
  '@aws-sdk/client-service-quotas',
];

/** Runs main() with these arguments in a fresh Node and returns the packages it loaded. */
async function packagesLoadedBy(
  args: string[],
): Promise<{ code: number | null; packages: Set<string>; stderr: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'solokube-modules-'));
  const log = join(dir, 'modules.log');
  try {
    const script = `const { main } = await import(${JSON.stringify(MAIN)}); process.exitCode = await main(['node', 'solokube', ...${JSON.stringify(args)}]);`;
    const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', MODULE_LOG, '--input-type=module', '-e', script], {
        env: { ...process.env, ...NO_REAL_AWS, SOLOKUBE_MODULE_LOG: log },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let err = '';
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
      child.on('error', reject);
      child.on('close', (c) => {
        clearTimeout(timer);
        resolve({ code: c, stderr: err });
      });
    });
    const urls = readFileSync(log, 'utf8').split('\n').filter(Boolean);
    const packages = new Set(
      urls
        .map((u) => /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(u)?.[1])
        .filter((p): p is string => p !== undefined),
    );
    return { code, packages, stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('heavy dependencies load only with the commands that need them', () => {
  for (const args of [['--help'], ['version']]) {
    test(`GIVEN solokube ${args.join(' ')} THEN none of ${HEAVY.join(', ')} is loaded`, async () => {
      const r = await packagesLoadedBy(args);
      assert.equal(r.code, 0, r.stderr);
      assert.ok(
        r.packages.has('commander'),
        `the module log works: commander was seen (${[...r.packages].join(', ')})`,
      );
      assert.deepEqual(
        HEAVY.filter((p) => r.packages.has(p)),
        [],
      );
    });
  }

  // The offline plan is described by the resources themselves (so it cannot drift from them). The
  // resource modules name their SDK commands through src/aws/sdk/*, which load the SDK on the first
  // send: a plan that sends nothing loads none of it (it was most of the offline plan's start-up).
  test(
    'GIVEN plan --offline THEN yaml and zod load for the configuration; ' +
      'no AWS SDK or smithy package and no ssh2 loads',
    async () => {
      const r = await packagesLoadedBy(['plan', '--offline', '-c', EXAMPLE]);
      assert.equal(r.code, 0, r.stderr);
      assert.ok(r.packages.has('yaml') && r.packages.has('zod'), [...r.packages].join(', '));
      assert.deepEqual(
        [...r.packages].filter((p) => /^@(aws-sdk|smithy|aws-crypto)\//.test(p) || p === 'ssh2'),
        [],
        'a plan that contacts nothing loads no AWS SDK and no SSH library',
      );
    },
  );
});
