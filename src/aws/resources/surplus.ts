// Our own extras, given back: further secondary IPs the ENI tags record as ours, Elastic IPs tagged
// for this cluster beyond the one in use, and ENI tags recording an address that is gone. Two runs
// at once (on two machines the local lock cannot serialise) each make one of everything; a rerun
// keeps exactly one of each and returns the rest, because idle public IPv4s are billed.
//
// Nothing foreign is touched: an extra secondary IP carrying someone else's Elastic IP is left (and
// said), an extra address of ours associated outside our ENI is left, and an address that any record
// in the DNS zone still points at is not released (the DNS step moves or removes our records first;
// `secondary-ip setup`, which has no DNS step, leaves such an address for `up` or `dns sync`).

import { DeleteTagsCommand, UnassignPrivateIpAddressesCommand } from '../sdk/ec2.js';
import { NotReadyError } from '../../core/errors.js';
import { info, warn } from '../../core/io.js';
import type { Change, Resource, ResourceContext } from '../../core/resource.js';
import { known } from '../../core/unknown.js';
import { awsErrorCode } from '../errors.js';
import { AWS_IDS } from './context.js';
import type { AwsEnv } from './context.js';
import type { ControlPlane } from './control-plane.js';
import { findPublicZone, recordsPointingAt } from './dns-zone.js';
import type { ElasticIpState, ExtraAddress } from './elastic-ip.js';
import { releaseAddress } from './elastic-ip.js';
import { readEni, secondaryIpTagKey } from './secondary-private-ip.js';
import type { SecondaryPrivateIpState } from './secondary-private-ip.js';

export interface SurplusState {
  networkInterfaceId?: string;
  /** Further secondary IPs of ours on the ENI. */
  privateIps: string[];
  /** ENI tags that record an address no longer on the ENI. */
  staleRecords: string[];
  /** Further Elastic IPs of ours, "198.51.100.7 (eipalloc-…)". */
  addresses: string[];
  /** The addresses in full (not compared). */
  extraAddresses?: ExtraAddress[];
}

const NONE: SurplusState = { privateIps: [], staleRecords: [], addresses: [] };
const FIELDS = ['privateIps', 'staleRecords', 'addresses'] as const;

export function surplus(env: AwsEnv, opts: { dependsOn?: readonly string[] } = {}): Resource<SurplusState> {
  const { clients, names, config } = env;

  const giveBack = async (ctx: ResourceContext, s: SurplusState): Promise<void> => {
    const eni = s.networkInterfaceId;
    if (eni && s.privateIps.length > 0) {
      try {
        await clients.call('ec2:UnassignPrivateIpAddresses', ctx.signal, (o) =>
          clients.ec2.send(
            new UnassignPrivateIpAddressesCommand({ NetworkInterfaceId: eni, PrivateIpAddresses: s.privateIps }),
            o,
          ),
        );
      } catch (err) {
        if (awsErrorCode(err) !== 'InvalidNetworkInterfaceID.NotFound') throw err;
      }
      info(ctx.io, `gave back extra secondary IP(s) of ours: ${s.privateIps.join(', ')}`);
    }
    const tagKeys = [...s.privateIps, ...s.staleRecords].map((ip) => ({
      Key: secondaryIpTagKey(ip),
      Value: names.cluster,
    }));
    if (eni && tagKeys.length > 0) {
      await clients.call('ec2:DeleteTags', ctx.signal, (o) =>
        clients.ec2.send(new DeleteTagsCommand({ Resources: [eni], Tags: tagKeys }), o),
      );
    }
    const extras = s.extraAddresses ?? [];
    if (extras.length === 0) return;
    const zoneId = await findPublicZone(clients, config.dnsZone, ctx.signal);
    const referenced = await recordsPointingAt(
      clients,
      zoneId,
      extras.map((x) => x.publicIp),
      ctx.signal,
    );
    for (const x of extras) {
      const pointing = referenced.get(x.publicIp) ?? [];
      if (pointing.length > 0) {
        warn(
          ctx.io,
          `kept extra Elastic IP ${x.publicIp} (${x.allocationId}): ${pointing.join(', ')} still ` +
            `point${pointing.length === 1 ? 's' : ''} at it; \`solokube dns sync\` or \`solokube up\` ` +
            `moves our records, then a rerun releases it`,
        );
        continue;
      }
      try {
        await releaseAddress(clients, ctx.signal, x.allocationId);
      } catch (err) {
        // Just freed from an unassigned secondary IP: AWS may still see the association for a moment.
        if (awsErrorCode(err) === 'InvalidIPAddress.InUse')
          throw new NotReadyError(`Elastic IP ${x.publicIp} is still associated`, err);
        throw err;
      }
      info(ctx.io, `released extra Elastic IP ${x.publicIp} (${x.allocationId}) of ${config.name}`);
    }
  };

  return {
    id: AWS_IDS.surplus,
    title: `extra secondary IPs and Elastic IPs of ${config.name} (given back)`,
    describe: () => ({
      keeps: 'one secondary IP and one Elastic IP of this cluster',
      givesBack: 'any other ones carrying its tags (after a concurrent or interrupted run)',
    }),
    dependsOn: [AWS_IDS.controlPlane, AWS_IDS.secondaryPrivateIp, AWS_IDS.elasticIp, ...(opts.dependsOn ?? [])],

    async find(ctx) {
      const cp = ctx.dependency<ControlPlane | undefined>(AWS_IDS.controlPlane);
      const sip = ctx.dependency<SecondaryPrivateIpState | undefined>(AWS_IDS.secondaryPrivateIp);
      const eip = ctx.dependency<ElasticIpState | undefined>(AWS_IDS.elasticIp);
      const ourPublic = new Set(
        [eip && known(eip.publicIp), ...(eip?.extras ?? []).map((x) => x.publicIp)].filter(
          (v): v is string => typeof v === 'string',
        ),
      );
      const pick = sip ? known(sip.address) : undefined;
      const privateIps: string[] = [];
      const staleRecords: string[] = [];
      if (cp) {
        const reading = await readEni(clients, names.cluster, cp.networkInterfaceId, ctx.signal);
        for (const ip of reading.recorded) {
          if (ip === pick) continue;
          const on = reading.secondaries.find((s) => s.address === ip);
          if (!on) staleRecords.push(ip);
          else if (on.publicIp !== undefined && !ourPublic.has(on.publicIp))
            warn(ctx.io, `extra secondary IP ${ip} of ours carries ${on.publicIp}, which is not ours; left as it is`);
          else privateIps.push(ip);
        }
      }
      const freed = new Set(privateIps);
      const extraAddresses = (eip?.extras ?? []).filter((x) => {
        const a = x.association;
        if (!a || (cp && a.networkInterfaceId === cp.networkInterfaceId && freed.has(a.privateIpAddress))) return true;
        warn(
          ctx.io,
          `extra Elastic IP ${x.publicIp} (${x.allocationId}) of ours is associated with ${a.networkInterfaceId} ${a.privateIpAddress}; left as it is`,
        );
        return false;
      });
      if (privateIps.length + staleRecords.length + extraAddresses.length === 0) return undefined;
      return {
        ...(cp ? { networkInterfaceId: cp.networkInterfaceId } : {}),
        privateIps,
        staleRecords,
        addresses: extraAddresses.map((x) => `${x.publicIp} (${x.allocationId})`),
        extraAddresses,
      };
    },

    desired: () => NONE,

    // Absent is the goal: nothing to do while absent, otherwise every non-empty list goes to empty.
    diff(actual): Change[] {
      if (actual === undefined) return [];
      return FIELDS.filter((f) => actual[f].length > 0).map((f) => ({ field: f, from: actual[f], to: [] }));
    },

    async apply(ctx, actual) {
      if (actual) await giveBack(ctx, actual);
      return NONE;
    },

    delete: giveBack,
  };
}
