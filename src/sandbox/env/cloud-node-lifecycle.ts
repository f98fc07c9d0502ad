// STAND-IN for the node lifecycle controller of the AWS cloud-controller-manager, which kops runs on
// the control plane: a Node whose EC2 instance no longer exists (terminated by its Auto Scaling
// group) is deleted; kube-controller-manager's pod garbage collector then removes the pods bound to
// it and their controllers create them again on the nodes that remain (Kubernetes documentation,
// "Cloud Controller Manager" → node lifecycle controller; "Garbage collection" → orphaned pods).
// In the sandbox the cluster's state outlives the instance (etcd's data is kept, as kops' volumes
// are), so the replaced instance's Node is still there when its successor registers.

import { emulatorState } from './emulator-process.js';

const INSTANCE_NODE_NAME = /^i-[0-9a-f]{8,17}$/;

/** Delete the Nodes named after instances the emulator does not run; returns their names. */
export async function deleteNodesOfGoneInstances(
  kubeconfigPath: string,
  clusterName: string,
  endpoint: string,
): Promise<string[]> {
  const state = await emulatorState(endpoint);
  const regional = [state.instances, ...Object.values(state.regions ?? {}).map((r) => r.instances ?? {})];
  const running = new Set(
    regional.flatMap((instances) =>
      Object.values(instances)
        .filter((i) => i.state === 'running' || i.state === 'pending')
        .map((i) => i.instanceId),
    ),
  );
  const { KubeClient } = await import('../../k8s/client.js');
  const client = KubeClient.fromKubeconfig(kubeconfigPath, { clusterName, requestTimeoutMs: 5_000 });
  try {
    const nodes = await client.request<{ items: { metadata: { name: string } }[] }>({
      method: 'GET',
      path: '/api/v1/nodes',
    });
    const gone = nodes.items.map((n) => n.metadata.name).filter((n) => INSTANCE_NODE_NAME.test(n) && !running.has(n));
    for (const name of gone) await client.request({ method: 'DELETE', path: `/api/v1/nodes/${name}` });
    return gone;
  } finally {
    client.close();
  }
}
