// `solokube pause` / `resume`: the control-plane instance group scaled to zero and back through kops,
// without `kops edit`: the group kops holds is rendered again with minSize = maxSize = 0 (or 1),
// `replace -f` writes it, `update cluster --yes` makes the cloud follow. The Elastic IP, DNS, the
// etcd volumes and the state store stay; on resume the reclaim unit on the new instance takes the
// Elastic IP back (src/reclaim).

import { SolokubeError } from '../core/errors.js';
import type { KopsCli } from '../kops/cli.js';
import type { ClusterSpecs, KopsDocument } from '../kops/spec.js';
import { applySpecs, exportKubeconfig, readSpecs, updateCluster } from '../kops/steps.js';

export type ControlPlaneSize = 0 | 1;

const isControlPlane = (g: KopsDocument): boolean => g.spec['role'] === 'Master' || g.spec['role'] === 'ControlPlane';

/** The control-plane group's size as kops holds it: 0 when paused, 1 when running. */
export function controlPlaneSize(specs: ClusterSpecs): { group: string; minSize: number; maxSize: number } {
  const group = specs.instanceGroups.find(isControlPlane);
  if (!group)
    throw new SolokubeError({
      code: 'pause.no-control-plane-group',
      message: `kops has no control-plane instance group for ${specs.cluster.metadata.name}`,
      remedy: 'Run `solokube cluster create` to render the cluster again.',
      actor: 'user',
    });
  return {
    group: group.metadata.name,
    minSize: Number(group.spec['minSize'] ?? 0),
    maxSize: Number(group.spec['maxSize'] ?? 0),
  };
}

/** The same specs with the control-plane group at `size` (min = max); nothing else changes. */
export function withControlPlaneSize(specs: ClusterSpecs, size: ControlPlaneSize): ClusterSpecs {
  return {
    cluster: specs.cluster,
    instanceGroups: specs.instanceGroups.map((g) =>
      isControlPlane(g) ? { ...g, spec: { ...g.spec, minSize: size, maxSize: size } } : g,
    ),
  };
}

export interface ScaleResult {
  cluster: string;
  group: string;
  from: number;
  to: ControlPlaneSize;
  /** False when the group already had that size (then kops is still asked to update, which converges). */
  changed: boolean;
}

/** Scale the control-plane group to `size` and let kops apply it; safe to rerun. */
export async function scaleControlPlane(
  kops: KopsCli,
  cluster: string,
  size: ControlPlaneSize,
  adminTtl: string,
  signal: AbortSignal,
  /** On resume, export the admin kubeconfig here again: the fresh instance's API may answer elsewhere (the sandbox's does). */
  kubeconfigPath?: string,
): Promise<ScaleResult> {
  const current = await readSpecs(kops, cluster, signal);
  if (!current)
    throw new SolokubeError({
      code: 'pause.no-cluster',
      message: `kops has no cluster ${cluster}`,
      remedy: 'Create it first with `solokube cluster create` (or `up`).',
      actor: 'user',
    });
  const before = controlPlaneSize(current);
  const action = await applySpecs(kops, withControlPlaneSize(current, size), signal);
  // update also when the specs were already there: a previous run may have stopped before it.
  await updateCluster(kops, cluster, adminTtl, signal);
  if (size === 1 && kubeconfigPath !== undefined)
    await exportKubeconfig(kops, cluster, kubeconfigPath, adminTtl, signal);
  return { cluster, group: before.group, from: before.maxSize, to: size, changed: action !== 'unchanged' };
}

/** Whether kops holds the control-plane group at zero; undefined when kops has no such cluster. */
export async function readPauseState(
  kops: KopsCli,
  cluster: string,
  signal: AbortSignal,
): Promise<{ paused: boolean; group: string } | undefined> {
  const specs = await readSpecs(kops, cluster, signal);
  if (!specs) return undefined;
  const size = controlPlaneSize(specs);
  return { paused: size.maxSize === 0, group: size.group };
}
