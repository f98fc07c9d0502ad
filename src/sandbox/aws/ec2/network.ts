// DescribeNetworkInterfaces, DescribeSubnets, DescribeVpcs and ModifyNetworkInterfaceAttribute.
import { AwsError } from '../errors.js';
import type { EmulatorData, NetworkInterfaceRecord, SubnetRecord, VpcRecord } from '../model.js';
import { el, list, opt } from '../xml.js';
import type { Ec2Operation } from './context.js';
import { applyFilters, paginate, parseFilters, selectByIds, type FilterFields } from './filters.js';
import { getEni, getGroup, primaryPrivateIp, publicSide } from './lookup.js';
import { availableIpCount, eniMembers, subnetMembers, vpcMembers } from './network-view.js';

const notFoundList = (code: string, what: string) => (missing: string[]) =>
  new AwsError(code, `The ${what} '${missing.join(', ')}' ${missing.length === 1 ? 'does' : 'do'} not exist`);

function eniFilters(d: EmulatorData): FilterFields<NetworkInterfaceRecord> {
  const publics = (e: NetworkInterfaceRecord) => e.privateIps.map((p) => publicSide(d, e, p.address));
  return {
    'network-interface-id': (e) => [e.networkInterfaceId],
    'attachment.instance-id': (e) => [e.attachment?.instanceId],
    'attachment.device-index': (e) => [e.attachment === undefined ? undefined : String(e.attachment.deviceIndex)],
    'attachment.attachment-id': (e) => [e.attachment?.attachmentId],
    'attachment.status': (e) => [e.attachment ? 'attached' : undefined],
    'subnet-id': (e) => [e.subnetId],
    'vpc-id': (e) => [e.vpcId],
    'availability-zone': (e) => [e.availabilityZone],
    status: (e) => [e.attachment ? 'in-use' : 'available'],
    description: (e) => [e.description],
    'mac-address': (e) => [e.macAddress],
    'private-ip-address': (e) => [primaryPrivateIp(e)],
    'addresses.private-ip-address': (e) => e.privateIps.map((p) => p.address),
    'addresses.primary': (e) => e.privateIps.map((p) => String(p.primary)),
    'group-id': (e) => e.groupIds,
    'group-name': (e) => e.groupIds.map((g) => d.securityGroups[g]?.groupName),
    'association.public-ip': (e) => publics(e).map((p) => p?.publicIp),
    'association.allocation-id': (e) => publics(e).map((p) => p?.allocationId),
    'association.association-id': (e) => publics(e).map((p) => p?.associationId),
    'owner-id': () => [d.accountId],
  };
}

export const describeNetworkInterfaces: Ec2Operation = {
  mutates: false,
  run({ data, q, config }) {
    const d = config.consistency.readerView(data);
    const selected = selectByIds(
      d.networkInterfaces,
      q.list('NetworkInterfaceId'),
      notFoundList('InvalidNetworkInterfaceID.NotFound', 'networkInterface ID'),
    );
    const { page, nextToken } = paginate(
      applyFilters(selected, parseFilters(q), eniFilters(d), (e) => e.tags),
      q,
    );
    return [list('networkInterfaceSet', page, (e) => eniMembers(d, e, false)), opt('nextToken', nextToken)];
  },
};

function subnetFilters(d: EmulatorData): FilterFields<SubnetRecord> {
  return {
    'subnet-id': (s) => [s.subnetId],
    'vpc-id': (s) => [s.vpcId],
    'cidr-block': (s) => [s.cidrBlock],
    cidr: (s) => [s.cidrBlock],
    cidrBlock: (s) => [s.cidrBlock],
    'availability-zone': (s) => [s.availabilityZone],
    availabilityZone: (s) => [s.availabilityZone],
    state: () => ['available'],
    'default-for-az': () => ['false'],
    'map-public-ip-on-launch': (s) => [String(s.mapPublicIpOnLaunch)],
    'available-ip-address-count': (s) => [String(availableIpCount(d, s))],
    'owner-id': () => [d.accountId],
  };
}

export const describeSubnets: Ec2Operation = {
  mutates: false,
  run({ data: d, q }) {
    const selected = selectByIds(d.subnets, q.list('SubnetId'), notFoundList('InvalidSubnetID.NotFound', 'subnet ID'));
    const { page, nextToken } = paginate(
      applyFilters(selected, parseFilters(q), subnetFilters(d), (s) => s.tags),
      q,
    );
    return [list('subnetSet', page, (s) => subnetMembers(d, s)), opt('nextToken', nextToken)];
  },
};

function vpcFilters(d: EmulatorData): FilterFields<VpcRecord> {
  return {
    'vpc-id': (v) => [v.vpcId],
    'cidr-block': (v) => [v.cidrBlock],
    cidr: (v) => [v.cidrBlock],
    'cidr-block-association.cidr-block': (v) => [v.cidrBlock],
    'is-default': (v) => [String(v.isDefault)],
    state: () => ['available'],
    'owner-id': () => [d.accountId],
  };
}

export const describeVpcs: Ec2Operation = {
  mutates: false,
  run({ data: d, q }) {
    const selected = selectByIds(d.vpcs, q.list('VpcId'), notFoundList('InvalidVpcID.NotFound', 'vpc ID'));
    const { page, nextToken } = paginate(
      applyFilters(selected, parseFilters(q), vpcFilters(d), (v) => v.tags),
      q,
    );
    return [list('vpcSet', page, (v) => vpcMembers(d, v)), opt('nextToken', nextToken)];
  },
};

/** One attribute per call, as EC2 requires; `SecurityGroupId.N` replaces the ENI's whole group set. */
export const modifyNetworkInterfaceAttribute: Ec2Operation = {
  mutates: true,
  run({ data: d, q, config }) {
    const eni = getEni(d, q.required('NetworkInterfaceId'));
    const groups = q.list('SecurityGroupId');
    const sourceDest = q.bool('SourceDestCheck.Value');
    const description = q.get('Description.Value');
    const given = [groups.length > 0, sourceDest !== undefined, description !== undefined].filter(Boolean).length;
    if (given === 0) throw new AwsError('MissingParameter', 'You must specify an attribute to modify');
    if (given > 1) throw new AwsError('InvalidParameterCombination', 'Only one attribute can be modified at a time');
    if (groups.length > 0) {
      if (groups.length > 5)
        throw new AwsError(
          'SecurityGroupsPerInterfaceLimitExceeded',
          'The maximum number of security groups per interface has been reached.',
        );
      for (const id of groups) {
        const g = getGroup(d, id);
        if (g.vpcId !== eni.vpcId)
          throw new AwsError(
            'InvalidParameterValue',
            `Security group ${id} and interface ${eni.networkInterfaceId} belong to different networks.`,
          );
      }
      const next = [...new Set(groups)];
      config.consistency.groupsChanging(eni.networkInterfaceId, eni.groupIds);
      for (const gone of eni.groupIds.filter((g) => !next.includes(g)))
        config.consistency.changed('detached-group', gone);
      eni.groupIds = next;
    }
    if (sourceDest !== undefined) eni.sourceDestCheck = sourceDest;
    if (description !== undefined) eni.description = description;
    return [el('return', true)];
  },
};
