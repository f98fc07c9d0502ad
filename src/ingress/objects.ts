// Plain Kubernetes objects ({apiVersion, kind, metadata, ...}), ready for server-side apply as they
// are, and the labels that mark them as solokube's.

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

export const MANAGED_BY = { 'app.kubernetes.io/managed-by': 'solokube' } as const;

/** Every ingress object carries it; the ingress prune looks for nothing else. */
export const INGRESS_PART_OF = 'solokube-ingress';

export function labels(component: string): Record<string, string> {
  return { ...MANAGED_BY, 'app.kubernetes.io/part-of': INGRESS_PART_OF, 'app.kubernetes.io/component': component };
}
