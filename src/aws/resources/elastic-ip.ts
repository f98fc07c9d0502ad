// The Elastic IP the apps answer on. Ownership is the point of this file: solokube uses only an
// address tagged for this cluster or one the user names with a flag on this run, never adopts
// someone else's address (idle or sitting on the control-plane ENI), releases only what carries its
// tags, and checks the quota while planning so that an exhausted quota fails before anything is
// changed. Further tagged addresses of ours (left by two runs at once) are reported as extras and
// given back by the surplus step.

import { AllocateAddressCommand, DescribeAddressesCommand, ReleaseAddressCommand } from '../sdk/ec2.js';
import type { Address, DescribeAddressesCommandInput } from '@aws-sdk/client-ec2';
import { TAG_CLUSTER, TAG_ROLE } from '../../config/naming.js';
import { SolokubeError } from '../../core/errors.js';
import { info, warn } from '../../core/io.js';
import type { Resource, ResourceContext } from '../../core/resource.js';
import { diffFields } from '../../core/resource.js';
import { unknownAfter } from '../../core/unknown.js';
import type { Unknown } from '../../core/unknown.js';
import type { AwsClients } from '../clients.js';
import { awsErrorCode } from '../errors.js';
import { createOnce } from '../create-once.js';
import { EIP_QUOTA_CODE, elasticIpQuota } from '../quota.js';
import { AWS_IDS, tagMap } from './context.js';
import type { AwsEnv, AwsMode } from './context.js';
import type { ControlPlane } from './control-plane.js';

const ROLE = 'apps-elastic-ip' as const;

export interface EipAssociationInfo {
  associationId: string;
  networkInterfaceId: string;
  privateIpAddress: string;
}

export interface ElasticIpState {
  allocationId: string | Unknown;
  publicIp: string | Unknown;
  /** Tagged for this cluster by solokube: only then may cleanup release it. */
  owned: boolean;
  /** How it was chosen: created/tagged by solokube, or named with a flag on this run. */
  source: 'tagged' | 'named';
  association?: EipAssociationInfo;
  /** Further addresses tagged for this cluster (the surplus step gives them back). */
  extras?: ExtraAddress[];
}

export interface ExtraAddress {
  allocationId: string;
  publicIp: string;
  association?: EipAssociationInfo;
}

export interface ElasticIpOptions {
  mode: AwsMode;
  /** --allocation-id */
  allocationId?: string;
  /** --elastic-ip */
  publicIp?: string;
}

export function isOurAddress(a: Address, cluster: string): boolean {
  const t = tagMap(a.Tags);
  return t[TAG_CLUSTER] === cluster && t[TAG_ROLE] === ROLE;
}

export function elasticIp(env: AwsEnv, opts: ElasticIpOptions): Resource<ElasticIpState> {
  const { clients, names } = env;
  const cluster = names.cluster;
  const describe = (ctx: ResourceContext, input: DescribeAddressesCommandInput) =>
    clients
      .call('ec2:DescribeAddresses', ctx.signal, (o) => clients.ec2.send(new DescribeAddressesCommand(input), o))
      .then((r) => r.Addresses ?? []);

  return {
    id: AWS_IDS.elasticIp,
    title: `Elastic IP ${names.elasticIpName}`,
    dependsOn: [AWS_IDS.controlPlane],
    describe: () =>
      opts.publicIp || opts.allocationId
        ? { use: opts.publicIp ?? opts.allocationId, owned: false }
        : { domain: 'vpc', tags: names.tags('apps-elastic-ip').map((t) => `${t.Key}=${t.Value}`) },
    // A named address is needed by dependents (to undo the association) but not ours to release.
    retain: (actual) => !actual.owned,

    async find(ctx) {
      const cp = ctx.dependency<ControlPlane | undefined>(AWS_IDS.controlPlane);
      if (opts.allocationId || opts.publicIp) return findNamed(ctx);
      const all = await describe(ctx, {});
      const ours = all.filter((a) => isOurAddress(a, cluster));
      const onOurEni = (a: Address) => cp !== undefined && a.NetworkInterfaceId === cp.networkInterfaceId;
      const pick = ours.find(onOurEni) ?? ours.find((a) => !a.AssociationId) ?? ours[0];
      if (pick)
        return toState(
          pick,
          'tagged',
          ours.filter((a) => a !== pick),
        );
      // An untagged address, even one on a secondary IP of the control-plane ENI, is not ours: an
      // address named on an earlier run must be named again (the secondary IP step says so).
      if (opts.mode === 'converge') await assertQuotaLeft(ctx, all);
      return undefined;
    },

    desired: () => ({
      allocationId: unknownAfter(AWS_IDS.elasticIp),
      publicIp: unknownAfter(AWS_IDS.elasticIp),
      owned: true,
      source: 'tagged' as const,
    }),

    diff: (actual, desired) =>
      actual === undefined ? diffFields(actual, desired, ['allocationId', 'publicIp', 'owned']) : [],

    async apply(ctx) {
      const address = await createOnce({
        what: 'AllocateAddress',
        io: ctx.io,
        signal: ctx.signal,
        create: async () => {
          const out = await clients.call('ec2:AllocateAddress', ctx.signal, (o) =>
            clients.ec2Once.send(
              new AllocateAddressCommand({
                Domain: 'vpc',
                TagSpecifications: [{ ResourceType: 'elastic-ip', Tags: names.tags(ROLE) }],
              }),
              o,
            ),
          );
          return { AllocationId: out.AllocationId, PublicIp: out.PublicIp } as Address;
        },
        recheck: async () => (await describe(ctx, { Filters: names.ownedFilters(ROLE) })).find((a) => !a.AssociationId),
      });
      info(ctx.io, `Elastic IP ${address.PublicIp} (${address.AllocationId}) allocated for ${cluster}`);
      return toState(address, 'tagged');
    },

    async delete(ctx, actual) {
      await releaseAddress(clients, ctx.signal, actual.allocationId as string);
    },
  };

  async function findNamed(ctx: ResourceContext): Promise<ElasticIpState | undefined> {
    const input = opts.allocationId ? { AllocationIds: [opts.allocationId] } : { PublicIps: [opts.publicIp!] };
    let found: Address[];
    try {
      found = await describe(ctx, input);
    } catch (err) {
      if (!/^InvalidA(llocationID|ddress)\.NotFound$/.test(awsErrorCode(err) ?? '')) throw err;
      found = [];
    }
    const a = found[0];
    if (!a) {
      throw new SolokubeError({
        code: 'aws.named-eip-missing',
        message: `the Elastic IP you named (${opts.allocationId ?? opts.publicIp}) does not exist in ${env.config.region}`,
        remedy:
          'Check the id or address and the region (`aws ec2 describe-addresses`), or leave the flag out to let solokube allocate one.',
        actor: 'user',
      });
    }
    return toState(a, isOurAddress(a, cluster) ? 'tagged' : 'named');
  }

  async function assertQuotaLeft(ctx: ResourceContext, all: Address[]): Promise<void> {
    const quota = await elasticIpQuota(clients, ctx.signal, ctx.io);
    if (all.length < quota.value) return;
    if (quota.source === 'default') {
      // A guessed quota must not stop anyone: AllocateAddress says AddressLimitExceeded if it is real.
      warn(
        ctx.io,
        `${all.length} Elastic IPs are allocated in ${env.config.region}, at or over the guessed ` +
          `quota of ${quota.value}; trying anyway (AWS refuses the allocation if the quota is really used up)`,
      );
      return;
    }
    const idle = all.filter((a) => !a.AssociationId);
    const idleText =
      idle.length === 0
        ? 'none of them is idle'
        : `idle (unassociated, still billed): ${idle.map((a) => `${a.PublicIp} (${a.AllocationId}, ${ownerOf(a)})`).join(', ')}`;
    throw new SolokubeError({
      code: 'aws.eip-quota',
      message: `all ${quota.value} Elastic IPs allowed in ${env.config.region} are allocated and none is tagged for ${cluster}; ${idleText}`,
      remedy:
        `Release an address you no longer need (\`aws ec2 release-address --allocation-id ` +
        `<id>\`), name one for solokube to use with --allocation-id, request a quota increase ` +
        `for ${EIP_QUOTA_CODE} (\`aws service-quotas request-service-quota-increase --service-code ` +
        `ec2 --quota-code ${EIP_QUOTA_CODE} --desired-value ${quota.value + 1}\`), or run with ` +
        `--no-secondary-ip (apps then answer on the NodePorts).`,
      actor: 'user',
      details: {
        quota: quota.value,
        allocated: all.length,
        idle: idle.map((a) => ({ allocationId: a.AllocationId, publicIp: a.PublicIp, owner: ownerOf(a) })),
      },
    });
  }

  function ownerOf(a: Address): string {
    const c = tagMap(a.Tags)[TAG_CLUSTER];
    return c === undefined ? 'not solokube' : `solokube cluster ${c}`;
  }
}

export async function releaseAddress(clients: AwsClients, signal: AbortSignal, allocationId: string): Promise<void> {
  try {
    await clients.call('ec2:ReleaseAddress', signal, (o) =>
      clients.ec2.send(new ReleaseAddressCommand({ AllocationId: allocationId }), o),
    );
  } catch (err) {
    if (awsErrorCode(err) !== 'InvalidAllocationID.NotFound') throw err;
    // Also EC2's answer for an address allocated moments ago (eventual consistency): released only if a fresh read agrees.
    const still = await clients.call('ec2:DescribeAddresses', signal, (o) =>
      clients.ec2.send(
        new DescribeAddressesCommand({ Filters: [{ Name: 'allocation-id', Values: [allocationId] }] }),
        o,
      ),
    );
    if ((still.Addresses ?? []).length > 0) throw err;
  }
}

function associationOf(a: Address): EipAssociationInfo | undefined {
  return a.AssociationId
    ? {
        associationId: a.AssociationId,
        networkInterfaceId: a.NetworkInterfaceId ?? '',
        privateIpAddress: a.PrivateIpAddress ?? '',
      }
    : undefined;
}

function toState(a: Address, source: ElasticIpState['source'], extras: Address[] = []): ElasticIpState {
  const association = associationOf(a);
  return {
    allocationId: a.AllocationId!,
    publicIp: a.PublicIp!,
    owned: source === 'tagged',
    source,
    ...(association ? { association } : {}),
    ...(extras.length
      ? {
          extras: extras.map((x) => {
            const xa = associationOf(x);
            return { allocationId: x.AllocationId!, publicIp: x.PublicIp!, ...(xa ? { association: xa } : {}) };
          }),
        }
      : {}),
  };
}
