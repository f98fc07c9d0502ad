// Pushing a built image to its ECR repository, by digest. Nothing is uploaded when ECR already has
// the digest (a retag through the ECR API at most); otherwise skopeo copies the OCI layout with
// digests preserved, using a token fetched right before the copy and renewed once when the
// registry refuses it as expired. The manifest goes last, so an interrupted push leaves no tag.
import { BatchGetImageCommand, DescribeImagesCommand, PutImageCommand } from '../aws/sdk/ecr.js';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AwsClients } from '../aws/clients.js';
import { awsErrorCode } from '../aws/errors.js';
import { SolokubeError } from '../core/errors.js';
import type { IoHost } from '../core/io.js';
import { info, warn } from '../core/io.js';
import type { BuiltImage } from './build.js';
import { DEFAULT_TOOLS, runTool, ToolFailed, type ContainerTools } from './engine.js';
import { getRegistryLogin, loginFresh, type RegistryLogin } from './registry-login.js';

export interface PushImageOptions {
  clients: AwsClients;
  image: BuiltImage;
  /** From ensureRepository: the repository's name and URI (`<registry host>/<name>`). */
  repository: { name: string; uri: string };
  tools?: ContainerTools;
  /** A login from an earlier push; renewed when it has less than tokenMarginMs left. */
  login?: RegistryLogin;
  /** Default 5 minutes: a push started with less left could outlive its token. */
  tokenMarginMs?: number;
  io: IoHost;
  signal: AbortSignal;
}

export interface PushResult {
  repositoryName: string;
  tag: string;
  digest: string;
  /** What a Deployment should run: `<repositoryUri>@<digest>`. */
  imageUri: string;
  /** Blobs and manifest were copied to the registry. */
  pushed: boolean;
  /** The digest was already in ECR and only got the tag (through PutImage). */
  retagged: boolean;
  /** How many tokens were fetched (a renewal after an expired token makes it 2). */
  tokensFetched: number;
  /** The login used last, for the next push. */
  login?: RegistryLogin;
}

const AUTH_REFUSED = /\b401\b|unauthorized|authentication required|token has expired|denied/i;

async function tagsOfDigest(o: PushImageOptions): Promise<string[] | undefined> {
  try {
    const out = await o.clients.call('ecr:DescribeImages', o.signal, (s) =>
      o.clients.ecr.send(
        new DescribeImagesCommand({
          repositoryName: o.repository.name,
          imageIds: [{ imageDigest: o.image.manifestDigest }],
        }),
        s,
      ),
    );
    return out.imageDetails?.[0]?.imageTags ?? [];
  } catch (err) {
    if (awsErrorCode(err) === 'ImageNotFoundException') return undefined;
    throw err;
  }
}

async function retag(o: PushImageOptions): Promise<void> {
  const got = await o.clients.call('ecr:BatchGetImage', o.signal, (s) =>
    o.clients.ecr.send(
      new BatchGetImageCommand({
        repositoryName: o.repository.name,
        imageIds: [{ imageDigest: o.image.manifestDigest }],
      }),
      s,
    ),
  );
  const image = got.images?.[0];
  if (!image?.imageManifest)
    throw new SolokubeError({
      code: 'apps.image-vanished',
      message: `${o.image.manifestDigest} disappeared from ${o.repository.name} while being tagged`,
      remedy: 'Rerun the push (a lifecycle policy may have expired it).',
    });
  try {
    await o.clients.call('ecr:PutImage', o.signal, (s) =>
      o.clients.ecr.send(
        new PutImageCommand({
          repositoryName: o.repository.name,
          imageManifest: image.imageManifest,
          imageManifestMediaType: image.imageManifestMediaType,
          imageTag: o.image.tag,
          imageDigest: o.image.manifestDigest,
        }),
        s,
      ),
    );
  } catch (err) {
    if (awsErrorCode(err) !== 'ImageAlreadyExistsException') throw err;
  }
}

/** skopeo copy with a private auth file (the password never appears on a command line). */
async function copy(o: PushImageOptions, login: RegistryLogin, tools: ContainerTools): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'solokube-push-'));
  try {
    const authFile = join(dir, 'auth.json');
    const digestFile = join(dir, 'digest');
    const auth = Buffer.from(`${login.username}:${login.password}`).toString('base64');
    writeFileSync(authFile, JSON.stringify({ auths: { [login.host]: { auth } } }), { mode: 0o600 });
    await runTool(
      tools.skopeo,
      [
        'copy',
        '--quiet',
        '--preserve-digests',
        '--digestfile',
        digestFile,
        '--dest-authfile',
        authFile,
        ...(login.insecure ? ['--dest-tls-verify=false'] : []),
        `oci:${o.image.ociLayout}:${o.image.tag}`,
        `docker://${o.repository.uri}:${o.image.tag}`,
      ],
      {
        env: tools.env,
        signal: o.signal,
        what: `pushing ${o.image.app}:${o.image.tag} to ${o.repository.uri}`,
        remedy:
          'Rerun the push: blobs already uploaded are not sent again, and no tag exists until the whole image is there.',
      },
    );
    return readFileSync(digestFile, 'utf8').trim();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function pushImage(o: PushImageOptions): Promise<PushResult> {
  const base = {
    repositoryName: o.repository.name,
    tag: o.image.tag,
    digest: o.image.manifestDigest,
    imageUri: `${o.repository.uri}@${o.image.manifestDigest}`,
  };
  const tags = await tagsOfDigest(o);
  if (tags !== undefined) {
    if (tags.includes(o.image.tag)) {
      info(o.io, `${base.imageUri} is already in ECR as ${o.image.tag}; nothing to push`);
      return { ...base, pushed: false, retagged: false, tokensFetched: 0, ...(o.login ? { login: o.login } : {}) };
    }
    await retag(o);
    info(o.io, `${base.imageUri} was already in ECR; tagged it ${o.image.tag} without pushing`);
    return { ...base, pushed: false, retagged: true, tokensFetched: 0, ...(o.login ? { login: o.login } : {}) };
  }

  const tools = o.tools ?? DEFAULT_TOOLS;
  let tokensFetched = 0;
  const fetchLogin = async () => {
    tokensFetched += 1;
    return getRegistryLogin(o.clients, o.signal);
  };
  let login = o.login !== undefined && loginFresh(o.login, o.tokenMarginMs ?? 300_000) ? o.login : await fetchLogin();
  info(o.io, `pushing ${o.image.app}:${o.image.tag} to ${o.repository.uri}`);
  let pushedDigest: string;
  try {
    pushedDigest = await copy(o, login, tools);
  } catch (err) {
    if (!(err instanceof ToolFailed) || !AUTH_REFUSED.test(err.stderr)) throw err;
    warn(o.io, 'the registry refused the token (expired or revoked); fetching a new one and pushing again');
    login = await fetchLogin();
    pushedDigest = await copy(o, login, tools);
  }
  if (pushedDigest !== o.image.manifestDigest) {
    throw new SolokubeError({
      code: 'apps.digest-mismatch',
      message: `the registry stored ${pushedDigest}, not the built ${o.image.manifestDigest}`,
      remedy: 'Report this: the push should have preserved the digest.',
    });
  }
  return { ...base, pushed: true, retagged: false, tokensFetched, login };
}
