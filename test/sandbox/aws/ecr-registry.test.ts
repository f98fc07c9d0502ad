// The emulator's registry at the wire level (fetch, no client library): auth challenge and token
// expiry, monolithic and chunked uploads, digest checks, manifests by tag and digest, indexes,
// tags list, cross-repository mount. Facts: shared/reference/ecr-registry-notes.md §2.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { CreateRepositoryCommand, ECRClient, GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr';
import { startAwsEmulator, type AwsEmulator } from '../../../src/sandbox/aws/index.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const sha = (b: Buffer | string) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';

describe('ECR emulator: registry protocol', () => {
  let emu: AwsEmulator;
  let ecr: ECRClient;
  let auth: string;
  const url = (path: string) => `http://${emu.registryHost}${path}`;
  const req = (path: string, init: RequestInit = {}) =>
    fetch(url(path), {
      ...init,
      headers: { authorization: `Basic ${auth}`, ...(init.headers as Record<string, string> | undefined) },
    });
  const token = async () =>
    (await ecr.send(new GetAuthorizationTokenCommand({}))).authorizationData![0]!.authorizationToken!;

  async function uploadMonolithic(repo: string, bytes: Buffer): Promise<Response> {
    return req(`/v2/${repo}/blobs/uploads/?digest=${sha(bytes)}`, {
      method: 'POST',
      body: new Uint8Array(bytes),
      headers: { 'content-type': 'application/octet-stream' },
    });
  }
  function imageManifest(config: Buffer, layer: Buffer): string {
    return JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha(config), size: config.length },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: sha(layer), size: layer.length }],
    });
  }

  before(async () => {
    emu = await startAwsEmulator();
    ecr = new ECRClient({
      endpoint: emu.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
      maxAttempts: 1,
    });
    for (const name of ['app', 'other']) await ecr.send(new CreateRepositoryCommand({ repositoryName: name }));
    auth = await token();
  });
  after(async () => {
    ecr.destroy();
    await emu.close();
  });

  it('GIVEN no credentials WHEN pinging /v2/ THEN 401 with a Basic challenge and the API version header', async () => {
    const res = await fetch(url('/v2/'));
    assert.equal(res.status, 401);
    assert.match(res.headers.get('www-authenticate') ?? '', /^Basic realm="[^"]+",service="ecr.amazonaws.com"$/);
    assert.equal(res.headers.get('docker-distribution-api-version'), 'registry/2.0');
    assert.equal((await req('/v2/')).status, 200);
  });

  it("GIVEN a token issued with a 1 s lifetime WHEN used after it expired THEN 401 DENIED with ECR's text, and a new token works", async () => {
    emu.setEcrTokenTtl(1);
    const short = await token();
    emu.setEcrTokenTtl(3600);
    assert.equal((await fetch(url('/v2/'), { headers: { authorization: `Basic ${short}` } })).status, 200);
    await new Promise((r) => setTimeout(r, 1_100));
    const res = await fetch(url('/v2/app/tags/list'), { headers: { authorization: `Basic ${short}` } });
    assert.equal(res.status, 401);
    const body = (await res.json()) as { errors: { code: string; message: string }[] };
    assert.equal(body.errors[0]?.code, 'DENIED');
    assert.match(body.errors[0]?.message ?? '', /authorization token has expired/);
    assert.equal(
      (await fetch(url('/v2/app/tags/list'), { headers: { authorization: `Basic ${await token()}` } })).status,
      200,
    );
  });

  it('GIVEN a chunked upload WHEN chunks arrive in order and the digest matches THEN 201 and the blob is served with its digest', async () => {
    const blob = Buffer.from('0123456789abcdef'.repeat(1000));
    const start = await req('/v2/app/blobs/uploads/', { method: 'POST' });
    assert.equal(start.status, 202);
    let location = start.headers.get('location')!;
    const first = await req(location, {
      method: 'PATCH',
      body: blob.subarray(0, 5000),
      headers: { 'content-range': '0-4999', 'content-type': 'application/octet-stream' },
    });
    assert.equal(first.status, 202);
    assert.equal(first.headers.get('range'), '0-4999');
    location = first.headers.get('location')!;
    const wrong = await req(location, {
      method: 'PATCH',
      body: blob.subarray(6000),
      headers: { 'content-range': '6000-15999' },
    });
    assert.equal(wrong.status, 416, 'an out-of-order chunk is refused');
    const second = await req(location, { method: 'PATCH', body: blob.subarray(5000) });
    assert.equal(second.headers.get('range'), `0-${blob.length - 1}`);
    const bad = await req(`${location}?digest=${sha('other')}`, { method: 'PUT' });
    assert.equal(bad.status, 400);
    assert.equal(((await bad.json()) as { errors: { code: string }[] }).errors[0]?.code, 'DIGEST_INVALID');

    const again = await req('/v2/app/blobs/uploads/', { method: 'POST' });
    const loc = again.headers.get('location')!;
    await req(loc, { method: 'PATCH', body: blob });
    const done = await req(`${loc}?digest=${sha(blob)}`, { method: 'PUT' });
    assert.equal(done.status, 201);
    assert.equal(done.headers.get('docker-content-digest'), sha(blob));
    const head = await req(`/v2/app/blobs/${sha(blob)}`, { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get('content-length'), String(blob.length));
    const got = Buffer.from(await (await req(`/v2/app/blobs/${sha(blob)}`)).arrayBuffer());
    assert.equal(sha(got), sha(blob));
    assert.equal(
      (await req(`/v2/other/blobs/${sha(blob)}`, { method: 'HEAD' })).status,
      404,
      'blobs belong to the repository they were pushed to',
    );
    // A resumed pull asks for the rest of the blob.
    const part = await req(`/v2/app/blobs/${sha(blob)}`, { headers: { range: 'bytes=15000-' } });
    assert.equal(part.status, 206);
    assert.equal(part.headers.get('content-range'), `bytes 15000-${blob.length - 1}/${blob.length}`);
    assert.deepEqual(Buffer.from(await part.arrayBuffer()), blob.subarray(15000));
    assert.equal(
      (await req(`/v2/app/blobs/${sha(blob)}`, { headers: { range: `bytes=${blob.length}-` } })).status,
      416,
    );
  });

  it(
    'GIVEN a manifest naming a blob the repository lacks WHEN put THEN MANIFEST_BLOB_UNKNOWN; ' +
      'with the blobs THEN 201, addressable by tag and digest',
    async () => {
      const config = Buffer.from('{"architecture":"amd64","os":"linux"}');
      const layer = Buffer.from('layer-bytes');
      const manifest = imageManifest(config, layer);
      const refused = await req('/v2/app/manifests/v1', {
        method: 'PUT',
        body: manifest,
        headers: { 'content-type': OCI_MANIFEST },
      });
      assert.equal(refused.status, 400);
      assert.equal(((await refused.json()) as { errors: { code: string }[] }).errors[0]?.code, 'MANIFEST_BLOB_UNKNOWN');
      assert.equal((await uploadMonolithic('app', config)).status, 201);
      assert.equal((await uploadMonolithic('app', layer)).status, 201);
      const put = await req('/v2/app/manifests/v1', {
        method: 'PUT',
        body: manifest,
        headers: { 'content-type': OCI_MANIFEST },
      });
      assert.equal(put.status, 201);
      assert.equal(put.headers.get('docker-content-digest'), sha(manifest));
      for (const ref of ['v1', sha(manifest)]) {
        const get = await req(`/v2/app/manifests/${ref}`, { headers: { accept: OCI_MANIFEST } });
        assert.equal(get.status, 200);
        assert.equal(get.headers.get('content-type'), OCI_MANIFEST);
        assert.equal(await get.text(), manifest, 'exact bytes');
      }
      assert.equal((await req('/v2/app/manifests/nope')).status, 404);
      const wrongDigest = await req(`/v2/app/manifests/${sha('x')}`, {
        method: 'PUT',
        body: manifest,
        headers: { 'content-type': OCI_MANIFEST },
      });
      assert.equal(wrongDigest.status, 400);

      // An index over it, then the tag list.
      const index = JSON.stringify({
        schemaVersion: 2,
        mediaType: OCI_INDEX,
        manifests: [
          {
            mediaType: OCI_MANIFEST,
            digest: sha(manifest),
            size: manifest.length,
            platform: { architecture: 'amd64', os: 'linux' },
          },
        ],
      });
      assert.equal(
        (await req('/v2/app/manifests/multi', { method: 'PUT', body: index, headers: { 'content-type': OCI_INDEX } }))
          .status,
        201,
      );
      const tags = (await (await req('/v2/app/tags/list')).json()) as { name: string; tags: string[] };
      assert.deepEqual(tags, { name: 'app', tags: ['multi', 'v1'] });
      const paged = await req('/v2/app/tags/list?n=1');
      assert.deepEqual(((await paged.json()) as { tags: string[] }).tags, ['multi']);
      assert.match(paged.headers.get('link') ?? '', /rel="next"/);

      // Mount into another repository: only blobs a manifest there references.
      const mount = await req(`/v2/other/blobs/uploads/?mount=${sha(layer)}&from=app`, { method: 'POST' });
      assert.equal(mount.status, 201);
      assert.equal((await req(`/v2/other/blobs/${sha(layer)}`, { method: 'HEAD' })).status, 200);
    },
  );

  it('GIVEN a repository that does not exist WHEN pushing to it THEN NAME_UNKNOWN (ECR never creates on push)', async () => {
    const res = await req('/v2/missing/blobs/uploads/', { method: 'POST' });
    assert.equal(res.status, 404);
    assert.equal(((await res.json()) as { errors: { code: string }[] }).errors[0]?.code, 'NAME_UNKNOWN');
  });
});

describe('ECR emulator: state across a restart', () => {
  it('GIVEN a state file WHEN the emulator restarts THEN repositories, tags, tokens and blob bytes (on disk beside the state) are still there', async () => {
    const { mkdtempSync, rmSync, existsSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = mkdtempSync(join(tmpdir(), 'solokube-ecr-state-'));
    const stateFile = join(dir, 'aws.json');
    try {
      let emu = await startAwsEmulator({ stateFile });
      let ecr = new ECRClient({
        endpoint: emu.endpoint,
        region: 'us-east-1',
        credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
        maxAttempts: 1,
      });
      await ecr.send(new CreateRepositoryCommand({ repositoryName: 'kept' }));
      const auth = (await ecr.send(new GetAuthorizationTokenCommand({}))).authorizationData![0]!.authorizationToken!;
      const blob = Buffer.from('persisted layer');
      const put = await fetch(`http://${emu.registryHost}/v2/kept/blobs/uploads/?digest=${sha(blob)}`, {
        method: 'POST',
        body: new Uint8Array(blob),
        headers: { authorization: `Basic ${auth}` },
      });
      assert.equal(put.status, 201);
      ecr.destroy();
      await emu.close();
      assert.ok(
        existsSync(join(dir, 'aws.json.registry', 'blobs', 'sha256', sha(blob).slice(7))),
        'bytes on disk beside the state file',
      );

      emu = await startAwsEmulator({ stateFile });
      ecr = new ECRClient({
        endpoint: emu.endpoint,
        region: 'us-east-1',
        credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
        maxAttempts: 1,
      });
      const got = await fetch(`http://${emu.registryHost}/v2/kept/blobs/${sha(blob)}`, {
        headers: { authorization: `Basic ${auth}` },
      });
      assert.equal(got.status, 200, 'the old token still works and the blob is served');
      assert.equal(sha(Buffer.from(await got.arrayBuffer())), sha(blob));
      ecr.destroy();
      await emu.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
