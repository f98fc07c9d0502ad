// What the node itself can tell: which interface holds the primary address, and with which prefix
// length (the subnet's real one, as DHCP configured it). Used when the caller did not say.

import { SolokubeError } from '../core/errors.js';
import type { NodeShell } from './shell.js';

export interface NodeLayout {
  interface: string;
  prefixLength: number;
}

interface IpAddrJson {
  ifname?: string;
  addr_info?: { family?: string; local?: string; prefixlen?: number }[];
}

export async function discoverNodeLayout(shell: NodeShell, primaryIp: string): Promise<NodeLayout> {
  const links = JSON.parse((await shell.run(['ip', '-j', '-4', 'addr', 'show'])).stdout) as IpAddrJson[];
  for (const link of links) {
    const a = (link.addr_info ?? []).find((x) => x.family === 'inet' && x.local === primaryIp);
    if (a && link.ifname && typeof a.prefixlen === 'number')
      return { interface: link.ifname, prefixLength: a.prefixlen };
  }
  const seen = links.flatMap((l) =>
    (l.addr_info ?? []).map((x) => `${l.ifname ?? '?'} ${x.local ?? '?'}/${x.prefixlen ?? '?'}`),
  );
  throw new SolokubeError({
    code: 'node.primary-ip-not-found',
    message: `No interface on ${shell.description} has the primary address ${primaryIp} (it has: ${seen.join(', ') || 'no IPv4 addresses'}).`,
    remedy: "Pass the node's primary private IP (--primary-ip), as the EC2 console shows it.",
    actor: 'user',
    exitCode: 2,
  });
}
