// Everything `up` converges and `down` removes, assembled from the layers: the AWS resources, then
// the node step, which depends on the control-plane instance and the secondary address.
//
// `secondaryIp: false` means none of it: `up` then plans the removal of everything the secondary
// path made (Elastic IP, secondary IP, security group, records, the node's address and rules), the
// same removal `down` does, so that turning the option off stops the bill instead of reporting
// "converged" while a public IPv4 stays allocated.

import { names } from '../config/naming.js';
import type { SolokubeConfig } from '../config/schema.js';
import type { IoHost } from '../core/io.js';
import { planConverge, planDestroy } from '../core/plan.js';
import type { PlanMode, PlanResult } from '../core/plan.js';
import type { Resource } from '../core/resource.js';
import type { AwsClients } from '../aws/clients.js';
import { AWS_IDS, awsResources } from '../aws/resources/index.js';
import type { AwsResourceOptions } from '../aws/resources/index.js';
import { controlPlaneInstance } from '../aws/resources/control-plane.js';
import { nodeStep } from './node-step.js';
import type { NodeAccess } from './node-step.js';

export interface UpRun {
  /** converge with the secondary path on; destroy (of the secondary path) with it off. */
  mode: PlanMode;
  resources: Resource[];
}

export function upRun(config: SolokubeConfig, clients: AwsClients, access: NodeAccess, opts: AwsResourceOptions = {}): UpRun {
  if (config.secondaryIp) return { mode: 'converge', resources: [...awsResources(config, clients, opts).all, ...nodeStep(config, access)] };
  // The instance must exist (the summary needs it); the not-found check is then redundant.
  const removal = awsResources(config, clients, opts).destroy.filter((r) => r.id !== AWS_IDS.controlPlane && r.id !== AWS_IDS.clusterKnown);
  const instance = controlPlaneInstance({ config, names: names(config), clients }, { mustExist: true }) as Resource;
  return { mode: 'destroy', resources: [instance, ...removal, ...nodeStep(config, access)] };
}

/** What `up` would do, as `plan` and `status` show it. */
export async function planUp(config: SolokubeConfig, clients: AwsClients, access: NodeAccess, io: IoHost, signal: AbortSignal, opts: AwsResourceOptions = {}): Promise<PlanResult> {
  const { mode, resources } = upRun(config, clients, access, opts);
  return mode === 'converge' ? planConverge(resources, io, signal) : planDestroy(resources, io, signal);
}

export function upResources(config: SolokubeConfig, clients: AwsClients, access: NodeAccess, opts: AwsResourceOptions = {}): Resource[] {
  return upRun(config, clients, access, opts).resources;
}

// `down` stays quiet about a cluster that is not there (already deleted with kops, say): removing
// nothing is its goal met. `status` and `secondary-ip cleanup` report an unknown name instead.
export function downResources(config: SolokubeConfig, clients: AwsClients, access: NodeAccess, opts: AwsResourceOptions = {}): Resource[] {
  return [...awsResources(config, clients, opts).destroy.filter((r) => r.id !== AWS_IDS.clusterKnown), ...nodeStep(config, access)];
}
