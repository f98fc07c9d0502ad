// Renders the kops documents for one solokube cluster: a Cluster and its InstanceGroups in kops'
// v1alpha2 wire format (what `kops create -f` takes and `kops get -o yaml` prints). Pure: the same
// configuration and inputs give the same documents, so plans and golden files are stable.
//
// Choices, and why:
// - public topology, API published by DNS (`api.dns`), no API load balancer: the single node keeps
//   its public IP and kops' dns-controller points api.<cluster> at it (DESIGN.md §1);
// - one control-plane group (min = max = 1) in the first zone and a worker group at min = max = 0,
//   as the original bootstrap script made them: the node runs the workloads itself;
// - every address range written out (networkCIDR, nonMasqueradeCIDR, subnet CIDRs): `create -f`
//   fills missing ones but `replace` on an existing cluster does not (kops-notes §6);
// - networking: kops' own default (cilium, what `kops create cluster` picks) unless configured;
// - image only when configured (kops then takes the channel's image);
// - iam.allowContainerRegistry so the node pulls from ECR; the app security group, once it exists,
//   in the control-plane group's additionalSecurityGroups so a replaced instance keeps it;
// - with the secondary IP on, the reclaim (src/reclaim): its boot unit in the control-plane group's
//   additionalUserData and its IAM statements in the Cluster's additionalPolicies, so an instance
//   the Auto Scaling group launches in place of a failed one takes the secondary IP and the Elastic
//   IP back by itself. With it off neither is rendered, and `replace -f` removes them again.
import type { SolokubeConfig } from '../config/schema.js';
import type { KopsNetworking } from '../config/kops-fields.js';
import { reclaimAdditionalPolicies, reclaimAdditionalUserData, reclaimSpecFor } from '../reclaim/index.js';

export const KOPS_API_VERSION = 'kops.k8s.io/v1alpha2';
export const NETWORK_CIDR = '172.20.0.0/16';
export const NON_MASQUERADE_CIDR = '100.64.0.0/10';
const DEFAULT_NETWORKING: KopsNetworking = 'cilium';
const WORLD = ['0.0.0.0/0', '::/0'];

export interface KopsDocument {
  apiVersion: typeof KOPS_API_VERSION;
  kind: 'Cluster' | 'InstanceGroup';
  metadata: { name: string; labels?: Record<string, string> };
  spec: Record<string, unknown>;
}

export interface SpecInputs {
  /** `s3://<bucket>` — the state store; configBase is `<store>/<cluster>`. */
  stateStore: string;
  /** solokube's app security group, once it exists. */
  appSecurityGroupId?: string;
}

export interface ClusterSpecs {
  cluster: KopsDocument;
  instanceGroups: KopsDocument[];
}

export const controlPlaneGroupName = (zone: string): string => `control-plane-${zone}`;
export const workerGroupName = (zone: string): string => `nodes-${zone}`;

/** /19 subnets of the /16, from 172.20.32.0 on, one per zone (the layout `kops create cluster` uses). */
export function subnetCidr(index: number): string {
  return `172.20.${32 * (index + 1)}.0/19`;
}

function etcdCluster(name: 'main' | 'events', group: string): Record<string, unknown> {
  return {
    cpuRequest: name === 'main' ? '200m' : '100m',
    etcdMembers: [{ encryptedVolume: true, instanceGroup: group, name: 'a' }],
    manager: { backupRetentionDays: 90 },
    memoryRequest: '100Mi',
    name,
  };
}

/**
 * The reclaim's kops fragments for this configuration, or nothing when the secondary IP is off.
 * additionalPolicies is keyed `master`: kops accepts `control-plane` on input but v1alpha2 stores and
 * prints `master` (as it does the role), and writing what kops writes back keeps `kops get` equal
 * to what we rendered, so a converged cluster plans no change.
 */
function reclaimFragments(config: SolokubeConfig): {
  cluster: Record<string, unknown>;
  controlPlane: Record<string, unknown>;
} {
  if (!config.secondaryIp) return { cluster: {}, controlPlane: {} };
  const spec = reclaimSpecFor(config);
  return {
    cluster: { additionalPolicies: { master: reclaimAdditionalPolicies(spec)['control-plane'] } },
    controlPlane: { additionalUserData: [reclaimAdditionalUserData(spec)] },
  };
}

export function renderClusterSpecs(config: SolokubeConfig, inputs: SpecInputs): ClusterSpecs {
  const zones = config.zones;
  const cpZone = zones[0]!;
  const cpGroup = controlPlaneGroupName(cpZone);
  const reclaim = reclaimFragments(config);
  const cluster: KopsDocument = {
    apiVersion: KOPS_API_VERSION,
    kind: 'Cluster',
    metadata: { name: config.name },
    spec: {
      ...reclaim.cluster,
      api: { dns: {} },
      authorization: { rbac: {} },
      channel: 'stable',
      cloudProvider: 'aws',
      configBase: `${inputs.stateStore}/${config.name}`,
      dnsZone: config.dnsZone,
      etcdClusters: [etcdCluster('main', cpGroup), etcdCluster('events', cpGroup)],
      iam: { allowContainerRegistry: true, legacy: false },
      kubelet: { anonymousAuth: false },
      kubernetesApiAccess: WORLD,
      kubernetesVersion: config.kubernetesVersion.replace(/^v/, ''),
      // kops fills this with api.<cluster> on create; written out so `kops get` equals the render.
      masterPublicName: `api.${config.name}`,
      networkCIDR: NETWORK_CIDR,
      networking: { [config.networking ?? DEFAULT_NETWORKING]: {} },
      nonMasqueradeCIDR: NON_MASQUERADE_CIDR,
      sshAccess: WORLD,
      subnets: zones.map((zone, i) => ({ cidr: subnetCidr(i), name: zone, type: 'Public', zone })),
      topology: { dns: { type: 'Public' } },
    },
  };
  const label = { 'kops.k8s.io/cluster': config.name };
  const image = config.image === undefined ? {} : { image: config.image };
  const controlPlane: KopsDocument = {
    apiVersion: KOPS_API_VERSION,
    kind: 'InstanceGroup',
    metadata: { labels: label, name: cpGroup },
    spec: {
      ...(inputs.appSecurityGroupId === undefined ? {} : { additionalSecurityGroups: [inputs.appSecurityGroupId] }),
      ...reclaim.controlPlane,
      ...image,
      machineType: config.instanceType,
      maxSize: 1,
      minSize: 1,
      // v1alpha2 stores and prints the control-plane role as Master (ControlPlane is accepted on
      // input); writing what kops writes back keeps `kops get` equal to what we rendered.
      role: 'Master',
      subnets: [cpZone],
    },
  };
  const workers: KopsDocument = {
    apiVersion: KOPS_API_VERSION,
    kind: 'InstanceGroup',
    metadata: { labels: label, name: workerGroupName(cpZone) },
    spec: { ...image, machineType: config.instanceType, maxSize: 0, minSize: 0, role: 'Node', subnets: zones },
  };
  return { cluster, instanceGroups: [controlPlane, workers] };
}
