// Elastic IPs (note §4.1): allocation against the quota, association rules, release, describe.
import { AwsError, missingParameter } from '../errors.js';
import { ec2Id } from '../ids.js';
import type { EmulatorConfig } from '../config.js';
import type { AddressRecord, EmulatorData, NetworkInterfaceRecord } from '../model.js';
import { el, list, opt } from '../xml.js';
import type { Ec2Operation } from './context.js';
import { applyFilters, parseFilters, type FilterFields } from './filters.js';
import { addressOn, enisOfInstance, getAddress, getEni, getInstance, primaryPrivateIp } from './lookup.js';
import { lowestFreePublicIp } from './ip-allocation.js';
import { tagSet, tagsFromSpecifications } from './tag-rules.js';

export const allocateAddress: Ec2Operation = {
  mutates: true,
  run({ data: d, q, config }) {
    const domain = q.get('Domain') ?? 'vpc';
    if (domain !== 'vpc') throw new AwsError('InvalidParameterValue', `Invalid value '${domain}' for domain.`);
    if (q.get('Address') !== undefined)
      throw new AwsError(
        'InvalidParameterValue',
        'Allocating a specific address (BYOIP) is not supported by this emulator.',
      );
    const tags = tagsFromSpecifications(q, 'elastic-ip');
    if (Object.keys(d.addresses).length >= d.eipQuota) {
      throw new AwsError('AddressLimitExceeded', 'The maximum number of addresses has been reached.');
    }
    const publicIp = lowestFreePublicIp(d, config.publicIpPool);
    const address: AddressRecord = { allocationId: ec2Id(d, 'eipalloc'), publicIp, tags };
    d.addresses[address.allocationId] = address;
    config.consistency.changed('allocation', address.allocationId);
    return [
      el('publicIp', publicIp),
      el('domain', 'vpc'),
      el('allocationId', address.allocationId),
      el('publicIpv4Pool', 'amazon'),
      el('networkBorderGroup', d.region),
    ];
  },
};

function resolveTarget(
  d: EmulatorData,
  instanceId: string | undefined,
  eniId: string | undefined,
): NetworkInterfaceRecord {
  if (instanceId !== undefined && eniId !== undefined) {
    throw new AwsError(
      'InvalidParameterCombination',
      'You may specify an instance ID or a network interface ID, but not both.',
    );
  }
  if (eniId !== undefined) return getEni(d, eniId);
  if (instanceId === undefined) throw missingParameter('InstanceId or NetworkInterfaceId');
  getInstance(d, instanceId);
  const enis = enisOfInstance(d, instanceId);
  if (enis.length !== 1) {
    throw new AwsError(
      'InvalidInstanceID',
      `There are multiple interfaces attached to instance '${instanceId}'. Please specify an interface ID for the operation instead.`,
    );
  }
  return enis[0]!;
}

/**
 * Drops an association. As on AWS, an instance whose primary IP loses its EIP gets a NEW
 * auto-assigned public IP when its subnet maps public IPs and it has a single ENI.
 */
function disassociate(d: EmulatorData, config: EmulatorConfig, a: AddressRecord): void {
  const assoc = a.association;
  delete a.association;
  const eni = assoc ? d.networkInterfaces[assoc.networkInterfaceId] : undefined;
  if (!eni || !assoc || assoc.privateIpAddress !== primaryPrivateIp(eni) || eni.attachment?.deviceIndex !== 0) return;
  if (enisOfInstance(d, eni.attachment.instanceId).length !== 1 || !d.subnets[eni.subnetId]?.mapPublicIpOnLaunch)
    return;
  try {
    eni.autoPublicIp = lowestFreePublicIp(d, config.publicIpPool);
  } catch {
    // Pool exhausted: the instance simply has no public IP, which AWS also allows.
  }
}

/** In consistency mode, an allocation id answers as unknown until it has propagated. */
function notYetVisible(config: EmulatorConfig, allocationId: string): void {
  if (config.consistency.pending('allocation', allocationId)) {
    throw new AwsError('InvalidAllocationID.NotFound', `The allocation ID '${allocationId}' does not exist`);
  }
}

export const associateAddress: Ec2Operation = {
  mutates: true,
  run({ data: d, q, config }) {
    const allocationId = q.get('AllocationId');
    if (allocationId === undefined) throw missingParameter('AllocationId');
    notYetVisible(config, allocationId);
    const eip = getAddress(d, allocationId);
    const eni = resolveTarget(d, q.get('InstanceId'), q.get('NetworkInterfaceId'));
    const privateIp = q.get('PrivateIpAddress') ?? primaryPrivateIp(eni);
    if (!eni.privateIps.some((p) => p.address === privateIp)) {
      throw new AwsError(
        'InvalidParameterValue',
        `The specified private IP address ${privateIp} is not assigned to network interface ${eni.networkInterfaceId}.`,
      );
    }
    // Absent AllowReassociation means allowed (current EC2); only an explicit false refuses.
    const allowReassociation = q.bool('AllowReassociation') !== false;
    const current = eip.association;
    if (current && current.networkInterfaceId === eni.networkInterfaceId && current.privateIpAddress === privateIp) {
      return [el('return', true), el('associationId', current.associationId)];
    }
    const occupant = addressOn(d, eni.networkInterfaceId, privateIp);
    if (!allowReassociation && current) {
      throw new AwsError(
        'Resource.AlreadyAssociated',
        `resource ${eip.allocationId} is already associated with associate-id ${current.associationId}`,
      );
    }
    if (!allowReassociation && occupant) {
      throw new AwsError(
        'Resource.AlreadyAssociated',
        `resource ${eni.networkInterfaceId} and ${privateIp} is already associated with public address ${occupant.publicIp}`,
      );
    }
    if (occupant) disassociate(d, config, occupant);
    if (current) disassociate(d, config, eip);
    if (privateIp === primaryPrivateIp(eni)) delete eni.autoPublicIp;
    eip.association = {
      associationId: ec2Id(d, 'eipassoc'),
      networkInterfaceId: eni.networkInterfaceId,
      privateIpAddress: privateIp,
    };
    config.consistency.changed('association', eip.association.associationId);
    return [el('return', true), el('associationId', eip.association.associationId)];
  },
};

export const disassociateAddress: Ec2Operation = {
  mutates: true,
  run({ data: d, q, config }) {
    const associationId = q.get('AssociationId');
    const publicIp = q.get('PublicIp');
    if (associationId === undefined && publicIp === undefined) throw missingParameter('AssociationId');
    if (associationId !== undefined && config.consistency.pending('association', associationId)) {
      throw new AwsError('InvalidAssociationID.NotFound', `The association ID '${associationId}' does not exist`);
    }
    const eip = Object.values(d.addresses).find((a) =>
      associationId !== undefined ? a.association?.associationId === associationId : a.publicIp === publicIp,
    );
    // A stale or unknown association id is an error, consistently (note §4.1 leaves the choice open).
    if (!eip?.association) {
      if (associationId !== undefined)
        throw new AwsError('InvalidAssociationID.NotFound', `The association ID '${associationId}' does not exist`);
      if (!eip) throw new AwsError('InvalidAddress.NotFound', `The address '${publicIp}' does not exist`);
      return [el('return', true)];
    }
    disassociate(d, config, eip);
    return [el('return', true)];
  },
};

export const releaseAddress: Ec2Operation = {
  mutates: true,
  run({ data: d, q, config }) {
    const allocationId = q.get('AllocationId');
    let eip: AddressRecord | undefined;
    if (allocationId !== undefined) {
      notYetVisible(config, allocationId);
      eip = getAddress(d, allocationId);
    } else {
      const publicIp = q.required('PublicIp');
      eip = Object.values(d.addresses).find((a) => a.publicIp === publicIp);
      if (!eip) throw new AwsError('InvalidAddress.NotFound', `The address '${publicIp}' does not exist`);
    }
    if (eip.association) throw new AwsError('InvalidIPAddress.InUse', `Address ${eip.publicIp} is in use.`);
    delete d.addresses[eip.allocationId];
    return [el('return', true)];
  },
};

function addressFilters(d: EmulatorData): FilterFields<AddressRecord> {
  const eniOf = (a: AddressRecord) =>
    a.association ? d.networkInterfaces[a.association.networkInterfaceId] : undefined;
  return {
    'allocation-id': (a) => [a.allocationId],
    'association-id': (a) => [a.association?.associationId],
    domain: () => ['vpc'],
    'instance-id': (a) => [eniOf(a)?.attachment?.instanceId],
    'network-border-group': () => [d.region],
    'network-interface-id': (a) => [a.association?.networkInterfaceId],
    'network-interface-owner-id': (a) => [a.association ? d.accountId : undefined],
    'private-ip-address': (a) => [a.association?.privateIpAddress],
    'public-ip': (a) => [a.publicIp],
    'public-ipv4-pool': () => ['amazon'],
  };
}

export const describeAddresses: Ec2Operation = {
  mutates: false,
  run({ data: d, q }) {
    let selected = Object.values(d.addresses);
    const ids = q.list('AllocationId');
    if (ids.length > 0) {
      const missing = ids.filter((id) => !Object.hasOwn(d.addresses, id));
      if (missing.length > 0)
        throw new AwsError('InvalidAllocationID.NotFound', `The allocation ID '${missing.join(', ')}' does not exist`);
      selected = selected.filter((a) => ids.includes(a.allocationId));
    }
    const ips = q.list('PublicIp');
    if (ips.length > 0) {
      const missing = ips.filter((ip) => !selected.some((a) => a.publicIp === ip));
      if (missing.length > 0)
        throw new AwsError('InvalidAddress.NotFound', `Address '${missing.join(', ')}' not found.`);
      selected = selected.filter((a) => ips.includes(a.publicIp));
    }
    const matched = applyFilters(selected, parseFilters(q), addressFilters(d), (a) => a.tags);
    return [
      list('addressesSet', matched, (a) => {
        const eni = a.association ? d.networkInterfaces[a.association.networkInterfaceId] : undefined;
        return [
          el('publicIp', a.publicIp),
          el('allocationId', a.allocationId),
          el('domain', 'vpc'),
          opt('instanceId', eni?.attachment?.instanceId),
          opt('associationId', a.association?.associationId),
          opt('networkInterfaceId', a.association?.networkInterfaceId),
          opt('networkInterfaceOwnerId', a.association ? d.accountId : undefined),
          opt('privateIpAddress', a.association?.privateIpAddress),
          opt('subnetId', eni?.subnetId),
          tagSet(a.tags),
          el('publicIpv4Pool', 'amazon'),
          el('networkBorderGroup', d.region),
        ];
      }),
    ];
  },
};
