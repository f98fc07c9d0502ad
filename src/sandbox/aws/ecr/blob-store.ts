// Content-addressed bytes on disk: blobs/sha256/<hex> holds layers, configs and manifests alike;
// uploads/<uuid> holds an upload in progress. Data never sits in memory as a whole: uploads are
// streamed to their file, digests are computed by streaming the file.
import { createHash, randomUUID } from 'node:crypto';
import {
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
  type ReadStream,
} from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DIGEST_RE } from './names.js';

export class BlobStore {
  private readonly blobDir: string;
  private readonly uploadDir: string;

  constructor(readonly root: string) {
    this.blobDir = join(root, 'blobs', 'sha256');
    this.uploadDir = join(root, 'uploads');
    mkdirSync(this.blobDir, { recursive: true, mode: 0o700 });
    mkdirSync(this.uploadDir, { recursive: true, mode: 0o700 });
  }

  private blobPath(digest: string): string {
    if (!DIGEST_RE.test(digest)) throw new Error(`not a sha256 digest: ${digest}`);
    return join(this.blobDir, digest.slice('sha256:'.length));
  }

  private uploadPath(id: string): string {
    if (!/^[0-9a-f-]{36}$/.test(id)) throw new Error(`not an upload id: ${id}`);
    return join(this.uploadDir, id);
  }

  has(digest: string): boolean {
    return DIGEST_RE.test(digest) && existsSync(this.blobPath(digest));
  }

  size(digest: string): number {
    return statSync(this.blobPath(digest)).size;
  }

  /** The blob's bytes, or the inclusive byte range [start, end]. */
  read(digest: string, range?: { start: number; end: number }): ReadStream {
    return createReadStream(this.blobPath(digest), range ?? {});
  }

  /** The whole of a small blob (a manifest: at most 4 MiB). */
  readSmall(digest: string): Buffer {
    return readFileSync(this.blobPath(digest));
  }

  /** Stores small bytes (a manifest) under their digest; returns it. */
  putBytes(bytes: Buffer): string {
    const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
    if (!this.has(digest)) {
      const tmp = join(this.uploadDir, `${randomUUID()}.tmp`);
      writeFileSync(tmp, bytes);
      renameSync(tmp, this.blobPath(digest));
    }
    return digest;
  }

  startUpload(): string {
    const id = randomUUID();
    writeFileSync(this.uploadPath(id), '');
    return id;
  }

  uploadExists(id: string): boolean {
    try {
      return existsSync(this.uploadPath(id));
    } catch {
      return false;
    }
  }

  uploadSize(id: string): number {
    return statSync(this.uploadPath(id)).size;
  }

  /** Appends a request body to an upload, streaming; returns the new size. */
  async append(id: string, body: Readable): Promise<number> {
    await pipeline(body, createWriteStream(this.uploadPath(id), { flags: 'a' }));
    return this.uploadSize(id);
  }

  /** Hashes the upload; when it matches `digest` the upload becomes that blob. */
  async commit(id: string, digest: string): Promise<boolean> {
    const hash = createHash('sha256');
    await pipeline(createReadStream(this.uploadPath(id)), hash);
    const actual = `sha256:${hash.digest('hex')}`;
    if (actual !== digest) return false;
    renameSync(this.uploadPath(id), this.blobPath(digest));
    return true;
  }

  cancel(id: string): void {
    rmSync(this.uploadPath(id), { force: true });
  }
}
