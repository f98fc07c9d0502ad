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
import { kubeResources } from '../k8s/resources/index.js';
import type { KubeTarget } from '../k8s/target.js';

/** The cluster part: the control-plane taint (and, later, solokube's objects), when a kubeconfig is known. */
function kubeStep(kube: KubeTarget | undefined): Resource[] {
  return kube ? kubeResources(kube, []) : [];
}

export function upResources(config: SolokubeConfig, clients: AwsClients, access: NodeAccess, opts: AwsResourceOptions = {}, kube?: KubeTarget): Resource[] {
  // Without the secondary IP there is nothing of ours to make: find the instance for the summary.
  if (!config.secondaryIp) return [controlPlaneInstance({ config, names: names(config), clients }, { mustExist: true }) as Resource, ...kubeStep(kube)];
  return [...awsResources(config, clients, opts).all, ...nodeStep(config, access), ...kubeStep(kube)];
}

export function downResources(config: SolokubeConfig, clients: AwsClients, access: NodeAccess, opts: AwsResourceOptions = {}, kube?: KubeTarget): Resource[] {
  return [...awsResources(config, clients, opts).destroy, ...nodeStep(config, access), ...kubeStep(kube)];
}
