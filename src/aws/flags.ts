// Flags that name an Elastic IP, validated before anything is contacted (bad input exits 2).

import { isIpv4, isPublicIpv4 } from '../config/validators.js';
import { UsageError } from '../core/errors.js';

export interface EipFlags {
  elasticIp?: string;
  allocationId?: string;
  /** --secondary-private-ip: a secondary private IP already on the control-plane ENI to give to solokube. */
  secondaryPrivateIp?: string;
  /** --take-over-dns */
  takeOverDns?: boolean;
}

const ALLOCATION_ID_RE = /^eipalloc-[0-9a-f]{8,17}$/;

export function validateEipFlags(f: EipFlags): {
  elasticIp?: string;
  allocationId?: string;
  secondaryIp?: string;
  takeOverDns?: boolean;
} {
  const namedIp = f.secondaryPrivateIp;
  if (namedIp !== undefined && !isIpv4(namedIp)) {
    throw new UsageError(
      `--secondary-private-ip ${JSON.stringify(namedIp)} is not an IPv4 address`,
      'Pass a secondary private IP of the control-plane network interface, e.g. --secondary-private-ip 172.20.32.15.',
    );
  }
  const extra = { ...(namedIp ? { secondaryIp: namedIp } : {}), ...(f.takeOverDns ? { takeOverDns: true } : {}) };
  if (f.elasticIp !== undefined && f.allocationId !== undefined) {
    throw new UsageError(
      '--elastic-ip and --allocation-id both name an address; give only one',
      'Pass either --allocation-id eipalloc-… or --elastic-ip <public IPv4>.',
    );
  }
  if (f.allocationId !== undefined && !ALLOCATION_ID_RE.test(f.allocationId)) {
    throw new UsageError(
      `--allocation-id ${JSON.stringify(f.allocationId)} is not an Elastic IP allocation id`,
      'Allocation ids look like eipalloc-0123456789abcdef0 (`aws ec2 describe-addresses`).',
    );
  }
  if (f.elasticIp !== undefined && !isIpv4(f.elasticIp)) {
    throw new UsageError(
      `--elastic-ip ${JSON.stringify(f.elasticIp)} is not an IPv4 address`,
      'Pass the public IPv4 of an Elastic IP in this region, e.g. --elastic-ip 203.0.113.10.',
    );
  }
  if (f.elasticIp !== undefined && !isPublicIpv4(f.elasticIp)) {
    throw new UsageError(
      `--elastic-ip ${f.elasticIp} is not a public address (private, loopback, link-local, multicast or reserved), so it cannot be an Elastic IP`,
      'Pass the public IPv4 of an Elastic IP in this region (`aws ec2 describe-addresses`).',
    );
  }
  return {
    ...(f.elasticIp ? { elasticIp: f.elasticIp } : {}),
    ...(f.allocationId ? { allocationId: f.allocationId } : {}),
    ...extra,
  };
}
