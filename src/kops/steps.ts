// The kops lifecycle steps, each safe to rerun: specs are created when absent, replaced when they
// differ and left alone when equal; update, validate, export and delete are kops' own converging
// commands. Every step has its own deadline.
import { writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sameValue } from '../core/resource.js';
import { SolokubeError } from '../core/errors.js';
import type { KopsCli } from './cli.js';
import type { ClusterSpecs, KopsDocument } from './spec.js';
import { parseKopsYaml, specsYaml } from './spec-yaml.js';
import { parseValidation, type ValidationResult } from './validation.js';

export const STEP_DEADLINES = Object.freeze({
  read: 60_000,
  specs: 120_000,
  update: 20 * 60_000,
  validate: 20 * 60_000,
  export: 60_000,
  delete: 20 * 60_000,
});

/** What kops prints back, without the fields it manages itself (creationTimestamp, generation). */
export function comparable(doc: KopsDocument): KopsDocument {
  const {
    creationTimestamp: _c,
    generation: _g,
    ...metadata
  } = doc.metadata as KopsDocument['metadata'] & { creationTimestamp?: unknown; generation?: unknown };
  return { ...doc, metadata };
}

const notFound = (text: string) => /not found|NoSuchKey|does not exist/i.test(text);

/** The cluster's specs as kops holds them, or undefined when kops has no such cluster. */
export async function readSpecs(
  kops: KopsCli,
  cluster: string,
  signal: AbortSignal,
): Promise<ClusterSpecs | undefined> {
  const opts = { deadlineMs: STEP_DEADLINES.read, signal, okExitCodes: [1] };
  const c = await kops.run('get cluster', ['get', 'cluster', '--name', cluster, '-o', 'yaml'], opts);
  if (c.exitCode !== 0) {
    if (notFound(c.stderr)) return undefined;
    await kops.run('get cluster', ['get', 'cluster', '--name', cluster, '-o', 'yaml'], { ...opts, okExitCodes: [] });
  }
  const igs = await kops.run('get ig', ['get', 'instancegroups', '--name', cluster, '-o', 'yaml'], {
    deadlineMs: STEP_DEADLINES.read,
    signal,
    okExitCodes: [1],
  });
  const groups = igs.exitCode === 0 ? parseKopsYaml(igs.stdout) : [];
  return { cluster: comparable(parseKopsYaml(c.stdout)[0]!), instanceGroups: groups.map(comparable) };
}

export type SpecsAction = 'created' | 'replaced' | 'unchanged';

/** create -f when kops has no cluster, replace -f when its specs differ from ours, nothing when equal. */
export async function applySpecs(kops: KopsCli, specs: ClusterSpecs, signal: AbortSignal): Promise<SpecsAction> {
  const name = specs.cluster.metadata.name;
  const current = await readSpecs(kops, name, signal);
  if (current !== undefined && sameValue(sortByName(current), sortByName(specs))) return 'unchanged';
  const dir = await mkdtemp(join(tmpdir(), 'solokube-kops-'));
  try {
    const file = join(dir, 'cluster.yaml');
    await writeFile(file, specsYaml(specs), { mode: 0o600 });
    if (current === undefined) {
      await kops.run('create -f', ['create', '-f', file], { deadlineMs: STEP_DEADLINES.specs, signal });
      return 'created';
    }
    // --force: a group kops does not have yet is created instead of refused.
    await kops.run('replace -f', ['replace', '-f', file, '--force'], { deadlineMs: STEP_DEADLINES.specs, signal });
    return 'replaced';
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function sortByName(s: ClusterSpecs): ClusterSpecs {
  return {
    cluster: s.cluster,
    instanceGroups: [...s.instanceGroups].sort((a, b) => a.metadata.name.localeCompare(b.metadata.name)),
  };
}

export async function updateCluster(
  kops: KopsCli,
  cluster: string,
  adminTtl: string,
  signal: AbortSignal,
): Promise<void> {
  await kops.run('update cluster', ['update', 'cluster', '--name', cluster, '--yes', `--admin=${adminTtl}`], {
    deadlineMs: STEP_DEADLINES.update,
    signal,
  });
}

/** Waits until kops says the cluster is healthy, or fails listing what is still wrong. */
export async function validateCluster(
  kops: KopsCli,
  cluster: string,
  waitMs: number,
  signal: AbortSignal,
): Promise<ValidationResult> {
  const wait = `${Math.max(1, Math.round(waitMs / 1000))}s`;
  const r = await kops.run(
    'validate cluster',
    ['validate', 'cluster', '--name', cluster, '--wait', wait, '-o', 'json'],
    { deadlineMs: waitMs + 60_000, signal, okExitCodes: [1] },
  );
  const result = parseValidation(r.stdout);
  if (r.exitCode === 0 && result !== undefined) return result;
  const failures = result?.failures ?? [];
  throw new SolokubeError({
    code: 'kops.validate',
    message:
      failures.length > 0
        ? `the cluster did not become healthy within ${wait}:\n${failures.map((f) => `  ${f.type} ${f.name}: ${f.message}`).join('\n')}`
        : `kops validate cluster failed: ${r.stderr.trim().split('\n').slice(-3).join('\n')}`,
    remedy:
      'Look at the failures above (a node still booting needs more time); rerun `solokube cluster validate` or `up` — it resumes from here.',
    actor: 'aws',
    details: { failures },
  });
}

export async function exportKubeconfig(
  kops: KopsCli,
  cluster: string,
  kubeconfig: string,
  adminTtl: string,
  signal: AbortSignal,
): Promise<void> {
  await kops.run(
    'export kubeconfig',
    ['export', 'kubeconfig', '--name', cluster, `--admin=${adminTtl}`, '--kubeconfig', kubeconfig],
    { deadlineMs: STEP_DEADLINES.export, signal },
  );
}

export async function deleteCluster(
  kops: KopsCli,
  cluster: string,
  signal: AbortSignal,
): Promise<'deleted' | 'absent'> {
  if ((await readSpecs(kops, cluster, signal)) === undefined) return 'absent';
  await kops.run('delete cluster', ['delete', 'cluster', '--name', cluster, '--yes'], {
    deadlineMs: STEP_DEADLINES.delete,
    signal,
  });
  return 'deleted';
}
