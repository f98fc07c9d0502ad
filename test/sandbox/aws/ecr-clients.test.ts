// The emulator's ECR registry with unmodified clients: podman builds an image FROM scratch, logs in
// with the ECR token, pushes, pulls back; skopeo inspects. Plain HTTP on 127.0.0.1, so every
// client gets --tls-verify=false (podman has no loopback exception; ecr-registry-notes §2.7).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { CreateRepositoryCommand, DescribeImagesCommand, GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr';
import { makeProject, registryCalls, startImageLab, type ImageLab } from '../../apps/support.js';

const run = promisify(execFile);

describe('ECR emulator: real podman and skopeo', () => {
  let lab: ImageLab;
  let password: string;
  let host: string;
  const tool = (cmd: string, args: string[]) =>
    run(cmd, args, { env: { ...process.env, ...lab.tools.env }, timeout: 120_000 });

  before(async () => {
    lab = await startImageLab();
    const project = makeProject(lab.dir);
    await lab.clients.ecr.send(new CreateRepositoryCommand({ repositoryName: 'team/web' }));
    const token = await lab.clients.ecr.send(new GetAuthorizationTokenCommand({}));
    const data = token.authorizationData![0]!;
    [, password] = Buffer.from(data.authorizationToken!, 'base64').toString().split(':') as [string, string];
    host = new URL(data.proxyEndpoint!).host;
    await tool('podman', [
      'build',
      '--timestamp',
      '0',
      '-t',
      'localhost/web:1',
      '-f',
      join(project, 'Dockerfile'),
      project,
    ]);
  });
  after(async () => {
    await lab.close();
  });

  it('GIVEN the ECR token WHEN podman logs in, pushes and pulls back THEN the digests agree and the blobs are on disk', async () => {
    const login = await tool('podman', [
      'login',
      '--tls-verify=false',
      '--username',
      'AWS',
      '--password',
      password,
      host,
    ]);
    assert.match(login.stdout, /Login Succeeded/);
    const digestFile = join(lab.dir, 'pushed-digest');
    await tool('podman', [
      'push',
      '--tls-verify=false',
      '--digestfile',
      digestFile,
      'localhost/web:1',
      `docker://${host}/team/web:v1`,
    ]);
    const pushed = (await import('node:fs')).readFileSync(digestFile, 'utf8').trim();

    const d = await lab.clients.ecr.send(new DescribeImagesCommand({ repositoryName: 'team/web' }));
    assert.equal(d.imageDetails?.[0]?.imageDigest, pushed);
    assert.deepEqual(d.imageDetails?.[0]?.imageTags, ['v1']);

    await tool('podman', ['rmi', 'localhost/web:1']);
    await tool('podman', ['pull', '--tls-verify=false', `${host}/team/web:v1`]);
    const inspected = await tool('podman', ['image', 'inspect', '--format', '{{.Digest}}', `${host}/team/web:v1`]);
    assert.equal(inspected.stdout.trim(), pushed);
    // The registry serves the exact bytes it was given.
    const raw = await tool('skopeo', [
      'inspect',
      '--raw',
      '--tls-verify=false',
      '--creds',
      `AWS:${password}`,
      `docker://${host}/team/web:v1`,
    ]);
    assert.equal(`sha256:${createHash('sha256').update(raw.stdout).digest('hex')}`, pushed);
    const stored = readdirSync(join(lab.dir, 'registry', 'blobs', 'sha256'));
    assert.ok(stored.includes(pushed.slice('sha256:'.length)), 'the manifest is stored on disk');
    assert.ok(stored.length >= 3, 'config, layer and manifest are on disk');
    assert.ok(existsSync(join(lab.dir, 'registry', 'uploads')));
  });

  it('GIVEN the image is already in the registry WHEN podman pushes it again THEN no blob is uploaded', async () => {
    await tool('podman', ['tag', `${host}/team/web:v1`, 'localhost/web:again']);
    lab.emu.resetCalls();
    await tool('podman', [
      'push',
      '--tls-verify=false',
      '--creds',
      `AWS:${password}`,
      'localhost/web:again',
      `docker://${host}/team/web:v1`,
    ]);
    assert.deepEqual(registryCalls(lab.emu, 'UploadStart'), []);
    assert.deepEqual(registryCalls(lab.emu, 'UploadPatch'), []);
    assert.ok(registryCalls(lab.emu, 'BlobHead').some((c) => c.status === 200));
    assert.equal(registryCalls(lab.emu, 'ManifestPut').length, 1);
  });

  it('GIVEN a wrong password WHEN podman logs in THEN it is refused', async () => {
    await assert.rejects(
      tool('podman', ['login', '--tls-verify=false', '--username', 'AWS', '--password', 'not-a-token', host]),
      /invalid username\/password|unauthorized|401/i,
    );
  });

  it('GIVEN skopeo WHEN copying the image to another tag by digest THEN the digest is preserved and both tags list', async () => {
    const d = await lab.clients.ecr.send(new DescribeImagesCommand({ repositoryName: 'team/web' }));
    const digest = d.imageDetails![0]!.imageDigest!;
    await tool('skopeo', [
      'copy',
      '--preserve-digests',
      '--src-tls-verify=false',
      '--dest-tls-verify=false',
      '--src-creds',
      `AWS:${password}`,
      '--dest-creds',
      `AWS:${password}`,
      `docker://${host}/team/web@${digest}`,
      `docker://${host}/team/web:v2`,
    ]);
    const tags = await tool('skopeo', [
      'list-tags',
      '--tls-verify=false',
      '--creds',
      `AWS:${password}`,
      `docker://${host}/team/web`,
    ]);
    assert.deepEqual((JSON.parse(tags.stdout) as { Tags: string[] }).Tags, ['v1', 'v2']);
  });

  it(
    'GIVEN arm64 and amd64 images in a podman manifest list WHEN pushed with --all THEN ECR ' +
      'holds the list and both children, resolves per architecture, and refuses to delete a child ' +
      'the list references',
    async () => {
      const project = join(lab.dir, 'project');
      // --no-cache: podman 4.3's build cache ignores --platform and would hand back the amd64 image built above.
      await tool('podman', [
        'build',
        '--no-cache',
        '--timestamp',
        '0',
        '--platform',
        'linux/arm64',
        '-t',
        'localhost/multi:arm',
        project,
      ]);
      await tool('podman', [
        'build',
        '--no-cache',
        '--timestamp',
        '0',
        '--platform',
        'linux/amd64',
        '-t',
        'localhost/multi:amd',
        project,
      ]);
      await tool('podman', ['manifest', 'create', 'localhost/multi:list']);
      for (const a of ['arm', 'amd'])
        await tool('podman', ['manifest', 'add', 'localhost/multi:list', `containers-storage:localhost/multi:${a}`]);
      const digestFile = join(lab.dir, 'list-digest');
      await tool('podman', [
        'manifest',
        'push',
        '--all',
        '--tls-verify=false',
        '--creds',
        `AWS:${password}`,
        '--digestfile',
        digestFile,
        'localhost/multi:list',
        `docker://${host}/team/web:multi`,
      ]);
      const listDigest = (await import('node:fs')).readFileSync(digestFile, 'utf8').trim();

      const details = (
        await lab.clients.ecr.send(
          new DescribeImagesCommand({ repositoryName: 'team/web', imageIds: [{ imageTag: 'multi' }] }),
        )
      ).imageDetails![0]!;
      assert.equal(details.imageDigest, listDigest);
      // podman shows a Docker list locally but pushes an OCI index when the children are OCI manifests.
      assert.equal(details.imageManifestMediaType, 'application/vnd.oci.image.index.v1+json');
      const arm = await tool('skopeo', [
        'inspect',
        '--override-arch',
        'arm64',
        '--tls-verify=false',
        '--creds',
        `AWS:${password}`,
        `docker://${host}/team/web:multi`,
      ]);
      assert.equal((JSON.parse(arm.stdout) as { Architecture: string }).Architecture, 'arm64');
      const amd = await tool('skopeo', [
        'inspect',
        '--override-arch',
        'amd64',
        '--tls-verify=false',
        '--creds',
        `AWS:${password}`,
        `docker://${host}/team/web:multi`,
      ]);
      assert.equal((JSON.parse(amd.stdout) as { Architecture: string }).Architecture, 'amd64');

      const raw = JSON.parse(
        (
          await tool('skopeo', [
            'inspect',
            '--raw',
            '--tls-verify=false',
            '--creds',
            `AWS:${password}`,
            `docker://${host}/team/web:multi`,
          ])
        ).stdout,
      ) as { manifests: { digest: string }[] };
      const { BatchDeleteImageCommand } = await import('@aws-sdk/client-ecr');
      const del = await lab.clients.ecr.send(
        new BatchDeleteImageCommand({
          repositoryName: 'team/web',
          imageIds: [{ imageDigest: raw.manifests[0]!.digest }],
        }),
      );
      assert.equal(del.failures?.[0]?.failureCode, 'ImageReferencedByManifestList');
    },
  );
});
