// A Node object shaped like the one kops' single control-plane instance registers on AWS: named
// after the instance id, with kops' role, instance-group and topology labels and the
// control-plane NoSchedule taint that keeps ordinary pods off it.

import type { KubeObject } from '../../k8s/types.js';

export interface KopsNodeSpec {
  instanceId: string;
  zone: string;
  instanceType: string;
}

export const KOPS_LIKE_NODE: KopsNodeSpec = {
  instanceId: 'i-0a1b2c3d4e5f60718',
  zone: 'eu-west-1a',
  instanceType: 't3.medium',
};

export function kopsControlPlaneNode(spec: KopsNodeSpec = KOPS_LIKE_NODE): KubeObject {
  const region = spec.zone.slice(0, -1);
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: spec.instanceId,
      labels: {
        'kubernetes.io/arch': 'amd64',
        'kubernetes.io/os': 'linux',
        'kubernetes.io/hostname': spec.instanceId,
        'node-role.kubernetes.io/control-plane': '',
        'node.kubernetes.io/exclude-from-external-load-balancers': '',
        'kops.k8s.io/instancegroup': `control-plane-${spec.zone}`,
        'kops.k8s.io/kops-controller-pki': '',
        'node.kubernetes.io/instance-type': spec.instanceType,
        'beta.kubernetes.io/instance-type': spec.instanceType,
        'topology.kubernetes.io/region': region,
        'topology.kubernetes.io/zone': spec.zone,
        'failure-domain.beta.kubernetes.io/region': region,
        'failure-domain.beta.kubernetes.io/zone': spec.zone,
      },
      annotations: { 'node.alpha.kubernetes.io/ttl': '0' },
    },
    spec: {
      providerID: `aws:///${spec.zone}/${spec.instanceId}`,
      taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }],
    },
  };
}
