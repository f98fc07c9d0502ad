// Choosing a free private address in a subnet ourselves, so that the address is known — and can be
// recorded as ours — before AssignPrivateIpAddresses is asked for it. AWS reserves five addresses
// of every subnet: the network address, +1 (router), +2 (DNS), +3 (future use) and the last one
// (AWS VPC user guide, "Subnet CIDR blocks"); assigning one of them is an InvalidParameterValue.

import { parseIpv4 } from '../config/validators.js';

const RESERVED_AT_START = 4;

function formatIpv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/** The subnet's assignable addresses not in `taken`, lowest first; undefined for a malformed CIDR. */
export function freeSubnetAddresses(cidr: string, taken: ReadonlySet<string>): string[] | undefined {
  const [base, bits] = cidr.split('/');
  const network = base === undefined ? undefined : parseIpv4(base);
  const prefix = Number(bits);
  if (network === undefined || !Number.isInteger(prefix) || prefix < 0 || prefix > 28) return undefined;
  const size = 2 ** (32 - prefix);
  const first = network - (network % size);
  const free: string[] = [];
  for (let n = first + RESERVED_AT_START; n < first + size - 1; n++) {
    const ip = formatIpv4(n);
    if (!taken.has(ip)) free.push(ip);
  }
  return free;
}

/**
 * One free address, chosen at random among the free ones: two allocators that read the subnet at
 * the same moment (a second solokube run, a CNI) rarely pick the same one, unlike lowest-first.
 */
export function pickFreeSubnetAddress(
  cidr: string,
  taken: ReadonlySet<string>,
  random: () => number = Math.random,
): string | undefined {
  const free = freeSubnetAddresses(cidr, taken) ?? [];
  return free[Math.floor(random() * free.length)];
}
