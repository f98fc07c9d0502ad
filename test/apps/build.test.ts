// Image builds for the node's architecture with real podman (per-test storage), and the input
// checks that run before any build.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { archForInstanceType, buildImage, resolveProjectPath, validateAppName } from '../../src/apps/index.js';
import { RecordingIoHost } from '../../src/core/io.js';
import { UsageError } from '../../src/core/errors.js';
import { isolatedTools, makeProject } from './support.js';

const run = promisify(execFile);
const signal = () => AbortSignal.timeout(120_000);

describe('apps: architecture from the instance type', () => {
  it('GIVEN Graviton families THEN arm64; other families THEN amd64', () => {
    for (const t of [
      't4g.small',
      'm7g.large',
      'c7g.xlarge',
      'c7gn.large',
      'r8gd.2xlarge',
      'im4gn.large',
      'x2gd.medium',
      'a1.medium',
      'm6gd.large',
    ])
      assert.equal(archForInstanceType(t), 'arm64', t);
    for (const t of [
      't3.medium',
      'm7i.large',
      'm7i-flex.large',
      'c6a.large',
      'g4dn.xlarge',
      'm5.large',
      'r7iz.large',
      'inf2.xlarge',
    ])
      assert.equal(archForInstanceType(t), 'amd64', t);
  });
});

describe('apps: buildImage with podman', () => {
  let dir: string;
  let project: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'solokube-build-test-'));
    project = makeProject(dir);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  const options = (instanceType: string, extra: Record<string, unknown> = {}) => ({
    app: 'web',
    projectDir: project,
    dockerfile: join(project, 'Dockerfile'),
    context: project,
    instanceType,
    tools: isolatedTools(dir),
    workDir: join(dir, 'oci'),
    io: new RecordingIoHost(),
    signal: signal(),
    ...extra,
  });

  it('GIVEN a Graviton node on an amd64 machine and a Dockerfile without RUN WHEN built THEN an arm64 image, no emulation needed, reproducible', async () => {
    const first = await buildImage(options('t4g.small', { machineArch: 'x64', binfmtDir: join(dir, 'no-binfmt') }));
    assert.equal(first.arch, 'arm64');
    const tools = isolatedTools(dir);
    const inspected = await run(
      'podman',
      ['image', 'inspect', '--format', '{{.Architecture}}/{{.Os}}', first.localRef],
      { env: { ...process.env, ...tools.env } },
    );
    assert.equal(inspected.stdout.trim(), 'arm64/linux');
    const second = await buildImage(options('t4g.small', { machineArch: 'x64', binfmtDir: join(dir, 'no-binfmt') }));
    assert.equal(second.manifestDigest, first.manifestDigest, 'same inputs, same digest');
    const amd = await buildImage(options('t3.medium', { tag: 'amd' }));
    assert.equal(amd.arch, 'amd64');
    assert.notEqual(amd.manifestDigest, first.manifestDigest);
  });

  it(
    'GIVEN a Graviton node, an amd64 machine, RUN steps and no qemu binfmt registration WHEN ' +
      'built THEN a typed error with the remedy, before podman runs',
    async () => {
      const runProject = join(dir, 'with-run');
      mkdirSync(runProject);
      writeFileSync(join(runProject, 'Dockerfile'), 'FROM scratch\nCOPY a /a\nRUN ["/a"]\n');
      const binfmt = join(dir, 'binfmt');
      mkdirSync(binfmt);
      writeFileSync(join(binfmt, 'qemu-aarch64'), 'disabled\ninterpreter /usr/libexec/qemu-binfmt/aarch64-binfmt-P\n');
      const io = new RecordingIoHost();
      await assert.rejects(
        buildImage({
          ...options('m7g.large', { machineArch: 'x64', binfmtDir: binfmt, tag: 'x', io }),
          projectDir: runProject,
          dockerfile: join(runProject, 'Dockerfile'),
          context: runProject,
        }),
        (err: Error & { code?: string; remedy?: string }) =>
          err.code === 'apps.emulation-missing' &&
          /qemu-user-static/.test(err.remedy ?? '') &&
          /arm64/.test(err.message),
      );
      assert.equal(io.events.length, 0, 'nothing was built');
      // Same Dockerfile for a node of the machine's own architecture: no emulation question.
      writeFileSync(join(binfmt, 'qemu-aarch64'), 'enabled\n');
      const { emulationAvailable } = await import('../../src/apps/emulation.js');
      assert.equal(emulationAvailable('arm64', binfmt), true);
    },
  );
});

describe('apps: input checks', () => {
  let root: string;
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'solokube-input-test-'));
    mkdirSync(join(root, 'project', 'app'), { recursive: true });
    writeFileSync(join(root, 'project', 'app', 'Dockerfile'), 'FROM scratch\n');
    writeFileSync(join(root, 'outside-Dockerfile'), 'FROM scratch\n');
    symlinkSync(join(root, 'outside-Dockerfile'), join(root, 'project', 'escape'));
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('GIVEN hostile app names THEN UsageError (exit 2)', () => {
    for (const bad of ['Web', '-web', 'web-', 'a;rm -rf /', 'a/b', '../x', '', 'a'.repeat(64), 'web$(id)', 'wéb']) {
      assert.throws(
        () => validateAppName(bad),
        (e: unknown) => e instanceof UsageError && e.exitCode === 2,
        JSON.stringify(bad),
      );
    }
    assert.equal(validateAppName('hello-web'), 'hello-web');
  });

  it('GIVEN paths outside the project, with metacharacters, through symlinks or missing THEN UsageError; a plain inside path resolves', () => {
    const p = join(root, 'project');
    for (const [bad, kind] of [
      ['../outside-Dockerfile', 'file'],
      ['/etc/passwd', 'file'],
      ['app/Dockerfile;id', 'file'],
      ['$(id)', 'file'],
      ['~/Dockerfile', 'file'],
      ['escape', 'file'],
      ['app/missing', 'file'],
      ['app', 'file'],
      ['app/Dockerfile', 'directory'],
      ['app dir', 'directory'],
    ] as const) {
      assert.throws(
        () => resolveProjectPath(p, bad, 'the Dockerfile', kind),
        (e: unknown) => e instanceof UsageError && e.exitCode === 2,
        bad,
      );
    }
    assert.equal(resolveProjectPath(p, 'app/Dockerfile', 'the Dockerfile', 'file'), join(p, 'app', 'Dockerfile'));
    assert.equal(resolveProjectPath(p, '.', 'the build context', 'directory'), p);
  });
});

describe('apps: the keep-last-N lifecycle policy', () => {
  it("GIVEN solokube's policy, reformatted THEN its N is read back; other policies THEN null", async () => {
    const { keepLastPolicy, keptByPolicy } = await import('../../src/apps/repository-name.js');
    assert.equal(keptByPolicy(keepLastPolicy(7)), 7);
    const reordered = JSON.stringify(
      {
        rules: [
          {
            action: { type: 'expire' },
            selection: { countNumber: 3, countType: 'imageCountMoreThan', tagStatus: 'any' },
            rulePriority: 1,
          },
        ],
      },
      null,
      2,
    );
    assert.equal(keptByPolicy(reordered), 3);
    assert.equal(keptByPolicy(undefined), null);
    assert.equal(keptByPolicy('not json'), null);
    assert.equal(
      keptByPolicy(
        JSON.stringify({
          rules: [
            {
              rulePriority: 1,
              selection: { tagStatus: 'untagged', countType: 'imageCountMoreThan', countNumber: 3 },
              action: { type: 'expire' },
            },
          ],
        }),
      ),
      null,
    );
    assert.equal(
      keptByPolicy(
        JSON.stringify({
          rules: [
            {
              rulePriority: 1,
              selection: { tagStatus: 'any', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 3 },
              action: { type: 'expire' },
            },
          ],
        }),
      ),
      null,
    );
  });
});
