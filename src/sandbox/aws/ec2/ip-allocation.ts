// Deterministic lowest-free address choice, for private IPs inside a subnet and public IPs from the
// emulator's pool.
import { AwsError } from '../errors.js';
import { cidrContains, isIpv4, isSubnetReserved, parseCidr, poolHosts, subnetHosts, type Cidr } from '../ipv4.js';
import type { EmulatorData, SubnetRecord } from '../model.js';
import { publicIpsInUse } from './lookup.js';

export function privateIpsInUse(d: EmulatorData, subnetId: string): Set<string> {
  const used = new Set<string>();
  for (const e of Object.values(d.networkInterfaces)) {
    if (e.subnetId === subnetId) for (const p of e.privateIps) used.add(p.address);
  }
  return used;
}

/** The `count` lowest free host addresses of the subnet, or InsufficientFreeAddressesInSubnet. */
export function lowestFreePrivateIps(d: EmulatorData, subnet: SubnetRecord, count: number): string[] {
  const used = privateIpsInUse(d, subnet.subnetId);
  const picked: string[] = [];
  for (const ip of subnetHosts(parseCidr(subnet.cidrBlock)!)) {
    if (picked.length === count) break;
    if (!used.has(ip)) picked.push(ip);
  }
  if (picked.length < count) {
    throw new AwsError(
      'InsufficientFreeAddressesInSubnet',
      `The specified subnet ${subnet.subnetId} has insufficient free addresses to satisfy the request.`,
    );
  }
  return picked;
}

/** Explicit private IP: inside the subnet, not reserved. (Whether it is free is the caller's rule.) */
export function checkPrivateIpInSubnet(subnet: SubnetRecord, ip: string): void {
  const c = parseCidr(subnet.cidrBlock)!;
  if (!isIpv4(ip) || !cidrContains(c, ip)) {
    throw new AwsError('InvalidParameterValue', `Address ${ip} does not fall within the subnet's address range`);
  }
  if (isSubnetReserved(c, ip))
    throw new AwsError('InvalidParameterValue', `Address ${ip} is reserved by AWS in subnet ${subnet.subnetId}`);
}

export function lowestFreePublicIp(d: EmulatorData, pool: Cidr): string {
  const used = publicIpsInUse(d);
  for (const ip of poolHosts(pool)) if (!used.has(ip)) return ip;
  throw new AwsError('InsufficientAddressCapacity', 'There are no more public addresses available in the pool.', 500);
}
