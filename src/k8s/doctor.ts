// `solokube doctor`'s Kubernetes checks: the API answers (and with which version), the node is
// Ready, and it carries no control-plane taint that would keep pods off it.

import type { Check } from '../aws/doctor.js';
import { SolokubeError } from '../core/errors.js';
import { TRAEFIK_NAME, TRAEFIK_NAMESPACE } from '../ingress/traefik-manifests.js';
import { KubeNotFoundError } from './errors.js';
import { CONTROL_PLANE_TAINT_KEYS } from './resources/control-plane-taint.js';
import type { KubeTarget } from './target.js';
import type { KubeList, NodeObject } from './types.js';

/** For a failure whose error brings no remedy of its own (solokube's typed Kubernetes errors do). */
const KUBE_REMEDY =
  'Check that kube-apiserver answers (`kops validate cluster`); rerun with --debug for the full error.';

export async function runKubeDoctor(target: KubeTarget, signal: AbortSignal): Promise<Check[]> {
  const { client } = target;
  let version: { gitVersion?: string };
  try {
    version = await client.request<{ gitVersion?: string }>({ method: 'GET', path: '/version', signal });
  } catch (err) {
    const e = err instanceof SolokubeError ? err : undefined;
    return [{ id: 'k8s/api', status: 'fail', summary: e?.message ?? String(err), remedy: e?.remedy ?? KUBE_REMEDY }];
  }
  const checks: Check[] = [
    {
      id: 'k8s/api',
      status: 'pass',
      summary: `the API at ${client.server} answers (Kubernetes ${version.gitVersion ?? 'unknown version'})`,
    },
  ];
  let nodes: KubeList<NodeObject>;
  try {
    nodes = await client.request<KubeList<NodeObject>>({ method: 'GET', path: '/api/v1/nodes', signal });
  } catch (err) {
    const e = err instanceof SolokubeError ? err : undefined;
    return [
      ...checks,
      {
        id: 'k8s/node-ready',
        status: 'fail',
        summary: `the nodes could not be read: ${e?.message ?? String(err)}`,
        remedy: e?.remedy ?? KUBE_REMEDY,
      },
    ];
  }
  if (nodes.items.length === 0) {
    return [
      ...checks,
      {
        id: 'k8s/node-ready',
        status: 'fail',
        summary: 'no node is registered',
        remedy: 'The instance has not joined yet; wait a few minutes and run `kops validate cluster`.',
      },
    ];
  }
  for (const node of nodes.items) {
    const name = node.metadata.name ?? '(unnamed)';
    const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
    checks.push(
      ready?.status === 'True'
        ? { id: 'k8s/node-ready', status: 'pass', summary: `node ${name} is Ready` }
        : {
            id: 'k8s/node-ready',
            status: 'fail',
            summary: `node ${name} is not Ready (${ready?.reason ?? 'no Ready condition'}${ready?.message ? `: ${ready.message}` : ''})`,
            remedy: 'Check the kubelet on the node (journalctl -u kubelet) and `kops validate cluster`.',
          },
    );
    const taints = (node.spec?.taints ?? []).filter((t) =>
      (CONTROL_PLANE_TAINT_KEYS as readonly string[]).includes(t.key),
    );
    checks.push(
      taints.length === 0
        ? {
            id: 'k8s/node-untainted',
            status: 'pass',
            summary: `node ${name} accepts ordinary pods (no control-plane taint)`,
          }
        : {
            id: 'k8s/node-untainted',
            status: 'fail',
            summary: `node ${name} carries ${taints.map((t) => `${t.key}:${t.effect}`).join(', ')}: ordinary pods cannot schedule`,
            remedy: 'Run `solokube up`; it removes the taint (kops puts it back when it replaces the instance).',
          },
    );
  }
  return checks;
}

interface DeploymentStatus {
  spec?: { replicas?: number };
  status?: {
    readyReplicas?: number;
    updatedReplicas?: number;
    conditions?: { type: string; status: string; message?: string }[];
  };
}

/**
 * The ingress solokube installs (Traefik, `solokube-ingress/traefik`) has a ready replica. Absent, the
 * check is skipped, not passed: the cluster may serve its apps through an ingress solokube does not
 * manage (haproxy mode with your own NodePort ingress, or the sandbox's stand-in).
 */
export async function runIngressCheck(target: KubeTarget, signal: AbortSignal): Promise<Check> {
  const id = 'k8s/ingress-ready';
  const where = `${TRAEFIK_NAMESPACE}/${TRAEFIK_NAME}`;
  let d: DeploymentStatus;
  try {
    d = await target.client.request<DeploymentStatus>({
      method: 'GET',
      path: `/apis/apps/v1/namespaces/${TRAEFIK_NAMESPACE}/deployments/${TRAEFIK_NAME}`,
      signal,
    });
  } catch (err) {
    if (err instanceof KubeNotFoundError)
      return {
        id,
        status: 'skip',
        summary: `skipped: no Deployment ${where} in the cluster (solokube has not installed its ingress here)`,
      };
    const e = err instanceof SolokubeError ? err : undefined;
    return { id, status: 'fail', summary: e?.message ?? String(err), remedy: e?.remedy ?? KUBE_REMEDY };
  }
  const ready = d.status?.readyReplicas ?? 0;
  const wanted = d.spec?.replicas ?? 1;
  if (ready >= 1) return { id, status: 'pass', summary: `Deployment ${where}: ${ready} of ${wanted} replica(s) ready` };
  const why = d.status?.conditions?.find((c) => c.status !== 'True')?.message;
  return {
    id,
    status: 'fail',
    summary: `Deployment ${where}: no ready replica (${ready} of ${wanted})${why ? `: ${why}` : ''}`,
    remedy: `kubectl -n ${TRAEFIK_NAMESPACE} describe deployment ${TRAEFIK_NAME} and its pods; then \`solokube up\`.`,
  };
}
