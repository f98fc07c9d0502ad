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
import { AWS_IDS, awsResources, primaryAddressResources } from '../aws/resources/index.js';
import type { AwsResourceOptions } from '../aws/resources/index.js';
import { controlPlaneInstance } from '../aws/resources/control-plane.js';
import { nodeStep } from './node-step.js';
import type { NodeAccess } from './node-step.js';
import { kubeResources } from '../k8s/resources/index.js';
import type { KubeTarget } from '../k8s/target.js';
import { appsDownResources, appsUpResources, type AppsStepOptions } from '../apps/stack-step.js';

/** The cluster part: the control-plane taint (and, later, solokube's objects), when a kubeconfig is known. */
function kubeStep(kube: KubeTarget | undefined): Resource[] {
  return kube ? kubeResources(kube, []) : [];
}

/**
 * What `up` runs. With the secondary path on, everything converges in one phase. With it off, the
 * app names move to the instance's own address and the cluster part converges (first phase), then
 * the rest of the path is removed (a destroy phase: dependents first).
 */
export function upPhases(
  config: SolokubeConfig,
  clients: AwsClients,
  access: NodeAccess,
  opts: AwsResourceOptions = {},
  kube?: KubeTarget,
  apps?: AppsStepOptions,
): Phase[] {
  // Configured apps that are not deployed yet (only when the caller names the project directory).
  const appsStep = appsUpResources(config, clients, kube, apps);
  if (config.secondaryIp)
    return [
      {
        mode: 'converge',
        resources: [
          ...awsResources(config, clients, opts).all,
          ...nodeStep(config, access),
          ...kubeStep(kube),
          ...appsStep,
        ],
      },
    ];
  // Without it the apps answer on the node's own address: their names move there first (converge),
  // so that no record of ours points at the Elastic IP when the removal (destroy) releases it.
  const removal = awsResources(config, clients, opts).destroy.filter(
    (r) => !([AWS_IDS.controlPlane, AWS_IDS.clusterKnown, AWS_IDS.dnsRecords] as string[]).includes(r.id),
  );
  const instance = controlPlaneInstance({ config, names: names(config), clients }, { mustExist: true }) as Resource;
  return [
    {
      mode: 'converge',
      resources: [...primaryAddressResources(config, clients, opts), ...kubeStep(kube), ...appsStep],
    },
    { mode: 'destroy', resources: [instance, ...removal, ...nodeStep(config, access)] },
  ];
}

/** Every resource `up` touches, in phase order (what `plan --offline` describes). */
export function upResources(
  config: SolokubeConfig,
  clients: AwsClients,
  access: NodeAccess,
  opts: AwsResourceOptions = {},
  kube?: KubeTarget,
): Resource[] {
  return upPhases(config, clients, access, opts, kube).flatMap((p) => [...p.resources]);
}

/** What `up` would do, as `plan` and `status` show it. */
export async function planUp(
  config: SolokubeConfig,
  clients: AwsClients,
  access: NodeAccess,
  io: IoHost,
  signal: AbortSignal,
  opts: AwsResourceOptions = {},
  kube?: KubeTarget,
): Promise<{ plan: Plan }> {
  const planned = await planPhases(upPhases(config, clients, access, opts, kube), io, signal);
  return { plan: combinePlans(planned.map((p) => p.result.plan)) };
}

// `down` stays quiet about a cluster that is not there (already deleted with kops, say): removing
// nothing is its goal met. `status` and `secondary-ip cleanup` report an unknown name instead.
export function downResources(
  config: SolokubeConfig,
  clients: AwsClients,
  access: NodeAccess,
  opts: AwsResourceOptions = {},
  kube?: KubeTarget,
): Resource[] {
  return [
    ...awsResources(config, clients, opts).destroy.filter((r) => r.id !== AWS_IDS.clusterKnown),
    ...nodeStep(config, access),
    ...kubeStep(kube),
    ...appsDownResources(config, clients, kube),
  ];
}
