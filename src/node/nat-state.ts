// Reading solokube's nft table back from `nft -j list table ip solokube` into canonical lines that
// compare equal to what the spec asks for, whatever formatting nft uses. Rules we do not recognise
// are kept (as their JSON) so that they show up as a difference and get replaced.

import { NAT_CHAINS, desiredRedirects } from './render-nat.js';
import type { NodeSpec } from './spec.js';

/** nft's named priority `dstnat` for the nat prerouting hook. */
const PRIORITY: Record<string, number> = { dstnat: -100 };

/** The canonical lines for the table the spec renders. */
export function desiredNatLines(spec: NodeSpec): string[] {
  const lines: string[] = [];
  for (const c of NAT_CHAINS) {
    lines.push(
      `chain ${c.name}: nat hook ${c.hook} priority ${PRIORITY[c.priority] ?? Number(c.priority)} policy accept`,
    );
    for (const r of desiredRedirects(spec))
      lines.push(`rule ${c.name}: ip daddr ${spec.secondaryIp} tcp dport ${r.dport} redirect to :${r.toPort}`);
  }
  return lines;
}

interface NftChain {
  name: string;
  type?: string;
  hook?: string;
  prio?: number;
  policy?: string;
}
interface NftRule {
  chain: string;
  expr: unknown[];
}

/** Parse nft's JSON listing of one table into canonical lines, chain by chain in listing order. */
export function parseNatTable(json: string): string[] {
  const doc = JSON.parse(json) as { nftables?: Record<string, unknown>[] };
  const chains: NftChain[] = [];
  const rules: NftRule[] = [];
  for (const item of doc.nftables ?? []) {
    if ('chain' in item) chains.push(item.chain as NftChain);
    if ('rule' in item) rules.push(item.rule as NftRule);
  }
  const lines: string[] = [];
  for (const c of chains) {
    lines.push(
      `chain ${c.name}: ${c.type ?? 'regular'} hook ${c.hook ?? 'none'} priority ${c.prio ?? 'none'} policy ${c.policy ?? 'none'}`,
    );
    for (const r of rules.filter((x) => x.chain === c.name)) lines.push(`rule ${c.name}: ${describeRule(r.expr)}`);
  }
  return lines;
}

function describeRule(expr: unknown[]): string {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- nft JSON is untyped; every field is checked below before it is used
  const [m1, m2, red] = expr as Array<Record<string, any>>; // any: nft JSON is untyped; every field is checked below before it is used
  const daddr =
    m1?.match?.left?.payload?.protocol === 'ip' && m1.match.left.payload.field === 'daddr' && m1.match.op === '=='
      ? m1.match.right
      : undefined;
  const dport =
    m2?.match?.left?.payload?.protocol === 'tcp' && m2.match.left.payload.field === 'dport' && m2.match.op === '=='
      ? m2.match.right
      : undefined;
  const toPort = red?.redirect?.port;
  if (expr.length === 3 && typeof daddr === 'string' && typeof dport === 'number' && typeof toPort === 'number') {
    return `ip daddr ${daddr} tcp dport ${dport} redirect to :${toPort}`;
  }
  return `unrecognized ${JSON.stringify(expr)}`;
}
