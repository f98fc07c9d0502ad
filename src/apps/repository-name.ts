// Names and tags of an app's ECR repository, derived from the cluster and app names only.
import { TAG_CLUSTER, TAG_ROLE } from '../config/naming.js';

export const TAG_APP = 'solokube.io/app';
export const ECR_ROLE = 'app-image-repository';
export const DEFAULT_KEEP_IMAGES = 10;

/** `<cluster>/<app>`: unique per cluster, valid ECR grammar (a DNS name and an RFC 1123 label are). */
export function ecrRepositoryName(cluster: string, app: string): string {
  return `${cluster}/${app}`;
}

export function ecrRepositoryTags(cluster: string, app: string): { Key: string; Value: string }[] {
  return [
    { Key: TAG_CLUSTER, Value: cluster },
    { Key: TAG_ROLE, Value: ECR_ROLE },
    { Key: TAG_APP, Value: app },
  ];
}

/** The lifecycle policy solokube sets: keep the newest `keep` images, tagged or not. */
export function keepLastPolicy(keep: number): string {
  return JSON.stringify({
    rules: [
      {
        rulePriority: 1,
        description: `solokube: keep the last ${keep} images`,
        selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: keep },
        action: { type: 'expire' },
      },
    ],
  });
}

/**
 * The N of a policy solokube wrote, or null for none or anyone else's policy. Compared by meaning,
 * not text, so a service that reformats the stored JSON does not make every run rewrite it.
 */
export function keptByPolicy(text: string | undefined): number | null {
  if (text === undefined) return null;
  try {
    const p = JSON.parse(text) as {
      rules?: { rulePriority?: unknown; selection?: Record<string, unknown>; action?: { type?: unknown } }[];
    };
    const rule = p.rules?.length === 1 ? p.rules[0] : undefined;
    const s = rule?.selection;
    const ours =
      s !== undefined &&
      s['tagStatus'] === 'any' &&
      s['countType'] === 'imageCountMoreThan' &&
      typeof s['countNumber'] === 'number' &&
      Object.keys(s).length === 3 &&
      rule?.action?.type === 'expire';
    return ours ? (s['countNumber'] as number) : null;
  } catch {
    return null; // not JSON: not ours
  }
}
