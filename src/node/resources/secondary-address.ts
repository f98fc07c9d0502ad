// SecondaryAddress: the secondary private IP configured on the node's interface as a /32, never with
// the subnet's prefix (SECONDARY_ADDRESS_PREFIX_LENGTH in paths.ts says why). AWS assigns the
// address to the ENI; the OS still has to be told, and so does the node's network manager:
// systemd-networkd (which netplan renders to on Ubuntu) drops addresses it does not know whenever it
// reconfigures the interface, so where networkd manages the interface the address also goes into a
// drop-in beside the interface's .network file (a drop-in in /etc applies to a netplan-generated
// file in /run too, and survives `netplan apply`). Elsewhere the boot
// unit restores it at boot. A node set up by an earlier solokube holds the address with the subnet's
// prefix: find() reports the prefix it has, so the plan shows the change and apply moves it to /32.

import { SolokubeError } from '../../core/errors.js';
import type { Change, Resource } from '../../core/resource.js';
import { diffFields } from '../../core/resource.js';
import { MANAGED_MARKER, SECONDARY_ADDRESS_PREFIX_LENGTH } from '../paths.js';
import type { NodeShell } from '../shell.js';
import { NodeCommandError, withSignal } from '../shell.js';
import type { NodeOutline, NodeSpec } from '../spec.js';
import { NODE_RESOURCE_DEADLINE_MS, NODE_RESOURCE_IDS } from './ids.js';

export interface SecondaryAddressState {
  interface: string;
  address: string;
  /** The prefix length on the interface: SECONDARY_ADDRESS_PREFIX_LENGTH when converged. */
  prefixLength: number;
  /** The systemd-networkd drop-in holding the address; undefined where networkd does not manage the interface. */
  networkdDropIn?: string | undefined;
}

const DROP_IN_NAME = '50-solokube-secondary-ip.conf';

/** The .network file systemd-networkd configures `iface` from, or undefined when networkd does not manage it. */
async function networkdFileOf(shell: NodeShell, iface: string): Promise<string | undefined> {
  const r = await shell.run(['networkctl', '--no-pager', '--no-legend', 'status', iface], { allowFailure: true });
  if (r.code !== 0) return undefined;
  const file = /Network File: (\/\S+\.network)\s*$/m.exec(r.stdout)?.[1];
  return file && /^\/[A-Za-z0-9_.@+/-]+$/.test(file) ? file : undefined;
}

function dropInPath(networkFile: string): string {
  return `/etc/systemd/network/${networkFile.split('/').pop()!}.d/${DROP_IN_NAME}`;
}

/** The drop-in's text; the reclaim script writes the same text (src/reclaim/render-script.ts). */
export function renderNetworkdDropIn(spec: NodeSpec): string {
  return `${MANAGED_MARKER} for cluster ${spec.clusterName}.
# The secondary address, so that systemd-networkd keeps it when it reconfigures ${spec.interface}.
# A /${SECONDARY_ADDRESS_PREFIX_LENGTH}, outside the primary's prefix: never promoted to the node's source address.
[Address]
Address=${spec.secondaryIp}/${SECONDARY_ADDRESS_PREFIX_LENGTH}
`;
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
      remedy:
        'Set the node interface (e.g. ens5 on Nitro instances, eth0 on older ones; see `ip -br link` on the node).',
      actor: 'user',
      exitCode: 2,
    });
  }
}

/** The static description for `plan --offline`. */
export function outlineSecondaryAddress(o: NodeOutline): Record<string, unknown> {
  return { interface: o.interface ?? '(the one holding the primary address)', address: '(the secondary private IP)' };
}

export function secondaryAddress(spec: NodeSpec, baseShell: NodeShell): Resource<SecondaryAddressState> {
  const cidr = (s: SecondaryAddressState): string => `${s.address}/${s.prefixLength}`;
  // Which .network file manages the interface does not change during one run: ask once.
  let networkFile: Promise<string | undefined> | undefined;
  const managedBy = (shell: NodeShell) => (networkFile ??= networkdFileOf(shell, spec.interface));
  const reloadNetworkd = (shell: NodeShell) => shell.run(['networkctl', 'reload']);
  return {
    id: NODE_RESOURCE_IDS.secondaryAddress,
    title: `secondary address ${spec.secondaryIp}/${SECONDARY_ADDRESS_PREFIX_LENGTH} on ${spec.interface}`,
    deadlineMs: NODE_RESOURCE_DEADLINE_MS[NODE_RESOURCE_IDS.secondaryAddress],
    async desired(ctx) {
      const file = await managedBy(withSignal(baseShell, ctx.signal));
      return {
        interface: spec.interface,
        address: spec.secondaryIp,
        prefixLength: SECONDARY_ADDRESS_PREFIX_LENGTH,
        networkdDropIn: file ? renderNetworkdDropIn(spec) : undefined,
      };
    },
    async find(ctx) {
      const shell = withSignal(baseShell, ctx.signal);
      const r = await shell.run(['ip', '-j', 'addr', 'show', 'dev', spec.interface], { allowFailure: true });
      if (r.code !== 0)
        throw new InterfaceMissingError(spec.interface, shell.description, `exit ${r.code} ${r.stderr}`);
      const links = JSON.parse(r.stdout) as IpAddrJson[];
      const held = links
        .flatMap((l) => l.addr_info ?? [])
        .filter((a) => a.family === 'inet' && a.local === spec.secondaryIp && typeof a.prefixlen === 'number');
      // The kernel may hold the address under two prefixes (an earlier solokube's subnet prefix
      // beside the /32): report the stray one, so that the plan shows it and apply removes it.
      const info = held.find((a) => a.prefixlen !== SECONDARY_ADDRESS_PREFIX_LENGTH) ?? held[0];
      if (!info || typeof info.prefixlen !== 'number') return undefined;
      const file = await managedBy(shell);
      const networkdDropIn = file ? await shell.readFile(dropInPath(file)) : undefined;
      return { interface: spec.interface, address: spec.secondaryIp, prefixLength: info.prefixlen, networkdDropIn };
    },
    diff: (actual, desired): Change[] =>
      diffFields(actual, desired, ['interface', 'address', 'prefixLength', 'networkdDropIn']),
    async apply(ctx, actual, desired) {
      const shell = withSignal(baseShell, ctx.signal);
      // The kernel keys an IPv4 address by address and prefix: a wrong prefix must go first.
      if (actual && actual.prefixLength !== desired.prefixLength)
        await shell.run(['ip', 'addr', 'del', cidr(actual), 'dev', actual.interface]);
      const file = await managedBy(shell);
      if (file && desired.networkdDropIn !== undefined) {
        const path = dropInPath(file);
        await shell.run(['mkdir', '-p', '-m', '0755', path.slice(0, path.lastIndexOf('/'))]);
        await shell.writeFileAtomic(path, desired.networkdDropIn, 0o644);
        await reloadNetworkd(shell);
      }
      await shell.run(['ip', 'addr', 'replace', cidr(desired), 'dev', desired.interface]);
      return undefined;
    },
    async delete(ctx, actual) {
      const shell = withSignal(baseShell, ctx.signal);
      const file = await managedBy(shell);
      if (file) {
        const path = dropInPath(file);
        if ((await shell.readFile(path)) !== undefined) {
          await shell.run(['rm', '-f', '--', path]);
          await shell.run(['rmdir', '--ignore-fail-on-non-empty', path.slice(0, path.lastIndexOf('/'))]);
          await reloadNetworkd(shell);
        }
      }
      // networkd may already have taken it away on reload.
      const r = await shell.run(['ip', 'addr', 'del', cidr(actual), 'dev', actual.interface], { allowFailure: true });
      if (r.code !== 0 && !/Cannot assign requested address|not found/i.test(r.stderr))
        throw new NodeCommandError(shell.description, ['ip', 'addr', 'del', cidr(actual)], r);
    },
  };
}
