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
import type { Plan } from '../core/plan.js';
import { combinePlans, planPhases } from '../core/run.js';
import type { Phase } from '../core/run.js';
import type { Resource } from '../core/resource.js';
import type { AwsClients } from '../aws/clients.js';
import { AWS_IDS, awsResources } from '../aws/resources/index.js';
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

/**
 * What `up` runs. With the secondary path on, everything converges in one phase. With it off, the
 * path is removed (a destroy phase: dependents first) and the cluster part still converges after.
 */
export function upPhases(config: SolokubeConfig, clients: AwsClients, access: NodeAccess, opts: AwsResourceOptions = {}, kube?: KubeTarget): Phase[] {
  if (config.secondaryIp) return [{ mode: 'converge', resources: [...awsResources(config, clients, opts).all, ...nodeStep(config, access), ...kubeStep(kube)] }];
  // The instance must exist (the summary needs it); the not-found check is then redundant.
  const removal = awsResources(config, clients, opts).destroy.filter((r) => r.id !== AWS_IDS.controlPlane && r.id !== AWS_IDS.clusterKnown);
  const instance = controlPlaneInstance({ config, names: names(config), clients }, { mustExist: true }) as Resource;
  const phases: Phase[] = [{ mode: 'destroy', resources: [instance, ...removal, ...nodeStep(config, access)] }];
  const cluster = kubeStep(kube);
  if (cluster.length > 0) phases.push({ mode: 'converge', resources: cluster });
  return phases;
}

/** Every resource `up` touches, in phase order (what `plan --offline` describes). */
export function upResources(config: SolokubeConfig, clients: AwsClients, access: NodeAccess, opts: AwsResourceOptions = {}, kube?: KubeTarget): Resource[] {
  return upPhases(config, clients, access, opts, kube).flatMap((p) => [...p.resources]);
}

/** What `up` would do, as `plan` and `status` show it. */
export async function planUp(config: SolokubeConfig, clients: AwsClients, access: NodeAccess, io: IoHost, signal: AbortSignal, opts: AwsResourceOptions = {}, kube?: KubeTarget): Promise<{ plan: Plan }> {
  const planned = await planPhases(upPhases(config, clients, access, opts, kube), io, signal);
  return { plan: combinePlans(planned.map((p) => p.result.plan)) };
}

// `down` stays quiet about a cluster that is not there (already deleted with kops, say): removing
// nothing is its goal met. `status` and `secondary-ip cleanup` report an unknown name instead.
export function downResources(config: SolokubeConfig, clients: AwsClients, access: NodeAccess, opts: AwsResourceOptions = {}, kube?: KubeTarget): Resource[] {
  return [...awsResources(config, clients, opts).destroy.filter((r) => r.id !== AWS_IDS.clusterKnown), ...nodeStep(config, access), ...kubeStep(kube)];
}
