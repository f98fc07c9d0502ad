// The one way up, down, status and plan reach a cluster: AWS clients (pointed at the sandbox's
// emulator when there is one), node access (SSH to the instance with a pinned host key, or the
// sandbox node's forward) and, when a kubeconfig is configured or exported by kops, the
// Kubernetes API; all closed when the work is done.

import type { SolokubeConfig } from '../config/schema.js';
import type { AwsClients } from '../aws/clients.js';
import type { Sandbox } from '../sandbox/env/sandbox.js';
import type { NodeAccess } from '../stack/node-step.js';
import type { KubeTarget } from '../k8s/target.js';
import type { CommandContext } from './context.js';

export async function withClusterTarget<T>(
  ctx: CommandContext,
  config: SolokubeConfig,
  target: {
    sandbox?: Sandbox | undefined;
    acceptNewHostKey?: boolean | undefined;
    forceConflicts?: boolean | undefined;
  },
  fn: (clients: AwsClients, access: NodeAccess, kube: KubeTarget | undefined) => Promise<T>,
): Promise<T> {
  const [{ withAwsClients }, { sshAccess }, { kubeTargetFor }] = await Promise.all([
    import('../aws/session.js'),
    import('../stack/node-access.js'),
    import('../stack/k8s-access.js'),
  ]);
  const { sandbox } = target;
  // The sandbox node runs a real control plane; unless a kubeconfig is named, its admin kubeconfig
  // (through the lab's loopback forward) is the cluster's, as `kops export kubeconfig` would write.
  const kubeconfig = config.kubeconfig ?? sandbox?.kubeconfigPath;
  const kube =
    sandbox && !kubeconfig
      ? undefined
      : kubeTargetFor(kubeconfig ? { ...config, kubeconfig } : config, {
          forceConflicts: Boolean(target.forceConflicts),
          ingress: sandbox?.ingressOptions,
        });
  const access = sandbox
    ? sandbox.nodeAccess(ctx.io)
    : sshAccess(config, ctx.io, { acceptNewHostKey: Boolean(target.acceptNewHostKey) });
  try {
    return await withAwsClients(
      config,
      (clients) => fn(clients, access, kube),
      sandbox ? sandbox.awsClientOverrides : {},
    );
  } finally {
    kube?.client.close();
    await access.close();
  }
}
