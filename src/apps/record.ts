// The deployment record: who deployed which image when, kept in the Deployment's own annotations
// (the current record as separate keys, earlier ones as a bounded JSON list) so the cluster is the
// one place that knows what runs and what ran, for `apps history` and `apps rollback`.
import type { KubeObject } from '../k8s/types.js';

export interface DeploymentRecord {
  /** solokube's own counter: 1 for the first deploy, +1 for each deploy or rollback that changes the image. */
  revision: number;
  by: string;
  /** ISO 8601. */
  at: string;
  /** The image tag (git commit, -dirty marker, or --tag). */
  version: string;
  commit?: string;
  digest: string;
  /** `<repository uri>@<digest>`: what the Deployment runs. */
  image: string;
  /** Set on a rollback: the revision whose image it went back to. */
  rollbackOf?: number;
}

const P = 'solokube.io/';
export const RECORD_ANNOTATIONS = {
  revision: `${P}revision`,
  by: `${P}deployed-by`,
  at: `${P}deployed-at`,
  version: `${P}version`,
  commit: `${P}commit`,
  digest: `${P}digest`,
  image: `${P}image`,
  rollbackOf: `${P}rollback-of`,
  history: `${P}history`,
} as const;

/** Earlier records kept on the Deployment; older ones are dropped (annotations are size-limited). */
export const HISTORY_LIMIT = 20;

export function recordAnnotations(
  current: DeploymentRecord,
  earlier: readonly DeploymentRecord[],
): Record<string, string> {
  const a = RECORD_ANNOTATIONS;
  return {
    [a.revision]: String(current.revision),
    [a.by]: current.by,
    [a.at]: current.at,
    [a.version]: current.version,
    ...(current.commit ? { [a.commit]: current.commit } : {}),
    [a.digest]: current.digest,
    [a.image]: current.image,
    ...(current.rollbackOf !== undefined ? { [a.rollbackOf]: String(current.rollbackOf) } : {}),
    [a.history]: JSON.stringify(earlier.slice(0, HISTORY_LIMIT)),
  };
}

/** The current record and the earlier ones (newest first) of a live Deployment; undefined when it has none. */
export function readRecords(
  live: Pick<KubeObject, 'metadata'> | undefined,
): { current: DeploymentRecord; earlier: DeploymentRecord[] } | undefined {
  const ann = live?.metadata.annotations ?? {};
  const a = RECORD_ANNOTATIONS;
  const revision = Number(ann[a.revision]);
  const digest = ann[a.digest];
  const image = ann[a.image];
  if (!Number.isInteger(revision) || revision < 1 || !digest || !image) return undefined;
  const rollbackOf = Number(ann[a.rollbackOf]);
  const current: DeploymentRecord = {
    revision,
    by: ann[a.by] ?? '',
    at: ann[a.at] ?? '',
    version: ann[a.version] ?? '',
    ...(ann[a.commit] ? { commit: ann[a.commit] } : {}),
    digest,
    image,
    ...(Number.isInteger(rollbackOf) && rollbackOf > 0 ? { rollbackOf } : {}),
  };
  return { current, earlier: parseHistory(ann[a.history]) };
}

function parseHistory(text: string | undefined): DeploymentRecord[] {
  if (!text) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return []; // someone edited it by hand: the current record still stands
  }
  if (!Array.isArray(parsed)) return [];
  return parsed.filter(
    (r): r is DeploymentRecord =>
      typeof r === 'object' &&
      r !== null &&
      Number.isInteger((r as DeploymentRecord).revision) &&
      typeof (r as DeploymentRecord).digest === 'string' &&
      typeof (r as DeploymentRecord).image === 'string',
  );
}

/**
 * The record a deploy of `image` writes. Deploying the digest that already runs keeps the live
 * record unchanged, so the manifest is the same and the plan has nothing to do.
 */
export function nextRecords(
  live: Pick<KubeObject, 'metadata'> | undefined,
  wanted: Omit<DeploymentRecord, 'revision'>,
): { current: DeploymentRecord; earlier: DeploymentRecord[] } {
  const previous = readRecords(live);
  if (previous && previous.current.digest === wanted.digest && previous.current.image === wanted.image) return previous;
  if (!previous) return { current: { ...wanted, revision: 1 }, earlier: [] };
  return {
    current: { ...wanted, revision: previous.current.revision + 1 },
    earlier: [previous.current, ...previous.earlier].slice(0, HISTORY_LIMIT),
  };
}
