// One definition each for IPv4 syntax, DNS names, interface names and ports. Two ways to check:
// the layers agree on tricky values (they use the same functions), and the source holds each
// pattern in one place only (a second copy is how they drifted apart before).

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseNodeSpec } from '../../src/node/spec.js';
import { isDnsName, isIpv4 } from '../../src/config/validators.js';
import { ConfigError } from '../../src/core/errors.js';

const SRC = fileURLToPath(new URL('../../../src/', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

function filesMatching(re: RegExp): string[] {
  return sources(SRC)
    .filter((f) => re.test(readFileSync(f, 'utf8')))
    .map((f) => relative(SRC, f))
    .sort();
}

const nodeSpec = (o: { clusterName?: string; primaryIp?: string; iface?: string }) => () =>
  parseNodeSpec({
    clusterName: o.clusterName ?? 'c1.example.com',
    apiServerNames: ['api.c1.example.com'],
    primaryIp: o.primaryIp ?? '172.20.1.10',
    secondaryIp: '172.20.1.11',
    prefixLength: 24,
    interface: o.iface ?? 'ens5',
    proxy: 'haproxy',
  });

describe('one definition each', () => {
  test('the node layer refuses exactly the DNS names the configuration refuses', () => {
    for (const name of ['localhost', 'a..com', '-a.com', 'A.com', 'a.com.']) {
      assert.equal(isDnsName(name), false, name);
      assert.throws(nodeSpec({ clusterName: name }), ConfigError, `node spec refuses ${name}`);
    }
  });

  test('the node layer and the configuration agree on IPv4 syntax', () => {
    for (const ip of ['1.2.3.04', '01.2.3.4', '1.2.3', '256.1.1.1', '1.2.3.4 ']) {
      assert.equal(isIpv4(ip), false, ip);
      assert.throws(nodeSpec({ primaryIp: ip }), ConfigError, ip);
    }
  });

  test('nothing exported from config, cli or core is left unused', () => {
    const all =
      sources(SRC)
        .map((f) => readFileSync(f, 'utf8'))
        .join('\n') +
      sources(join(SRC, '../test'))
        .map((f) => readFileSync(f, 'utf8'))
        .join('\n');
    const unused: string[] = [];
    for (const file of sources(SRC).filter((f) => /\/(config|cli|core)\//.test(f))) {
      for (const m of readFileSync(file, 'utf8').matchAll(
        /^export (?:async )?(?:function|const|class|type|interface) ([A-Za-z0-9_]+)/gm,
      )) {
        const uses = all.match(new RegExp(`\\b${m[1]}\\b`, 'g'))?.length ?? 0;
        if (uses <= 1) unused.push(`${relative(SRC, file)}: ${m[1]}`);
      }
    }
    assert.deepEqual(unused, []);
  });

  test('each pattern lives in one source file', () => {
    assert.deepEqual(filesMatching(/\{0,61\}/), ['config/validators.ts'], 'DNS label syntax');
    assert.deepEqual(filesMatching(/\{1,15\}/), ['config/validators.ts'], 'interface names');
    assert.deepEqual(filesMatching(/25\[0-5\]|isIPv4|z\.ipv4\(|OCTET/), ['config/validators.ts'], 'IPv4 parsing');
    assert.deepEqual(filesMatching(/65535/), ['config/validators.ts'], 'port range');
  });
});
