// From the configuration plus what AWS discovery found to the node layer's NodeSpec. The interface
// is the configured one, or the one on the node that holds the primary private address (the same
// on EC2, where it is ens5 or eth0, and in the sandbox, where it is host0).

import { names, PORTS } from '../config/naming.js';
import type { SolokubeConfig } from '../config/schema.js';
import { SolokubeError } from '../core/errors.js';
import { parseNodeSpec } from '../node/index.js';
import type { NodeShell, NodeSpec } from '../node/index.js';

export interface NodeAddresses {
  primaryIp: string;
  secondaryIp: string;
  prefixLength: number;
}

export function nodeSpecFor(config: SolokubeConfig, addresses: NodeAddresses, iface: string): NodeSpec {
  return parseNodeSpec({
    clusterName: config.name,
    apiServerNames: names(config).apiServerNames,
    primaryIp: addresses.primaryIp,
    secondaryIp: addresses.secondaryIp,
    prefixLength: addresses.prefixLength,
    interface: iface,
    proxy: config.proxy,
    proxyProtocol: config.proxyProtocol,
    ports: {
      proxyHttps: PORTS.proxyHttps,
      ingressHttps: PORTS.ingressHttps,
      ingressHttp: PORTS.ingressHttp,
      directHttps: PORTS.directHttps,
      directHttp: PORTS.directHttp,
      apiServer: PORTS.apiServer,
      stats: PORTS.haproxyStats,
    },
  }, 'the node settings derived from the configuration');
}

interface IpAddrJson {
  ifname?: string;
  addr_info?: { family?: string; local?: string }[];
}

/** The interface holding an address, read from the live node. */
export async function interfaceHolding(shell: NodeShell, address: string): Promise<string> {
  const r = await shell.run(['ip', '-j', '-4', 'addr', 'show']);
  const links = JSON.parse(r.stdout) as IpAddrJson[];
  const link = links.find((l) => (l.addr_info ?? []).some((a) => a.family === 'inet' && a.local === address));
  if (!link?.ifname) {
    throw new SolokubeError({
      code: 'node.primary-address-missing',
      message: `no interface on ${shell.description} holds the primary private address ${address}`,
      remedy: 'Check that solokube reaches the control-plane instance AWS reports, or set nodeInterface in solokube.yaml.',
      actor: 'node',
    });
  }
  return link.ifname;
}
