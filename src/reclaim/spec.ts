// ReclaimSpec: what the boot-time reclaim needs from the configuration. Everything else (region,
// instance, ENI, addresses, credentials) the node learns at boot from the instance metadata service.

import { names, PORTS, TAG_CLUSTER, TAG_ROLE } from '../config/naming.js';
import type { SolokubeConfig } from '../config/schema.js';
import type { NodeSpec } from '../node/spec.js';
import { SECONDARY_IP_PLACEHOLDER } from './paths.js';

export interface ReclaimSpec {
  clusterName: string;
  region: string;
  proxy: NodeSpec['proxy'];
  ports: NodeSpec['ports'];
  /** The Elastic IP to claim carries these tags (solokube.io/cluster and solokube.io/role). */
  elasticIpTags: { key: string; value: string }[];
  /** kops' tag on the control plane's network interface, which the instance policy is scoped to. */
  kopsClusterTag: { key: string; value: string };
}

export function reclaimSpecFor(config: SolokubeConfig): ReclaimSpec {
  const n = names(config);
  return {
    clusterName: config.name,
    region: config.region,
    proxy: config.proxy,
    ports: {
      proxyHttps: PORTS.proxyHttps,
      ingressHttps: PORTS.ingressHttps,
      ingressHttp: PORTS.ingressHttp,
      directHttps: PORTS.directHttps,
      directHttp: PORTS.directHttp,
      apiServer: PORTS.apiServer,
      stats: PORTS.haproxyStats,
    },
    elasticIpTags: [
      { key: TAG_CLUSTER, value: config.name },
      { key: TAG_ROLE, value: 'apps-elastic-ip' },
    ],
    kopsClusterTag: { key: n.kopsClusterTag.Key, value: n.kopsClusterTag.Value },
  };
}

/**
 * The node spec the NAT renderer needs, with the secondary address left as a placeholder the script
 * fills in: the rules file the reclaim writes is then byte for byte the one `up` writes.
 */
export function natTemplateSpec(spec: ReclaimSpec): NodeSpec {
  return {
    clusterName: spec.clusterName,
    apiServerNames: [`api.${spec.clusterName}`],
    primaryIp: '0.0.0.0',
    secondaryIp: SECONDARY_IP_PLACEHOLDER,
    prefixLength: 32,
    interface: 'unused',
    proxy: spec.proxy,
    proxyProtocol: false,
    ports: spec.ports,
  };
}
