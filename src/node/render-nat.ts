// The NAT rules: table ip solokube, matching ONLY the secondary address, so kube-apiserver keeps
// every other 443. Loaded with `nft -f`, which applies the whole file as one transaction; the
// "table; delete table; table {...}" preamble replaces our table wholesale (and works whether or
// not it existed), so a rerun never duplicates a rule.
//
// The output chain does the same for connections the node itself opens to the secondary address
// (hostNetwork pods, checks run on the node): without it they would reach kube-apiserver on *:443
// instead of the apps.

import type { NodeSpec } from './spec.js';
import { MANAGED_MARKER, NFT_TABLE } from './paths.js';

export interface Redirect {
  dport: number;
  toPort: number;
}

/** The redirects the spec asks for: 443 → proxy, and in direct mode also 80 → the ingress's HTTP port. */
export function desiredRedirects(spec: NodeSpec): Redirect[] {
  const p = spec.ports;
  return spec.proxy === 'haproxy'
    ? [{ dport: 443, toPort: p.proxyHttps }]
    : [
        { dport: 443, toPort: p.directHttps },
        { dport: 80, toPort: p.directHttp },
      ];
}

export const NAT_CHAINS = [
  { name: 'prerouting', hook: 'prerouting', priority: 'dstnat' },
  { name: 'output', hook: 'output', priority: '-100' },
] as const;

export function renderNatRules(spec: NodeSpec): string {
  const rules = desiredRedirects(spec).map(
    (r) => `ip daddr ${spec.secondaryIp} tcp dport ${r.dport} redirect to :${r.toPort}`,
  );
  const chains = NAT_CHAINS.map(
    (c) => `    chain ${c.name} {
        type nat hook ${c.hook} priority ${c.priority}; policy accept;
${rules.map((r) => `        ${r}`).join('\n')}
    }`,
  );
  return `${MANAGED_MARKER} for cluster ${spec.clusterName} (proxy: ${spec.proxy}).
# Only ${spec.secondaryIp} is redirected; every other address keeps its ports.
table ip ${NFT_TABLE}
delete table ip ${NFT_TABLE}
table ip ${NFT_TABLE} {
${chains.join('\n')}
}
`;
}
