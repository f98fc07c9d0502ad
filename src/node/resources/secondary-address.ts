// SecondaryAddress: the secondary private IP configured on the node's interface with the subnet's
// real prefix length. AWS assigns the address to the ENI; the OS still has to be told.

import { SolokubeError } from '../../core/errors.js';
import type { Change, Resource } from '../../core/resource.js';
import { diffFields } from '../../core/resource.js';
import type { NodeShell } from '../shell.js';
import type { NodeOutline, NodeSpec } from '../spec.js';
import { NODE_RESOURCE_IDS } from './ids.js';

export interface SecondaryAddressState {
  interface: string;
  address: string;
  prefixLength: number;
}

interface IpAddrJson {
  ifname?: string;
  addr_info?: { family?: string; local?: string; prefixlen?: number }[];
}

export class InterfaceMissingError extends SolokubeError {
  constructor(iface: string, where: string, stderr: string) {
    super({
      code: 'node.interface-missing',
      message: `The interface ${iface} does not exist on ${where}: ${stderr.trim()}`,
      remedy: 'Set the node interface (e.g. ens5 on Nitro instances, eth0 on older ones; see `ip -br link` on the node).',
      actor: 'user',
      exitCode: 2,
    });
  }
}

/** The static description for `plan --offline`. */
export function outlineSecondaryAddress(o: NodeOutline): Record<string, unknown> {
  return { interface: o.interface ?? '(the one holding the primary address)', address: '(the secondary private IP)' };
}

export function secondaryAddress(spec: NodeSpec, shell: NodeShell): Resource<SecondaryAddressState> {
  const cidr = (s: SecondaryAddressState): string => `${s.address}/${s.prefixLength}`;
  return {
    id: NODE_RESOURCE_IDS.secondaryAddress,
    title: `secondary address ${spec.secondaryIp}/${spec.prefixLength} on ${spec.interface}`,
    desired: () => ({ interface: spec.interface, address: spec.secondaryIp, prefixLength: spec.prefixLength }),
    async find() {
      const r = await shell.run(['ip', '-j', 'addr', 'show', 'dev', spec.interface], { allowFailure: true });
      if (r.code !== 0) throw new InterfaceMissingError(spec.interface, shell.description, `exit ${r.code} ${r.stderr}`);
      const links = JSON.parse(r.stdout) as IpAddrJson[];
      const info = links.flatMap((l) => l.addr_info ?? []).find((a) => a.family === 'inet' && a.local === spec.secondaryIp);
      if (!info || typeof info.prefixlen !== 'number') return undefined;
      return { interface: spec.interface, address: spec.secondaryIp, prefixLength: info.prefixlen };
    },
    diff: (actual, desired): Change[] => diffFields(actual, desired, ['interface', 'address', 'prefixLength']),
    async apply(_ctx, actual, desired) {
      // The kernel keys an IPv4 address by address and prefix: a wrong prefix must go first.
      if (actual && actual.prefixLength !== desired.prefixLength) await shell.run(['ip', 'addr', 'del', cidr(actual), 'dev', actual.interface]);
      await shell.run(['ip', 'addr', 'replace', cidr(desired), 'dev', desired.interface]);
      return undefined;
    },
    async delete(_ctx, actual) {
      await shell.run(['ip', 'addr', 'del', cidr(actual), 'dev', actual.interface]);
    },
  };
}
