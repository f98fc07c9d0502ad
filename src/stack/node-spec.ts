// From the configuration plus what AWS discovery found to the node layer's NodeSpec. The interface
// is the configured one, or the one on the node that holds the primary private address (the same
// on EC2, where it is ens5 or eth0, and in the sandbox, where it is host0; see discoverNodeLayout).

import { names } from '../config/naming.js';
import type { SolokubeConfig } from '../config/schema.js';
import { DEFAULT_PORTS, parseNodeSpec } from '../node/index.js';
import type { NodeOutline, NodeSpec } from '../node/index.js';

export interface NodeAddresses {
  primaryIp: string;
  secondaryIp: string;
  prefixLength: number;
}

/** The node spec as far as the configuration alone knows it (for `plan --offline`). */
export function nodeOutlineFor(config: SolokubeConfig): NodeOutline {
  return {
    proxy: config.proxy,
    proxyProtocol: config.proxyProtocol,
    apiServerNames: names(config).apiServerNames,
    ports: DEFAULT_PORTS,
    interface: config.nodeInterface,
  };
}

export function nodeSpecFor(config: SolokubeConfig, addresses: NodeAddresses, iface: string): NodeSpec {
  return parseNodeSpec(
    {
      clusterName: config.name,
      apiServerNames: names(config).apiServerNames,
      primaryIp: addresses.primaryIp,
      secondaryIp: addresses.secondaryIp,
      prefixLength: addresses.prefixLength,
      interface: iface,
      proxy: config.proxy,
      proxyProtocol: config.proxyProtocol,
    },
    'the node settings derived from the configuration',
  );
}
