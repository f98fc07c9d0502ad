// `apps list`: every app the configuration names or the cluster runs for this configuration (a
// Deployment solokube labelled for it), with what runs and how ready it is.
import type { SolokubeConfig } from '../config/schema.js';
import type { KubeTarget } from '../k8s/target.js';
import type { DeploymentObject } from '../k8s/types.js';
import { findAppObjects } from './app-objects.js';
import { APP_LABEL, appsNamespace } from './manifests.js';
import { readRecords } from './record.js';
import { appUrls } from './urls.js';

export interface AppListEntry {
  name: string;
  configured: boolean;
  deployed: boolean;
  revision?: number;
  version?: string;
  digest?: string;
  deployedAt?: string;
  replicas?: number;
  ready?: number;
  urls: string[];
}

export async function listApps(
  config: SolokubeConfig,
  target: KubeTarget,
  signal: AbortSignal,
): Promise<AppListEntry[]> {
  const deployments = (await findAppObjects(
    target,
    appsNamespace(config),
    [{ apiVersion: 'apps/v1', kind: 'Deployment' }],
    undefined,
    signal,
  )) as DeploymentObject[];
  const byName = new Map(deployments.map((d) => [d.metadata.labels?.[APP_LABEL] ?? d.metadata.name ?? '', d]));
  const names = [...new Set([...config.apps.map((a) => a.name), ...byName.keys()])].sort();
  return names.map((name) => {
    const d = byName.get(name);
    const record = readRecords(d)?.current;
    return {
      name,
      configured: config.apps.some((a) => a.name === name),
      deployed: d !== undefined,
      ...(record
        ? { revision: record.revision, version: record.version, digest: record.digest, deployedAt: record.at }
        : {}),
      ...(d ? { replicas: d.spec?.replicas ?? 1, ready: d.status?.readyReplicas ?? 0 } : {}),
      urls: appUrls(config, name),
    };
  });
}
