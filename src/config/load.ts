// Reading solokube.yaml: parse, overlay flags, validate everything at once, fill derived defaults.

import { readFile } from 'node:fs/promises';
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
  proxy?: string;
}

export const DEFAULT_CONFIG_PATH = 'solokube.yaml';

export async function loadConfigFile(path: string, overrides: ConfigOverrides = {}): Promise<SolokubeConfig> {
  return parseConfig(await readConfigText(path), path, overrides);
}

/** The file's text, or a typed error (exit 2) that says what to do. */
export async function readConfigText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
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

/** Parse and validate YAML text; every problem is reported in one ConfigError. */
export function parseConfig(text: string, source: string, overrides: ConfigOverrides = {}): SolokubeConfig {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(source, doc.errors.map((e) => ({ path: `line ${e.linePos?.[0]?.line ?? '?'}`, message: e.message.split('\n')[0] ?? e.message })));
  }
  const raw: unknown = doc.toJS();
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ConfigError(source, [{ path: '', message: 'must be a YAML mapping of settings (see `solokube init`)' }]);
  }
  return validateConfig({ ...raw, ...definedOnly(overrides) }, source);
}

export function validateConfig(raw: unknown, source: string): SolokubeConfig {
  const result = configSchema.safeParse(raw);
  if (!result.success) {
    const issues: ConfigIssue[] = result.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
    throw new ConfigError(source, issues);
  }
  const c = result.data;
  return { ...c, appsDomain: c.appsDomain ?? c.dnsZone, zones: c.zones ?? [`${c.region}a`] };
}

function definedOnly(o: ConfigOverrides): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}
