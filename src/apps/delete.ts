// `apps delete`: the app's objects in the cluster (found by solokube's labels), its own DNS name
// when this cluster owns it (app-dns.ts), and with
// purgeImages its ECR repository with every image in it. Without purgeImages the repository stays,
// so a later deploy or rollback still finds the images.
import type { AwsClients } from '../aws/clients.js';
import { ecrRepository } from '../aws/resources/ecr-repository.js';
import type { SolokubeConfig } from '../config/schema.js';
import type { Plan } from '../core/plan.js';
import type { Resource } from '../core/resource.js';
import { planAndApply, type Decision } from '../core/run.js';
import type { KubeTarget } from '../k8s/target.js';
import { appDnsName } from './app-dns.js';
import { appObjects } from './app-objects.js';
import { runOptions, type MutationRun } from './apply-objects.js';
import { appsNamespace } from './manifests.js';
import { DEFAULT_KEEP_IMAGES } from './repository-name.js';

export interface DeleteAppOptions extends MutationRun {
  config: SolokubeConfig;
  app: string;
  clients: AwsClients;
  target: KubeTarget;
  purgeImages: boolean;
}

export function deleteAppResources(
  o: Pick<DeleteAppOptions, 'config' | 'app' | 'clients' | 'target' | 'purgeImages'>,
): Resource[] {
  const resources: Resource[] = [
    appObjects(o.target, appsNamespace(o.config), o.app) as Resource,
    // Its own name in Route 53 (never the apps' wildcard, never a name another app or someone else holds).
    appDnsName(o.config, o.clients, o.app) as Resource,
  ];
  if (o.purgeImages)
    resources.push(
      ecrRepository(o.clients, {
        cluster: o.config.name,
        app: o.app,
        keepImages: o.config.keepImages ?? DEFAULT_KEEP_IMAGES,
        purgeImages: true,
      }) as Resource,
    );
  return resources;
}

export async function deleteApp(o: DeleteAppOptions): Promise<{ plan: Plan; decision: Decision }> {
  const run = await planAndApply(deleteAppResources(o), runOptions(o, 'destroy'));
  return { plan: run.plan, decision: run.decision };
}
