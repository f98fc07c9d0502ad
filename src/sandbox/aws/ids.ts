// Deterministic resource ids: a per-prefix counter kept in the state (so ids stay unique across a
// restart with a state file) rendered in the shape AWS uses.
import type { EmulatorData } from './model.js';

function bump(data: EmulatorData, key: string): number {
  const n = (data.counters[key] ?? 0) + 1;
  data.counters[key] = n;
  return n;
}

/** EC2 style: `<prefix>-` + 17 lower-case hex digits, e.g. `eipalloc-00000000000000001`. */
export function ec2Id(data: EmulatorData, prefix: string): string {
  return `${prefix}-${bump(data, prefix).toString(16).padStart(17, '0')}`;
}

/** Route 53 style: a letter + 13 upper-case base-36 characters, e.g. `C0000000000001`. */
export function route53Id(data: EmulatorData, letter: 'Z' | 'C'): string {
  return `${letter}${bump(data, `r53-${letter}`).toString(36).toUpperCase().padStart(13, '0')}`;
}

/** A locally administered unicast MAC derived from a counter. */
export function macAddress(data: EmulatorData): string {
  const n = bump(data, 'mac');
  const bytes = [0x02, 0x5e, (n >> 24) & 0xff, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
  return bytes.map((b) => b.toString(16).padStart(2, '0')).join(':');
}
