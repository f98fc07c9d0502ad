// solokube's image path end to end against the emulator: real podman builds, real skopeo pushes,
// the real ECR SDK. GIVEN/WHEN/THEN per test.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DescribeImagesCommand, ListImagesCommand } from '@aws-sdk/client-ecr';
import { buildImage, ensureRepository, getRegistryLogin, listImages, pushImage } from '../../src/apps/index.js';
import { RecordingIoHost } from '../../src/core/io.js';
import { commitAll, ecrCalls, makeProject, registryCalls, startImageLab, type ImageLab } from './support.js';

const signal = () => AbortSignal.timeout(120_000);

describe('apps: build and push to ECR', () => {
  let lab: ImageLab;
  let project: string;
  before(async () => {
    lab = await startImageLab();
    project = makeProject(lab.dir);
  });
  after(async () => {
    await lab.close();
  });

  const build = (extra: { tag?: string; instanceType?: string } = {}) =>
    buildImage({
      app: 'hello',
      projectDir: project,
      dockerfile: join(project, 'Dockerfile'),
      context: project,
      instanceType: extra.instanceType ?? 't3.medium',
      tools: lab.tools,
      workDir: join(lab.dir, 'oci'),
      io: new RecordingIoHost(),
      signal: signal(),
      ...(extra.tag ? { tag: extra.tag } : {}),
    });
  const repo = () =>
    ensureRepository({
      clients: lab.clients,
      cluster: 'c1.example.com',
      app: 'hello',
      keepImages: 5,
      io: new RecordingIoHost(),
      signal: signal(),
    });

  it('GIVEN a new app WHEN built and pushed THEN ECR holds the digest under the git commit tag and a second push sends nothing', async () => {
    const repository = await repo();
    const image = await build();
    assert.match(image.tag, /^[0-9a-f]{12}$/);
    const first = await pushImage({
      clients: lab.clients,
      image,
      repository,
      tools: lab.tools,
      io: new RecordingIoHost(),
      signal: signal(),
    });
    assert.equal(first.pushed, true);
    assert.equal(first.digest, image.manifestDigest);
    assert.equal(first.imageUri, `${repository.uri}@${image.manifestDigest}`);
    const listed = await listImages(lab.clients, repository.name, signal());
    assert.deepEqual(
      listed.map((i) => [i.digest, i.tags]),
      [[image.manifestDigest, [image.tag]]],
    );

    // A rebuild of the same commit is reproducible, so it is found in ECR and nothing is pushed.
    lab.emu.resetCalls();
    const again = await build();
    assert.equal(again.manifestDigest, image.manifestDigest);
    const second = await pushImage({
      clients: lab.clients,
      image: again,
      repository,
      tools: lab.tools,
      io: new RecordingIoHost(),
      signal: signal(),
    });
    assert.equal(second.pushed, false);
    assert.equal(second.retagged, false);
    assert.equal(second.tokensFetched, 0);
    assert.deepEqual(registryCalls(lab.emu), [], 'no request at all reached the registry');
    assert.deepEqual(ecrCalls(lab.emu), ['DescribeImages']);
  });

  it('GIVEN a digest already in ECR under another tag WHEN pushed with a new tag THEN it is only retagged through the API', async () => {
    const repository = await repo();
    const image = await build({ tag: 'release-1' });
    lab.emu.resetCalls();
    const r = await pushImage({
      clients: lab.clients,
      image,
      repository,
      tools: lab.tools,
      io: new RecordingIoHost(),
      signal: signal(),
    });
    assert.equal(r.pushed, false);
    assert.equal(r.retagged, true);
    assert.deepEqual(registryCalls(lab.emu), []);
    const d = await lab.clients.ecr.send(
      new DescribeImagesCommand({ repositoryName: repository.name, imageIds: [{ imageDigest: image.manifestDigest }] }),
    );
    assert.ok(d.imageDetails?.[0]?.imageTags?.includes('release-1'));
  });

  it('GIVEN a changed file in the working tree WHEN built THEN the tag carries -dirty and only the changed layer is uploaded', async () => {
    const repository = await repo();
    writeFileSync(join(project, 'hello.txt'), 'changed\n');
    const image = await build();
    assert.match(image.tag, /^[0-9a-f]{12}-dirty$/);
    lab.emu.resetCalls();
    const r = await pushImage({
      clients: lab.clients,
      image,
      repository,
      tools: lab.tools,
      io: new RecordingIoHost(),
      signal: signal(),
    });
    assert.equal(r.pushed, true);
    // New layer + new config: two uploads; the manifest is the only other write.
    assert.equal(registryCalls(lab.emu, 'UploadPut').length, 2);
    assert.equal(registryCalls(lab.emu, 'ManifestPut').length, 1);
    commitAll(project, 'change');
  });

  it('GIVEN the registry resets the connection during a blob upload WHEN pushing THEN it fails with no tag left, and a rerun converges', async () => {
    const repository = await repo();
    writeFileSync(join(project, 'hello.txt'), 'third version\n');
    commitAll(project, 'third');
    const image = await build();
    lab.emu.injectFault({ service: 'registry', operation: 'UploadPatch', kind: 'reset', times: 1 });
    await assert.rejects(
      pushImage({
        clients: lab.clients,
        image,
        repository,
        tools: lab.tools,
        io: new RecordingIoHost(),
        signal: signal(),
      }),
      (err: Error & { code?: string; remedy?: string }) =>
        err.code === 'apps.tool-failed' && /Rerun/.test(err.remedy ?? ''),
    );
    const tagged = await lab.clients.ecr.send(
      new ListImagesCommand({ repositoryName: repository.name, filter: { tagStatus: 'TAGGED' } }),
    );
    assert.ok(!(tagged.imageIds ?? []).some((i) => i.imageTag === image.tag), 'the interrupted push left no tag');
    assert.ok(!(tagged.imageIds ?? []).some((i) => i.imageDigest === image.manifestDigest), 'and no image');

    lab.emu.clearFaults();
    const r = await pushImage({
      clients: lab.clients,
      image,
      repository,
      tools: lab.tools,
      io: new RecordingIoHost(),
      signal: signal(),
    });
    assert.equal(r.pushed, true);
    const images = await listImages(lab.clients, repository.name, signal());
    assert.equal(images.filter((i) => i.tags.includes(image.tag)).length, 1);
    assert.equal(images.find((i) => i.tags.includes(image.tag))?.digest, image.manifestDigest);
    // Exactly one repository, still.
    assert.deepEqual(Object.keys(lab.emu.state().ecr.repositories), ['c1.example.com/hello']);
  });

  it('GIVEN a login whose token expired before the push WHEN pushing THEN a new token is fetched first and the push succeeds', async () => {
    const repository = await repo();
    writeFileSync(join(project, 'hello.txt'), 'fourth version\n');
    commitAll(project, 'fourth');
    const image = await build();
    lab.emu.setEcrTokenTtl(1);
    const stale = await getRegistryLogin(lab.clients, signal());
    await new Promise((r) => setTimeout(r, 1_200));
    lab.emu.setEcrTokenTtl(3600);
    const r = await pushImage({
      clients: lab.clients,
      image,
      repository,
      tools: lab.tools,
      login: stale,
      tokenMarginMs: 0,
      io: new RecordingIoHost(),
      signal: signal(),
    });
    assert.equal(r.pushed, true);
    assert.equal(r.tokensFetched, 1);
    assert.notEqual(r.login?.password, stale.password);
  });

  it('GIVEN a token that expires while the push is under way WHEN the registry refuses it THEN solokube renews it once and the push succeeds', async () => {
    const repository = await repo();
    writeFileSync(join(project, 'hello.txt'), 'fifth version\n');
    commitAll(project, 'fifth');
    const image = await build();
    lab.emu.setEcrTokenTtl(2);
    // The client's unauthenticated ping is slowed past the token's lifetime: every later request
    // carries an expired token and gets the registry's 401.
    lab.emu.injectFault({ service: 'registry', operation: 'Ping', kind: 'latency', ms: 2_500, times: 1 });
    lab.emu.resetCalls();
    const io = new RecordingIoHost();
    const r = await pushImage({ clients: lab.clients, image, repository, tools: lab.tools, io, signal: signal() });
    lab.emu.setEcrTokenTtl(3600);
    assert.equal(r.pushed, true);
    assert.equal(r.tokensFetched, 2);
    assert.ok(
      registryCalls(lab.emu).some((c) => c.status === 401 && c.operation !== 'Ping'),
      'the registry refused the expired token',
    );
    assert.ok(io.events.some((e) => e.level === 'warn' && /new one/.test(e.message)));
  });
});
