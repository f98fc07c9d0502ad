// NodeSpec: everything the node layer needs, as plain data. The lead's config layer maps
// solokube.yaml (plus what AWS discovery found) onto it; parseNodeSpec validates it strictly, because
// every value here ends up in a shell command, a config file or a netfilter rule on the node.

import { z } from 'zod';
import { ConfigError } from '../core/errors.js';
import type { ConfigIssue } from '../core/errors.js';
import { INTERFACE_RE, MAX_PORT, isDnsName, isIpv4, isPort } from '../config/validators.js';
import { PORTS } from '../config/naming.js';
import { isNetworkOrBroadcast, sameSubnet } from './ipv4.js';

const dnsName = z.string().refine(isDnsName, 'must be a lower-case RFC 1123 DNS name');
const ipv4 = z.string().refine(isIpv4, 'must be a dotted-quad IPv4 address');
const port = z.number().refine((n) => isPort(n), `must be a port number from 1 to ${MAX_PORT}`);

/** The data path's fixed ports, as config/naming.ts defines them (DESIGN.md §1). */
export const DEFAULT_PORTS = {
  proxyHttps: PORTS.proxyHttps,
  ingressHttps: PORTS.ingressHttps,
  ingressHttp: PORTS.ingressHttp,
  directHttps: PORTS.directHttps,
  directHttp: PORTS.directHttp,
  apiServer: PORTS.apiServer,
  stats: PORTS.haproxyStats,
} as const;

const portsSchema = z
  .object({
    /** HAProxy's TLS frontend, the REDIRECT target for secondary:443 in haproxy mode. */
    proxyHttps: port,
    /** The ingress controller's HTTPS NodePort. */
    ingressHttps: port,
    /** The ingress controller's HTTP NodePort. */
    ingressHttp: port,
    /** proxy: direct — the hostNetwork ingress's HTTPS port (REDIRECT target for secondary:443). */
    directHttps: port,
    /** proxy: direct — the hostNetwork ingress's HTTP port (REDIRECT target for secondary:80). */
    directHttp: port,
    /** kube-apiserver's port on the primary address. */
    apiServer: port,
    /** HAProxy's stats page, bound to 127.0.0.1 only. */
    stats: port,
  })
  .strict();

const nodeSpecSchema = z
  .object({
    clusterName: dnsName,
    /** TLS SNI names that HAProxy routes to the API server, e.g. api.<cluster>, api.internal.<cluster>. */
    apiServerNames: z.array(dnsName).min(1),
    primaryIp: ipv4,
    secondaryIp: ipv4,
    /**
     * The subnet's prefix length, for validation only: AWS assigns the secondary from the ENI's
     * subnet, so it must lie in the primary's. On the interface the secondary is always a /32
     * (SECONDARY_ADDRESS_PREFIX_LENGTH in paths.ts), never this prefix.
     */
    prefixLength: z.number().int().min(1).max(32),
    interface: z.string().regex(INTERFACE_RE, 'must be a Linux interface name (1-15 of A-Z a-z 0-9 _ . -)'),
    proxy: z.enum(['haproxy', 'direct']),
    /** haproxy mode only: send PROXY protocol v2 to the ingress so it sees the client's address. */
    proxyProtocol: z.boolean(),
    ports: portsSchema,
  })
  .strict()
  .superRefine((s, ctx) => {
    // zod runs this even when fields failed above; cross-field checks need valid parts.
    const addressesValid =
      isIpv4(s.primaryIp) &&
      isIpv4(s.secondaryIp) &&
      Number.isInteger(s.prefixLength) &&
      s.prefixLength >= 1 &&
      s.prefixLength <= 32;
    if (!addressesValid) return;
    if (s.primaryIp === s.secondaryIp)
      ctx.addIssue({ code: 'custom', path: ['secondaryIp'], message: 'must differ from primaryIp' });
    else if (!sameSubnet(s.primaryIp, s.secondaryIp, s.prefixLength)) {
      ctx.addIssue({
        code: 'custom',
        path: ['secondaryIp'],
        message: `must be in the same /${s.prefixLength} subnet as primaryIp ${s.primaryIp}`,
      });
    }
    if (isNetworkOrBroadcast(s.secondaryIp, s.prefixLength)) {
      ctx.addIssue({
        code: 'custom',
        path: ['secondaryIp'],
        message: `is the network or broadcast address of its /${s.prefixLength} subnet`,
      });
    }
    if (s.proxy === 'direct' && s.proxyProtocol) {
      ctx.addIssue({
        code: 'custom',
        path: ['proxyProtocol'],
        message: 'applies to proxy: haproxy only (direct mode keeps the client address without it)',
      });
    }
    const listening =
      s.proxy === 'haproxy' ? [s.ports.proxyHttps, s.ports.stats, 80] : [s.ports.directHttps, s.ports.directHttp];
    if (new Set(listening).size !== listening.length)
      ctx.addIssue({
        code: 'custom',
        path: ['ports'],
        message: `ports the node listens on collide: ${listening.join(', ')}`,
      });
    if (s.proxy === 'haproxy' && listening.includes(s.ports.apiServer)) {
      ctx.addIssue({
        code: 'custom',
        path: ['ports'],
        message: `the proxy must not listen on the API server's port ${s.ports.apiServer}`,
      });
    }
  });

export type NodePorts = z.infer<typeof portsSchema>;

/** What is known of a node spec before AWS has found the node: everything but its addresses. */
export interface NodeOutline {
  proxy: 'haproxy' | 'direct';
  proxyProtocol: boolean;
  apiServerNames: readonly string[];
  ports: NodePorts;
  /** The configured interface; undefined means "discovered on the node". */
  interface?: string | undefined;
}
export type NodeSpec = z.infer<typeof nodeSpecSchema>;
export type ProxyMode = NodeSpec['proxy'];

/** Input to parseNodeSpec: ports and proxyProtocol may be left out and take their defaults. */
export type NodeSpecInput = Omit<NodeSpec, 'ports' | 'proxyProtocol'> & {
  ports?: Partial<NodePorts>;
  proxyProtocol?: boolean;
};

/** Validate a node spec; throws ConfigError listing every problem at once with its field path. */
export function parseNodeSpec(input: NodeSpecInput, source = 'node spec'): NodeSpec {
  const withDefaults = { proxyProtocol: false, ...input, ports: { ...DEFAULT_PORTS, ...(input.ports ?? {}) } };
  const result = nodeSpecSchema.safeParse(withDefaults);
  if (result.success) return result.data;
  const issues: ConfigIssue[] = result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  throw new ConfigError(source, issues);
}
