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

export { AWS_IDS } from './context.js';

export interface AwsResourceOptions {
  /** --allocation-id: use this address instead of allocating one. */
  allocationId?: string;
  /** --elastic-ip: use the address with this public IP. */
  elasticIp?: string;
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
  /** `secondary-ip cleanup`: everything of ours, for planDestroy (which reverses the order). */
  destroy: Resource[];
}

/** Without the secondary IP: only the app names, pointing at the instance's own public address. */
export function primaryAddressResources(config: SolokubeConfig, clients: AwsClients, opts: AwsResourceOptions = {}): Resource[] {
  const env: AwsEnv = { config, names: names(config), clients };
  return [
    controlPlaneInstance(env, { mustExist: true }),
    dnsRecords(env, { mode: 'converge', target: 'primary-public-ip', ...(opts.dnsSyncDeadlineMs ? { syncDeadlineMs: opts.dnsSyncDeadlineMs } : {}) }),
  ] as Resource[];
}

export function awsResources(config: SolokubeConfig, clients: AwsClients, opts: AwsResourceOptions = {}): AwsResourceLists {
  const env: AwsEnv = { config, names: names(config), clients };
  const named = { ...(opts.allocationId ? { allocationId: opts.allocationId } : {}), ...(opts.elasticIp ? { publicIp: opts.elasticIp } : {}) };
  const dnsOpts = opts.dnsSyncDeadlineMs ? { syncDeadlineMs: opts.dnsSyncDeadlineMs } : {};

  const setup = (): Resource[] => [
    controlPlaneInstance(env, { mustExist: true }),
    secondaryPrivateIp(env, { mode: 'converge' }),
    elasticIp(env, { mode: 'converge', ...named }),
    eipAssociation(env, { mode: 'converge' }),
    appSecurityGroup(env),
  ] as Resource[];
  const secondaryIp = setup();
  const all = [...setup(), dnsRecords(env, { mode: 'converge', ...dnsOpts }) as Resource];
  const dns = [
    controlPlaneInstance(env, { mustExist: false }),
    elasticIpLookup(env, named),
    dnsRecords(env, { mode: 'converge', ...dnsOpts }),
  ] as Resource[];
  const destroy = [
    controlPlaneInstance(env, { mustExist: false }),
    secondaryPrivateIp(env, { mode: 'destroy' }),
    elasticIp(env, { mode: 'destroy', ...named }),
    eipAssociation(env, { mode: 'destroy' }),
    appSecurityGroup(env),
    dnsRecords(env, { mode: 'destroy', ...(config.secondaryIp ? {} : { target: 'primary-public-ip' as const }) }),
  ] as Resource[];
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
      throw new SolokubeError({ code: 'aws.no-elastic-ip', message: `${env.config.name} has no Elastic IP for its apps yet`, remedy: 'Run `solokube secondary-ip setup` first (or name an address with --allocation-id).', actor: 'user' });
    },
  };
}
