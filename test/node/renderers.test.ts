// The renderers against golden files (UPDATE_GOLDEN=1 rewrites them), and the rendered artefacts
// checked by the real tools that will read them: haproxy -c, nft in a throwaway namespace, sh -n.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderHaproxyConfig, renderHaproxyDropIn } from '../../src/node/render-haproxy.js';
import { renderNatRules } from '../../src/node/render-nat.js';
import { renderBootUnit } from '../../src/node/render-boot.js';
import { desiredNatLines, parseNatTable } from '../../src/node/nat-state.js';
import { BOOT_UNIT_NAME } from '../../src/node/paths.js';
import { spec } from './support/specs.js';

function golden(name: string, actual: string): void {
  const url = new URL(`../../../test/node/golden/${name}`, import.meta.url);
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(url, actual);
  assert.equal(actual, readFileSync(url, 'utf8'), `golden file ${name} differs (UPDATE_GOLDEN=1 to accept)`);
}

function withTemp<T>(fn: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'skn-render-'));
  try {
    return fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const haproxy = spec();
const haproxyV2 = spec({ proxyProtocol: true });
const direct = spec({
  proxy: 'direct',
  prefixLength: 20,
  secondaryIp: '198.18.3.7',
  primaryIp: '198.18.1.5',
  interface: 'ens5',
});

describe('renderers', () => {
  test('GIVEN haproxy mode WHEN rendering haproxy.cfg THEN it matches the golden file and haproxy accepts it', () => {
    const cfg = renderHaproxyConfig(haproxy);
    golden('haproxy.cfg', cfg);
    golden('haproxy-proxy-v2.cfg', renderHaproxyConfig(haproxyV2));
    withTemp((dir) => {
      for (const [name, text] of [
        ['a.cfg', cfg],
        ['b.cfg', renderHaproxyConfig(haproxyV2)],
      ] as const) {
        writeFileSync(join(dir, name), text);
        const r = spawnSync('haproxy', ['-c', '-f', join(dir, name)], { encoding: 'utf8' });
        assert.equal(r.status, 0, r.stdout + r.stderr);
      }
    });
  });

  test('GIVEN haproxy.cfg WHEN read THEN stats listen only on loopback and the SNI frontend on all addresses', () => {
    const cfg = renderHaproxyConfig(haproxy);
    const binds = cfg.split('\n').filter((l) => l.trim().startsWith('bind '));
    assert.deepEqual(
      binds.map((b) => b.trim()),
      ['bind 0.0.0.0:8443', 'bind 198.18.0.20:80', 'bind 127.0.0.1:8404'],
    );
    assert.match(cfg, /timeout tunnel 1h/);
    assert.ok(!cfg.includes('send-proxy'), 'no PROXY protocol unless asked');
    assert.equal(renderHaproxyConfig(haproxyV2).match(/send-proxy-v2/g)?.length, 2);
  });

  test('GIVEN both modes WHEN rendering NAT rules THEN they match the golden files and only the secondary address is redirected', () => {
    golden('nat-haproxy.nft', renderNatRules(haproxy));
    golden('nat-direct.nft', renderNatRules(direct));
    for (const s of [haproxy, direct]) {
      const ruleLines = renderNatRules(s)
        .split('\n')
        .filter((l) => l.includes('redirect to'));
      assert.ok(ruleLines.length > 0);
      for (const l of ruleLines) assert.ok(l.includes(`ip daddr ${s.secondaryIp} tcp dport`), l);
    }
  });

  test('GIVEN rendered NAT rules WHEN loaded twice by nft in a fresh namespace THEN one table results that reads back as desired', () => {
    const ns = `skn-render-${process.pid}`;
    execFileSync('ip', ['netns', 'add', ns]);
    try {
      withTemp((dir) => {
        for (const s of [haproxy, direct]) {
          writeFileSync(join(dir, 'r.nft'), renderNatRules(s));
          execFileSync('ip', ['netns', 'exec', ns, 'nft', '-f', join(dir, 'r.nft')]);
          execFileSync('ip', ['netns', 'exec', ns, 'nft', '-f', join(dir, 'r.nft')]);
          const json = execFileSync('ip', ['netns', 'exec', ns, 'nft', '-j', 'list', 'table', 'ip', 'solokube'], {
            encoding: 'utf8',
          });
          assert.deepEqual(parseNatTable(json), desiredNatLines(s));
          const tables = execFileSync('ip', ['netns', 'exec', ns, 'nft', 'list', 'tables'], { encoding: 'utf8' })
            .trim()
            .split('\n');
          assert.deepEqual(tables, ['table ip solokube']);
        }
      });
    } finally {
      execFileSync('ip', ['netns', 'del', ns]);
    }
  });

  test('GIVEN a spec WHEN rendering the boot unit THEN unit, script and HAProxy drop-in match golden files and the script parses', () => {
    const { unit, script } = renderBootUnit(direct);
    golden('solokube-secondary-ip.service', unit);
    golden('secondary-ip-up.sh', script);
    golden('haproxy-dropin.conf', renderHaproxyDropIn(haproxy, BOOT_UNIT_NAME));
    assert.match(script, /ip addr replace "\$address" dev "\$iface"/);
    // A /32, not the subnet's /20: the secondary must never share the primary's prefix (paths.ts).
    assert.match(script, /address=198\.18\.3\.7\/32\n/);
    assert.ok(!script.includes('netfilter-persistent'));
    withTemp((dir) => {
      writeFileSync(join(dir, 's.sh'), script);
      const r = spawnSync('sh', ['-n', join(dir, 's.sh')], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
    });
  });
});
