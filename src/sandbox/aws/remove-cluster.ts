// Admin-side removal of what kops makes for a cluster, for the sandbox's kops stand-in (the emulator
// has no TerminateInstances/DeleteVpc yet). Follows `kops delete cluster` (kops-notes §3.2, §5.1):
// it selects only objects tagged KubernetesCluster=<name>, deletes the cluster's api/api.internal/
// kops-controller records, and refuses — as AWS would with DependencyViolation — while something
// that is not the cluster's (an Elastic IP on its interface, another security group in its VPC)
// still depends on them. Elastic IPs are never released: kops does not find them either. kops' IAM
// roles of the cluster (masters.<c>, nodes.<c>, with their inline policies) go too, and with them the
// sessions the instances' metadata service issued for them.
import { AwsError } from './errors.js';
import type { EmulatorData } from './model.js';
import { deleteGroups } from './autoscaling.js';

export interface RemovedCluster {
  autoScalingGroups: string[];
  instances: string[];
  networkInterfaces: string[];
  securityGroups: string[];
  subnets: string[];
  vpcs: string[];
  records: string[];
  roles: string[];
}

export function removeKopsCluster(d: EmulatorData, cluster: string): RemovedCluster {
  const owned = (tags: Record<string, string>) => tags['KubernetesCluster'] === cluster;
  const vpcs = Object.values(d.vpcs)
    .filter((v) => owned(v.tags))
    .map((v) => v.vpcId);
  const instances = Object.values(d.instances)
    .filter((i) => owned(i.tags))
    .map((i) => i.instanceId);
  const enis = Object.values(d.networkInterfaces)
    .filter((e) => owned(e.tags) || (e.attachment !== undefined && instances.includes(e.attachment.instanceId)))
    .map((e) => e.networkInterfaceId);
  const groups = Object.values(d.securityGroups)
    .filter((g) => owned(g.tags))
    .map((g) => g.groupId);
  const subnets = Object.values(d.subnets)
    .filter((s) => owned(s.tags))
    .map((s) => s.subnetId);
  const blockingEip = Object.values(d.addresses).find(
    (a) => a.association !== undefined && enis.includes(a.association.networkInterfaceId),
  );
  if (blockingEip)
    throw new AwsError(
      'DependencyViolation',
      `Elastic IP ${blockingEip.allocationId} is still associated with ${blockingEip.association!.networkInterfaceId}`,
    );
  const foreignGroup = Object.values(d.securityGroups).find(
    (g) => vpcs.includes(g.vpcId) && !groups.includes(g.groupId),
  );
  if (foreignGroup)
    throw new AwsError(
      'DependencyViolation',
      `security group ${foreignGroup.groupId} (${foreignGroup.groupName}) still uses VPC ${foreignGroup.vpcId}`,
    );
  const foreignEni = Object.values(d.networkInterfaces).find(
    (e) => vpcs.includes(e.vpcId) && !enis.includes(e.networkInterfaceId),
  );
  if (foreignEni)
    throw new AwsError(
      'DependencyViolation',
      `network interface ${foreignEni.networkInterfaceId} still uses VPC ${foreignEni.vpcId}`,
    );
  const autoScalingGroups = deleteGroups(d, owned);
  for (const id of instances) delete d.instances[id];
  for (const id of enis) delete d.networkInterfaces[id];
  for (const id of groups) delete d.securityGroups[id];
  for (const id of subnets) delete d.subnets[id];
  for (const id of vpcs) delete d.vpcs[id];
  const names = new Set(
    ['api', 'api.internal', 'kops-controller.internal'].map((p) => `${p}.${cluster}.`.toLowerCase()),
  );
  const records: string[] = [];
  for (const z of Object.values(d.hostedZones)) {
    z.records = z.records.filter((r) => {
      const gone = names.has(r.name) && ['A', 'AAAA', 'TXT'].includes(r.type);
      if (gone) records.push(`${r.name} ${r.type}`);
      return !gone;
    });
  }
  const roles = [`masters.${cluster}`, `nodes.${cluster}`].filter((r) => d.iamRoles?.[r] !== undefined);
  for (const r of roles) delete d.iamRoles![r];
  for (const [key, s] of Object.entries(d.iamSessions ?? {}))
    if (roles.includes(s.roleName)) delete d.iamSessions![key];
  return {
    autoScalingGroups,
    instances,
    networkInterfaces: enis,
    securityGroups: groups,
    subnets,
    vpcs,
    records,
    roles,
  };
}
