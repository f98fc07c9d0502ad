// The sandbox's internet gateway follows "AWS": every public address the emulator has put on the
// node (the instance's own public IP, and Elastic IPs by association) is NATed one-to-one to the
// private address it belongs to, and nothing else. Real AWS does this in its internet gateway.

import type { EmulatorStateView } from '../aws/index.js';
import type { Lab, LabGateway } from '../lab/index.js';
import { emulatorState } from './emulator-process.js';

export interface PublicMapping {
  publicIp: string;
  privateIp: string;
}

/** Public → private mappings for one network interface, as AWS would route them. */
export function publicMappings(state: EmulatorStateView, networkInterfaceId: string): PublicMapping[] {
  const eni = state.networkInterfaces[networkInterfaceId];
  if (!eni) return [];
  const out: PublicMapping[] = [];
  const primary = eni.privateIps.find((p) => p.primary)?.address;
  if (eni.autoPublicIp && primary) out.push({ publicIp: eni.autoPublicIp, privateIp: primary });
  for (const a of Object.values(state.addresses)) {
    if (a.association?.networkInterfaceId === networkInterfaceId)
      out.push({ publicIp: a.publicIp, privateIp: a.association.privateIpAddress });
  }
  return out.sort((x, y) => x.publicIp.localeCompare(y.publicIp));
}

/** Make the gateway's NAT equal to the mappings: add what is missing, remove what is stale. */
export async function syncGateway(
  gateway: LabGateway,
  wanted: readonly PublicMapping[],
): Promise<{ added: PublicMapping[]; removed: string[] }> {
  const current = await gateway.listPublicIps();
  const added: PublicMapping[] = [];
  const removed: string[] = [];
  for (const c of current) {
    if (!wanted.some((w) => w.publicIp === c.publicIp && w.privateIp === c.privateIp)) {
      await gateway.unmapPublicIp(c.publicIp);
      removed.push(c.publicIp);
    }
  }
  for (const w of wanted) {
    if (!current.some((c) => c.publicIp === w.publicIp && c.privateIp === w.privateIp)) {
      await gateway.mapPublicIp(w.publicIp, w.privateIp);
      added.push(w);
    }
  }
  return { added, removed };
}

/** Make the lab gateway's NAT follow the emulator's public addresses. */
export async function syncLabGateway(
  endpoint: string,
  lab: Lab,
  signal?: AbortSignal,
): Promise<{ added: PublicMapping[]; removed: string[] }> {
  const state = await emulatorState(endpoint, signal);
  const mappings = Object.keys(state.networkInterfaces).flatMap((eni) => publicMappings(state, eni));
  return syncGateway(lab.gateway, mappings);
}
