// Dotted-quad IPv4 arithmetic for validation: strict parsing (no leading zeros, which some tools
// read as octal) and subnet membership.

const OCTET = /^(0|[1-9][0-9]{0,2})$/;

/** The address as an unsigned 32-bit number, or undefined when it is not a plain dotted quad. */
export function parseIpv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (!OCTET.test(p)) return undefined;
    const v = Number(p);
    if (v > 255) return undefined;
    n = n * 256 + v;
  }
  return n;
}

export function isIpv4(text: string): boolean {
  return parseIpv4(text) !== undefined;
}

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
