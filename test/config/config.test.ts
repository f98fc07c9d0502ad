import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseConfig } from '../../src/config/load.js';
import { EXAMPLE_CONFIG } from '../../src/config/example.js';
import { ConfigError } from '../../src/core/errors.js';
import { names } from '../../src/config/naming.js';
import { isDnsName, isSafePath } from '../../src/config/validators.js';

const minimal = 'name: c1.example.com\ndnsZone: example.com\nregion: eu-west-1\n';

function issuesOf(yaml: string): { path: string; message: string }[] {
  try {
    parseConfig(yaml, 'test.yaml');
  } catch (e) {
    assert.ok(e instanceof ConfigError, `expected ConfigError, got ${String(e)}`);
    assert.equal(e.exitCode, 2);
    return [...e.issues];
  }
  assert.fail('expected the config to be rejected');
}

describe('configuration', () => {
  test('the shipped example parses, and examples/solokube.yaml is exactly what init writes', () => {
    const c = parseConfig(EXAMPLE_CONFIG, 'example');
    assert.equal(c.name, 'c1.example.com');
    assert.equal(readFileSync(new URL('../../../examples/solokube.yaml', import.meta.url), 'utf8'), EXAMPLE_CONFIG);
  });

  test('GIVEN a minimal file THEN defaults are filled in one place', () => {
    const c = parseConfig(minimal, 'm');
    assert.equal(c.appsDomain, 'example.com');
    assert.deepEqual(c.zones, ['eu-west-1a']);
    assert.equal(c.secondaryIp, true);
    assert.equal(c.proxy, 'direct', 'the kernel-only path is the default');
    assert.equal(c.proxyProtocol, false);
    assert.equal(c.acme, 'production');
    assert.equal(c.httpsRedirect, true);
    assert.equal(c.instanceType, 't3.medium');
    assert.equal(c.ssh.user, 'admin');
  });

  test('GIVEN five different mistakes THEN all five are reported with their paths', () => {
    const issues = issuesOf(
      [
        'name: C1_bad.example.com', // not RFC 1123
        'dnsZone: example.com',
        'region: europe', // not a region
        'proxy: nginx', // not an allowed mode
        'ssh:',
        '  privateKey: "~/.ssh/id; rm -rf /"', // shell metacharacters
        'apps:',
        '  - name: web',
        '    port: 70000', // not a port
      ].join('\n'),
    );
    const paths = issues.map((i) => i.path).sort();
    assert.deepEqual(paths, ['apps.0.port', 'name', 'proxy', 'region', 'ssh.privateKey']);
  });

  test('GIVEN names outside the zone, duplicate apps and an unknown key THEN each is reported', () => {
    const issues = issuesOf(
      `${minimal}appsDomain: apps.other.org\nbogus: 1\napps:\n  - {name: a, port: 80}\n  - {name: a, port: 81, host: a.other.org}\n`,
    );
    const paths = issues.map((i) => i.path);
    assert.ok(paths.includes(''), 'unknown key reported at the root');
    // zod reports refinements only once the object shape is valid, so check them without the unknown key too.
    const refined = issuesOf(
      `${minimal}appsDomain: apps.other.org\napps:\n  - {name: a, port: 80}\n  - {name: a, port: 81, host: a.other.org}\n`,
    )
      .map((i) => i.path)
      .sort();
    assert.deepEqual(refined, ['apps.1.host', 'apps.1.name', 'appsDomain']);
  });

  test('GIVEN broken YAML THEN the error names the line', () => {
    const issues = issuesOf('name: [unclosed\n');
    assert.match(issues[0]!.path, /^line \d+/);
  });

  test('GIVEN flag overrides THEN they win over the file', () => {
    const c = parseConfig(minimal, 'm', { region: 'us-east-2' });
    assert.equal(c.region, 'us-east-2');
  });

  test('derived names all come from the cluster name', () => {
    const n = names(parseConfig(`${minimal}apps:\n  - {name: hello, port: 8080}\n`, 'm'));
    assert.equal(n.apiName, 'api.c1.example.com');
    assert.deepEqual(n.appHosts, ['hello.example.com']);
    assert.equal(n.appsWildcard, '*.example.com');
    assert.deepEqual(
      n.ownedFilters('apps-elastic-ip').map((f) => f.Name),
      ['tag:solokube.io/cluster', 'tag:solokube.io/role'],
    );
  });

  test('validators refuse what could reach a shell', () => {
    for (const bad of ['a b', 'x;y', '$(id)', '`id`', 'a\nb', "it's", '']) assert.equal(isSafePath(bad), false, bad);
    assert.equal(isSafePath('~/.ssh/id_ed25519'), true);
    for (const bad of ['localhost', '-a.com', 'a..com', 'A.com', 'a.com.', 'x_y.com'])
      assert.equal(isDnsName(bad), false, bad);
  });

  test('GIVEN an app without tls THEN it defaults to TLS with no per-app redirect override', () => {
    const c = parseConfig(
      `${minimal}apps:\n  - {name: hello, port: 8080}\n  - {name: plain, port: 80, tls: false}\n`,
      'm',
    );
    assert.equal(c.apps[0]!.tls, true);
    assert.equal(c.apps[0]!.httpsRedirect, undefined);
    assert.equal(c.apps[1]!.tls, false);
  });

  test('GIVEN acme as staging or a pebble-style directory URL THEN accepted', () => {
    assert.equal(parseConfig(`${minimal}acme: staging\n`, 'm').acme, 'staging');
    assert.equal(
      parseConfig(`${minimal}acme: https://198.19.0.100:14000/dir\n`, 'm').acme,
      'https://198.19.0.100:14000/dir',
    );
    assert.equal(
      parseConfig(`${minimal}acme: https://acme.example.org/directory\n`, 'm').acme,
      'https://acme.example.org/directory',
    );
  });

  test('GIVEN hostile or invalid ACME URLs, e-mails and hostnames THEN every one is refused with its path (exit 2)', () => {
    const hostile = [
      ['acme: http://acme.example.org/directory', 'acme'], // not https
      ['acme: "https://user:pw@acme.example.org/dir"', 'acme'], // credentials
      ['acme: "https://acme.example.org/dir?x=1"', 'acme'], // query
      ['acme: "https://acme.example.org/dir\\nfoo: bar"', 'acme'], // a newline into Traefik's YAML
      ['acme: "https://acme.example.org/$(reboot)"', 'acme'],
      ['acme: preprod', 'acme'],
      ['tlsEmail: "ops@example.com\\nx: y"', 'tlsEmail'],
      ['tlsEmail: "ops@-bad-.example.com"', 'tlsEmail'],
      ['tlsEmail: "a..b@example.com"', 'tlsEmail'],
      ['tlsEmail: "ops@example"', 'tlsEmail'],
      ['tlsEmail: "o\\"ps@example.com"', 'tlsEmail'],
    ] as const;
    for (const [line, path] of hostile) {
      const issues = issuesOf(`${minimal}${line}\n`);
      assert.deepEqual(
        issues.map((i) => i.path),
        [path],
        line,
      );
    }
    const hosts = [
      '"hello.example.com."',
      '"*.example.com"',
      '"hel lo.example.com"',
      '"-x.example.com"',
      '"x_y.example.com"',
      '"hello.example.com\\u0000"',
    ];
    for (const h of hosts) {
      const issues = issuesOf(`${minimal}apps:\n  - {name: hello, port: 8080, host: ${h}}\n`);
      assert.deepEqual([...new Set(issues.map((i) => i.path))], ['apps.0.host'], h);
    }
  });

  test('GIVEN tls: false with httpsRedirect: true on the same app THEN refused: nothing to redirect to', () => {
    const issues = issuesOf(`${minimal}apps:\n  - {name: hello, port: 8080, tls: false, httpsRedirect: true}\n`);
    assert.deepEqual(
      issues.map((i) => i.path),
      ['apps.0.httpsRedirect'],
    );
  });
});
