// The registry side of ECR: the OCI distribution API (/v2/...) behind ECR's Basic auth, served on
// its own loopback port. Clients reach it as 127.0.0.1:<port> (plain HTTP; podman/buildah/skopeo
// need --tls-verify=false, Docker treats 127.0.0.0/8 as insecure by default). Behaviour follows
// shared/reference/ecr-registry-notes.md §2: ping 401 + Basic challenge, upload POST 202 +
// Location, PATCH appends (Content-Range checked when sent), PUT ?digest= verifies and answers 201,
// manifests kept byte-exact and addressed by tag or digest.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pauseUnlessClosed } from '../pause.js';
import type { CallLog } from '../calls.js';
import type { FaultBook, FaultSpec } from '../faults.js';
import type { EmulatorStore } from '../store.js';
import type { BlobStore } from './blob-store.js';
import { ManifestRefused, parentsOf, putManifest } from './manifests.js';
import { imageByTag, type EcrImageRecord, type EcrRepositoryRecord } from './model.js';
import { DIGEST_RE, REPOSITORY_NAME_RE, TAG_RE } from './names.js';

const MAX_MANIFEST = 4 * 1024 * 1024;
const API_VERSION = { 'docker-distribution-api-version': 'registry/2.0' };
export const EXPIRED_TOKEN_MESSAGE = 'Your authorization token has expired. Reauthenticate and try again.';

export interface RegistryDeps {
  store: EmulatorStore;
  blobs: BlobStore;
  faults: FaultBook;
  calls: CallLog;
  now(): number;
}

class RegistryError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly challenge = false,
  ) {
    super(message);
  }
}

interface Route {
  op: string;
  name?: string;
  rest?: string;
}

function routeOf(method: string, path: string): Route {
  if (path === '/v2/' || path === '/v2') return { op: 'Ping' };
  if (path === '/v2/_catalog') return { op: 'Catalog' };
  const m = /^\/v2\/(.+?)\/(blobs\/uploads\/?(.*)|blobs\/([^/]+)|manifests\/([^/]+)|tags\/list)$/.exec(path);
  if (!m) return { op: 'Unknown' };
  const name = m[1]!;
  if (m[2]!.startsWith('blobs/uploads')) {
    const id = m[3] ?? '';
    if (id === '') return { op: method === 'POST' ? 'UploadStart' : 'Unknown', name };
    const op =
      (
        { PATCH: 'UploadPatch', PUT: 'UploadPut', GET: 'UploadStatus', DELETE: 'UploadCancel' } as Record<
          string,
          string
        >
      )[method] ?? 'Unknown';
    return { op, name, rest: id };
  }
  if (m[4] !== undefined)
    return {
      op: ({ HEAD: 'BlobHead', GET: 'BlobGet', DELETE: 'BlobDelete' } as Record<string, string>)[method] ?? 'Unknown',
      name,
      rest: m[4],
    };
  if (m[5] !== undefined)
    return {
      op:
        (
          { HEAD: 'ManifestHead', GET: 'ManifestGet', PUT: 'ManifestPut', DELETE: 'ManifestDelete' } as Record<
            string,
            string
          >
        )[method] ?? 'Unknown',
      name,
      rest: m[5],
    };
  return { op: method === 'GET' ? 'TagsList' : 'Unknown', name };
}

function readSmallBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        reject(new RegistryError(413, 'SIZE_INVALID', `the manifest is larger than ${limit} bytes`));
        req.resume();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** A single `bytes=a-b`, `bytes=a-` or `bytes=-n` range (what pull resumption sends); multi-range is not served. */
function byteRange(header: string | undefined, size: number): { start: number; end: number } | 'invalid' | undefined {
  if (header === undefined) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return 'invalid';
  const start = m[1] === '' ? Math.max(0, size - Number(m[2])) : Number(m[1]);
  const end = m[1] === '' || m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  return start > end || start >= size ? 'invalid' : { start, end };
}

export class RegistryServer {
  private readonly server: Server;
  private readonly closing = new AbortController();
  /** Upload sessions: id → repository. Bytes are on disk; sessions do not survive a restart. */
  private readonly uploads = new Map<string, string>();
  private hostPort = '';

  constructor(private readonly deps: RegistryDeps) {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        if (err instanceof RegistryError) this.fail(res, err);
        else this.fail(res, new RegistryError(500, 'UNKNOWN', err instanceof Error ? err.message : String(err)));
      });
    });
  }

  /** host:port as clients name this registry. */
  get host(): string {
    return this.hostPort;
  }

  listen(port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => {
        const p = (this.server.address() as AddressInfo).port;
        this.hostPort = `127.0.0.1:${p}`;
        resolve(p);
      });
    });
  }

  async close(): Promise<void> {
    this.closing.abort();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private fail(res: ServerResponse, e: RegistryError): void {
    if (res.headersSent || res.destroyed) {
      res.destroy();
      return;
    }
    const body = JSON.stringify({ errors: [{ code: e.code, message: e.message, detail: null }] });
    res.writeHead(e.status, {
      ...API_VERSION,
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(body),
      ...(e.status === 401 || e.challenge
        ? { 'www-authenticate': `Basic realm="http://${this.hostPort}/",service="ecr.amazonaws.com"` }
        : {}),
    });
    res.end(body);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = req.method ?? 'GET';
    const route = routeOf(method, url.pathname);
    const at = Date.now();
    res.on('close', () =>
      this.deps.calls.add({
        service: 'registry',
        operation: route.op,
        status: res.headersSent ? res.statusCode : 0,
        at,
        ...(res.headersSent ? {} : { fault: 'reset' }),
      }),
    );
    const plan = this.deps.faults.take('registry', route.op);
    if (plan.delayBeforeMs > 0 && !(await pauseUnlessClosed(plan.delayBeforeMs, this.closing.signal))) return;
    // Registry requests stream their bodies, so every fault strikes before the operation ('after' too).
    const fault = plan.before ?? plan.after;
    if (fault) {
      this.inflict(fault, res);
      return;
    }
    this.authenticate(req);
    await this.dispatch(route, method, url, req, res);
  }

  private inflict(f: FaultSpec, res: ServerResponse): void {
    if (f.kind === 'error')
      this.fail(
        res,
        new RegistryError(
          f.status ?? 500,
          f.code ?? (f.status === 429 ? 'TOOMANYREQUESTS' : 'UNKNOWN'),
          f.message ?? 'Injected fault',
        ),
      );
    else if (f.kind === 'reset') res.socket?.destroy();
    // hang: never answer; close() tears the socket down.
  }

  /** ECR's registry auth: Basic AWS:<password from GetAuthorizationToken>, refused once expired. */
  private authenticate(req: IncomingMessage): void {
    const m = /^Basic\s+(\S+)$/i.exec(String(req.headers.authorization ?? ''));
    if (!m) throw new RegistryError(401, 'UNAUTHORIZED', 'Not Authorized');
    const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const user = decoded.slice(0, colon);
    const password = decoded.slice(colon + 1);
    const token = this.deps.store.read((d) => d.ecr.tokens[password]);
    if (colon < 0 || user !== 'AWS' || token === undefined)
      throw new RegistryError(401, 'UNAUTHORIZED', 'Not Authorized');
    if (token.expiresAt <= this.deps.now()) throw new RegistryError(401, 'DENIED', EXPIRED_TOKEN_MESSAGE);
  }

  private repo(name: string | undefined): EcrRepositoryRecord {
    if (name === undefined || !REPOSITORY_NAME_RE.test(name))
      throw new RegistryError(400, 'NAME_INVALID', `invalid repository name ${JSON.stringify(name)}`);
    const repo = this.deps.store.read((d) => d.ecr.repositories[name]);
    if (!repo) {
      const account = this.deps.store.read((d) => d.accountId);
      throw new RegistryError(
        404,
        'NAME_UNKNOWN',
        `The repository with name '${name}' does not exist in the registry with id '${account}'`,
      );
    }
    return repo;
  }

  private mutateRepo<T>(name: string, fn: (r: EcrRepositoryRecord) => T): T {
    return this.deps.store.mutate((d) => {
      const r = d.ecr.repositories[name];
      if (!r) throw new RegistryError(404, 'NAME_UNKNOWN', `repository ${name} was deleted`);
      return fn(r);
    });
  }

  private reply(
    res: ServerResponse,
    status: number,
    headers: Record<string, string | number>,
    body?: Buffer | string,
  ): void {
    res.writeHead(status, {
      ...API_VERSION,
      ...headers,
      ...(body === undefined
        ? { 'content-length': headers['content-length'] ?? 0 }
        : { 'content-length': Buffer.byteLength(body) }),
    });
    res.end(body);
  }

  private uploadLocation(name: string, id: string): string {
    return `/v2/${name}/blobs/uploads/${id}`;
  }

  private session(route: Route): string {
    const id = route.rest ?? '';
    if (this.uploads.get(id) !== route.name || !this.deps.blobs.uploadExists(id))
      throw new RegistryError(404, 'BLOB_UPLOAD_UNKNOWN', 'blob upload unknown to registry');
    return id;
  }

  private async finishUpload(
    name: string,
    id: string,
    digest: string | null,
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<void> {
    await this.deps.blobs.append(id, req);
    if (digest === null || !DIGEST_RE.test(digest))
      throw new RegistryError(400, 'DIGEST_INVALID', 'a sha256 digest parameter is required');
    const ok = this.deps.blobs.has(digest)
      ? (this.deps.blobs.cancel(id), true)
      : await this.deps.blobs.commit(id, digest);
    this.uploads.delete(id);
    if (!ok) {
      this.deps.blobs.cancel(id);
      throw new RegistryError(400, 'DIGEST_INVALID', 'provided digest did not match uploaded content');
    }
    this.mutateRepo(name, (r) => {
      if (!r.blobs.includes(digest)) r.blobs.push(digest);
    });
    this.reply(res, 201, { location: `/v2/${name}/blobs/${digest}`, 'docker-content-digest': digest });
  }

  private async dispatch(
    route: Route,
    method: string,
    url: URL,
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<void> {
    const q = url.searchParams;
    switch (route.op) {
      case 'Ping':
        return this.reply(res, 200, { 'content-type': 'application/json' }, '{}');
      case 'Catalog': {
        const names = this.deps.store.read((d) => Object.keys(d.ecr.repositories).sort());
        return this.reply(res, 200, { 'content-type': 'application/json' }, JSON.stringify({ repositories: names }));
      }
      case 'BlobHead':
      case 'BlobGet': {
        const repo = this.repo(route.name);
        const digest = route.rest!;
        if (!DIGEST_RE.test(digest)) throw new RegistryError(400, 'DIGEST_INVALID', 'invalid digest');
        if (!repo.blobs.includes(digest) || !this.deps.blobs.has(digest))
          throw new RegistryError(404, 'BLOB_UNKNOWN', 'blob unknown to registry');
        const size = this.deps.blobs.size(digest);
        const headers = {
          'content-type': 'application/octet-stream',
          'content-length': size,
          'docker-content-digest': digest,
          etag: `"${digest}"`,
        };
        if (method === 'HEAD') return this.reply(res, 200, { ...headers, 'accept-ranges': 'bytes' });
        const range = byteRange(req.headers.range, size);
        if (range === 'invalid') {
          res.writeHead(416, { ...API_VERSION, 'content-range': `bytes */${size}`, 'content-length': 0 });
          res.end();
          return;
        }
        if (range !== undefined) {
          res.writeHead(206, {
            ...API_VERSION,
            ...headers,
            'content-length': range.end - range.start + 1,
            'content-range': `bytes ${range.start}-${range.end}/${size}`,
          });
          this.deps.blobs.read(digest, range).pipe(res);
          return;
        }
        res.writeHead(200, { ...API_VERSION, ...headers });
        this.deps.blobs.read(digest).pipe(res);
        return;
      }
      case 'BlobDelete':
        throw new RegistryError(405, 'UNSUPPORTED', 'ECR does not delete blobs through the registry API');
      case 'UploadStart': {
        const repo = this.repo(route.name);
        const mount = q.get('mount');
        const from = q.get('from');
        if (mount !== null && from !== null && DIGEST_RE.test(mount)) {
          // ECR mounts only blobs a manifest of the source repository references.
          const source = this.deps.store.read((d) => d.ecr.repositories[from]);
          if (
            source &&
            Object.values(source.images).some((i) => i.blobs.includes(mount)) &&
            this.deps.blobs.has(mount)
          ) {
            this.mutateRepo(repo.name, (r) => {
              if (!r.blobs.includes(mount)) r.blobs.push(mount);
            });
            return this.reply(res, 201, {
              location: `/v2/${repo.name}/blobs/${mount}`,
              'docker-content-digest': mount,
            });
          }
        }
        const id = this.deps.blobs.startUpload();
        this.uploads.set(id, repo.name);
        const digest = q.get('digest');
        if (digest !== null) return this.finishUpload(repo.name, id, digest, req, res);
        return this.reply(res, 202, {
          location: this.uploadLocation(repo.name, id),
          range: '0-0',
          'docker-upload-uuid': id,
        });
      }
      case 'UploadPatch': {
        this.repo(route.name);
        const id = this.session(route);
        const start = this.deps.blobs.uploadSize(id);
        const range = /^(\d+)-(\d+)$/.exec(String(req.headers['content-range'] ?? ''));
        if (req.headers['content-range'] !== undefined && (!range || Number(range[1]) !== start)) {
          throw new RegistryError(416, 'BLOB_UPLOAD_INVALID', `chunk must start at byte ${start}`);
        }
        const size = await this.deps.blobs.append(id, req);
        return this.reply(res, 202, {
          location: this.uploadLocation(route.name!, id),
          range: `0-${Math.max(0, size - 1)}`,
          'docker-upload-uuid': id,
        });
      }
      case 'UploadPut': {
        this.repo(route.name);
        const id = this.session(route);
        return this.finishUpload(route.name!, id, q.get('digest'), req, res);
      }
      case 'UploadStatus': {
        this.repo(route.name);
        const id = this.session(route);
        const size = this.deps.blobs.uploadSize(id);
        return this.reply(res, 204, {
          location: this.uploadLocation(route.name!, id),
          range: `0-${Math.max(0, size - 1)}`,
          'docker-upload-uuid': id,
        });
      }
      case 'UploadCancel': {
        this.repo(route.name);
        const id = this.session(route);
        this.deps.blobs.cancel(id);
        this.uploads.delete(id);
        return this.reply(res, 204, {});
      }
      case 'ManifestHead':
      case 'ManifestGet': {
        const repo = this.repo(route.name);
        const image = this.findImage(repo, route.rest!);
        const headers = {
          'content-type': image.mediaType,
          'docker-content-digest': image.digest,
          etag: `"${image.digest}"`,
        };
        if (req.headers['if-none-match'] === `"${image.digest}"`) return this.reply(res, 304, headers);
        const bytes = this.deps.blobs.readSmall(image.digest);
        if (method === 'HEAD') return this.reply(res, 200, { ...headers, 'content-length': bytes.length });
        return this.reply(res, 200, headers, bytes);
      }
      case 'ManifestPut': {
        const repo = this.repo(route.name);
        const bytes = await readSmallBody(req, MAX_MANIFEST);
        const ref = route.rest!;
        const byDigest = ref.startsWith('sha256:');
        if (!byDigest && !TAG_RE.test(ref))
          throw new RegistryError(400, 'TAG_INVALID', `invalid tag ${JSON.stringify(ref)}`);
        const tags = byDigest ? q.getAll('tag') : [ref];
        try {
          const image = this.mutateRepo(repo.name, (r) => {
            let last: EcrImageRecord | undefined;
            for (const tag of tags.length > 0 ? tags : [undefined]) {
              last = putManifest(r, this.deps.blobs, {
                bytes,
                contentType: req.headers['content-type'],
                tag,
                expectedDigest: byDigest ? ref : undefined,
                now: this.deps.now(),
              }).image;
            }
            return last!;
          });
          return this.reply(res, 201, {
            location: `/v2/${repo.name}/manifests/${image.digest}`,
            'docker-content-digest': image.digest,
            ...(byDigest && tags.length > 0 ? { 'oci-tag': tags.join(', ') } : {}),
          });
        } catch (err) {
          if (err instanceof ManifestRefused) throw new RegistryError(err.status, err.registryCode, err.message);
          throw err;
        }
      }
      case 'ManifestDelete': {
        const repo = this.repo(route.name);
        const image = this.findImage(repo, route.rest!);
        this.mutateRepo(repo.name, (r) => {
          if (!route.rest!.startsWith('sha256:')) {
            r.images[image.digest]!.tags = r.images[image.digest]!.tags.filter((t) => t !== route.rest);
            return;
          }
          if (parentsOf(r, image.digest).length > 0)
            throw new RegistryError(409, 'DENIED', 'the manifest is referenced by a manifest list');
          delete r.images[image.digest];
        });
        return this.reply(res, 202, {});
      }
      case 'TagsList': {
        const repo = this.repo(route.name);
        const all = Object.values(repo.images)
          .flatMap((i) => i.tags)
          .sort();
        const last = q.get('last');
        const n = q.get('n') === null ? undefined : Number(q.get('n'));
        const after = last === null ? all : all.filter((t) => t > last);
        const pageTags = n === undefined ? after : after.slice(0, n);
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        if (n !== undefined && after.length > n)
          headers['link'] =
            `</v2/${repo.name}/tags/list?n=${n}&last=${encodeURIComponent(pageTags[pageTags.length - 1] ?? '')}>; rel="next"`;
        return this.reply(res, 200, headers, JSON.stringify({ name: repo.name, tags: pageTags }));
      }
      default:
        throw new RegistryError(404, 'UNSUPPORTED', `the emulator's registry does not serve ${method} ${url.pathname}`);
    }
  }

  private findImage(repo: EcrRepositoryRecord, ref: string): EcrImageRecord {
    const image = ref.startsWith('sha256:') ? repo.images[ref] : imageByTag(repo, ref);
    if (!image) throw new RegistryError(404, 'MANIFEST_UNKNOWN', 'Requested image not found');
    return image;
  }
}
