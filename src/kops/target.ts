// The cluster's resources (state store, kops cluster) for the target a command works on: AWS with the
// real kops binary and solokube's own kubeconfig path, or the sandbox with its kops (real kops plus
// the stand-in) and its own kubeconfig and SSH key. up, down, plan and status all take them from here.
import type { AwsClients } from '../aws/clients.js';
import type { SolokubeConfig } from '../config/schema.js';
import type { IoHost } from '../core/io.js';
import { info } from '../core/io.js';
import { stateStoreUrl } from '../aws/resources/state-store.js';
import { clusterMadeElsewhere } from './elsewhere.js';
import type { Resource } from '../core/resource.js';
import type { Sandbox } from '../sandbox/env/sandbox.js';
import type { KopsCli } from './cli.js';
import { clusterResources, kubeconfigPathFor, realKops } from './stack.js';

export interface ClusterStack {
  /**
   * The state store and the kops cluster — or nothing when the cluster was made by kops outside
   * solokube's state store (elsewhere.ts says why it is then left alone). Checked once.
   */
  managed(): Promise<Resource[]>;
  /** Where the cluster stage writes the admin kubeconfig. */
  kubeconfigPath: string;
  /** The kops the cluster stage uses (the sandbox's, or the real binary). */
  kops: KopsCli;
  close(): void;
}

export async function clusterStackFor(
  config: SolokubeConfig,
  clients: AwsClients,
  io: IoHost,
  signal: AbortSignal,
  sandbox?: Sandbox,
): Promise<ClusterStack> {
  const kops = sandbox ? await sandbox.kops(config, clients, io, signal) : realKops(config, clients, io, signal);
  const kubeconfigPath = sandbox?.kopsKubeconfigPath ?? kubeconfigPathFor(config.name);
  const resources = clusterResources(
    {
      config,
      clients,
      io,
      kubeconfigPath,
      kops,
      ...(sandbox ? { sshPrivateKey: sandbox.sshPrivateKey } : {}),
    },
    signal,
  );
  let checked: Promise<Resource[]> | undefined;
  const managed = (): Promise<Resource[]> =>
    (checked ??= clusterMadeElsewhere(config, clients, signal).then((elsewhere) => {
      if (elsewhere === undefined) return resources;
      info(
        io,
        `the kops cluster ${config.name} runs, but ${stateStoreUrl(elsewhere.bucket)} holds no ` +
          `state of it: solokube leaves the cluster alone (set stateStore: to the bucket kops uses ` +
          `to have solokube manage it)`,
      );
      return [];
    }));
  return { managed, kubeconfigPath, kops, close: () => (kops as { close?: () => void } | undefined)?.close?.() };
}
