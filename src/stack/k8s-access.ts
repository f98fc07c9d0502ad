// Which Kubernetes API `up`, `plan`, `status`, `down` and `doctor` talk to: the kubeconfig named in
// solokube.yaml, else the file kops exports to when it holds a context named after the cluster.
// Without either, the Kubernetes part is left out (the AWS and node parts work on their own).

import type { SolokubeConfig } from '../config/schema.js';
import { KubeClient } from '../k8s/client.js';
import { hasContextFor, kopsKubeconfigPath } from '../k8s/kubeconfig.js';
import type { KubeTarget } from '../k8s/target.js';
import type { SettingsOptions } from '../ingress/settings.js';

export function kubeconfigFor(config: SolokubeConfig, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (config.kubeconfig) return config.kubeconfig;
  const kops = kopsKubeconfigPath(env);
  return hasContextFor(kops, config.name) ? kops : undefined;
}

/** The Kubernetes target for a config, or undefined when no kubeconfig is configured or exported. */
export function kubeTargetFor(
  config: SolokubeConfig,
  opts: { forceConflicts?: boolean; env?: NodeJS.ProcessEnv; ingress?: SettingsOptions | undefined } = {},
): KubeTarget | undefined {
  const path = kubeconfigFor(config, opts.env);
  if (!path) return undefined;
  return {
    client: KubeClient.fromKubeconfig(path, { clusterName: config.name }),
    cluster: config.name,
    forceConflicts: opts.forceConflicts ?? false,
    ...(opts.ingress ? { ingress: opts.ingress } : {}),
  };
}
