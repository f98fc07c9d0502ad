// What every AWS resource is built from: the validated configuration, the names derived from it,
// and the clients. Resource ids live here so that callers (the node layer, `up`) can depend on
// them without importing the resources themselves.

import type { Names } from '../../config/naming.js';
import type { SolokubeConfig } from '../../config/schema.js';
import type { AwsClients } from '../clients.js';

export interface AwsEnv {
  config: SolokubeConfig;
  names: Names;
  clients: AwsClients;
}

export const AWS_IDS = Object.freeze({
  controlPlane: 'aws/control-plane',
  secondaryPrivateIp: 'aws/secondary-private-ip',
  elasticIp: 'aws/elastic-ip',
  eipAssociation: 'aws/eip-association',
  appSecurityGroup: 'aws/app-security-group',
  dnsRecords: 'aws/dns-records',
  surplus: 'aws/surplus',
  clusterKnown: 'aws/cluster-known',
});

/** Whether the resources are built to converge (setup) or to be removed (cleanup). */
export type AwsMode = 'converge' | 'destroy';

/** Tags of an SDK object as a plain map. */
export function tagMap(
  tags: readonly { Key?: string | undefined; Value?: string | undefined }[] | undefined,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of tags ?? []) if (t.Key !== undefined) out[t.Key] = t.Value ?? '';
  return out;
}
