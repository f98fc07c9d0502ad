// An image tag from what the image is built from: a digest of the Dockerfile and of every file in
// the build context (relative paths and contents, in a fixed order). Used where a git commit says
// nothing about the build, as for the built-in example shipped inside solokube's package, which may
// not be a git checkout at all, or a dirty one: the same inputs always give the same tag, and other
// inputs another one.
import { createHash } from 'node:crypto';
import { lstat, readdir, readFile, readlink } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { SolokubeError } from '../core/errors.js';

/** A build context is small: more than this is not what the tag was meant for. */
const MAX_FILES = 10_000;
const MAX_BYTES = 256 * 1024 * 1024;

export async function contentTag(dockerfile: string, context: string): Promise<string> {
  const hash = createHash('sha256');
  hash.update('dockerfile\0');
  hash.update(await readFile(dockerfile));
  let files = 0;
  let bytes = 0;
  for (const path of await contextFiles(context)) {
    const st = await lstat(path);
    const rel = relative(context, path).split(sep).join('/');
    files += 1;
    bytes += st.size;
    if (files > MAX_FILES || bytes > MAX_BYTES)
      throw new SolokubeError({
        code: 'apps.context-too-large',
        message: `the build context ${context} holds more than ${MAX_FILES} files or ${MAX_BYTES} bytes`,
        remedy: 'Point the app at a smaller build context, or build it with `solokube apps deploy --tag T`.',
        actor: 'user',
      });
    hash.update(`\0${st.isSymbolicLink() ? 'link' : 'file'}\0${rel}\0`);
    // A link is hashed as its target's name, which is what the build copies.
    hash.update(st.isSymbolicLink() ? Buffer.from(await readlink(path)) : await readFile(path));
  }
  return `content-${hash.digest('hex').slice(0, 16)}`;
}

/** Every file and symbolic link under dir, sorted by path (directories are walked, not listed). */
async function contextFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string): Promise<void> => {
    const entries = await readdir(d, { withFileTypes: true });
    for (const e of entries) {
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.isFile() || e.isSymbolicLink()) out.push(p);
    }
  };
  await walk(dir);
  return out.sort();
}
