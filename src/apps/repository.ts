// ensureRepository: converge one app's ECR repository (the EcrRepository resource) and return its
// name and URI for the push.
import type { AwsClients } from '../aws/clients.js';
import { ecrRepository, type EcrRepositoryState } from '../aws/resources/ecr-repository.js';
import type { IoHost } from '../core/io.js';
import { planAndApply } from '../core/run.js';
import { known } from '../core/unknown.js';

export interface EnsureRepositoryOptions {
  clients: AwsClients;
  cluster: string;
  app: string;
  keepImages: number;
  io: IoHost;
  signal: AbortSignal;
}

export interface EnsuredRepository {
  name: string;
  uri: string;
  arn: string;
  created: boolean;
  changed: boolean;
}

export async function ensureRepository(o: EnsureRepositoryOptions): Promise<EnsuredRepository> {
  const resource = ecrRepository(o.clients, { cluster: o.cluster, app: o.app, keepImages: o.keepImages });
  const run = await planAndApply([resource], {
    io: o.io,
    signal: o.signal,
    mode: 'converge',
    yes: true,
    dryRun: false,
  });
  const state = run.states.get(resource.id) as EcrRepositoryState | undefined;
  const uri = state ? known(state.uri) : undefined;
  const arn = state ? known(state.arn) : undefined;
  if (!state || uri === undefined || arn === undefined)
    throw new Error(`the ECR repository for ${o.app} has no URI after converging`);
  const step = run.plan.steps.find((s) => s.id === resource.id);
  return {
    name: state.name,
    uri,
    arn,
    created: step?.action === 'create',
    changed: step !== undefined && step.action !== 'unchanged',
  };
}
