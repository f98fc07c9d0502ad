// Lab names and the paths derived from them. Every lab object (namespaces, machine name, dirs) is
// named from one per-run name `skl-<6 hex>`, so parallel runs never collide and cleanup is exact.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { UsageError } from '../../core/errors.js';

export const LAB_NAME_PATTERN = /^skl-[0-9a-f]{6}$/;
/** Per-run state (overlay upper/work, keys, record) lives here, outside the repo. */
export const LAB_STATE_ROOT = '/var/lib/solokube-lab';

export function newLabName(): string {
  return `skl-${randomBytes(3).toString('hex')}`;
}

export function assertLabName(name: string): void {
  if (!LAB_NAME_PATTERN.test(name))
    throw new UsageError(`not a lab name: ${JSON.stringify(name)}`, 'Lab names look like skl-1a2b3c.');
}

export interface LabPaths {
  dir: string;
  upper: string;
  work: string;
  root: string;
  keys: string;
  tls: string;
  record: string;
  status: string;
  log: string;
}

export function labPaths(name: string, stateRoot = LAB_STATE_ROOT): LabPaths {
  assertLabName(name);
  const dir = join(stateRoot, name);
  return {
    dir,
    upper: join(dir, 'upper'),
    work: join(dir, 'work'),
    root: join(dir, 'root'),
    keys: join(dir, 'keys'),
    tls: join(dir, 'tls'),
    record: join(dir, 'lab.json'),
    status: join(dir, 'supervisor.json'),
    log: join(dir, 'console.log'),
  };
}

/** Network namespace names; kept short because interface names derived from them must fit 15 chars. */
export function netnsNames(name: string): { gw: string; client: string } {
  assertLabName(name);
  return { gw: `${name}-gw`, client: `${name}-cl` };
}
