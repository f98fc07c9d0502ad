// Reading what runs: an app's Deployment as the cluster has it.
import type { KubeTarget } from '../k8s/target.js';
import type { DeploymentObject } from '../k8s/types.js';

export function deploymentPath(namespace: string, app: string): string {
  return `/apis/apps/v1/namespaces/${encodeURIComponent(namespace)}/deployments/${encodeURIComponent(app)}`;
}

export function liveDeployment(
  target: KubeTarget,
  namespace: string,
  app: string,
  signal: AbortSignal,
): Promise<DeploymentObject | undefined> {
  return target.client.getOrUndefined<DeploymentObject>(deploymentPath(namespace, app), signal);
}
