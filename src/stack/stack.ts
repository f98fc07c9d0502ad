// Everything `up` converges and `down` removes, assembled from the layers: the AWS resources, then
// the node step, which depends on the control-plane instance and the secondary address.

import { names } from '../config/naming.js';
import type { SolokubeConfig } from '../config/schema.js';
import type { Resource } from '../core/resource.js';
import type { AwsClients } from '../aws/clients.js';
import { awsResources } from '../aws/resources/index.js';
import type { AwsResourceOptions } from '../aws/resources/index.js';
import { controlPlaneInstance } from '../aws/resources/control-plane.js';
import { nodeStep } from './node-step.js';
import type { NodeAccess } from './node-step.js';

export function upResources(config: SolokubeConfig, clients: AwsClients, access: NodeAccess, opts: AwsResourceOptions = {}): Resource[] {
  // Without the secondary IP there is nothing of ours to make: find the instance for the summary.
  if (!config.secondaryIp) return [controlPlaneInstance({ config, names: names(config), clients }, { mustExist: true }) as Resource];
  return [...awsResources(config, clients, opts).all, ...nodeStep(config, access)];
}

export function downResources(config: SolokubeConfig, clients: AwsClients, access: NodeAccess, opts: AwsResourceOptions = {}): Resource[] {
  return [...awsResources(config, clients, opts).destroy, ...nodeStep(config, access)];
}
