import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../support/cli.js';

const example = new URL('../../../examples/solokube.yaml', import.meta.url).pathname;
const tmp = () => mkdtempSync(join(tmpdir(), 'solokube-cli-'));

// main() in-process (support/cli.ts), except the first test, which runs the shipped binary.
describe('CLI: results on stdout, logs on stderr, exit codes', () => {
  test('plan as the built binary: the result on stdout, nothing but logs on stderr, exit 0', async () => {
    const r = await runCli(['plan', '--offline', '-c', example], { subprocess: true });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Elastic IP solokube-apps\.c1\.example\.com/);
    assert.match(r.stdout, /\*\.example\.com/);
    assert.doesNotMatch(r.stderr, /Elastic IP/);
  });

  test('plan --output json: stdout is exactly one JSON document', async () => {
    const r = await runCli(['plan', '--offline', '-c', example, '--output', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as { ok: boolean; result: { desired: { id: string }[] } };
    assert.equal(doc.ok, true);
    assert.ok(doc.result.desired.some((d) => d.id === 'aws/elastic-ip'));
  });

  test('a config with mistakes: exit 2, every path on stderr, nothing on stdout; JSON mode gives an error document', async () => {
    const dir = tmp();
    const cfg = join(dir, 'bad.yaml');
    writeFileSync(cfg, 'name: Bad!\ndnsZone: example.com\nregion: nowhere\nproxy: nginx\nsecondaryIp: maybe\n');
    const r = await runCli(['plan', '-c', cfg, '--log-timestamps', 'none']);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    for (const path of ['name:', 'region:', 'proxy:', 'secondaryIp:'])
      assert.ok(r.stderr.includes(path), `stderr names ${path}`);
    assert.match(r.stderr, /remedy:/);
    const j = await runCli(['plan', '-c', cfg, '-o', 'json']);
    assert.equal(j.code, 2);
    const doc = JSON.parse(j.stdout) as { ok: boolean; error: { code: string; details: { issues: unknown[] } } };
    assert.equal(doc.ok, false);
    assert.equal(doc.error.code, 'config.invalid');
    assert.equal(doc.error.details.issues.length, 4);
  });

  test('a missing config file: exit 2 with a remedy pointing at init', async () => {
    const r = await runCli(['plan', '-c', join(tmp(), 'none.yaml')]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /solokube init/);
  });

  test('init writes a config that plan accepts, and refuses to overwrite without --force', async () => {
    const cfg = join(tmp(), 'solokube.yaml');
    assert.equal((await runCli(['init', '-c', cfg])).code, 0);
    writeFileSync(cfg, readFileSync(cfg, 'utf8') + '# my edit\n');
    const again = await runCli(['init', '-c', cfg]);
    assert.equal(again.code, 2);
    assert.match(readFileSync(cfg, 'utf8'), /# my edit/);
    assert.equal((await runCli(['init', '-c', cfg, '--force'])).code, 0);
    assert.doesNotMatch(readFileSync(cfg, 'utf8'), /# my edit/);
    assert.equal((await runCli(['plan', '--offline', '-c', cfg])).code, 0);
  });

  test('usage errors exit 2; --help exits 0 and documents exit codes', async () => {
    assert.equal((await runCli(['plan', '--no-such-flag'])).code, 2);
    assert.equal((await runCli(['no-such-command'])).code, 2);
    assert.equal((await runCli(['plan', '--timeout', 'soon', '-c', example])).code, 2);
    const help = await runCli(['--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Exit codes:/);
    const sub = await runCli(['plan', '--help']);
    assert.equal(sub.code, 0);
    assert.match(sub.stdout, /Exit codes:/);
  });

  test('stderr lines carry timestamps in the chosen style', async () => {
    const cfg = join(tmp(), 'x.yaml');
    writeFileSync(cfg, 'name: x\n');
    const full = await runCli(['plan', '-c', cfg, '--log-timestamps', 'full']);
    assert.match(full.stderr.split('\n')[0]!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z error /);
    const short = await runCli(['plan', '-c', cfg]);
    assert.match(short.stderr.split('\n')[0]!, /^\d\d:\d\d:\d\d error /);
  });

  test('version prints the package version; JSON too', async () => {
    const r = await runCli(['version', '-o', 'json']);
    const doc = JSON.parse(r.stdout) as { result: { version: string } };
    assert.match(doc.result.version, /^\d+\.\d+\.\d+$/);
  });
});
