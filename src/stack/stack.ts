// Everything `up` converges and `down` removes, assembled from the layers: the cluster itself (the
// state store and the kops cluster) first, then the AWS resources and the node step, which depend on
// the control-plane instance and the secondary address. `up` runs them in stages (stages.ts): on a
// fresh account the network part cannot be read before kops launched the instance, so its plan comes
// after the cluster's. `down` removes them in reverse: the network part, then the cluster.
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
import { NODE_RESOURCE_IDS } from '../node/resources/ids.js';
import { nodeStep } from './node-step.js';
import type { NodeAccess } from './node-step.js';
import { ingressKubeResources } from '../k8s/resources/ingress.js';
import type { KubeTarget } from '../k8s/target.js';
import { planStages } from './stages.js';
import type { Stage } from './stages.js';
import { appsDownResources, appsUpResources, type AppsStepOptions } from '../apps/stack-step.js';

/** The stage before everything else: what `solokube cluster create` converges. */
export const CLUSTER_STAGE_TITLE = 'the cluster: state store, kops cluster (specs, cloud, admin kubeconfig)';

export const CLUSTER_AGAIN_TITLE =
  "the kops cluster again, if the app security group came or went: the control-plane group's additionalSecurityGroups";

export function networkStageTitle(config: SolokubeConfig): string {
  return config.secondaryIp
    ? 'the secondary IP path, the node and DNS (they need the control-plane instance kops launches)'
    : "the app names on the instance's own address, the secondary path removed";
}

/** What an app's HTTP-01 validation travels through: an app is deployed after those in its run. */
const APP_PATH_IDS: readonly string[] = [
  AWS_IDS.eipAssociation,
  AWS_IDS.dnsRecords,
  NODE_RESOURCE_IDS.redirectRules,
  NODE_RESOURCE_IDS.proxyConfig,
];

/** The cluster part, when a kubeconfig is known: the control-plane taint, Traefik and the apps' routes. */
function kubeStep(config: SolokubeConfig, kube: KubeTarget | undefined): Resource[] {
  return kube ? ingressKubeResources(kube, config, kube.ingress) : [];
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
  // Configured apps that are not deployed yet (only when the caller names the project directory),
  // once the path their certificates are validated through is in place.
  const appsAfter = (path: readonly Resource[]) =>
    appsUpResources(
      config,
      clients,
      kube,
      apps,
      path.map((r) => r.id).filter((id) => APP_PATH_IDS.includes(id)),
    );
  if (config.secondaryIp) {
    const path = [...awsResources(config, clients, opts).all, ...nodeStep(config, access), ...kubeStep(config, kube)];
    return [{ mode: 'converge', resources: [...path, ...appsAfter(path)] }];
  }
  // Without it the apps answer on the node's own address: their names move there first (converge),
  // so that no record of ours points at the Elastic IP when the removal (destroy) releases it.
  const removal = awsResources(config, clients, opts).destroy.filter(
    (r) => !([AWS_IDS.controlPlane, AWS_IDS.clusterKnown, AWS_IDS.dnsRecords] as string[]).includes(r.id),
  );
  const instance = controlPlaneInstance({ config, names: names(config), clients }, { mustExist: true }) as Resource;
  const path = [...primaryAddressResources(config, clients, opts), ...kubeStep(config, kube)];
  return [
    { mode: 'converge', resources: [...path, ...appsAfter(path)] },
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

/**
 * `up` in stages: the cluster (state store, kops cluster) converges first; the network part is
 * planned after it — with the Kubernetes target known then (kops exports the kubeconfig).
 */
export function upStages(
  config: SolokubeConfig,
  clients: AwsClients,
  access: NodeAccess,
  cluster: () => Promise<readonly Resource[]>,
  opts: AwsResourceOptions = {},
  kube: () => KubeTarget | undefined = () => undefined,
  apps?: AppsStepOptions,
): Stage[] {
  const clusterPhase = async (): Promise<Phase[]> => [{ mode: 'converge', resources: await cluster() }];
  return [
    { title: CLUSTER_STAGE_TITLE, phases: clusterPhase },
    { title: networkStageTitle(config), phases: () => upPhases(config, clients, access, opts, kube(), apps) },
    // The cluster's specs name the app security group while it exists (so a replaced instance keeps
    // it): on the first run it exists only after the network stage made it, and with the secondary
    // path turned off it is gone only after that stage removed it.
    { title: CLUSTER_AGAIN_TITLE, phases: clusterPhase },
  ];
}

/**
 * What `up` would do, as `plan` and `status` show it. With the cluster's resources, the cluster
 * comes first, and while it has changes the rest is named in `then` instead of planned.
 */
export async function planUp(
  config: SolokubeConfig,
  clients: AwsClients,
  access: NodeAccess,
  io: IoHost,
  signal: AbortSignal,
  opts: AwsResourceOptions = {},
  kube?: KubeTarget,
  cluster?: () => Promise<readonly Resource[]>,
): Promise<{ plan: Plan; then: string[] }> {
  if (cluster)
    return planStages(
      upStages(config, clients, access, cluster, opts, () => kube),
      io,
      signal,
    );
  const planned = await planPhases(upPhases(config, clients, access, opts, kube), io, signal);
  return { plan: combinePlans(planned.map((p) => p.result.plan)), then: [] };
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
    ...kubeStep(config, kube),
    ...appsDownResources(config, clients, kube),
  ];
}

/** What `down` runs: everything of the network part (dependents first), then the cluster itself. */
export function downPhases(
  config: SolokubeConfig,
  clients: AwsClients,
  access: NodeAccess,
  cluster: readonly Resource[],
  opts: AwsResourceOptions = {},
  kube?: KubeTarget,
): Phase[] {
  return [
    { mode: 'destroy', resources: downResources(config, clients, access, opts, kube) },
    { mode: 'destroy', resources: cluster },
  ];
}
