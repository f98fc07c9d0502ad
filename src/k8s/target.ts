// What every Kubernetes resource needs to act: the client, which solokube cluster config owns the
// objects (a label, so delete and prune never cross configs), and whether `--force-conflicts` was
// given.

import type { KubeClient } from './client.js';
import type { SettingsOptions } from '../ingress/settings.js';

export interface KubeTarget {
  client: KubeClient;
  /** The solokube cluster name; becomes the solokube.io/cluster label value. */
  cluster: string;
  /** Take fields another manager owns instead of failing with KubeFieldConflictError. */
  forceConflicts: boolean;
  /** How this cluster's ingress renders beyond solokube.yaml (the sandbox: the CA of its ACME server). */
  ingress?: SettingsOptions;
}

/** A label value (≤ 63 chars of [A-Za-z0-9._-], alphanumeric at both ends) naming the cluster. */
export function clusterLabelValue(cluster: string): string {
  const clean = cluster.replace(/[^A-Za-z0-9._-]/g, '-');
  if (clean.length <= 63) return clean.replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
  // Long names keep a readable head and a hash tail, so two long names still differ.
  let h = 0;
  for (const ch of cluster) h = (Math.imul(h, 31) + ch.charCodeAt(0)) >>> 0;
  return `${clean.slice(0, 54).replace(/[^A-Za-z0-9]+$/, '')}-${h.toString(16).padStart(8, '0')}`;
}
