// Where a setting comes from, as the README states: flags, then the environment (AWS_REGION,
// AWS_PROFILE), then the file. Checked through the real binary (`plan --offline` contacts nothing
// and reports the region it would use; `-o json` gives the configuration's values).

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../support/cli.js';

function configFile(): string {
  const path = join(mkdtempSync(join(tmpdir(), 'solokube-prec-')), 'solokube.yaml');
  writeFileSync(path, 'name: c1.example.com\ndnsZone: example.com\nregion: eu-west-1\nprofile: from-file\n');
  return path;
}

async function settings(args: string[], env: NodeJS.ProcessEnv): Promise<{ region: string; profile?: string }> {
  const r = await runCli(['plan', '--offline', '-o', 'json', '-c', configFile(), ...args], { env });
  assert.equal(r.code, 0, r.stderr);
  const { region, profile } = (JSON.parse(r.stdout) as { result: { region: string; profile?: string } }).result;
  return { region, ...(profile ? { profile } : {}) };
}

describe('flags, then environment, then file', () => {
  test('GIVEN only the file THEN its region and profile are used', async () => {
    assert.deepEqual(await settings([], {}), { region: 'eu-west-1', profile: 'from-file' });
  });

  test('GIVEN AWS_REGION and AWS_PROFILE THEN they win over the file', async () => {
    assert.deepEqual(await settings([], { AWS_REGION: 'us-east-2', AWS_PROFILE: 'from-env' }), {
      region: 'us-east-2',
      profile: 'from-env',
    });
  });

  test('GIVEN flags and the environment THEN the flags win', async () => {
    assert.deepEqual(
      await settings(['--region', 'ap-south-1', '--profile', 'from-flag'], {
        AWS_REGION: 'us-east-2',
        AWS_PROFILE: 'from-env',
      }),
      { region: 'ap-south-1', profile: 'from-flag' },
    );
  });

  test('GIVEN an empty AWS_REGION THEN it is as if unset', async () => {
    assert.equal((await settings([], { AWS_REGION: '' })).region, 'eu-west-1');
  });

  test('GIVEN an AWS_REGION that is not a region THEN exit 2 naming the variable', async () => {
    const r = await runCli(['plan', '--offline', '-c', configFile()], { env: { AWS_REGION: 'mars' } });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /AWS_REGION/);
  });
});
