// XML views of ENIs, subnets and VPCs (note §2.2). An ENI looks slightly different inside
// DescribeInstances (no allocation/association ids) than in DescribeNetworkInterfaces.
import { cidrContains, isSubnetReserved, parseCidr } from '../ipv4.js';
import type { EmulatorData, NetworkInterfaceRecord, SubnetRecord, VpcRecord } from '../model.js';
import { el, list, opt, type Xml, type XmlChild } from '../xml.js';
import { getGroup, primaryPrivateIp, privateDnsName, publicDnsName, publicSide } from './lookup.js';
import { tagSet } from './tag-rules.js';

export function groupSet(d: EmulatorData, groupIds: readonly string[]): Xml {
  return list('groupSet', groupIds, (id) => {
    const g = Object.hasOwn(d.securityGroups, id) ? getGroup(d, id) : undefined;
    return [el('groupId', id), opt('groupName', g?.groupName)];
  });
}

function association(d: EmulatorData, eni: NetworkInterfaceRecord, ip: string, withIds: boolean): Xml | undefined {
  const pub = publicSide(d, eni, ip);
  if (!pub) return undefined;
  return el('association', [
    withIds ? opt('allocationId', pub.allocationId) : undefined,
    withIds ? opt('associationId', pub.associationId) : undefined,
    el('publicIp', pub.publicIp),
    el('publicDnsName', publicDnsName(d, pub.publicIp)),
    el('ipOwnerId', pub.ipOwnerId),
  ]);
}

/** The members of one ENI; `instanceView` selects the DescribeInstances flavour. */
export function eniMembers(d: EmulatorData, eni: NetworkInterfaceRecord, instanceView: boolean): XmlChild[] {
  const primary = primaryPrivateIp(eni);
  const att = eni.attachment;
  return [
    el('networkInterfaceId', eni.networkInterfaceId),
    el('subnetId', eni.subnetId),
    el('vpcId', eni.vpcId),
    instanceView ? undefined : el('availabilityZone', eni.availabilityZone),
    el('description', eni.description),
    el('ownerId', d.accountId),
    instanceView ? undefined : el('requesterManaged', false),
    el('status', att ? 'in-use' : 'available'),
    el('macAddress', eni.macAddress),
    el('privateIpAddress', primary),
    el('privateDnsName', privateDnsName(d, primary)),
    el('sourceDestCheck', eni.sourceDestCheck),
    el('interfaceType', 'interface'),
    groupSet(d, eni.groupIds),
    att
      ? el('attachment', [
          el('attachmentId', att.attachmentId),
          instanceView ? undefined : el('instanceId', att.instanceId),
          instanceView ? undefined : el('instanceOwnerId', d.accountId),
          el('deviceIndex', att.deviceIndex),
          el('status', 'attached'),
          el('attachTime', att.attachTime),
          el('deleteOnTermination', att.deleteOnTermination),
          el('networkCardIndex', 0),
        ])
      : undefined,
    association(d, eni, primary, !instanceView),
    instanceView ? undefined : tagSet(eni.tags),
    list('privateIpAddressesSet', eni.privateIps, (p) => [
      el('privateIpAddress', p.address),
      el('privateDnsName', privateDnsName(d, p.address)),
      el('primary', p.primary),
      association(d, eni, p.address, !instanceView),
    ]),
    el('ipv6AddressesSet'),
    instanceView ? undefined : el('ipv4PrefixSet'),
  ];
}

/** Usable addresses left in a subnet: size minus the 5 reserved minus every assigned private IP. */
export function availableIpCount(d: EmulatorData, s: SubnetRecord): number {
  const c = parseCidr(s.cidrBlock)!;
  let used = 0;
  for (const e of Object.values(d.networkInterfaces)) {
    if (e.subnetId !== s.subnetId) continue;
    used += e.privateIps.filter((p) => cidrContains(c, p.address) && !isSubnetReserved(c, p.address)).length;
  }
  return Math.max(0, c.size - 5 - used);
}

/** `us-east-1a` → `use1-az1`: the shape of AWS's zone ids (the real mapping differs per account). */
export function availabilityZoneId(zone: string): string {
  const m = /^([a-z]+)-([a-z]+)-(\d+)([a-z])$/.exec(zone);
  if (!m) return zone;
  return `${m[1]}${m[2]![0]}${m[3]}-az${m[4]!.charCodeAt(0) - 96}`;
}

export function subnetMembers(d: EmulatorData, s: SubnetRecord): XmlChild[] {
  return [
    el('subnetId', s.subnetId),
    el('subnetArn', `arn:aws:ec2:${d.region}:${d.accountId}:subnet/${s.subnetId}`),
    el('state', 'available'),
    el('vpcId', s.vpcId),
    el('ownerId', d.accountId),
    el('cidrBlock', s.cidrBlock),
    el('availableIpAddressCount', availableIpCount(d, s)),
    el('availabilityZone', s.availabilityZone),
    el('availabilityZoneId', availabilityZoneId(s.availabilityZone)),
    el('defaultForAz', false),
    el('mapPublicIpOnLaunch', s.mapPublicIpOnLaunch),
    el('assignIpv6AddressOnCreation', false),
    el('ipv6CidrBlockAssociationSet'),
    tagSet(s.tags),
  ];
}

export function vpcMembers(d: EmulatorData, v: VpcRecord): XmlChild[] {
  return [
    el('vpcId', v.vpcId),
    el('ownerId', d.accountId),
    el('state', 'available'),
    el('cidrBlock', v.cidrBlock),
    list('cidrBlockAssociationSet', [v.cidrBlock], (c) => [
      el('associationId', `vpc-cidr-assoc-${v.vpcId.slice(4)}`),
      el('cidrBlock', c),
      el('cidrBlockState', [el('state', 'associated')]),
    ]),
    el('dhcpOptionsId', 'dopt-00000000000000001'),
    el('instanceTenancy', 'default'),
    el('isDefault', v.isDefault),
    tagSet(v.tags),
  ];
}
