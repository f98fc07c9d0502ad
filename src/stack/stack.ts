// Everything `up` converges and `down` removes, assembled from the layers: the AWS resources, then
// the node step, which depends on the control-plane instance and the secondary address.

import type { SolokubeConfig } from '../config/schema.js';
import type { Resource } from '../core/resource.js';
import type { AwsClients } from '../aws/clients.js';
import { awsResources, primaryAddressResources } from '../aws/resources/index.js';
import type { AwsResourceOptions } from '../aws/resources/index.js';
import { nodeStep } from './node-step.js';
import type { NodeAccess } from './node-step.js';

export function upResources(config: SolokubeConfig, clients: AwsClients, access: NodeAccess, opts: AwsResourceOptions = {}): Resource[] {
  // Without the secondary IP the apps answer on the node's own address: only their names are ours.
  if (!config.secondaryIp) return primaryAddressResources(config, clients, opts);
  return [...awsResources(config, clients, opts).all, ...nodeStep(config, access)];
}

export function downResources(config: SolokubeConfig, clients: AwsClients, access: NodeAccess, opts: AwsResourceOptions = {}): Resource[] {
  return [...awsResources(config, clients, opts).destroy, ...nodeStep(config, access)];
}
