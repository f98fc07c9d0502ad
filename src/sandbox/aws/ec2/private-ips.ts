// AssignPrivateIpAddresses / UnassignPrivateIpAddresses (note §4.3): count or explicit, lowest free
// first, per-instance-type limit with all-or-nothing, reassignment moving the EIP along.
import { AwsError, missingParameter } from '../errors.js';
import type { EmulatorData, NetworkInterfaceRecord } from '../model.js';
import { el, list } from '../xml.js';
import type { Ec2Operation } from './context.js';
import { ipsPerEni } from './instance-types.js';
import { checkPrivateIpInSubnet, lowestFreePrivateIps } from './ip-allocation.js';
import { addressOn, getEni, getSubnet } from './lookup.js';

function limitFor(d: EmulatorData, eni: NetworkInterfaceRecord): number {
  const instanceId = eni.attachment?.instanceId;
  return ipsPerEni(instanceId === undefined ? undefined : d.instances[instanceId]?.instanceType);
}

function ownerOf(d: EmulatorData, subnetId: string, ip: string): NetworkInterfaceRecord | undefined {
  return Object.values(d.networkInterfaces).find(
    (e) => e.subnetId === subnetId && e.privateIps.some((p) => p.address === ip),
  );
}

/** Explicit addresses: validated, in-use ones refused unless reassignment moves them (with their EIP). */
function explicitAddresses(
  d: EmulatorData,
  eni: NetworkInterfaceRecord,
  wanted: string[],
  allowReassignment: boolean,
): string[] {
  const subnet = getSubnet(d, eni.subnetId);
  if (new Set(wanted).size !== wanted.length)
    throw new AwsError('InvalidParameterValue', 'The same private IP address must not appear multiple times');
  const fresh: string[] = [];
  for (const ip of wanted) {
    checkPrivateIpInSubnet(subnet, ip);
    const owner = ownerOf(d, subnet.subnetId, ip);
    // Already on this ENI: nothing to do (a design choice; it keeps a retried call harmless).
    if (owner?.networkInterfaceId === eni.networkInterfaceId) continue;
    if (owner) {
      if (!allowReassignment) throw new AwsError('InvalidIPAddress.InUse', `Address ${ip} is in use.`);
      if (owner.privateIps.find((p) => p.address === ip)!.primary) {
        throw new AwsError(
          'InvalidParameterValue',
          `Address ${ip} is the primary private IP of ${owner.networkInterfaceId} and cannot be reassigned`,
        );
      }
    }
    fresh.push(ip);
  }
  return fresh;
}

export const assignPrivateIpAddresses: Ec2Operation = {
  mutates: true,
  run({ data: d, q }) {
    const eni = getEni(d, q.required('NetworkInterfaceId'));
    const explicit = q.list('PrivateIpAddress');
    const count = q.int('SecondaryPrivateIpAddressCount');
    if (explicit.length > 0 && count !== undefined) {
      throw new AwsError(
        'InvalidParameterCombination',
        'You may specify either secondary private IP addresses or a count, but not both.',
      );
    }
    if (explicit.length === 0 && count === undefined)
      throw missingParameter('PrivateIpAddress or SecondaryPrivateIpAddressCount');
    if (count !== undefined && count < 1)
      throw new AwsError(
        'InvalidParameterValue',
        `Value (${count}) for parameter secondaryPrivateIpAddressCount is invalid.`,
      );
    const wantedCount = count ?? 0;
    const fresh = explicit.length > 0 ? explicitAddresses(d, eni, explicit, q.bool('AllowReassignment') === true) : [];
    const adding = explicit.length > 0 ? fresh.length : wantedCount;
    if (eni.privateIps.length + adding > limitFor(d, eni)) {
      throw new AwsError('PrivateIpAddressLimitExceeded', 'Number of private addresses will exceed limit.');
    }
    const assigned = explicit.length > 0 ? fresh : lowestFreePrivateIps(d, getSubnet(d, eni.subnetId), wantedCount);
    for (const ip of assigned) {
      const owner = ownerOf(d, eni.subnetId, ip);
      if (owner) {
        owner.privateIps = owner.privateIps.filter((p) => p.address !== ip);
        const eip = addressOn(d, owner.networkInterfaceId, ip);
        if (eip?.association) eip.association.networkInterfaceId = eni.networkInterfaceId;
      }
      eni.privateIps.push({ address: ip, primary: false });
    }
    return [
      el('networkInterfaceId', eni.networkInterfaceId),
      list('assignedPrivateIpAddressesSet', assigned, (ip) => [el('privateIpAddress', ip)]),
      el('assignedIpv4PrefixSet'),
      el('return', true),
    ];
  },
};

export const unassignPrivateIpAddresses: Ec2Operation = {
  mutates: true,
  run({ data: d, q }) {
    const eni = getEni(d, q.required('NetworkInterfaceId'));
    const addresses = q.list('PrivateIpAddress');
    if (addresses.length === 0) throw missingParameter('PrivateIpAddress');
    for (const ip of addresses) {
      const entry = eni.privateIps.find((p) => p.address === ip);
      if (!entry)
        throw new AwsError(
          'InvalidParameterValue',
          `Some of the specified addresses are not assigned to interface ${eni.networkInterfaceId}`,
        );
      if (entry.primary)
        throw new AwsError(
          'InvalidParameterValue',
          `The primary private IP address ${ip} cannot be unassigned from ${eni.networkInterfaceId}`,
        );
    }
    for (const ip of addresses) {
      // The EIP on a removed address loses its association but stays allocated (note §4.3).
      const eip = addressOn(d, eni.networkInterfaceId, ip);
      if (eip) delete eip.association;
    }
    eni.privateIps = eni.privateIps.filter((p) => !addresses.includes(p.address));
    return [el('return', true)];
  },
};
