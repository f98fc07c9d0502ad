// `solokube cluster …` as a subprocess: hostile or invalid names (cluster, zone, bucket) are refused
// with exit 2 before kops or AWS is contacted; a missing kops is a clear error naming what to install.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAwsEmulator } from '../../src/sandbox/aws/index.js';
import { CONFIG_YAML, runCli } from '../aws/harness.js';

const HOSTILE: Record<string, string> = {
  'cluster name with a shell metacharacter': CONFIG_YAML.replace(
    'name: c1.example.com',
    'name: "c1;touch /tmp/x.example.com"',
  ),
  'zone with a space': CONFIG_YAML.replace('dnsZone: example.com', 'dnsZone: "example .com"'),
  'bucket with upper case and a slash': `${CONFIG_YAML}stateStore: "My/Bucket"\n`,
  'bucket shaped like an IP address': `${CONFIG_YAML}stateStore: "192.168.1.1"\n`,
  'cluster name outside the zone': CONFIG_YAML.replace('name: c1.example.com', 'name: c1.other.org'),
};

describe('solokube cluster (CLI)', () => {
  for (const [what, yaml] of Object.entries(HOSTILE)) {
    test(`GIVEN a ${what} WHEN cluster create runs THEN exit 2, and neither kops nor AWS was called`, async (t) => {
      const emu = await startAwsEmulator({ region: 'eu-west-1' });
      t.after(() => emu.close());
      const dir = mkdtempSync(join(tmpdir(), 'solokube-cli-'));
      const marker = join(dir, 'kops-ran');
      const kops = join(dir, 'kops');
      writeFileSync(kops, `#!/bin/sh\ntouch ${marker}\n`);
      chmodSync(kops, 0o755);
      writeFileSync(join(dir, 'solokube.yaml'), yaml);
      const r = await runCli(emu.endpoint, ['-c', join(dir, 'solokube.yaml'), 'cluster', 'create', '--yes'], 30_000, {
        SOLOKUBE_KOPS: kops,
      });
      assert.equal(r.code, 2, r.stderr);
      assert.equal(existsSync(marker), false);
      assert.deepEqual(emu.calls(), []);
    });
  }

  test('GIVEN no kops on the machine WHEN cluster create runs THEN it fails naming kops, the minimum version and how to install it', async (t) => {
    const emu = await startAwsEmulator({ region: 'eu-west-1' });
    t.after(() => emu.close());
    const dir = mkdtempSync(join(tmpdir(), 'solokube-cli-'));
    writeFileSync(join(dir, 'solokube.yaml'), CONFIG_YAML);
    const r = await runCli(
      emu.endpoint,
      ['-c', join(dir, 'solokube.yaml'), '-o', 'json', 'cluster', 'create', '--yes'],
      60_000,
      { SOLOKUBE_KOPS: join(dir, 'no-such-kops'), HOME: dir },
    );
    assert.equal(r.code, 1, r.stderr);
    const out = r.json();
    assert.equal(out.error?.code, 'kops.missing');
    assert.match(out.error?.remedy ?? '', /kops 1\.36\.0 or newer/);
    assert.deepEqual(emu.state().buckets ?? {}, {}, 'nothing was created before kops was found missing');
  });
});
