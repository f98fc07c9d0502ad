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
import { secondaryAddress } from '../../src/node/resources/secondary-address.js';
import type { NodeShell } from '../../src/node/shell.js';
import { SECONDARY_IP_TAG_PREFIX as UP_SECONDARY_IP_TAG_PREFIX } from '../../src/aws/resources/secondary-private-ip.js';
import { RecordingIoHost } from '../../src/core/io.js';
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
  SECONDARY_IP_TAG_PREFIX,
} from '../../src/reclaim/index.js';
import { INTERFACE_PLACEHOLDER } from '../../src/reclaim/paths.js';

function golden(name: string, actual: string): void {
  const url = new URL(`../../../test/reclaim/golden/${name}`, import.meta.url);
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(url, actual);
  assert.equal(actual, readFileSync(url, 'utf8'), `golden file ${name} differs (UPDATE_GOLDEN=1 to accept)`);
}

const config = parseConfig(EXAMPLE_CONFIG, 'example');
// The golden files show the haproxy variant; the example's default is direct.
const spec = reclaimSpecFor({ ...config, proxy: 'haproxy' });
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

  test(
    'GIVEN an address and an interface WHEN the script fills its drop-in template THEN the ' +
      "text is byte for byte the one up's node resource wants",
    async () => {
      const script = renderReclaimScript(spec);
      const template = /cat <<'EOF_DROP_IN'\n([\s\S]*?)EOF_DROP_IN/.exec(script)?.[1] ?? '';
      const filled = template
        .replaceAll(SECONDARY_IP_PLACEHOLDER, '198.18.0.4')
        .replaceAll(INTERFACE_PLACEHOLDER, 'ens5');
      const upSpec = nodeSpecFor(
        config,
        { primaryIp: '198.18.0.10', secondaryIp: '198.18.0.4', prefixLength: 24 },
        'ens5',
      );
      // A shell that says networkd manages ens5 and nothing else: desired() then renders the drop-in.
      const shell = {
        description: 'test',
        run: async () => ({ code: 0, stdout: 'Network File: /etc/systemd/network/10-ens5.network\n', stderr: '' }),
      } as unknown as NodeShell;
      const desired = await secondaryAddress(upSpec, shell).desired({
        io: new RecordingIoHost(),
        signal: new AbortController().signal,
      } as never);
      assert.equal(filled, (desired as { networkdDropIn?: string }).networkdDropIn);
      assert.match(filled, /^Address=198\.18\.0\.4\/32$/m);
    },
  );

  test("GIVEN the ENI record's tag key THEN it is the one up writes and reads", () => {
    assert.equal(SECONDARY_IP_TAG_PREFIX, UP_SECONDARY_IP_TAG_PREFIX);
  });

  test(
    'GIVEN a subnet with addresses in use WHEN the script picks a free one THEN it is in the ' +
      'subnet, never reserved, in use or avoided; none when full',
    () => {
      const script = renderReclaimScript(spec);
      const fn = /\npick_free\(\) \{\n[\s\S]*?\n\}\n/.exec(script)?.[0];
      assert.ok(fn, 'pick_free is in the script');
      const pick = (cidr: string, inUse: string[], avoid: string[]) => {
        const r = spawnSync(
          'sh',
          [
            '-c',
            `${fn}\nIN_USE="$1"; SUBNET_CIDR="$2"; pick_free "$3"`,
            'sh',
            inUse.join('\n'),
            cidr,
            avoid.join('\n'),
          ],
          {
            encoding: 'utf8',
          },
        );
        return { code: r.status, ip: r.stdout.trim(), stderr: r.stderr };
      };
      // 198.18.0.0/28: .0-.3 and .15 reserved by AWS, so .4-.14 are assignable.
      const inUse = ['198.18.0.4', '198.18.0.5', '198.18.0.9', '198.18.0.10'];
      const avoid = ['198.18.0.6', '198.18.0.7'];
      const seen = new Set<string>();
      for (let i = 0; i < 40; i++) {
        const r = pick('198.18.0.0/28', inUse, avoid);
        assert.equal(r.code, 0, r.stderr);
        seen.add(r.ip);
      }
      const allowed = ['198.18.0.8', '198.18.0.11', '198.18.0.12', '198.18.0.13', '198.18.0.14'];
      assert.deepEqual(
        [...seen].filter((ip) => !allowed.includes(ip)),
        [],
        'only free assignable addresses',
      );
      assert.ok(seen.size > 1, `chosen at random, not lowest first (${[...seen].join(', ')})`);
      // A subnet given as a host address inside it, and a full one.
      assert.match(pick('198.18.0.7/28', [], []).ip, /^198\.18\.0\.([4-9]|1[0-4])$/);
      const full = pick('198.18.0.0/28', [...inUse, ...avoid, ...allowed], []);
      assert.notEqual(full.code, 0);
      assert.equal(full.ip, '');
    },
  );

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
        'ec2:DeleteTags',
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
      '{"result":"ok","at":"2026-11-30T10:00:00Z","cluster":"c1.example.com","instanceId":"i-1",' +
      '"networkInterfaceId":"eni-1","secondaryIp":"198.18.0.4","elasticIp":"198.19.1.1",' +
      '"allocationId":"eipalloc-1","changes":["added 198.18.0.4/24 to host0"],"message":"Elastic ' +
      'IP 198.19.1.1 on secondary 198.18.0.4 of eni-1"}\n';
    const ran = parseReclaimState(ok);
    assert.equal(ran.kind, 'ran');
    assert.equal(ran.kind === 'ran' && ran.last.secondaryIp, '198.18.0.4');
    assert.deepEqual(parseReclaimState(undefined), { kind: 'never-ran' });
    assert.equal(parseReclaimState('{"result":"maybe"}').kind, 'unreadable');
    assert.equal(parseReclaimState('not json').kind, 'unreadable');
  });
});
