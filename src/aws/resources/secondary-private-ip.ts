// The secondary private IP on the control-plane ENI that the Elastic IP is associated with.
//
// Ownership: private IPs cannot carry tags, and an ENI may hold secondary IPs that belong to others
// (a CNI that gives pods secondary IPs, another tool). So solokube records the address it assigned
// in a tag on the ENI, `solokube.io/secondary-ip/<ip>=<cluster>`, written BEFORE the assignment of
// exactly that address (secondary-ip-assign.ts), so no interruption can leave an unrecorded one; a
// record whose address is not on the ENI is removed by the surplus step.
// One key per address rather than one `solokube.io/secondary-ip=<ip>` key: CreateTags is an upsert
// without compare-and-set, so two runs that raced (on two machines, where the local lock cannot
// help) would overwrite each other's single key and one address would be unprovable and leak; with
// a key per address both are recorded and a rerun gives back the extra one (see surplus.ts).
//
// What is ours: an address the ENI tag names, or one the user names with --secondary-ip on this run.
// An address carrying our tagged Elastic IP is ours too (that is how runs before the ENI tag are
// recognised; the tag is then written). Nothing else is ever adopted, unassigned or disassociated:
// an untagged Elastic IP on our address is reported, not silently removed with it.

import {
  CreateTagsCommand,
  DeleteTagsCommand,
  DescribeNetworkInterfacesCommand,
  UnassignPrivateIpAddressesCommand,
} from '../sdk/ec2.js';
import type { NetworkInterface } from '@aws-sdk/client-ec2';
import { SolokubeError } from '../../core/errors.js';
import { info } from '../../core/io.js';
import type { Resource, ResourceContext } from '../../core/resource.js';
import { diffFields } from '../../core/resource.js';
import { known, unknownAfter } from '../../core/unknown.js';
import type { Unknown } from '../../core/unknown.js';
import type { AwsClients } from '../clients.js';
import { awsErrorCode } from '../errors.js';
import { AWS_IDS, tagMap } from './context.js';
import type { AwsEnv, AwsMode } from './context.js';
import type { ControlPlane } from './control-plane.js';
import type { ElasticIpState } from './elastic-ip.js';
import { assignRecordedSecondaryIp } from './secondary-ip-assign.js';

/** ENI tag key prefix that records one secondary IP as solokube's; the value is the cluster name. */
export const SECONDARY_IP_TAG_PREFIX = 'solokube.io/secondary-ip/';

export interface SecondaryPrivateIpState {
  networkInterfaceId: string;
  address: string | Unknown;
  /** The subnet's prefix length, for the address on the node's interface. */
  prefixLength: number;
  /** The ENI tag names this address as ours. */
  recorded: boolean;
}

export interface SecondaryPrivateIpOptions {
  mode: AwsMode;
  /** --secondary-ip: a secondary IP already on the ENI that the user gives to solokube on this run. */
  namedAddress?: string;
}

/** A secondary IP on the ENI as read right now, with the public address on it. */
export interface EniSecondary {
  address: string;
  publicIp?: string;
  allocationId?: string;
}

export interface EniReading {
  secondaries: EniSecondary[];
  /** Addresses the ENI's tags record as this cluster's (present on the ENI or not). */
  recorded: string[];
}

/** A fresh reading of the ENI: its secondary IPs and the addresses our tags record. */
export async function readEni(
  clients: AwsClients,
  cluster: string,
  eniId: string,
  signal: AbortSignal,
): Promise<EniReading> {
  let eni: NetworkInterface | undefined;
  try {
    const out = await clients.call('ec2:DescribeNetworkInterfaces', signal, (o) =>
      clients.ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [eniId] }), o),
    );
    eni = out.NetworkInterfaces?.[0];
  } catch (err) {
    if (awsErrorCode(err) !== 'InvalidNetworkInterfaceID.NotFound') throw err;
  }
  const secondaries = (eni?.PrivateIpAddresses ?? [])
    .filter((p) => !p.Primary && p.PrivateIpAddress)
    .map((p): EniSecondary => ({
      address: p.PrivateIpAddress!,
      ...(p.Association?.PublicIp ? { publicIp: p.Association.PublicIp } : {}),
      ...(p.Association?.AllocationId ? { allocationId: p.Association.AllocationId } : {}),
    }));
  const recorded = Object.entries(tagMap(eni?.TagSet))
    .filter(([k, v]) => k.startsWith(SECONDARY_IP_TAG_PREFIX) && v === cluster)
    .map(([k]) => k.slice(SECONDARY_IP_TAG_PREFIX.length))
    .sort();
  return { secondaries, recorded };
}

export function secondaryIpTagKey(address: string): string {
  return `${SECONDARY_IP_TAG_PREFIX}${address}`;
}

/**
 * Which secondary IP is ours: the recorded (or named) one carrying our Elastic IP, else the first
 * recorded one present, else — only for an Elastic IP tagged for us — the address it sits on.
 */
export function pickOurs(
  reading: EniReading,
  eip: ElasticIpState | undefined,
  namedAddress?: string,
): EniSecondary | undefined {
  const ourPublic = eip ? known(eip.publicIp) : undefined;
  const candidates = reading.secondaries.filter(
    (s) => reading.recorded.includes(s.address) || s.address === namedAddress,
  );
  return (
    candidates.find((s) => ourPublic !== undefined && s.publicIp === ourPublic) ??
    (namedAddress ? candidates.find((s) => s.address === namedAddress) : undefined) ??
    candidates.find((s) => s.publicIp === undefined) ??
    candidates[0] ??
    (eip?.owned && ourPublic !== undefined ? reading.secondaries.find((s) => s.publicIp === ourPublic) : undefined)
  );
}

export function secondaryPrivateIp(env: AwsEnv, opts: SecondaryPrivateIpOptions): Resource<SecondaryPrivateIpState> {
  const { clients, names } = env;
  const state = (cp: ControlPlane, address: string | Unknown, recorded: boolean): SecondaryPrivateIpState => ({
    networkInterfaceId: cp.networkInterfaceId,
    address,
    prefixLength: cp.prefixLength,
    recorded,
  });
  const controlPlane = (ctx: ResourceContext) => ctx.dependency<ControlPlane | undefined>(AWS_IDS.controlPlane);
  const tag = (ctx: ResourceContext, eniId: string, address: string, remove: boolean) => {
    const Tags = [{ Key: secondaryIpTagKey(address), Value: names.cluster }];
    return remove
      ? clients.call('ec2:DeleteTags', ctx.signal, (o) =>
          clients.ec2.send(new DeleteTagsCommand({ Resources: [eniId], Tags }), o),
        )
      : clients.call('ec2:CreateTags', ctx.signal, (o) =>
          clients.ec2.send(new CreateTagsCommand({ Resources: [eniId], Tags }), o),
        );
  };

  return {
    id: AWS_IDS.secondaryPrivateIp,
    title: 'secondary private IP on the control-plane network interface',
    dependsOn: [AWS_IDS.controlPlane, AWS_IDS.elasticIp],
    describe: () => ({ count: 1, address: 'assigned by AWS from the subnet' }),

    async find(ctx) {
      const cp = controlPlane(ctx);
      if (!cp) return undefined;
      const eip = ctx.dependency<ElasticIpState | undefined>(AWS_IDS.elasticIp);
      const reading = await readEni(clients, names.cluster, cp.networkInterfaceId, ctx.signal);
      if (opts.namedAddress && !reading.secondaries.some((s) => s.address === opts.namedAddress)) {
        throw new SolokubeError({
          code: 'aws.named-secondary-ip-missing',
          message: `the secondary IP you named (${opts.namedAddress}) is not a secondary private IP of ${cp.networkInterfaceId}`,
          remedy:
            `Name one of its secondary IPs ` +
            `(${reading.secondaries.map((s) => s.address).join(', ') || 'it has none'}), or leave ` +
            `--secondary-ip out to let solokube assign one.`,
          actor: 'user',
        });
      }
      const pick = pickOurs(reading, eip, opts.namedAddress);
      if (!pick) return undefined;
      const ourPublic = eip ? known(eip.publicIp) : undefined;
      if (pick.publicIp !== undefined && pick.publicIp !== ourPublic) {
        // Unassigning our address would silently disassociate someone's Elastic IP; moving theirs is
        // not ours to do either. Only the user can say what it is.
        const flag = pick.allocationId ? `--allocation-id ${pick.allocationId}` : `--elastic-ip ${pick.publicIp}`;
        throw new SolokubeError({
          code: 'aws.foreign-eip-on-our-ip',
          message:
            `solokube's secondary IP ${pick.address} on ${cp.networkInterfaceId} carries the Elastic ` +
            `IP ${pick.publicIp}${pick.allocationId ? ` (${pick.allocationId})` : ''}, which is not ` +
            `tagged for ${names.cluster} and was not named on this run`,
          remedy:
            `If solokube should use it (or, for cleanup, disassociate it), rerun with ${flag}; ` +
            `otherwise disassociate it yourself (\`aws ec2 disassociate-address\`) and rerun.`,
          actor: 'user',
          details: {
            secondaryIp: pick.address,
            publicIp: pick.publicIp,
            ...(pick.allocationId ? { allocationId: pick.allocationId } : {}),
          },
        });
      }
      return state(cp, pick.address, reading.recorded.includes(pick.address));
    },

    desired(ctx) {
      const cp = controlPlane(ctx)!;
      return state(cp, unknownAfter(AWS_IDS.secondaryPrivateIp), true);
    },

    // An existing secondary IP of ours is as good as any other: absence is a change, and so is a
    // missing record of it on the ENI (written then).
    diff: (actual, desired) =>
      actual === undefined
        ? diffFields(actual, desired, ['networkInterfaceId', 'address', 'prefixLength'])
        : diffFields(actual, desired, ['recorded']),

    async apply(ctx, actual) {
      const cp = controlPlane(ctx)!;
      if (actual !== undefined) {
        await tag(ctx, cp.networkInterfaceId, actual.address as string, false);
        return { ...actual, recorded: true };
      }
      // Recorded before it is assigned (see secondary-ip-assign.ts): no kill can leave it unprovable.
      const address = await assignRecordedSecondaryIp(ctx, cp, {
        clients,
        record: (ip) => tag(ctx, cp.networkInterfaceId, ip, false),
        forget: (ip) => tag(ctx, cp.networkInterfaceId, ip, true),
        isOnEni: async (ip) =>
          (await readEni(clients, names.cluster, cp.networkInterfaceId, ctx.signal)).secondaries.some(
            (s) => s.address === ip,
          ),
      });
      info(ctx.io, `secondary private IP ${address}/${cp.prefixLength} assigned to ${cp.networkInterfaceId}`);
      return state(cp, address, true);
    },

    async delete(ctx, actual) {
      const address = actual.address as string;
      try {
        await clients.call('ec2:UnassignPrivateIpAddresses', ctx.signal, (o) =>
          clients.ec2.send(
            new UnassignPrivateIpAddressesCommand({
              NetworkInterfaceId: actual.networkInterfaceId,
              PrivateIpAddresses: [address],
            }),
            o,
          ),
        );
      } catch (err) {
        if (awsErrorCode(err) === 'InvalidNetworkInterfaceID.NotFound') return;
        throw err;
      }
      if (actual.recorded) await tag(ctx, actual.networkInterfaceId, address, true);
    },
  };
}
