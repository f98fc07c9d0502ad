// Subnet arithmetic for validation (membership, network and broadcast addresses), on the one
// strict IPv4 parser of config/validators.ts.

import { parseIpv4 } from '../config/validators.js';

function networkOf(address: number, prefixLength: number): number {
  if (prefixLength === 0) return 0;
  const mask = (0xffffffff << (32 - prefixLength)) >>> 0;
  return (address & mask) >>> 0;
}

/** True when both addresses are in the same /prefixLength network. */
export function sameSubnet(a: string, b: string, prefixLength: number): boolean {
  const x = parseIpv4(a);
  const y = parseIpv4(b);
  if (x === undefined || y === undefined) return false;
  return networkOf(x, prefixLength) === networkOf(y, prefixLength);
}

/** True for the network and broadcast addresses of subnets that have them (prefix ≤ 30). */
export function isNetworkOrBroadcast(address: string, prefixLength: number): boolean {
  const n = parseIpv4(address);
  if (n === undefined || prefixLength > 30) return false;
  const network = networkOf(n, prefixLength);
  const broadcast = (network + 2 ** (32 - prefixLength) - 1) >>> 0;
  return n === network || n === broadcast;
}
