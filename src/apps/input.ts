// Validation of everything a build or push takes from the user, before anything runs: app names
// (RFC 1123 labels), Dockerfile and context paths (plain paths, no shell metacharacters, inside the
// project directory even after symlinks are followed), tags. Failures are UsageErrors (exit 2).
import { realpathSync, statSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { LABEL_RE, isSafePath } from '../config/validators.js';
import { UsageError } from '../core/errors.js';

export const IMAGE_TAG_RE = /^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$/;

export function validateAppName(name: string): string {
  if (!LABEL_RE.test(name)) {
    throw new UsageError(
      `the app name ${JSON.stringify(name)} is not a lower-case RFC 1123 label`,
      'Use lower-case letters, digits and hyphens, 1-63 characters, such as hello-web.',
    );
  }
  return name;
}

export function validateImageTag(tag: string): string {
  if (!IMAGE_TAG_RE.test(tag))
    throw new UsageError(
      `the image tag ${JSON.stringify(tag)} is not valid`,
      'Use letters, digits, "_", "." and "-", at most 128 characters, not starting with "." or "-".',
    );
  return tag;
}

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

/**
 * A path the user gave, relative to the project directory, resolved and checked to stay inside it.
 * `kind` says what must be there.
 */
export function resolveProjectPath(
  projectDir: string,
  given: string,
  what: string,
  kind: 'file' | 'directory',
): string {
  if (!isSafePath(given) || given.startsWith('~')) {
    throw new UsageError(
      `${what} ${JSON.stringify(given)} is not a plain path`,
      'Give a path relative to the project directory, without spaces, "~" or shell metacharacters.',
    );
  }
  const root = realpathSync(projectDir);
  const lexical = resolve(root, given);
  if (!inside(root, lexical))
    throw new UsageError(
      `${what} ${given} is outside the project directory ${root}`,
      'Keep the Dockerfile and the build context inside the project directory.',
    );
  let real: string;
  try {
    real = realpathSync(lexical);
  } catch {
    throw new UsageError(
      `${what} ${given} does not exist (looked for ${lexical})`,
      `Create it, or point the app's ${what} at an existing ${kind}.`,
    );
  }
  if (!inside(root, real))
    throw new UsageError(
      `${what} ${given} leads outside the project directory (to ${real})`,
      'Symbolic links must stay inside the project directory.',
    );
  const st = statSync(real);
  if (kind === 'file' ? !st.isFile() : !st.isDirectory())
    throw new UsageError(`${what} ${given} is not a ${kind}`, `Point it at a ${kind}.`);
  return real;
}
