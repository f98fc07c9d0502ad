// The EcrRepository resource against the emulator through the real ECR SDK: created tagged with
// scan on push and a keep-last-N policy, idempotent, N follows the config, a foreign repository of
// the same name is refused and never deleted, deletion needs --purge-images when images remain.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CreateRepositoryCommand,
  DescribeRepositoriesCommand,
  GetLifecyclePolicyCommand,
  ListTagsForResourceCommand,
  PutImageScanningConfigurationCommand,
} from '@aws-sdk/client-ecr';
import { ecrRepository } from '../../src/aws/resources/ecr-repository.js';
import { RecordingIoHost } from '../../src/core/io.js';
import { planAndApply } from '../../src/core/run.js';
import { assertIdempotent } from '../support/idempotency.js';
import { buildImage, ensureRepository, pushImage } from '../../src/apps/index.js';
import { makeProject, startImageLab, type ImageLab } from './support.js';
import { join } from 'node:path';

const CLUSTER = 'c1.example.com';
const signal = () => AbortSignal.timeout(60_000);
const destroy = (resource: ReturnType<typeof ecrRepository>) =>
  planAndApply([resource], { io: new RecordingIoHost(), signal: signal(), mode: 'destroy', yes: true, dryRun: false });

describe('EcrRepository resource', () => {
  let lab: ImageLab;
  before(async () => {
    lab = await startImageLab();
  });
  after(async () => {
    await lab.close();
  });

  it('GIVEN no repository WHEN applied THEN it is created tagged, scanning on push, keeping N images; a second plan has no changes', async () => {
    await assertIdempotent([ecrRepository(lab.clients, { cluster: CLUSTER, app: 'web', keepImages: 7 })]);
    const repo = (await lab.clients.ecr.send(new DescribeRepositoriesCommand({ repositoryNames: [`${CLUSTER}/web`] })))
      .repositories![0]!;
    assert.equal(repo.imageScanningConfiguration?.scanOnPush, true);
    const tags =
      (await lab.clients.ecr.send(new ListTagsForResourceCommand({ resourceArn: repo.repositoryArn! }))).tags ?? [];
    assert.deepEqual(Object.fromEntries(tags.map((t) => [t.Key, t.Value])), {
      'solokube.io/cluster': CLUSTER,
      'solokube.io/role': 'app-image-repository',
      'solokube.io/app': 'web',
    });
    const policy = JSON.parse(
      (await lab.clients.ecr.send(new GetLifecyclePolicyCommand({ repositoryName: `${CLUSTER}/web` })))
        .lifecyclePolicyText!,
    ) as { rules: { selection: { countNumber: number; tagStatus: string } }[] };
    assert.deepEqual(
      policy.rules.map((r) => [r.selection.tagStatus, r.selection.countNumber]),
      [['any', 7]],
    );
  });

  it('GIVEN keepImages changed in the config and scan on push turned off by hand WHEN applied THEN both are put back, nothing else changes', async () => {
    await lab.clients.ecr.send(
      new PutImageScanningConfigurationCommand({
        repositoryName: `${CLUSTER}/web`,
        imageScanningConfiguration: { scanOnPush: false },
      }),
    );
    lab.emu.resetCalls();
    const r = await ensureRepository({
      clients: lab.clients,
      cluster: CLUSTER,
      app: 'web',
      keepImages: 3,
      io: new RecordingIoHost(),
      signal: signal(),
    });
    assert.equal(r.created, false);
    assert.equal(r.changed, true);
    const writes = lab.emu
      .calls()
      .filter((c) => c.service === 'ecr' && /^(Put|Create|Delete)/.test(c.operation))
      .map((c) => c.operation)
      .sort();
    assert.deepEqual(writes, ['PutImageScanningConfiguration', 'PutLifecyclePolicy']);
    await assertIdempotent([ecrRepository(lab.clients, { cluster: CLUSTER, app: 'web', keepImages: 3 })]);
  });

  it('GIVEN a repository of that name made by someone else WHEN applied THEN it is refused with a remedy, and destroy leaves it alone', async () => {
    await lab.clients.ecr.send(
      new CreateRepositoryCommand({ repositoryName: `${CLUSTER}/theirs`, tags: [{ Key: 'team', Value: 'other' }] }),
    );
    const resource = ecrRepository(lab.clients, { cluster: CLUSTER, app: 'theirs', keepImages: 5 });
    await assert.rejects(
      planAndApply([resource], {
        io: new RecordingIoHost(),
        signal: signal(),
        mode: 'converge',
        yes: true,
        dryRun: false,
      }),
      (err: Error & { code?: string; remedy?: string }) =>
        err.code === 'aws.ecr-foreign-repository' && /tag it/.test(err.remedy ?? ''),
    );
    const result = await destroy(resource);
    assert.equal(result.decision, 'nothing-to-do');
    await lab.clients.ecr.send(new DescribeRepositoriesCommand({ repositoryNames: [`${CLUSTER}/theirs`] }));
    await assert.rejects(
      lab.clients.ecr.send(new GetLifecyclePolicyCommand({ repositoryName: `${CLUSTER}/theirs` })),
      { name: 'LifecyclePolicyNotFoundException' },
      'no policy was put on it',
    );
  });

  it('GIVEN our repository holding an image WHEN destroyed without purge THEN refused with the --purge-images remedy; with purge THEN gone', async () => {
    const repository = await ensureRepository({
      clients: lab.clients,
      cluster: CLUSTER,
      app: 'img',
      keepImages: 5,
      io: new RecordingIoHost(),
      signal: signal(),
    });
    const project = makeProject(join(lab.dir, 'img'));
    const image = await buildImage({
      app: 'img',
      projectDir: project,
      dockerfile: join(project, 'Dockerfile'),
      context: project,
      instanceType: 't3.small',
      tools: lab.tools,
      workDir: join(lab.dir, 'oci'),
      io: new RecordingIoHost(),
      signal: signal(),
    });
    await pushImage({
      clients: lab.clients,
      image,
      repository,
      tools: lab.tools,
      io: new RecordingIoHost(),
      signal: signal(),
    });
    await assert.rejects(
      destroy(ecrRepository(lab.clients, { cluster: CLUSTER, app: 'img', keepImages: 5 })),
      (err: Error & { code?: string; remedy?: string }) =>
        err.code === 'apps.repository-not-empty' && /--purge-images/.test(err.remedy ?? ''),
    );
    await destroy(ecrRepository(lab.clients, { cluster: CLUSTER, app: 'img', keepImages: 5, purgeImages: true }));
    await assert.rejects(
      lab.clients.ecr.send(new DescribeRepositoriesCommand({ repositoryNames: [`${CLUSTER}/img`] })),
      { name: 'RepositoryNotFoundException' },
    );
  });

  it(
    'GIVEN CreateRepository succeeds but its answer is lost (500 after the write) WHEN ' +
      'ensured THEN the retry finds it and there is still one repository',
    async () => {
      lab.emu.resetCalls();
      lab.emu.injectFault({
        service: 'ecr',
        operation: 'CreateRepository',
        phase: 'after',
        kind: 'error',
        status: 500,
      });
      const r = await ensureRepository({
        clients: lab.clients,
        cluster: CLUSTER,
        app: 'lost',
        keepImages: 2,
        io: new RecordingIoHost(),
        signal: signal(),
      });
      assert.equal(r.name, `${CLUSTER}/lost`);
      const creates = lab.emu
        .calls()
        .filter((c) => c.service === 'ecr' && c.operation === 'CreateRepository')
        .map((c) => c.errorCode ?? c.status);
      assert.deepEqual(creates, ['ServerException', 'RepositoryAlreadyExistsException']);
      assert.equal(Object.keys(lab.emu.state().ecr.repositories).filter((n) => n.endsWith('/lost')).length, 1);
      await assertIdempotent([ecrRepository(lab.clients, { cluster: CLUSTER, app: 'lost', keepImages: 2 })]);
    },
  );

  it('GIVEN keepImages 2 and three pushed versions WHEN ECR applies the lifecycle policy THEN the two newest remain', async () => {
    const repository = await ensureRepository({
      clients: lab.clients,
      cluster: CLUSTER,
      app: 'lost',
      keepImages: 2,
      io: new RecordingIoHost(),
      signal: signal(),
    });
    const project = makeProject(join(lab.dir, 'versions'));
    const digests: string[] = [];
    for (const v of ['1', '2', '3']) {
      const { writeFileSync } = await import('node:fs');
      writeFileSync(join(project, 'hello.txt'), `version ${v}\n`);
      const image = await buildImage({
        app: 'lost',
        projectDir: project,
        dockerfile: join(project, 'Dockerfile'),
        context: project,
        instanceType: 't3.small',
        tag: `v${v}`,
        tools: lab.tools,
        workDir: join(lab.dir, 'oci'),
        io: new RecordingIoHost(),
        signal: signal(),
      });
      digests.push(
        (
          await pushImage({
            clients: lab.clients,
            image,
            repository,
            tools: lab.tools,
            io: new RecordingIoHost(),
            signal: signal(),
          })
        ).digest,
      );
    }
    const [result] = lab.emu.applyEcrLifecyclePolicies(repository.name);
    assert.deepEqual(result?.expired, [digests[0]]);
    const { listImages } = await import('../../src/apps/index.js');
    assert.deepEqual(
      (await listImages(lab.clients, repository.name, signal())).map((i) => i.tags),
      [['v3'], ['v2']],
    );
  });
});
