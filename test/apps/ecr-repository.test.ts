// The EcrRepository resource against the emulator through the real ECR SDK: created tagged with
// scan on push and a keep-last-N policy, idempotent, N follows the config, a foreign repository of
// the same name is refused and never deleted, deletion needs --purge-images when images remain.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CreateRepositoryCommand, DescribeRepositoriesCommand, GetLifecyclePolicyCommand, ListTagsForResourceCommand, PutImageScanningConfigurationCommand } from '@aws-sdk/client-ecr';
import { ecrRepository } from '../../src/aws/resources/ecr-repository.js';
import { RecordingIoHost } from '../../src/core/io.js';
import { planAndApply } from '../../src/core/run.js';
import { assertIdempotent } from '../support/idempotency.js';
import { buildImage, ensureRepository, pushImage } from '../../src/apps/index.js';
import { makeProject, startImageLab, type ImageLab } from './support.js';
import { join } from 'node:path';

const CLUSTER = 'c1.example.com';
const signal = () => AbortSignal.timeout(60_000);
const destroy = (resource: ReturnType<typeof ecrRepository>) => planAndApply([resource], { io: new RecordingIoHost(), signal: signal(), mode: 'destroy', yes: true, dryRun: false });

describe('EcrRepository resource', () => {
  let lab: ImageLab;
  before(async () => { lab = await startImageLab(); });
  after(async () => { await lab.close(); });

  it('GIVEN no repository WHEN applied THEN it is created tagged, scanning on push, keeping N images; a second plan has no changes', async () => {
    await assertIdempotent([ecrRepository(lab.clients, { cluster: CLUSTER, app: 'web', keepImages: 7 })]);
    const repo = (await lab.clients.ecr.send(new DescribeRepositoriesCommand({ repositoryNames: [`${CLUSTER}/web`] }))).repositories![0]!;
    assert.equal(repo.imageScanningConfiguration?.scanOnPush, true);
    const tags = (await lab.clients.ecr.send(new ListTagsForResourceCommand({ resourceArn: repo.repositoryArn! }))).tags ?? [];
    assert.deepEqual(Object.fromEntries(tags.map((t) => [t.Key, t.Value])), { 'solokube.io/cluster': CLUSTER, 'solokube.io/role': 'app-image-repository', 'solokube.io/app': 'web' });
    const policy = JSON.parse((await lab.clients.ecr.send(new GetLifecyclePolicyCommand({ repositoryName: `${CLUSTER}/web` }))).lifecyclePolicyText!) as { rules: { selection: { countNumber: number; tagStatus: string } }[] };
    assert.deepEqual(policy.rules.map((r) => [r.selection.tagStatus, r.selection.countNumber]), [['any', 7]]);
  });

  it('GIVEN keepImages changed in the config and scan on push turned off by hand WHEN applied THEN both are put back, nothing else changes', async () => {
    await lab.clients.ecr.send(new PutImageScanningConfigurationCommand({ repositoryName: `${CLUSTER}/web`, imageScanningConfiguration: { scanOnPush: false } }));
    lab.emu.resetCalls();
    const r = await ensureRepository({ clients: lab.clients, cluster: CLUSTER, app: 'web', keepImages: 3, io: new RecordingIoHost(), signal: signal() });
    assert.equal(r.created, false);
    assert.equal(r.changed, true);
    const writes = lab.emu.calls().filter((c) => c.service === 'ecr' && /^(Put|Create|Delete)/.test(c.operation)).map((c) => c.operation).sort();
    assert.deepEqual(writes, ['PutImageScanningConfiguration', 'PutLifecyclePolicy']);
    await assertIdempotent([ecrRepository(lab.clients, { cluster: CLUSTER, app: 'web', keepImages: 3 })]);
  });

  it('GIVEN a repository of that name made by someone else WHEN applied THEN it is refused with a remedy, and destroy leaves it alone', async () => {
    await lab.clients.ecr.send(new CreateRepositoryCommand({ repositoryName: `${CLUSTER}/theirs`, tags: [{ Key: 'team', Value: 'other' }] }));
    const resource = ecrRepository(lab.clients, { cluster: CLUSTER, app: 'theirs', keepImages: 5 });
    await assert.rejects(planAndApply([resource], { io: new RecordingIoHost(), signal: signal(), mode: 'converge', yes: true, dryRun: false }),
      (err: Error & { code?: string; remedy?: string }) => err.code === 'aws.ecr-foreign-repository' && /tag it/.test(err.remedy ?? ''));
    const result = await destroy(resource);
    assert.equal(result.decision, 'nothing-to-do');
    await lab.clients.ecr.send(new DescribeRepositoriesCommand({ repositoryNames: [`${CLUSTER}/theirs`] }));
    await assert.rejects(lab.clients.ecr.send(new GetLifecyclePolicyCommand({ repositoryName: `${CLUSTER}/theirs` })), { name: 'LifecyclePolicyNotFoundException' }, 'no policy was put on it');
  });

  it('GIVEN our repository holding an image WHEN destroyed without purge THEN refused with the --purge-images remedy; with purge THEN gone', async () => {
    const repository = await ensureRepository({ clients: lab.clients, cluster: CLUSTER, app: 'img', keepImages: 5, io: new RecordingIoHost(), signal: signal() });
    const project = makeProject(join(lab.dir, 'img'));
    const image = await buildImage({ app: 'img', projectDir: project, dockerfile: join(project, 'Dockerfile'), context: project, instanceType: 't3.small', tools: lab.tools, workDir: join(lab.dir, 'oci'), io: new RecordingIoHost(), signal: signal() });
    await pushImage({ clients: lab.clients, image, repository, tools: lab.tools, io: new RecordingIoHost(), signal: signal() });
    await assert.rejects(destroy(ecrRepository(lab.clients, { cluster: CLUSTER, app: 'img', keepImages: 5 })),
      (err: Error & { code?: string; remedy?: string }) => err.code === 'apps.repository-not-empty' && /--purge-images/.test(err.remedy ?? ''));
    await destroy(ecrRepository(lab.clients, { cluster: CLUSTER, app: 'img', keepImages: 5, purgeImages: true }));
    await assert.rejects(lab.clients.ecr.send(new DescribeRepositoriesCommand({ repositoryNames: [`${CLUSTER}/img`] })), { name: 'RepositoryNotFoundException' });
  });
});
