// What of a cluster's solokube objects the emulator still holds: the proof that `down` left
// nothing of ours behind.

import { TAG_CLUSTER } from '../../config/naming.js';
import type { EmulatorStateView } from '../aws/index.js';

export interface OwnedLeftovers {
  addresses: string[];
  securityGroups: string[];
  records: string[];
  secondaryPrivateIps: string[];
}

export function ownedLeftovers(
  state: EmulatorStateView,
  cluster: string,
  ownedPublicIps: readonly string[] = [],
): OwnedLeftovers {
  const ours = (tags: Record<string, string>): boolean => tags[TAG_CLUSTER] === cluster;
  const addresses = Object.values(state.addresses).filter((a) => ours(a.tags));
  const publicIps = new Set([...addresses.map((a) => a.publicIp), ...ownedPublicIps]);
  const records = Object.values(state.hostedZones).flatMap((z) =>
    z.records
      .filter((r) => r.type === 'A' && r.values.some((v) => publicIps.has(v)))
      .map((r) => `${r.name} A ${r.values.join(',')}`),
  );
  return {
    addresses: addresses.map((a) => `${a.allocationId} ${a.publicIp}`),
    securityGroups: Object.values(state.securityGroups)
      .filter((g) => ours(g.tags))
      .map((g) => `${g.groupId} ${g.groupName}`),
    records,
    secondaryPrivateIps: Object.values(state.networkInterfaces).flatMap((e) =>
      e.privateIps.filter((p) => !p.primary).map((p) => `${e.networkInterfaceId} ${p.address}`),
    ),
  };
}

export function isEmpty(l: OwnedLeftovers): boolean {
  return l.addresses.length + l.securityGroups.length + l.records.length + l.secondaryPrivateIps.length === 0;
}
