// The cluster part of the stack as engine resources — the state store, then the kops cluster — so
// `solokube cluster create|delete` run them alone and `up`/`down` can put them first/last.
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { AwsClients } from '../aws/clients.js';
import { stateStore, stateStoreBucketName, stateStoreUrl } from '../aws/resources/state-store.js';
import { names } from '../config/naming.js';
import type { SolokubeConfig } from '../config/schema.js';
import type { IoHost } from '../core/io.js';
import type { Resource } from '../core/resource.js';
import type { KopsCli } from './cli.js';
import { kopsCluster } from './cluster-resource.js';
import { KopsRunner } from './runner.js';
import { ensureSshKey } from './ssh-key.js';
import { timedKops } from './timed.js';

/** solokube's own admin kubeconfig for a cluster (never ~/.kube/config). */
export function kubeconfigPathFor(cluster: string): string {
  return join(process.env.SOLOKUBE_HOME ?? join(homedir(), '.solokube'), 'clusters', cluster, 'kubeconfig');
}

export interface ClusterStackOptions {
  config: SolokubeConfig;
  clients: AwsClients;
  io: IoHost;
  /** Which kops to use; default the real binary (`kops` on PATH, or SOLOKUBE_KOPS). */
  kops?: KopsCli;
  kubeconfigPath?: string;
  /** The SSH key handed to kops (created when absent); default the configured one. */
  sshPrivateKey?: string;
  validateWaitMs?: number;
}

export function realKops(config: SolokubeConfig, clients: AwsClients, io: IoHost, signal: AbortSignal): KopsRunner {
  const bucket = stateStoreBucketName({ config, names: names(config), clients });
  return new KopsRunner({
    binary: process.env.SOLOKUBE_KOPS ?? 'kops',
    io,
    stateStore: async () => stateStoreUrl(await bucket({ signal })),
    env: { AWS_REGION: config.region, ...(config.profile ? { AWS_PROFILE: config.profile } : {}) },
  });
}

export function clusterResources(o: ClusterStackOptions, signal: AbortSignal): Resource[] {
  const env = { config: o.config, names: names(o.config), clients: o.clients };
  // Timed, so a run can tell its own time from the time it waits on kops (see timed.ts).
  const kops = timedKops(o.kops ?? realKops(o.config, o.clients, o.io, signal), o.io);
  const kubeconfigPath = o.kubeconfigPath ?? kubeconfigPathFor(o.config.name);
  return [
    stateStore(env) as Resource,
    kopsCluster({
      config: o.config,
      clients: o.clients,
      kops,
      kubeconfigPath,
      ...(o.validateWaitMs === undefined ? {} : { validateWaitMs: o.validateWaitMs }),
      sshPublicKey: async () =>
        (await ensureSshKey(o.sshPrivateKey ?? o.config.ssh.privateKey, o.io, signal)).publicKey,
    }) as Resource,
  ];
}
