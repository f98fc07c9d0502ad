// The Elastic IP associated with the secondary private IP. AssociateAddress always names
// PrivateIpAddress (without it the address lands on the primary IP, next to the API server) and
// always refuses reassociation: an address in use elsewhere is reported, never silently moved.

import { AssociateAddressCommand, DescribeAddressesCommand, DisassociateAddressCommand } from '../sdk/ec2.js';
import { SolokubeError } from '../../core/errors.js';
import type { Resource, ResourceContext } from '../../core/resource.js';
import { diffFields } from '../../core/resource.js';
import { isUnknown, known } from '../../core/unknown.js';
import type { Unknown } from '../../core/unknown.js';
import { awsErrorCode } from '../errors.js';
import { AWS_IDS } from './context.js';
import type { AwsEnv, AwsMode } from './context.js';
import type { ControlPlane } from './control-plane.js';
import type { ElasticIpState } from './elastic-ip.js';
import type { SecondaryPrivateIpState } from './secondary-private-ip.js';

export interface EipAssociationState {
  allocationId: string | Unknown;
  publicIp: string | Unknown;
  networkInterfaceId: string;
  privateIpAddress: string | Unknown;
  associationId?: string | Unknown;
}

export function eipAssociation(env: AwsEnv, opts: { mode: AwsMode }): Resource<EipAssociationState> {
  const { clients } = env;
  const deps = (ctx: ResourceContext) => ({
    cp: ctx.dependency<ControlPlane | undefined>(AWS_IDS.controlPlane),
    eip: ctx.dependency<ElasticIpState | undefined>(AWS_IDS.elasticIp),
    ip: ctx.dependency<SecondaryPrivateIpState | undefined>(AWS_IDS.secondaryPrivateIp),
  });

  return {
    id: AWS_IDS.eipAssociation,
    title: 'Elastic IP → secondary private IP',
    dependsOn: [AWS_IDS.controlPlane, AWS_IDS.elasticIp, AWS_IDS.secondaryPrivateIp],
    // AssociateAddress names the private IP, or the address would land on the primary one.
    describe: () => ({ privateIpAddress: '(the secondary private IP)', allowReassociation: false }),

    // The association is a property of the address; the Elastic IP's reading already holds it.
    async find(ctx) {
      const { cp, eip, ip } = deps(ctx);
      const a = eip?.association;
      if (!eip || !a) return undefined;
      const current: EipAssociationState = {
        allocationId: eip.allocationId,
        publicIp: eip.publicIp,
        networkInterfaceId: a.networkInterfaceId,
        privateIpAddress: a.privateIpAddress,
        associationId: a.associationId,
      };
      const target = ip ? known(ip.address) : undefined;
      const ours = cp !== undefined && a.networkInterfaceId === cp.networkInterfaceId && a.privateIpAddress === target;
      // Cleanup undoes only associations it can vouch for: to our secondary IP, or of our own address.
      if (!ours && opts.mode === 'destroy') return eip.owned ? current : undefined;
      if (!ours) {
        throw new SolokubeError({
          code: 'aws.eip-associated-elsewhere',
          message:
            `Elastic IP ${String(eip.publicIp)} (${String(eip.allocationId)}) is associated ` +
            `with ${a.networkInterfaceId} ${a.privateIpAddress}, not with the control-plane's ` +
            `secondary private IP; solokube does not move it silently`,
          remedy:
            `If it may be moved, disassociate it first (\`aws ec2 disassociate-address ` +
            `--association-id ${a.associationId}\`) and rerun; otherwise name another address with ` +
            `--allocation-id, or run \`solokube secondary-ip cleanup\` to start over.`,
          actor: 'user',
        });
      }
      return current;
    },

    desired(ctx) {
      const { cp, eip, ip } = deps(ctx);
      return {
        allocationId: eip!.allocationId,
        publicIp: eip!.publicIp,
        networkInterfaceId: cp!.networkInterfaceId,
        privateIpAddress: ip!.address,
      };
    },

    diff: (actual, desired) => diffFields(actual, desired, ['allocationId', 'networkInterfaceId', 'privateIpAddress']),

    async apply(ctx, _actual, desired) {
      if (isUnknown(desired.allocationId) || isUnknown(desired.privateIpAddress))
        throw new Error('association applied before its dependencies');
      const out = await clients.call('ec2:AssociateAddress', ctx.signal, (o) =>
        clients.ec2.send(
          new AssociateAddressCommand({
            AllocationId: desired.allocationId as string,
            NetworkInterfaceId: desired.networkInterfaceId,
            PrivateIpAddress: desired.privateIpAddress as string,
            AllowReassociation: false,
          }),
          o,
        ),
      );
      return { ...desired, ...(out.AssociationId ? { associationId: out.AssociationId } : {}) };
    },

    async delete(ctx, actual) {
      try {
        await clients.call('ec2:DisassociateAddress', ctx.signal, (o) =>
          clients.ec2.send(new DisassociateAddressCommand({ AssociationId: actual.associationId as string }), o),
        );
      } catch (err) {
        if (awsErrorCode(err) !== 'InvalidAssociationID.NotFound') throw err;
        // "Not found" is also what EC2 says about an association made moments ago: done only if a
        // fresh read agrees; otherwise the error (a NotReadyError) has the engine try again.
        const still = await clients.call('ec2:DescribeAddresses', ctx.signal, (o) =>
          clients.ec2.send(
            new DescribeAddressesCommand({
              Filters: [{ Name: 'association-id', Values: [actual.associationId as string] }],
            }),
            o,
          ),
        );
        if ((still.Addresses ?? []).length > 0) throw err;
      }
    },
  };
}
