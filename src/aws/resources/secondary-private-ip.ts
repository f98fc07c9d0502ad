// The secondary private IP on the control-plane ENI that the Elastic IP is associated with. Private
// IPs cannot carry tags, so ownership is proven through the address: the IP our Elastic IP sits on
// is ours. Setup may take an unused secondary IP already on the ENI; cleanup removes only the one
// carrying our Elastic IP, so it never takes away an address another tool assigned.

import { AssignPrivateIpAddressesCommand, DescribeNetworkInterfacesCommand, UnassignPrivateIpAddressesCommand } from '@aws-sdk/client-ec2';
import { info } from '../../core/io.js';
import type { Resource, ResourceContext } from '../../core/resource.js';
import { diffFields } from '../../core/resource.js';
import { known, unknownAfter } from '../../core/unknown.js';
import type { Unknown } from '../../core/unknown.js';
import { awsErrorCode } from '../errors.js';
import { createOnce } from '../create-once.js';
import { AWS_IDS } from './context.js';
import type { AwsEnv, AwsMode } from './context.js';
import type { ControlPlane } from './control-plane.js';
import type { ElasticIpState } from './elastic-ip.js';

export interface SecondaryPrivateIpState {
  networkInterfaceId: string;
  address: string | Unknown;
  /** The subnet's prefix length, for the address on the node's interface. */
  prefixLength: number;
}

export function secondaryPrivateIp(env: AwsEnv, opts: { mode: AwsMode }): Resource<SecondaryPrivateIpState> {
  const { clients } = env;
  const state = (cp: ControlPlane, address: string | Unknown): SecondaryPrivateIpState => ({ networkInterfaceId: cp.networkInterfaceId, address, prefixLength: cp.prefixLength });
  const controlPlane = (ctx: ResourceContext) => ctx.dependency<ControlPlane | undefined>(AWS_IDS.controlPlane);

  return {
    id: AWS_IDS.secondaryPrivateIp,
    title: 'secondary private IP on the control-plane network interface',
    dependsOn: [AWS_IDS.controlPlane, AWS_IDS.elasticIp],
    describe: () => ({ count: 1, address: 'assigned by AWS from the subnet' }),

    async find(ctx) {
      const cp = controlPlane(ctx);
      if (!cp) return undefined;
      const eip = ctx.dependency<ElasticIpState | undefined>(AWS_IDS.elasticIp);
      const ourPublic = eip ? known(eip.publicIp) : undefined;
      const secondaries = cp.privateIps.filter((p) => !p.primary);
      const carrying = ourPublic ? secondaries.find((p) => p.publicIp === ourPublic) : undefined;
      const pick = carrying ?? (opts.mode === 'converge' ? secondaries.find((p) => p.publicIp === undefined) : undefined);
      return pick ? state(cp, pick.address) : undefined;
    },

    desired(ctx) {
      const cp = controlPlane(ctx)!;
      return state(cp, unknownAfter(AWS_IDS.secondaryPrivateIp));
    },

    // An existing secondary IP on the ENI is as good as any other: only absence is a change.
    diff: (actual, desired) => (actual === undefined ? diffFields(actual, desired, ['networkInterfaceId', 'address', 'prefixLength']) : []),

    async apply(ctx) {
      const cp = controlPlane(ctx)!;
      const before = new Set(cp.privateIps.map((p) => p.address));
      const address = await createOnce({
        what: 'AssignPrivateIpAddresses',
        io: ctx.io,
        signal: ctx.signal,
        create: async () => {
          const out = await clients.call('ec2:AssignPrivateIpAddresses', ctx.signal, (o) => clients.ec2Once.send(new AssignPrivateIpAddressesCommand({
            NetworkInterfaceId: cp.networkInterfaceId,
            SecondaryPrivateIpAddressCount: 1,
          }), o));
          const ip = out.AssignedPrivateIpAddresses?.[0]?.PrivateIpAddress;
          if (!ip) throw new Error('AssignPrivateIpAddresses returned no address');
          return ip;
        },
        recheck: async () => {
          const out = await clients.call('ec2:DescribeNetworkInterfaces', ctx.signal, (o) => clients.ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [cp.networkInterfaceId] }), o));
          const ips = out.NetworkInterfaces?.[0]?.PrivateIpAddresses ?? [];
          return ips.find((p) => !p.Primary && p.PrivateIpAddress && !before.has(p.PrivateIpAddress))?.PrivateIpAddress;
        },
      });
      info(ctx.io, `secondary private IP ${address}/${cp.prefixLength} assigned to ${cp.networkInterfaceId}`);
      return state(cp, address);
    },

    async delete(ctx, actual) {
      try {
        await clients.call('ec2:UnassignPrivateIpAddresses', ctx.signal, (o) => clients.ec2.send(new UnassignPrivateIpAddressesCommand({
          NetworkInterfaceId: actual.networkInterfaceId,
          PrivateIpAddresses: [actual.address as string],
        }), o));
      } catch (err) {
        if (awsErrorCode(err) !== 'InvalidNetworkInterfaceID.NotFound') throw err;
      }
    },
  };
}
