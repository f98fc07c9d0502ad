// `apps history`: the deployment records on the app's Deployment, newest first, each marked with
// whether ECR still has its image (what `apps rollback` may return to).
import type { AwsClients } from '../aws/clients.js';
import type { SolokubeConfig } from '../config/schema.js';
import type { KubeTarget } from '../k8s/target.js';
import { listImages } from './images.js';
import { liveDeployment } from './live.js';
import { appsNamespace } from './manifests.js';
import { readRecords, type DeploymentRecord } from './record.js';
import { ecrRepositoryName } from './repository-name.js';

export interface HistoryEntry extends DeploymentRecord {
  current: boolean;
  /** ECR still has the image. */
  inEcr: boolean;
}

export async function appHistory(
  config: SolokubeConfig,
  app: string,
  clients: AwsClients,
  target: KubeTarget,
  signal: AbortSignal,
): Promise<HistoryEntry[]> {
  const records = readRecords(await liveDeployment(target, appsNamespace(config), app, signal));
  if (!records) return [];
  const inEcr = new Set((await listImages(clients, ecrRepositoryName(config.name, app), signal)).map((i) => i.digest));
  return [records.current, ...records.earlier].map((r, i) => ({ ...r, current: i === 0, inEcr: inEcr.has(r.digest) }));
}
