// Reading solokube.yaml: parse, overlay the environment and the flags, validate everything at once,
// fill derived defaults. Precedence, as the README states: flags, then AWS_REGION / AWS_PROFILE,
// then the file.

import { constants } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { parseDocument } from 'yaml';
import { ConfigError, SolokubeError } from '../core/errors.js';
import type { ConfigIssue } from '../core/errors.js';
import { configSchema } from './schema.js';
import type { SolokubeConfig } from './schema.js';

/** Values given on the command line; each wins over the file. */
export interface ConfigOverrides {
  region?: string;
  profile?: string;
  secondaryIp?: boolean;
}

/** A configuration is a few hundred bytes; anything near this is not one (or is an attack on the parser). */
export const MAX_CONFIG_BYTES = 1024 * 1024;
/** YAML aliases a configuration may expand; the example uses none. Beyond it, a billion laughs. */
const MAX_ALIASES = 50;

/** What the environment says, for the settings the AWS tools also read from it. Empty means unset. */
export function environmentOverrides(env: NodeJS.ProcessEnv = process.env): ConfigOverrides {
  return {
    ...(env.AWS_REGION ? { region: env.AWS_REGION } : {}),
    ...(env.AWS_PROFILE ? { profile: env.AWS_PROFILE } : {}),
  };
}

/** Where an override came from when not from a flag (e.g. region: 'AWS_REGION'), for error messages. */
export type OverrideOrigins = Partial<Record<keyof ConfigOverrides, string>>;

/** The environment under the flags: a flag wins, an unset or empty variable leaves the file's value. */
export function layeredOverrides(
  flags: ConfigOverrides,
  env: NodeJS.ProcessEnv = process.env,
): { overrides: ConfigOverrides; origins: OverrideOrigins } {
  const fromEnv = environmentOverrides(env);
  const origins: OverrideOrigins = {};
  for (const [key, variable] of [
    ['region', 'AWS_REGION'],
    ['profile', 'AWS_PROFILE'],
  ] as const) {
    if (fromEnv[key] !== undefined && flags[key] === undefined) origins[key] = variable;
  }
  return { overrides: { ...fromEnv, ...definedOnly(flags) }, origins };
}

export async function loadConfigFile(
  path: string,
  overrides: ConfigOverrides = {},
  origins: OverrideOrigins = {},
): Promise<SolokubeConfig> {
  return parseConfig(await readConfigText(path), path, overrides, origins);
}

/**
 * The file's text, refusing what is not a small regular file before reading it (a device such as
 * /dev/zero would be read until memory runs out, a FIFO would block). Checked on the path first so
 * a FIFO is never opened, then on the open handle so a file swapped in between is caught too.
 */
export async function readConfigText(path: string): Promise<string> {
  try {
    return await readSmallFile(path);
  } catch (err) {
    if (err instanceof SolokubeError) throw err;
    const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
    throw new SolokubeError({
      code: missing ? 'config.missing' : 'config.unreadable',
      message: missing ? `no configuration file at ${path}` : `cannot read ${path}: ${(err as Error).message}`,
      remedy: missing ? 'Run `solokube init` to write one, or pass -c <file>.' : 'Check the file permissions.',
      actor: 'user',
      exitCode: 2,
      cause: err,
    });
  }
}

async function readSmallFile(path: string): Promise<string> {
  refuseUnlessSmallFile(path, await stat(path));
  const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    refuseUnlessSmallFile(path, await handle.stat());
    const buffer = Buffer.alloc(MAX_CONFIG_BYTES + 1);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    if (bytesRead > MAX_CONFIG_BYTES) refuseUnlessSmallFile(path, { isFile: () => true, size: bytesRead });
    return buffer.subarray(0, bytesRead).toString('utf8');
  } finally {
    await handle.close();
  }
}

function refuseUnlessSmallFile(path: string, st: { isFile(): boolean; size: number }): void {
  if (!st.isFile()) {
    throw new SolokubeError({
      code: 'config.not-a-file',
      message: `${path} is not a regular file`,
      remedy: 'Pass the path of a solokube.yaml file with -c (`solokube init` writes one).',
      actor: 'user',
      exitCode: 2,
    });
  }
  if (st.size > MAX_CONFIG_BYTES) {
    throw new SolokubeError({
      code: 'config.too-large',
      message: `${path} is ${st.size} bytes; a configuration is at most ${MAX_CONFIG_BYTES} bytes`,
      remedy: 'Check that -c names the right file.',
      actor: 'user',
      exitCode: 2,
    });
  }
}

/** Parse and validate YAML text; every problem is reported in one ConfigError. */
export function parseConfig(
  text: string,
  source: string,
  overrides: ConfigOverrides = {},
  origins: OverrideOrigins = {},
): SolokubeConfig {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      source,
      doc.errors.map((e) => ({
        path: `line ${e.linePos?.[0]?.line ?? '?'}`,
        message: e.message.split('\n')[0] ?? e.message,
      })),
    );
  }
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (err) {
    // yaml refuses to expand more aliases than allowed (ReferenceError); report it as the file's problem.
    throw new ConfigError(source, [
      { path: '', message: `uses YAML aliases too heavily to be expanded safely (${(err as Error).message})` },
    ]);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ConfigError(source, [{ path: '', message: 'must be a YAML mapping of settings (see `solokube init`)' }]);
  }
  return validateConfig({ ...raw, ...definedOnly(overrides) }, source, origins);
}

export function validateConfig(raw: unknown, source: string, origins: OverrideOrigins = {}): SolokubeConfig {
  const result = configSchema.safeParse(raw);
  if (!result.success) {
    const issues: ConfigIssue[] = result.error.issues.map((i) => {
      const path = i.path.map(String).join('.');
      const origin = origins[path as keyof OverrideOrigins];
      return { path: origin ? `${path} (from ${origin})` : path, message: i.message };
    });
    throw new ConfigError(source, issues);
  }
  const c = result.data;
  return { ...c, appsDomain: c.appsDomain ?? c.dnsZone, zones: c.zones ?? [`${c.region}a`] };
}

function definedOnly(o: ConfigOverrides): ConfigOverrides {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as ConfigOverrides;
}
