// The hello app as `apps deploy` will make it: a Deployment and a Service (port 8080), for the tests
// that need an app behind Traefik before solokube deploys apps itself.
import type { KubeObject } from '../../../src/k8s/types.js';
import { kubeResources } from '../../../src/k8s/resources/index.js';
import type { KubeTarget } from '../../../src/k8s/target.js';
import type { Resource } from '../../../src/core/resource.js';

/**
 * `tolerateControlPlane`: the pods tolerate the control-plane taint, as an app must to come back by
 * itself after an instance replacement (kops registers the new node with that taint; only the next
 * `up` removes it).
 */
export function helloApp(replicas: number, opts: { tolerateControlPlane?: boolean } = {}): KubeObject[] {
  const labels = { app: 'hello' };
  return [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'hello', namespace: 'default' },
      spec: {
        replicas,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            containers: [{ name: 'web', image: 'registry.invalid/hello:1', ports: [{ containerPort: 8080 }] }],
            ...(opts.tolerateControlPlane
              ? {
                  tolerations: [
                    { key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' },
                  ],
                }
              : {}),
          },
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'hello', namespace: 'default' },
      spec: { selector: labels, ports: [{ port: 8080, targetPort: 8080, protocol: 'TCP' }] },
    },
  ];
}

/**
 * Its resources through the Kubernetes layer (without a prune of its own: one over Deployments would
 * take Traefik's for an unwanted app, and no control-plane untaint: that is `up`'s).
 */
export function helloAppResources(
  target: KubeTarget,
  replicas = 1,
  opts: { tolerateControlPlane?: boolean } = {},
): Resource[] {
  return kubeResources(target, helloApp(replicas, opts), { untaint: false, pruneKinds: [] });
}
