// `solokube https-redirect` through the real binary on a real file: the choice is recorded in
// solokube.yaml with comments and layout kept, invalid requests exit 2 and leave the file alone.
import { describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXAMPLE_CONFIG } from '../../src/config/example.js';
import { parseConfig } from '../../src/config/load.js';
import { runCli } from '../support/cli.js';

const WITH_APPS = EXAMPLE_CONFIG.replace(
  /apps:\n[\s\S]*$/,
  `apps:
  # the main site
  - name: hello
    port: 8080
  - { name: shop, port: 3000 } # flow style stays flow style
  - name: legacy
    port: 80
    tls: false
`,
);

async function configFile(t: TestContext, text = WITH_APPS): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sk-redirect-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const path = join(dir, 'solokube.yaml');
  await writeFile(path, text);
  await chmod(path, 0o640);
  return path;
}

/** Lines of b that are not in a, and of a not in b (order kept). */
function changedLines(a: string, b: string): { removed: string[]; added: string[] } {
  const la = a.split('\n');
  const lb = b.split('\n');
  return { removed: la.filter((l) => !lb.includes(l)), added: lb.filter((l) => !la.includes(l)) };
}

const modes = (text: string) =>
  Object.fromEntries(parseConfig(text, 't').apps.map((a) => [a.name, { tls: a.tls, redirect: a.httpsRedirect }]));

describe('https-redirect', () => {
  test('GIVEN the commented file WHEN disable --app hello THEN only that app gains httpsRedirect: false; every comment and the flow layout stay', async (t) => {
    const path = await configFile(t);
    const r = await runCli(['-c', path, 'https-redirect', 'disable', '--app', 'hello', '-o', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const after = await readFile(path, 'utf8');
    const diff = changedLines(WITH_APPS, after);
    assert.deepEqual(diff.removed, []);
    assert.deepEqual(diff.added, ['    httpsRedirect: false']);
    assert.ok(after.includes('  - { name: shop, port: 3000 } # flow style stays flow style'));
    assert.equal((await stat(path)).mode & 0o777, 0o640, 'permissions kept');
    const result = JSON.parse(r.stdout).result as { changed: boolean; apps: { name: string; mode: string }[] };
    assert.equal(result.changed, true);
    assert.deepEqual(
      result.apps.map((a) => `${a.name}=${a.mode}`),
      ['hello=https-and-http', 'shop=https-redirect', 'legacy=http-only'],
    );
  });

  test('GIVEN an override WHEN enable for all apps THEN the global switch is set and per-app overrides go; a second run changes nothing', async (t) => {
    const path = await configFile(t);
    assert.equal((await runCli(['-c', path, 'https-redirect', 'disable', '--app', 'shop'])).code, 0);
    assert.equal(modes(await readFile(path, 'utf8')).shop!.redirect, false);
    const r = await runCli(['-c', path, 'https-redirect', 'enable']);
    assert.equal(r.code, 0, r.stderr);
    const after = await readFile(path, 'utf8');
    assert.deepEqual(modes(after), {
      hello: { tls: true, redirect: undefined },
      shop: { tls: true, redirect: undefined },
      legacy: { tls: false, redirect: undefined },
    });
    assert.ok(
      after.includes('  - { name: shop, port: 3000 } # flow style stays flow style'),
      'the override key left the flow map again',
    );
    assert.ok(after.includes("# ACME (Let's Encrypt) account e-mail"), 'comments kept');
    const again = await runCli(['-c', path, 'https-redirect', 'enable']);
    assert.equal(again.code, 0);
    assert.match(again.stdout, /nothing changed/);
    assert.equal(await readFile(path, 'utf8'), after);
  });

  test('GIVEN disable for all WHEN status text is rendered THEN every TLS app shows https-and-http, tls: false stays http-only', async (t) => {
    const path = await configFile(t);
    const r = await runCli(['-c', path, 'https-redirect', 'disable']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /hello\.example\.com\s+https-and-http/);
    assert.match(r.stdout, /legacy\.example\.com\s+http-only/);
    assert.equal(parseConfig(await readFile(path, 'utf8'), 't').httpsRedirect, false);
  });

  test('GIVEN an unknown app, enable on a tls: false app, or an invalid file THEN exit 2 and the file is untouched', async (t) => {
    const path = await configFile(t);
    const unknown = await runCli(['-c', path, 'https-redirect', 'enable', '--app', 'nope']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /no app named "nope".*apps: hello, shop, legacy/);
    const plain = await runCli(['-c', path, 'https-redirect', 'enable', '--app', 'legacy']);
    assert.equal(plain.code, 2);
    assert.match(plain.stderr, /HTTP only/);
    assert.equal(await readFile(path, 'utf8'), WITH_APPS);
    const broken = await configFile(
      t,
      WITH_APPS.replace('tlsEmail: ops@example.com', 'tlsEmail: "ops@example.com\\nx: 1"'),
    );
    const bad = await runCli(['-c', broken, 'https-redirect', 'disable']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /tlsEmail/);
    const missing = await runCli([
      '-c',
      join(tmpdir(), 'sk-no-such-dir', 'solokube.yaml'),
      'https-redirect',
      'disable',
    ]);
    assert.equal(missing.code, 2);
  });

  test('GIVEN --dry-run THEN the result is shown and the file is not written', async (t) => {
    const path = await configFile(t);
    const r = await runCli(['-c', path, 'https-redirect', 'disable', '--dry-run']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /would update/);
    assert.equal(await readFile(path, 'utf8'), WITH_APPS);
  });
});
