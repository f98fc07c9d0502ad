// `solokube apps build|push|images` (main() in-process, test/support/in-process-cli.ts) against the
// emulator, with the environment a subprocess would get: hostile input is refused
// with exit 2 before podman runs or AWS is called; a push prints the digest as JSON and a second
// push sends nothing.
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCliInProcess } from '../aws/harness.js';
import { commitAll, makeProject, registryCalls, startImageLab, type ImageLab } from './support.js';

const config = (apps: string) => `name: c1.example.com
dnsZone: example.com
region: eu-west-1
instanceType: t4g.small
keepImages: 4
apps:
${apps}`;

describe('solokube apps build/push/images', () => {
  let lab: ImageLab;
  let project: string;
  const cli = (args: string[], cfg = join(project, 'solokube.yaml')) =>
    runCliInProcess(lab.emu.endpoint, ['-c', cfg, '--log-timestamps', 'none', ...args], 120_000, {
      ...lab.tools.env,
      REGISTRY_AUTH_FILE: join(lab.dir, 'auth.json'),
    });

  before(async () => {
    lab = await startImageLab();
    project = makeProject(lab.dir);
    writeFileSync(
      join(project, 'solokube.yaml'),
      config(`  - name: hello
    port: 8080
  - name: outside
    port: 8080
    dockerfile: ../Dockerfile
  - name: abs
    port: 8080
    context: /etc
`),
    );
    writeFileSync(join(lab.dir, 'Dockerfile'), 'FROM scratch\n');
    commitAll(project, 'config');
  });
  after(async () => {
    await lab.close();
  });

  it('GIVEN hostile names, paths and tags WHEN running apps build/push THEN exit 2, and neither podman nor AWS was reached', async () => {
    const runs: [string[], RegExp][] = [
      [['apps', 'push', 'Hello;id'], /RFC 1123/],
      [['apps', 'build', '../etc'], /RFC 1123/],
      [['apps', 'push', '$(reboot)'], /RFC 1123/],
      [['apps', 'push', 'missing'], /no app missing/],
      [['apps', 'push', 'outside'], /outside the project directory/],
      [['apps', 'push', 'abs'], /outside the project directory/],
      [['apps', 'push', 'hello', '--tag', 'bad tag;x'], /tag/],
      [['apps', 'build', 'hello', '--project-dir', '/tmp/x;id'], /not a plain path/],
      [['apps', 'images', 'a/b'], /RFC 1123/],
    ];
    for (const [args, message] of runs) {
      const r = await cli([...args, '--output', 'json']);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      const out = r.json<{ ok: boolean; error: { message: string } }>();
      assert.equal(out.ok, false);
      assert.match(out.error.message, message, args.join(' '));
    }
    const metachar = join(lab.dir, 'metachar.yaml');
    writeFileSync(metachar, config('  - name: x\n    port: 80\n    dockerfile: "Dockerfile;rm -rf ~"\n'));
    assert.equal((await cli(['apps', 'push', 'x'], metachar)).code, 2);
    assert.deepEqual(lab.emu.calls(), [], 'no AWS or registry request');
    assert.equal(existsSync(join(lab.dir, 'graph', 'vfs-images')), false, 'podman never built anything');
  });

  it('GIVEN a configured app WHEN apps push runs twice THEN the first pushes an arm64 image by digest, the second pushes nothing', async () => {
    const first = await cli(['apps', 'push', 'hello', '--output', 'json']);
    assert.equal(first.code, 0, first.stderr);
    const r1 = first.json<{
      ok: boolean;
      result: {
        digest: string;
        imageUri: string;
        pushed: boolean;
        arch: string;
        repositoryCreated: boolean;
        tag: string;
      };
    }>().result;
    assert.equal(r1.pushed, true);
    assert.equal(r1.arch, 'arm64');
    assert.equal(r1.repositoryCreated, true);
    assert.match(
      r1.imageUri,
      new RegExp(`^${lab.emu.registryHost.replace(/\./g, '\\.')}/c1\\.example\\.com/hello@sha256:[0-9a-f]{64}$`),
    );
    assert.match(first.stderr, /building hello for linux\/arm64/);

    lab.emu.resetCalls();
    const second = await cli(['apps', 'push', 'hello', '--output', 'json']);
    assert.equal(second.code, 0, second.stderr);
    const r2 = second.json<{ result: { digest: string; pushed: boolean; retagged: boolean } }>().result;
    assert.deepEqual([r2.digest, r2.pushed, r2.retagged], [r1.digest, false, false]);
    assert.deepEqual(registryCalls(lab.emu), []);

    const listed = await cli(['apps', 'images', 'hello', '--output', 'json']);
    const images = listed.json<{ result: { images: { digest: string; tags: string[] }[] } }>().result.images;
    assert.deepEqual(
      images.map((i) => [i.digest, i.tags]),
      [[r1.digest, [r1.tag]]],
    );
    const policy = lab.emu.state().ecr.repositories['c1.example.com/hello']?.lifecyclePolicy ?? '';
    assert.match(policy, /"countNumber":4/);
  });
});
