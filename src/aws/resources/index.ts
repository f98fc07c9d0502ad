// The AWS resources of one configuration, assembled in dependency order. Callers take the list
// they need and may append their own resources that depend on AWS_IDS.controlPlane or
// AWS_IDS.secondaryPrivateIp (the node step does: it puts that address on the interface).

import { names } from '../../config/naming.js';
import type { SolokubeConfig } from '../../config/schema.js';
import { SolokubeError } from '../../core/errors.js';
import type { Resource } from '../../core/resource.js';
import type { AwsClients } from '../clients.js';
import { appSecurityGroup } from './app-security-group.js';
import type { AwsEnv } from './context.js';
import { controlPlaneInstance } from './control-plane.js';
import { dnsRecords } from './dns-records.js';
import { eipAssociation } from './eip-association.js';
import { elasticIp } from './elastic-ip.js';
import type { ElasticIpState } from './elastic-ip.js';
import { secondaryPrivateIp } from './secondary-private-ip.js';
import { surplus } from './surplus.js';
import { clusterKnown } from './cluster-known.js';
import { AWS_IDS } from './context.js';

export { AWS_IDS };

export interface AwsResourceOptions {
  /** --allocation-id: use this address instead of allocating one. */
  allocationId?: string;
  /** --elastic-ip: use the address with this public IP. */
  elasticIp?: string;
  /** --secondary-ip: a secondary IP already on the control-plane ENI, given to solokube on this run. */
  secondaryIp?: string;
  /** --take-over-dns: write app names that exist without our ownership record. */
  takeOverDns?: boolean;
  /** How long DNS changes may take to reach INSYNC. */
  dnsSyncDeadlineMs?: number;
}

export interface AwsResourceLists {
  /** `secondary-ip setup`: instance, secondary IP, Elastic IP, association, security group. */
  secondaryIp: Resource[];
  /** `dns sync` on its own: a read-only lookup of our Elastic IP, then the records. */
  dns: Resource[];
  /** `up`: everything, setup then DNS, in one graph. */
  all: Resource[];
  /**
   * `secondary-ip cleanup` and `status`: everything of ours, for planDestroy (which reverses the
   * order), ending in a check that the cluster exists at all (AWS_IDS.clusterKnown).
   */
  destroy: Resource[];
}

/** Without the secondary IP: only the app names, pointing at the instance's own public address. */
export function primaryAddressResources(
  config: SolokubeConfig,
  clients: AwsClients,
  opts: AwsResourceOptions = {},
): Resource[] {
  const env: AwsEnv = { config, names: names(config), clients };
  return [
    controlPlaneInstance(env, { mustExist: true }),
    dnsRecords(env, {
      mode: 'converge',
      target: 'primary-public-ip',
      ...(opts.dnsSyncDeadlineMs ? { syncDeadlineMs: opts.dnsSyncDeadlineMs } : {}),
    }),
  ] as Resource[];
}

export function awsResources(
  config: SolokubeConfig,
  clients: AwsClients,
  opts: AwsResourceOptions = {},
): AwsResourceLists {
  const env: AwsEnv = { config, names: names(config), clients };
  const named = {
    ...(opts.allocationId ? { allocationId: opts.allocationId } : {}),
    ...(opts.elasticIp ? { publicIp: opts.elasticIp } : {}),
  };
  const dnsOpts = {
    ...(opts.dnsSyncDeadlineMs ? { syncDeadlineMs: opts.dnsSyncDeadlineMs } : {}),
    ...(opts.takeOverDns ? { takeOver: true } : {}),
  };
  const sipOpts = opts.secondaryIp ? { namedAddress: opts.secondaryIp } : {};

  const setup = (): Resource[] =>
    [
      controlPlaneInstance(env, { mustExist: true }),
      secondaryPrivateIp(env, { mode: 'converge', ...sipOpts }),
      elasticIp(env, { mode: 'converge', ...named }),
      eipAssociation(env, { mode: 'converge' }),
      appSecurityGroup(env),
    ] as Resource[];
  // Without a DNS step, extras that a record still points at are kept (surplus.ts says why).
  const secondaryIp = [...setup(), surplus(env) as Resource];
  // With it, extras are given back after the records have moved to the address in use...
  const all = [
    ...setup(),
    dnsRecords(env, { mode: 'converge', ...dnsOpts }) as Resource,
    surplus(env, { dependsOn: [AWS_IDS.dnsRecords] }) as Resource,
  ];
  const dns = [
    controlPlaneInstance(env, { mustExist: false }),
    elasticIpLookup(env, named),
    dnsRecords(env, { mode: 'converge', ...dnsOpts }),
  ] as Resource[];
  // ...and on removal after every record of ours is gone: destroy runs dependents first, so the
  // records depend on the surplus step there.
  // Without the secondary IP the names we own point at the instance's own public address.
  const records = dnsRecords(env, {
    mode: 'destroy',
    ...(config.secondaryIp ? {} : { target: 'primary-public-ip' as const }),
  }) as Resource;
  const destroyParts = [
    controlPlaneInstance(env, { mustExist: false }),
    secondaryPrivateIp(env, { mode: 'destroy', ...sipOpts }),
    elasticIp(env, { mode: 'destroy', ...named }),
    eipAssociation(env, { mode: 'destroy' }),
    appSecurityGroup(env),
    surplus(env),
    { ...records, dependsOn: [...(records.dependsOn ?? []), AWS_IDS.surplus] },
  ] as Resource[];
  const destroy = [
    ...destroyParts,
    clusterKnown(
      env,
      destroyParts.map((r) => r.id),
    ) as Resource,
  ];
  return { secondaryIp, dns, all, destroy };
}

/** Our Elastic IP, read only: DNS points at it but does not make it. */
function elasticIpLookup(env: AwsEnv, named: { allocationId?: string; publicIp?: string }): Resource<ElasticIpState> {
  const base = elasticIp(env, { mode: 'destroy', ...named });
  return {
    ...base,
    title: `Elastic IP ${env.names.elasticIpName} (read only)`,
    readOnly: true,
    async find(ctx) {
      const found = await base.find(ctx);
      if (found) return found;
      throw new SolokubeError({
        code: 'aws.no-elastic-ip',
        message: `${env.config.name} has no Elastic IP for its apps yet`,
        remedy: 'Run `solokube secondary-ip setup` first (or name an address with --allocation-id).',
        actor: 'user',
      });
    },
  };
}
