// The lab's address plan, all inside 198.18.0.0/15 (RFC 2544 benchmarking space), so lab traffic
// can never leave for a real network. The VPC subnet is behind the gateway; the "internet" client
// and the public addresses the gateway maps are on the other side of it.
import { parseIpv4 } from '../../config/validators.js';
import { UsageError } from '../../core/errors.js';

export const VPC_SUBNET = '198.18.0.0/24';
export const VPC_PREFIX_LENGTH = 24;
export const VPC_GATEWAY = '198.18.0.1';
export const DEFAULT_NODE_PRIMARY = '198.18.0.10';
export const INTERNET_SUBNET = '198.19.0.0/24';
export const INTERNET_GATEWAY = '198.19.0.1';
export const CLIENT_ADDRESS = '198.19.0.100';
/** The "internet's" DNS: the gateway answers here for the sandbox's Route 53 zones (see src/sandbox/env/dns-process.ts). */
export const INTERNET_DNS = '198.19.0.53';
export const PUBLIC_SUBNET = '198.19.1.0/24';

/** Interface names inside the lab's namespaces (namespaces are per run, so these never collide). */
export const GW_BRIDGE = 'br-vpc';
export const GW_INTERNET_IF = 'inet0';
export const CLIENT_IF = 'eth0';
export const NODE_IF = 'host0';

export function ipv4ToInt(ip: string): number {
  const n = parseIpv4(ip);
  if (n === undefined) throw new UsageError(`not an IPv4 address: ${JSON.stringify(ip)}`);
  return n;
}

export function inCidr(ip: string, cidr: string): boolean {
  const [base, len] = cidr.split('/');
  const bits = Number(len);
  if (!Number.isInteger(bits) || bits < 0 || bits > 32) throw new UsageError(`not a CIDR: ${JSON.stringify(cidr)}`);
  // Numbers stay below 2^32, so dividing by the host part's size is exact (no 32-bit signed bit ops).
  const hostSize = 2 ** (32 - bits);
  return Math.floor(ipv4ToInt(ip) / hostSize) === Math.floor(ipv4ToInt(base ?? '') / hostSize);
}

/** Throws a usage error unless ip is an IPv4 address inside cidr. */
export function assertInCidr(what: string, ip: string, cidr: string): void {
  if (!inCidr(ip, cidr)) throw new UsageError(`${what} ${ip} is not inside ${cidr}`, `Use an address from ${cidr}.`);
}
