// The hops a request crosses, in the order it crosses them, and how doctor names the first broken
// one: a fault early on the path (the node lost its address) also breaks every later hop (the
// end-to-end request), so the earliest failing hop is the one to fix first.

import type { Check } from '../aws/doctor.js';

export const HOPS = ['aws', 'node', 'cluster', 'dns', 'tls', 'e2e'] as const;
export type Hop = (typeof HOPS)[number];

export const HOP_TITLES: Record<Hop, string> = {
  aws: "AWS's APIs (credentials, instance, Elastic IP, security group, Route 53 records)",
  node: 'the node (address, redirect, listener, reclaim unit)',
  cluster: "the cluster's API (answers, node Ready and untainted, ingress ready)",
  dns: 'public resolution of the app names and the API name',
  tls: "each HTTPS app's certificate on the Elastic IP",
  e2e: "a request to each app's URL, and to the API on the primary public address",
};

export function tagged(hop: Hop, checks: readonly Check[]): Check[] {
  return checks.map((c) => ({ ...c, hop }));
}

const rank = (c: Check): number => {
  const i = HOPS.indexOf(c.hop as Hop);
  return i < 0 ? HOPS.length : i;
};

/** Checks in path order (stable within a hop). */
export function inPathOrder(checks: readonly Check[]): Check[] {
  return checks
    .map((c, i) => ({ c, i }))
    .sort((a, b) => rank(a.c) - rank(b.c) || a.i - b.i)
    .map(({ c }) => c);
}

/** The first failing check along the path, or undefined when nothing fails. */
export function firstBroken(checks: readonly Check[]): Check | undefined {
  return inPathOrder(checks).find((c) => c.status === 'fail');
}
