// Finding EC2 objects by id (with the right NotFound code) and the relations between them.
import { AwsError } from '../errors.js';
import type {
  AddressRecord,
  EmulatorData,
  InstanceRecord,
  NetworkInterfaceRecord,
  SecurityGroupRecord,
  SubnetRecord,
  VpcRecord,
} from '../model.js';

function lookup<T>(all: Record<string, T>, id: string, code: string, message: string): T {
  const found = Object.hasOwn(all, id) ? all[id] : undefined;
  if (found === undefined) throw new AwsError(code, message);
  return found;
}

export const getInstance = (d: EmulatorData, id: string): InstanceRecord =>
  lookup(d.instances, id, 'InvalidInstanceID.NotFound', `The instance ID '${id}' does not exist`);
export const getEni = (d: EmulatorData, id: string): NetworkInterfaceRecord =>
  lookup(
    d.networkInterfaces,
    id,
    'InvalidNetworkInterfaceID.NotFound',
    `The networkInterface ID '${id}' does not exist`,
  );
export const getSubnet = (d: EmulatorData, id: string): SubnetRecord =>
  lookup(d.subnets, id, 'InvalidSubnetID.NotFound', `The subnet ID '${id}' does not exist`);
export const getVpc = (d: EmulatorData, id: string): VpcRecord =>
  lookup(d.vpcs, id, 'InvalidVpcID.NotFound', `The vpc ID '${id}' does not exist`);
export const getGroup = (d: EmulatorData, id: string): SecurityGroupRecord =>
  lookup(d.securityGroups, id, 'InvalidGroup.NotFound', `The security group '${id}' does not exist`);
export const getAddress = (d: EmulatorData, id: string): AddressRecord =>
  lookup(d.addresses, id, 'InvalidAllocationID.NotFound', `The allocation ID '${id}' does not exist`);

/** ENIs attached to an instance, by device index. */
export function enisOfInstance(d: EmulatorData, instanceId: string): NetworkInterfaceRecord[] {
  return Object.values(d.networkInterfaces)
    .filter((e) => e.attachment?.instanceId === instanceId)
    .sort((a, b) => a.attachment!.deviceIndex - b.attachment!.deviceIndex);
}

export function primaryEni(d: EmulatorData, instanceId: string): NetworkInterfaceRecord | undefined {
  return enisOfInstance(d, instanceId).find((e) => e.attachment!.deviceIndex === 0);
}

export function primaryPrivateIp(eni: NetworkInterfaceRecord): string {
  return eni.privateIps.find((p) => p.primary)?.address ?? eni.privateIps[0]?.address ?? '';
}

/** The EIP associated with one private IP of an ENI, if any. */
export function addressOn(d: EmulatorData, eniId: string, privateIp: string): AddressRecord | undefined {
  return Object.values(d.addresses).find(
    (a) => a.association?.networkInterfaceId === eniId && a.association.privateIpAddress === privateIp,
  );
}

export interface PublicIpView {
  publicIp: string;
  allocationId?: string;
  associationId?: string;
  ipOwnerId: string;
}

/** What AWS shows as the public side of one private IP: its EIP, or the auto-assigned address. */
export function publicSide(d: EmulatorData, eni: NetworkInterfaceRecord, privateIp: string): PublicIpView | undefined {
  const eip = addressOn(d, eni.networkInterfaceId, privateIp);
  if (eip)
    return {
      publicIp: eip.publicIp,
      allocationId: eip.allocationId,
      associationId: eip.association!.associationId,
      ipOwnerId: d.accountId,
    };
  if (eni.autoPublicIp !== undefined && privateIp === primaryPrivateIp(eni))
    return { publicIp: eni.autoPublicIp, ipOwnerId: 'amazon' };
  return undefined;
}

/** Every public IP in use (EIPs and auto-assigned), for lowest-free allocation from the pool. */
export function publicIpsInUse(d: EmulatorData): Set<string> {
  const used = new Set<string>(Object.values(d.addresses).map((a) => a.publicIp));
  for (const ip of d.foreignPublicIps ?? []) used.add(ip);
  for (const e of Object.values(d.networkInterfaces)) if (e.autoPublicIp !== undefined) used.add(e.autoPublicIp);
  return used;
}

export function publicDnsName(d: EmulatorData, publicIp: string): string {
  const host = `ec2-${publicIp.replace(/\./g, '-')}`;
  return d.region === 'us-east-1' ? `${host}.compute-1.amazonaws.com` : `${host}.${d.region}.compute.amazonaws.com`;
}

export function privateDnsName(d: EmulatorData, privateIp: string): string {
  const host = `ip-${privateIp.replace(/\./g, '-')}`;
  return d.region === 'us-east-1' ? `${host}.ec2.internal` : `${host}.${d.region}.compute.internal`;
}
