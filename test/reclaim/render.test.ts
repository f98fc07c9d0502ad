// The reclaim renderers against golden files (UPDATE_GOLDEN=1 rewrites them), and the rendered
// artefacts checked by what will read them: sh -n, the cloud-config's YAML, the rules `up` writes.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { parse } from 'yaml';
import { parseConfig } from '../../src/config/load.js';
import { EXAMPLE_CONFIG } from '../../src/config/example.js';
import { renderNatRules } from '../../src/node/render-nat.js';
import { nodeSpecFor } from '../../src/stack/node-spec.js';
import {
  reclaimAdditionalPolicies,
  reclaimAdditionalUserData,
  reclaimSpecFor,
  renderReclaimKopsFragments,
  renderReclaimScript,
  renderReclaimUnit,
  RECLAIM_PATHS,
  SECONDARY_IP_PLACEHOLDER,
} from '../../src/reclaim/index.js';

function golden(name: string, actual: string): void {
  const url = new URL(`../../../test/reclaim/golden/${name}`, import.meta.url);
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(url, actual);
  assert.equal(actual, readFileSync(url, 'utf8'), `golden file ${name} differs (UPDATE_GOLDEN=1 to accept)`);
}

const config = parseConfig(EXAMPLE_CONFIG, 'example');
const spec = reclaimSpecFor(config);
const direct = reclaimSpecFor({ ...config, proxy: 'direct' });

describe('reclaim renderers', () => {
  test('GIVEN the example configuration THEN script, unit and kops fragments match their golden files', () => {
    golden('reclaim.sh', renderReclaimScript(spec));
    golden('solokube-reclaim.service', renderReclaimUnit(spec));
    golden('kops-fragments.yaml', renderReclaimKopsFragments(spec));
  });

  test('GIVEN the rendered script THEN sh parses it, and it carries no secret and no fixed address', () => {
    for (const s of [spec, direct]) {
      const r = spawnSync('sh', ['-n'], { input: renderReclaimScript(s) });
      assert.equal(r.status, 0, r.stderr.toString());
    }
    const script = renderReclaimScript(spec);
    assert.doesNotMatch(script, /AKIA|aws_secret_access_key/i);
    assert.match(script, /--aws-sigv4 "aws:amz:\$REGION:ec2"/);
    assert.match(script, /X-Amz-Security-Token/);
    assert.match(script, /PrivateIpAddress=\$OURS&AllowReassociation=false/);
  });

  test('GIVEN a secondary address WHEN the script fills its rules template THEN the file is byte for byte the one up writes', () => {
    for (const [s, proxy] of [
      [spec, 'haproxy'],
      [direct, 'direct'],
    ] as const) {
      const script = renderReclaimScript(s);
      const template = /cat <<'EOF_RULES'\n([\s\S]*?)EOF_RULES/.exec(script)?.[1] ?? '';
      const filled = template.replaceAll(SECONDARY_IP_PLACEHOLDER, '198.18.0.4');
      const upSpec = nodeSpecFor(
        { ...config, proxy },
        { primaryIp: '198.18.0.10', secondaryIp: '198.18.0.4', prefixLength: 24 },
        'host0',
      );
      assert.equal(filled, renderNatRules(upSpec));
    }
  });

  test('GIVEN the kops fragments THEN the user data is a cloud-config that writes the exact script and unit and starts the unit', () => {
    const part = reclaimAdditionalUserData(spec);
    assert.equal(part.type, 'text/cloud-config');
    assert.ok(part.content.startsWith('#cloud-config\n'));
    const doc = parse(part.content) as {
      write_files: { path: string; content: string; encoding: string; permissions: string }[];
      runcmd: string[][];
    };
    const file = (p: string) =>
      Buffer.from(doc.write_files.find((f) => f.path === p)!.content, 'base64').toString('utf8');
    assert.equal(file(RECLAIM_PATHS.script), renderReclaimScript(spec));
    assert.equal(file(RECLAIM_PATHS.unit), renderReclaimUnit(spec));
    assert.deepEqual(doc.runcmd.at(-1), ['systemctl', 'start', '--no-block', 'solokube-reclaim.service']);
    const statements = JSON.parse(reclaimAdditionalPolicies(spec)['control-plane']) as { Action: string | string[] }[];
    const actions = statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action])).sort();
    assert.deepEqual(
      [...new Set(actions)],
      [
        'ec2:AssignPrivateIpAddresses',
        'ec2:AssociateAddress',
        'ec2:CreateTags',
        'ec2:DescribeAddresses',
        'ec2:DescribeNetworkInterfaces',
      ],
    );
  });
});

describe('reclaim last-run state (what doctor reads)', () => {
  test('GIVEN the file the script writes, none, or garbage THEN ran, never-ran or unreadable', async () => {
    const { parseReclaimState } = await import('../../src/reclaim/index.js');
    const ok =
      '{"result":"ok","at":"2026-11-30T10:00:00Z","cluster":"c1.example.com","instanceId":"i-1","networkInterfaceId":"eni-1","secondaryIp":"198.18.0.4","elasticIp":"198.19.1.1","allocationId":"eipalloc-1","changes":["added 198.18.0.4/24 to host0"],"message":"Elastic IP 198.19.1.1 on secondary 198.18.0.4 of eni-1"}\n';
    const ran = parseReclaimState(ok);
    assert.equal(ran.kind, 'ran');
    assert.equal(ran.kind === 'ran' && ran.last.secondaryIp, '198.18.0.4');
    assert.deepEqual(parseReclaimState(undefined), { kind: 'never-ran' });
    assert.equal(parseReclaimState('{"result":"maybe"}').kind, 'unreadable');
    assert.equal(parseReclaimState('not json').kind, 'unreadable');
  });
});
