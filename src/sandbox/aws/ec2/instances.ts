// DescribeInstances, grouped into one reservation per instance.
import { AwsError } from '../errors.js';
import type { EmulatorData, InstanceRecord } from '../model.js';
import { el, list, opt } from '../xml.js';
import type { Ec2Operation } from './context.js';
import { applyFilters, paginate, parseFilters, selectByIds, type FilterFields } from './filters.js';
import { enisOfInstance, primaryEni, primaryPrivateIp, privateDnsName, publicDnsName, publicSide } from './lookup.js';
import { eniMembers, groupSet } from './network-view.js';
import { tagSet } from './tag-rules.js';

const STATE_CODES: Record<InstanceRecord['state'], number> = {
  pending: 0,
  running: 16,
  'shutting-down': 32,
  terminated: 48,
  stopping: 64,
  stopped: 80,
};

function instanceFilters(d: EmulatorData): FilterFields<InstanceRecord> {
  const enis = (i: InstanceRecord) => enisOfInstance(d, i.instanceId);
  const groups = (i: InstanceRecord) => [...new Set(enis(i).flatMap((e) => e.groupIds))];
  return {
    'instance-id': (i) => [i.instanceId],
    'instance-state-name': (i) => [i.state],
    'instance-state-code': (i) => [String(STATE_CODES[i.state])],
    'instance-type': (i) => [i.instanceType],
    'image-id': (i) => [i.imageId],
    'key-name': (i) => [i.keyName],
    'vpc-id': (i) => [i.vpcId],
    'subnet-id': (i) => [i.subnetId],
    'availability-zone': (i) => [i.availabilityZone],
    'private-ip-address': (i) => {
      const e = primaryEni(d, i.instanceId);
      return e ? [primaryPrivateIp(e)] : [];
    },
    'ip-address': (i) => {
      const e = primaryEni(d, i.instanceId);
      return e ? [publicSide(d, e, primaryPrivateIp(e))?.publicIp] : [];
    },
    'network-interface.network-interface-id': (i) => enis(i).map((e) => e.networkInterfaceId),
    'network-interface.addresses.private-ip-address': (i) => enis(i).flatMap((e) => e.privateIps.map((p) => p.address)),
    'instance.group-id': groups,
    'instance.group-name': (i) => groups(i).map((g) => d.securityGroups[g]?.groupName),
    'group-id': groups,
    'group-name': (i) => groups(i).map((g) => d.securityGroups[g]?.groupName),
  };
}

function instanceXml(d: EmulatorData, i: InstanceRecord) {
  const enis = enisOfInstance(d, i.instanceId);
  const primary = enis.find((e) => e.attachment!.deviceIndex === 0);
  const privateIp = primary ? primaryPrivateIp(primary) : undefined;
  const pub = primary && privateIp !== undefined ? publicSide(d, primary, privateIp) : undefined;
  const groupIds = [...new Set(enis.flatMap((e) => e.groupIds))];
  return [
    el('instanceId', i.instanceId),
    el('imageId', i.imageId),
    el('instanceState', [el('code', STATE_CODES[i.state]), el('name', i.state)]),
    el('privateDnsName', privateIp === undefined ? '' : privateDnsName(d, privateIp)),
    el('dnsName', pub ? publicDnsName(d, pub.publicIp) : ''),
    el('reason', ''),
    opt('keyName', i.keyName),
    el('amiLaunchIndex', 0),
    el('instanceType', i.instanceType),
    el('launchTime', i.launchTime),
    el('placement', [el('availabilityZone', i.availabilityZone), el('groupName', ''), el('tenancy', 'default')]),
    el('monitoring', [el('state', 'disabled')]),
    el('subnetId', i.subnetId),
    el('vpcId', i.vpcId),
    opt('privateIpAddress', privateIp),
    opt('ipAddress', pub?.publicIp),
    el('sourceDestCheck', primary?.sourceDestCheck ?? true),
    groupSet(d, groupIds),
    el('architecture', 'x86_64'),
    el('rootDeviceType', 'ebs'),
    el('rootDeviceName', '/dev/sda1'),
    el('virtualizationType', 'hvm'),
    tagSet(i.tags),
    list('networkInterfaceSet', enis, (e) => eniMembers(d, e, true)),
  ];
}

export const describeInstances: Ec2Operation = {
  mutates: false,
  run({ data, q, config }) {
    const d = config.consistency.readerView(data);
    const ids = q.list('InstanceId');
    if (ids.length > 0 && q.get('MaxResults') !== undefined) {
      throw new AwsError(
        'InvalidParameterCombination',
        'The parameter instancesSet cannot be used with the parameter maxResults',
      );
    }
    const selected = selectByIds(
      d.instances,
      ids,
      (missing) =>
        new AwsError(
          'InvalidInstanceID.NotFound',
          missing.length === 1
            ? `The instance ID '${missing[0]}' does not exist`
            : `The instance IDs '${missing.join(', ')}' do not exist`,
        ),
    );
    const matched = applyFilters(selected, parseFilters(q), instanceFilters(d), (i) => i.tags);
    const { page, nextToken } = paginate(matched, q);
    return [
      list('reservationSet', page, (i) => [
        el('reservationId', `r-${i.instanceId.slice(2)}`),
        el('ownerId', d.accountId),
        el('groupSet'),
        list('instancesSet', [i], (x) => instanceXml(d, x)),
      ]),
      opt('nextToken', nextToken),
    ];
  },
};
