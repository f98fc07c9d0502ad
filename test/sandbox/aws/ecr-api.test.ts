// The emulator's ECR control plane through the real @aws-sdk/client-ecr: repositories with tags,
// delete with and without force, tokens, images, BatchDeleteImage, lifecycle policies (validated
// on put, applied on the admin route), scanning configuration. Images are pushed over the
// registry protocol with fetch, so the API sees what a client pushed.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  BatchDeleteImageCommand,
  BatchGetImageCommand,
  CreateRepositoryCommand,
  DeleteRepositoryCommand,
  DescribeImagesCommand,
  DescribeRepositoriesCommand,
  ECRClient,
  GetAuthorizationTokenCommand,
  GetLifecyclePolicyCommand,
  ListImagesCommand,
  ListTagsForResourceCommand,
  PutImageCommand,
  PutImageScanningConfigurationCommand,
  PutLifecyclePolicyCommand,
} from '@aws-sdk/client-ecr';
import { startAwsEmulator, type AwsEmulator } from '../../../src/sandbox/aws/index.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const sha = (b: Buffer | string) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const keepLast = (
  n: number,
  tagStatus: 'any' | 'untagged' | 'tagged' = 'any',
  extra: Record<string, unknown> = {},
) => ({
  rulePriority: tagStatus === 'any' ? 10 : 1,
  selection: { tagStatus, countType: 'imageCountMoreThan', countNumber: n, ...extra },
  action: { type: 'expire' },
});

describe('ECR emulator: API', () => {
  let emu: AwsEmulator;
  let ecr: ECRClient;
  let auth: string;

  /** Pushes a one-layer image whose content is `seed` and tags it (tag undefined = untagged). */
  async function push(repo: string, seed: string, tag?: string): Promise<string> {
    const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', seed }));
    const layer = Buffer.from(`layer ${seed}`);
    for (const b of [config, layer]) {
      const res = await fetch(`http://${emu.registryHost}/v2/${repo}/blobs/uploads/?digest=${sha(b)}`, {
        method: 'POST',
        body: new Uint8Array(b),
        headers: { authorization: `Basic ${auth}` },
      });
      assert.equal(res.status, 201);
    }
    const manifest = JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
      config: { mediaType: 'application/vnd.docker.container.image.v1+json', digest: sha(config), size: config.length },
      layers: [
        { mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', digest: sha(layer), size: layer.length },
      ],
    });
    const res = await fetch(`http://${emu.registryHost}/v2/${repo}/manifests/${tag ?? sha(manifest)}`, {
      method: 'PUT',
      body: manifest,
      headers: {
        authorization: `Basic ${auth}`,
        'content-type': 'application/vnd.docker.distribution.manifest.v2+json',
      },
    });
    assert.equal(res.status, 201, await res.text());
    await new Promise((r) => setTimeout(r, 5)); // distinct push times
    return sha(manifest);
  }

  before(async () => {
    emu = await startAwsEmulator({ region: 'eu-west-1', accountId: '210987654321' });
    ecr = new ECRClient({
      endpoint: emu.endpoint,
      region: 'eu-west-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
      maxAttempts: 1,
    });
    auth = (await ecr.send(new GetAuthorizationTokenCommand({}))).authorizationData![0]!.authorizationToken!;
  });
  after(async () => {
    ecr.destroy();
    await emu.close();
  });

  it(
    'GIVEN CreateRepository with tags and scan on push THEN it is described with the registry ' +
      'URI and its tags; a duplicate is refused; a bad name is refused',
    async () => {
      const created = await ecr.send(
        new CreateRepositoryCommand({
          repositoryName: 'c1.example.com/web',
          tags: [{ Key: 'solokube.io/cluster', Value: 'c1.example.com' }],
          imageScanningConfiguration: { scanOnPush: true },
        }),
      );
      assert.equal(created.repository?.repositoryUri, `${emu.registryHost}/c1.example.com/web`);
      assert.equal(
        created.repository?.repositoryArn,
        'arn:aws:ecr:eu-west-1:210987654321:repository/c1.example.com/web',
      );
      const described = await ecr.send(new DescribeRepositoriesCommand({ repositoryNames: ['c1.example.com/web'] }));
      assert.equal(described.repositories?.[0]?.imageScanningConfiguration?.scanOnPush, true);
      const tags = await ecr.send(new ListTagsForResourceCommand({ resourceArn: created.repository!.repositoryArn! }));
      assert.deepEqual(tags.tags, [{ Key: 'solokube.io/cluster', Value: 'c1.example.com' }]);
      await assert.rejects(ecr.send(new CreateRepositoryCommand({ repositoryName: 'c1.example.com/web' })), {
        name: 'RepositoryAlreadyExistsException',
      });
      await assert.rejects(ecr.send(new CreateRepositoryCommand({ repositoryName: 'Bad Name' })), {
        name: 'InvalidParameterException',
      });
      await assert.rejects(
        ecr.send(new DescribeRepositoriesCommand({ repositoryNames: ['c1.example.com/web', 'nope'] })),
        { name: 'RepositoryNotFoundException' },
      );
      const scan = await ecr.send(
        new PutImageScanningConfigurationCommand({
          repositoryName: 'c1.example.com/web',
          imageScanningConfiguration: { scanOnPush: false },
        }),
      );
      assert.equal(scan.imageScanningConfiguration?.scanOnPush, false);
    },
  );

  it('GIVEN GetAuthorizationToken THEN one entry: base64 AWS:<password without colon>, expiry ~12 h ahead, the registry endpoint', async () => {
    const out = await ecr.send(new GetAuthorizationTokenCommand({}));
    assert.equal(out.authorizationData?.length, 1);
    const [user, password, ...rest] = Buffer.from(out.authorizationData![0]!.authorizationToken!, 'base64')
      .toString()
      .split(':');
    assert.equal(user, 'AWS');
    assert.ok(password && password.length > 20 && rest.length === 0);
    const hours = (out.authorizationData![0]!.expiresAt!.getTime() - Date.now()) / 3_600_000;
    assert.ok(hours > 11.9 && hours <= 12, `expires in ${hours} h`);
    assert.equal(out.authorizationData![0]!.proxyEndpoint, `http://${emu.registryHost}`);
  });

  it('GIVEN a repository with images WHEN deleted without force THEN RepositoryNotEmptyException; with force THEN it is gone', async () => {
    await ecr.send(new CreateRepositoryCommand({ repositoryName: 'full' }));
    await push('full', 'a', 'v1');
    await assert.rejects(ecr.send(new DeleteRepositoryCommand({ repositoryName: 'full' })), {
      name: 'RepositoryNotEmptyException',
    });
    const deleted = await ecr.send(new DeleteRepositoryCommand({ repositoryName: 'full', force: true }));
    assert.equal(deleted.repository?.repositoryName, 'full');
    await assert.rejects(ecr.send(new DescribeRepositoriesCommand({ repositoryNames: ['full'] })), {
      name: 'RepositoryNotFoundException',
    });
  });

  it("GIVEN tagged and untagged images WHEN listed, described, fetched and deleted THEN ECR's shapes and per-image failures", async () => {
    await ecr.send(new CreateRepositoryCommand({ repositoryName: 'imgs' }));
    const a = await push('imgs', 'a', 'v1');
    const b = await push('imgs', 'b');
    const tagged = await ecr.send(new ListImagesCommand({ repositoryName: 'imgs', filter: { tagStatus: 'TAGGED' } }));
    assert.deepEqual(tagged.imageIds, [{ imageDigest: a, imageTag: 'v1' }]);
    const untagged = await ecr.send(
      new ListImagesCommand({ repositoryName: 'imgs', filter: { tagStatus: 'UNTAGGED' } }),
    );
    assert.deepEqual(untagged.imageIds, [{ imageDigest: b }]);
    const details = await ecr.send(
      new DescribeImagesCommand({ repositoryName: 'imgs', imageIds: [{ imageTag: 'v1' }] }),
    );
    assert.equal(
      details.imageDetails?.[0]?.imageManifestMediaType,
      'application/vnd.docker.distribution.manifest.v2+json',
    );
    assert.ok((details.imageDetails?.[0]?.imageSizeInBytes ?? 0) > 0);
    await assert.rejects(
      ecr.send(new DescribeImagesCommand({ repositoryName: 'imgs', imageIds: [{ imageTag: 'nope' }] })),
      { name: 'ImageNotFoundException' },
    );

    const got = await ecr.send(
      new BatchGetImageCommand({ repositoryName: 'imgs', imageIds: [{ imageTag: 'v1' }, { imageTag: 'missing' }] }),
    );
    assert.equal(sha(got.images![0]!.imageManifest!), a);
    assert.equal(got.failures?.[0]?.failureCode, 'ImageNotFound');
    // Retag through the API, as AWS documents it.
    await ecr.send(
      new PutImageCommand({
        repositoryName: 'imgs',
        imageManifest: got.images![0]!.imageManifest!,
        imageTag: 'stable',
      }),
    );
    await assert.rejects(
      ecr.send(
        new PutImageCommand({
          repositoryName: 'imgs',
          imageManifest: got.images![0]!.imageManifest!,
          imageTag: 'stable',
        }),
      ),
      { name: 'ImageAlreadyExistsException' },
    );

    const del = await ecr.send(
      new BatchDeleteImageCommand({
        repositoryName: 'imgs',
        imageIds: [{ imageTag: 'stable' }, { imageDigest: b }, { imageTag: 'ghost' }],
      }),
    );
    assert.deepEqual(del.imageIds, [{ imageDigest: a, imageTag: 'stable' }, { imageDigest: b }]);
    assert.equal(del.failures?.[0]?.failureCode, 'ImageNotFound');
    const left = await ecr.send(new ListImagesCommand({ repositoryName: 'imgs' }));
    assert.deepEqual(left.imageIds, [{ imageDigest: a, imageTag: 'v1' }]);
  });

  it('GIVEN an invalid lifecycle policy WHEN put THEN InvalidParameterException and nothing is stored', async () => {
    await ecr.send(new CreateRepositoryCommand({ repositoryName: 'lc-invalid' }));
    for (const bad of [
      'not json',
      JSON.stringify({ rules: [keepLast(0)] }),
      JSON.stringify({ rules: [{ ...keepLast(2, 'tagged') }] }),
      JSON.stringify({ rules: [keepLast(2), { ...keepLast(1, 'untagged'), rulePriority: 20 }] }),
    ]) {
      await assert.rejects(
        ecr.send(new PutLifecyclePolicyCommand({ repositoryName: 'lc-invalid', lifecyclePolicyText: bad })),
        { name: 'InvalidParameterException' },
        bad,
      );
    }
    await assert.rejects(ecr.send(new GetLifecyclePolicyCommand({ repositoryName: 'lc-invalid' })), {
      name: 'LifecyclePolicyNotFoundException',
    });
  });

  it('GIVEN keep-last-2 of any image WHEN the admin route applies policies THEN the oldest go, the newest two stay; nothing happens before', async () => {
    await ecr.send(new CreateRepositoryCommand({ repositoryName: 'lc-any' }));
    const digests = [
      await push('lc-any', '1', 't1'),
      await push('lc-any', '2'),
      await push('lc-any', '3', 't3'),
      await push('lc-any', '4', 't4'),
    ];
    await ecr.send(
      new PutLifecyclePolicyCommand({
        repositoryName: 'lc-any',
        lifecyclePolicyText: JSON.stringify({ rules: [keepLast(2)] }),
      }),
    );
    assert.equal(
      (await ecr.send(new ListImagesCommand({ repositoryName: 'lc-any' }))).imageIds?.length,
      4,
      'AWS applies policies later, not on put',
    );
    const res = await fetch(`${emu.endpoint}/_sandbox/ecr/lifecycle`, {
      method: 'POST',
      body: JSON.stringify({ repositoryName: 'lc-any' }),
    });
    const body = (await res.json()) as { results: { repositoryName: string; expired: string[] }[] };
    assert.deepEqual(body.results, [{ repositoryName: 'lc-any', expired: [digests[1], digests[0]] }]);
    const left = await ecr.send(new DescribeImagesCommand({ repositoryName: 'lc-any' }));
    assert.deepEqual(
      left.imageDetails?.map((d) => d.imageDigest),
      [digests[2], digests[3]],
    );
    assert.ok((await ecr.send(new GetLifecyclePolicyCommand({ repositoryName: 'lc-any' }))).lastEvaluatedAt);
  });

  it('GIVEN rules for untagged (keep 1) and tagged "rel" (keep 1) WHEN applied THEN each rule expires only within its selection', async () => {
    await ecr.send(new CreateRepositoryCommand({ repositoryName: 'lc-mixed' }));
    const u1 = await push('lc-mixed', 'u1');
    const u2 = await push('lc-mixed', 'u2');
    const r1 = await push('lc-mixed', 'r1', 'rel-1');
    const r2 = await push('lc-mixed', 'r2', 'rel-2');
    const dev = await push('lc-mixed', 'd', 'dev-1');
    const policy = {
      rules: [keepLast(1, 'untagged'), { ...keepLast(1, 'tagged', { tagPrefixList: ['rel-'] }), rulePriority: 2 }],
    };
    await ecr.send(
      new PutLifecyclePolicyCommand({ repositoryName: 'lc-mixed', lifecyclePolicyText: JSON.stringify(policy) }),
    );
    const [result] = emu.applyEcrLifecyclePolicies('lc-mixed');
    assert.deepEqual(new Set(result?.expired), new Set([u1, r1]));
    const left = (await ecr.send(new DescribeImagesCommand({ repositoryName: 'lc-mixed' }))).imageDetails?.map(
      (d) => d.imageDigest,
    );
    assert.deepEqual(new Set(left), new Set([u2, r2, dev]));
  });
});
