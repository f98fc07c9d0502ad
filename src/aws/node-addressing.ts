// What the node layer needs from AWS (its NodeSpec takes plain values): the primary and secondary
// private addresses, the subnet's prefix length and the ENI's MAC to find the interface. Taken from
// a status reading after `secondary-ip setup`, so `up` can build the node step from real values.

import { SolokubeError } from '../core/errors.js';
import { isUnknown } from '../core/unknown.js';
import type { AwsStatus } from './status.js';

export interface NodeAddressing {
  instanceId: string;
  primaryIp: string;
  secondaryIp: string;
  prefixLength: number;
  macAddress?: string;
  /** The instance's own public address (the API server answers there). */
  primaryPublicIp?: string;
  /** The apps' Elastic IP. */
  elasticIp: string;
}

export function nodeAddressing(s: AwsStatus): NodeAddressing {
  const cp = s.controlPlane;
  const ip = s.secondaryPrivateIp;
  const eip = s.elasticIp;
  if (!cp || !ip || isUnknown(ip.address) || !eip || isUnknown(eip.publicIp) || !s.association) {
    throw new SolokubeError({
      code: 'aws.not-set-up',
      message: `${s.cluster} has no Elastic IP on a secondary private IP yet, so the node step has no address to configure`,
      remedy: 'Run `solokube secondary-ip setup` first.',
      actor: 'user',
    });
  }
  return {
    instanceId: cp.instanceId,
    primaryIp: cp.primaryPrivateIp,
    secondaryIp: ip.address,
    prefixLength: ip.prefixLength,
    ...(cp.macAddress ? { macAddress: cp.macAddress } : {}),
    ...(cp.primaryPublicIp ? { primaryPublicIp: cp.primaryPublicIp } : {}),
    elasticIp: eip.publicIp,
  };
}
