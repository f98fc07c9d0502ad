// The ingress as cluster resources for `up`: Traefik's objects and the apps' Ingress objects,
// rendered from solokube.yaml, applied through the Kubernetes layer (server-side apply, rollout
// wait), with a prune of the ingress objects solokube made earlier and no longer renders — the
// NodePort Service after a switch from `proxy: haproxy` to `direct`, the Ingress of a removed app.
//
// The prune lists every kind any mode or app can render (not only the kinds rendered this time:
// a kind that disappears entirely, such as the Service, must still be found), and only objects
// labelled part-of=solokube-ingress: apps deploy labels its Deployments and Services as solokube's
// too, and those are never the ingress's to remove.

import type { SolokubeConfig } from '../../config/schema.js';
import type { Resource } from '../../core/resource.js';
import { INGRESS_PART_OF, renderIngressManifests } from '../../ingress/index.js';
import type { SettingsOptions } from '../../ingress/index.js';
import type { KubeTarget } from '../target.js';
import { kubeResources } from './index.js';
import type { PruneKind } from './prune.js';

export const INGRESS_PRUNE_ID = 'k8s/prune/ingress';

/** Every kind the ingress renders in some mode. */
export const INGRESS_KINDS: readonly PruneKind[] = [
  { apiVersion: 'v1', kind: 'Namespace' },
  { apiVersion: 'v1', kind: 'ServiceAccount' },
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole' },
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding' },
  { apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass' },
  { apiVersion: 'v1', kind: 'ConfigMap' },
  { apiVersion: 'apps/v1', kind: 'Deployment' },
  { apiVersion: 'v1', kind: 'Service' },
  { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress' },
];

/** The cluster part of `up`: the control-plane taint, Traefik, the apps' routes and the ingress prune. */
export function ingressKubeResources(
  target: KubeTarget,
  config: SolokubeConfig,
  settings: SettingsOptions = {},
): Resource[] {
  return kubeResources(target, renderIngressManifests(config, settings), {
    pruneKinds: INGRESS_KINDS,
    prune: {
      id: INGRESS_PRUNE_ID,
      title: 'ingress objects solokube made and no longer renders',
      selector: `app.kubernetes.io/part-of=${INGRESS_PART_OF}`,
    },
  });
}
