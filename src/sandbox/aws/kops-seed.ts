// A seed shaped like what `kops create cluster` makes for a single-node cluster: VPC and subnet
// tagged for the cluster, kops' two security groups, one running control-plane instance with its
// primary ENI and auto-assigned public IP, and a public hosted zone holding the api records that
// kops' dns-controller writes. Ids are derived from the cluster name, so seeding twice is harmless
// and two clusters never collide.
import { createHash } from 'node:crypto';
import { canonicalName, isWithinZone } from './route53/names.js';
import type { EmulatorSeed } from './seed-types.js';

export interface KopsClusterSeedParams {
  clusterName: string;
  dnsZone: string;
  region?: string;
  availabilityZone?: string;
  /** Default 198.18.0.0/16. */
  vpcCidr?: string;
  /** Default 198.18.0.0/24. */
  subnetCidr?: string;
  /** Default 198.18.0.10. */
  primaryPrivateIp?: string;
  /** The instance's auto-assigned public IP, e.g. 198.19.1.10; default the lowest free address of the emulator's pool. */
  publicIp?: string;
  /** Default t3.medium. */
  instanceType?: string;
}

function hexId(prefix: string, clusterName: string, kind: string): string {
  return `${prefix}-${createHash('sha256').update(`${kind}:${clusterName}`).digest('hex').slice(0, 17)}`;
}

/** The public zone's id: derived from its name, so the zone seeded alone and with a cluster is the same one. */
function hostedZoneId(dnsZone: string): string {
  return `Z${createHash('sha256')
    .update(`zone:${canonicalName(dnsZone)}`)
    .digest('hex')
    .slice(0, 13)
    .toUpperCase()}`;
}

/** A fresh account that owns only the public hosted zone: where `up --sandbox` starts from nothing. */
export function hostedZoneSeed(dnsZone: string): EmulatorSeed {
  return {
    hostedZones: [{ id: hostedZoneId(dnsZone), name: dnsZone, privateZone: false, comment: 'solokube sandbox' }],
  };
}

export function kopsClusterSeed(p: KopsClusterSeedParams): EmulatorSeed {
  const name = p.clusterName;
  const zone = p.availabilityZone ?? `${p.region ?? 'us-east-1'}a`;
  if (!isWithinZone(canonicalName(name), canonicalName(p.dnsZone))) {
    throw new Error(`cluster name ${name} is not inside the DNS zone ${p.dnsZone}`);
  }
  const clusterTags = { KubernetesCluster: name, [`kubernetes.io/cluster/${name}`]: 'owned' };
  const vpcId = hexId('vpc', name, 'vpc');
  const subnetId = hexId('subnet', name, 'subnet');
  const mastersSg = hexId('sg', name, 'masters');
  const nodesSg = hexId('sg', name, 'nodes');
  const instanceId = hexId('i', name, 'control-plane');
  const ig = `control-plane-${zone}`;
  const instanceTags = {
    ...clusterTags,
    'k8s.io/role/control-plane': '1',
    'k8s.io/role/master': '1',
    'kops.k8s.io/instancegroup': ig,
    Name: `${ig}.masters.${name}`,
  };
  const zoneId = hostedZoneId(p.dnsZone);
  return {
    vpcs: [{ vpcId, cidrBlock: p.vpcCidr ?? '198.18.0.0/16', tags: { ...clusterTags, Name: name } }],
    subnets: [
      {
        subnetId,
        vpcId,
        cidrBlock: p.subnetCidr ?? '198.18.0.0/24',
        availabilityZone: zone,
        mapPublicIpOnLaunch: true,
        tags: { ...clusterTags, Name: `${zone}.${name}`, SubnetType: 'Public', 'kubernetes.io/role/elb': '1' },
      },
    ],
    securityGroups: [
      {
        groupId: mastersSg,
        groupName: `masters.${name}`,
        description: 'Security group for masters',
        vpcId,
        tags: { ...clusterTags, Name: `masters.${name}` },
        ingress: [
          { ipProtocol: '-1', groupId: mastersSg },
          { ipProtocol: '-1', groupId: nodesSg },
          { ipProtocol: 'tcp', fromPort: 22, toPort: 22, cidrIp: '0.0.0.0/0' },
          { ipProtocol: 'tcp', fromPort: 443, toPort: 443, cidrIp: '0.0.0.0/0' },
        ],
      },
      {
        groupId: nodesSg,
        groupName: `nodes.${name}`,
        description: 'Security group for nodes',
        vpcId,
        tags: { ...clusterTags, Name: `nodes.${name}` },
        ingress: [
          { ipProtocol: '-1', groupId: mastersSg },
          { ipProtocol: '-1', groupId: nodesSg },
          { ipProtocol: 'tcp', fromPort: 22, toPort: 22, cidrIp: '0.0.0.0/0' },
        ],
      },
    ],
    instances: [
      {
        instanceId,
        instanceType: p.instanceType ?? 't3.medium',
        imageId: hexId('ami', name, 'image'),
        state: 'running',
        subnetId,
        privateIpAddress: p.primaryPrivateIp ?? '198.18.0.10',
        associatePublicIp: true,
        ...(p.publicIp === undefined ? {} : { publicIp: p.publicIp }),
        securityGroupIds: [mastersSg],
        networkInterfaceId: hexId('eni', name, 'control-plane-eni'),
        keyName: `kubernetes.${name}`,
        tags: instanceTags,
      },
    ],
    hostedZones: hostedZoneSeed(p.dnsZone).hostedZones,
    records: [
      { zone: zoneId, name: `api.${name}`, type: 'A', ttl: 60, publicIpOfInstance: instanceId },
      { zone: zoneId, name: `api.internal.${name}`, type: 'A', ttl: 60, values: [p.primaryPrivateIp ?? '198.18.0.10'] },
    ],
  };
}
