// What of a cluster's objects the emulator still holds — solokube's (tagged for the cluster), kops'
// (tagged KubernetesCluster=<c>, and its api records) and the state store bucket with every object
// version and delete marker in it: the proof that `down` left nothing of ours behind.

import { TAG_CLUSTER } from '../../config/naming.js';
import type { EmulatorStateView } from '../aws/index.js';

export interface OwnedLeftovers {
  addresses: string[];
  securityGroups: string[];
  records: string[];
  secondaryPrivateIps: string[];
  /** kops' objects: instances, interfaces, security groups, subnets, VPCs tagged for the cluster, its api records. */
  kopsObjects: string[];
  /** Buckets tagged for the cluster, each with the versions and delete markers it still holds. */
  buckets: string[];
}

export function ownedLeftovers(
  state: EmulatorStateView,
  cluster: string,
  ownedPublicIps: readonly string[] = [],
): OwnedLeftovers {
  const ours = (tags: Record<string, string>): boolean => tags[TAG_CLUSTER] === cluster;
  const addresses = Object.values(state.addresses).filter((a) => ours(a.tags));
  const publicIps = new Set([...addresses.map((a) => a.publicIp), ...ownedPublicIps]);
  const records = Object.values(state.hostedZones).flatMap((z) =>
    z.records
      .filter((r) => r.type === 'A' && r.values.some((v) => publicIps.has(v)))
      .map((r) => `${r.name} A ${r.values.join(',')}`),
  );
  const kops = (tags: Record<string, string>): boolean => tags['KubernetesCluster'] === cluster;
  const kopsNames = new Set(['api', 'api.internal', 'kops-controller.internal'].map((p) => `${p}.${cluster}.`));
  const kopsObjects = [
    ...Object.values(state.autoScalingGroups ?? {})
      .filter((g) => kops(g.tags))
      .map((g) => `autoscaling group ${g.name}`),
    ...Object.values(state.instances)
      .filter((i) => kops(i.tags))
      .map((i) => `instance ${i.instanceId}`),
    ...Object.values(state.networkInterfaces)
      .filter((e) => kops(e.tags))
      .map((e) => `network interface ${e.networkInterfaceId}`),
    ...Object.values(state.securityGroups)
      .filter((g) => kops(g.tags))
      .map((g) => `security group ${g.groupId} ${g.groupName}`),
    ...Object.values(state.subnets)
      .filter((n) => kops(n.tags))
      .map((n) => `subnet ${n.subnetId}`),
    ...Object.values(state.vpcs)
      .filter((v) => kops(v.tags))
      .map((v) => `vpc ${v.vpcId}`),
    ...Object.values(state.hostedZones).flatMap((z) =>
      z.records.filter((r) => kopsNames.has(r.name.toLowerCase())).map((r) => `record ${r.name} ${r.type}`),
    ),
  ];
  const buckets = Object.values(state.buckets ?? {})
    .filter((b) => ours(b.tags ?? {}))
    .map((b) => {
      const versions = Object.values(b.objects).reduce((n, v) => n + v.length, 0);
      return `${b.name} (${Object.keys(b.objects).length} keys, ${versions} versions and delete markers)`;
    });
  return {
    kopsObjects,
    buckets,
    addresses: addresses.map((a) => `${a.allocationId} ${a.publicIp}`),
    securityGroups: Object.values(state.securityGroups)
      .filter((g) => ours(g.tags))
      .map((g) => `${g.groupId} ${g.groupName}`),
    records,
    secondaryPrivateIps: Object.values(state.networkInterfaces).flatMap((e) =>
      e.privateIps.filter((p) => !p.primary).map((p) => `${e.networkInterfaceId} ${p.address}`),
    ),
  };
}

export function isEmpty(l: OwnedLeftovers): boolean {
  return (
    l.addresses.length +
      l.securityGroups.length +
      l.records.length +
      l.secondaryPrivateIps.length +
      l.kopsObjects.length +
      l.buckets.length ===
    0
  );
}
