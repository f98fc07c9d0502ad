// IPv4 arithmetic for subnets and public pools: addresses as unsigned 32-bit numbers, parsed by
// the one strict IPv4 parser in config/validators.ts.

import { isIpv4, parseIpv4 } from '../../config/validators.js';

export { isIpv4 };

/** The address as a number; callers validate first (NaN for anything that is not a dotted quad). */
export function ipToNumber(ip: string): number {
  return parseIpv4(ip) ?? Number.NaN;
}

export function numberToIp(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
}

export interface Cidr {
  base: number;
  prefix: number;
  size: number;
}

export function parseCidr(cidr: string): Cidr | undefined {
  const m = /^([\d.]+)\/(\d{1,2})$/.exec(cidr);
  if (!m || !isIpv4(m[1]!) || Number(m[2]) > 32) return undefined;
  const prefix = Number(m[2]);
  const size = 2 ** (32 - prefix);
  const base = ipToNumber(m[1]!) - (ipToNumber(m[1]!) % size);
  return { base, prefix, size };
}

export function cidrContains(c: Cidr, ip: string): boolean {
  const n = ipToNumber(ip);
  return n >= c.base && n < c.base + c.size;
}

/** AWS reserves the network address, +1 (router), +2 (DNS), +3 (future) and the broadcast address. */
export function isSubnetReserved(c: Cidr, ip: string): boolean {
  const off = ipToNumber(ip) - c.base;
  return off <= 3 || off === c.size - 1;
}

/** Usable host addresses of a subnet, lowest first. */
export function* subnetHosts(c: Cidr): Generator<string> {
  for (let off = 4; off < c.size - 1; off++) yield numberToIp(c.base + off);
}

/** Hosts of a public pool (network and broadcast addresses excluded), lowest first. */
export function* poolHosts(c: Cidr): Generator<string> {
  if (c.size <= 2) {
    for (let off = 0; off < c.size; off++) yield numberToIp(c.base + off);
    return;
  }
  for (let off = 1; off < c.size - 1; off++) yield numberToIp(c.base + off);
}
