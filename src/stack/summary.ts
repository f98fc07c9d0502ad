// What `up` prints when it is done: where the apps and the API answer, what it costs, and checks a
// person can paste. Pure: built from the resources' final states.

import { names, PORTS } from '../config/naming.js';
import type { SolokubeConfig } from '../config/schema.js';
import { isUnknown } from '../core/unknown.js';
import type { ControlPlane } from '../aws/resources/control-plane.js';
import type { ElasticIpState } from '../aws/resources/elastic-ip.js';
import type { SecondaryPrivateIpState } from '../aws/resources/secondary-private-ip.js';
import { solokubeShare } from '../cost/share.js';

export interface UpSummary {
  cluster: string;
  secondaryIp: boolean;
  appUrl: string;
  apiUrl: string;
  elasticIp?: string;
  secondaryPrivateIp?: string;
  primaryPublicIp?: string;
  monthlyCostUsd: number;
  costLine: string;
  checks: string[];
}

export interface SummaryInput {
  config: SolokubeConfig;
  controlPlane?: ControlPlane;
  secondary?: SecondaryPrivateIpState;
  elasticIp?: ElasticIpState;
  /** How checks reach the node: on the internet, or from the sandbox's client namespace. */
  checkPrefix?: string;
  /** A CA file for curl (the sandbox's stand-in certificates); otherwise the system store. */
  caCertPath?: string;
}

export function upSummary(i: SummaryInput): UpSummary {
  const n = names(i.config);
  const host = n.appHosts[0] ?? `hello.${i.config.appsDomain}`;
  const eip = known(i.elasticIp?.publicIp);
  const primary = i.controlPlane?.primaryPublicIp;
  const prefix = i.checkPrefix ? `${i.checkPrefix} ` : '';
  const ca = i.caCertPath ? ` --cacert ${i.caCertPath}` : '';
  // Route 53 (or the sandbox's DNS) answers the names, so the checks use DNS like any client.
  const curl = (url: string): string => `${prefix}curl -sS${ca} ${url}`;
  if (!i.config.secondaryIp) {
    return {
      cluster: i.config.name,
      secondaryIp: false,
      appUrl: `https://<app>.${i.config.appsDomain}:${PORTS.ingressHttps}`,
      apiUrl: `https://${n.apiName}`,
      ...(primary ? { primaryPublicIp: primary } : {}),
      monthlyCostUsd: solokubeShare(i.config).monthlyUsd,
      costLine: solokubeShare(i.config).line,
      // Traefik serves HTTP on the node's :80 in this mode (only 443 is the API's), HTTPS on 30443.
      checks: [curl(`https://${host}:${PORTS.ingressHttps}/`), curl(`http://${host}/`)],
    };
  }
  return {
    cluster: i.config.name,
    secondaryIp: true,
    appUrl: `https://<app>.${i.config.appsDomain}`,
    apiUrl: `https://${n.apiName}`,
    ...(eip ? { elasticIp: eip } : {}),
    ...(known(i.secondary?.address) ? { secondaryPrivateIp: known(i.secondary?.address)! } : {}),
    ...(primary ? { primaryPublicIp: primary } : {}),
    monthlyCostUsd: solokubeShare(i.config).monthlyUsd,
    costLine: solokubeShare(i.config).line,
    checks: [
      curl(`https://${host}/`),
      // /version answers anonymously on a real kube-apiserver (system:public-info-viewer).
      curl(`https://${n.apiName}/version`),
      curl(`http://${host}/`),
    ],
  };
}

export function renderUpSummary(s: UpSummary): string {
  const lines = [`solokube is up for ${s.cluster}`];
  if (s.secondaryIp) {
    lines.push(
      `  apps  ${s.appUrl}  → Elastic IP ${s.elasticIp ?? '?'} → secondary ${s.secondaryPrivateIp ?? '?'}:443/80`,
    );
  } else {
    lines.push(
      `  apps  ${s.appUrl}  (secondary IP off: app names → the instance's public address ${s.primaryPublicIp ?? '?'}, HTTPS on NodePort 30443)`,
    );
  }
  lines.push(`  api   ${s.apiUrl}  → primary public IP ${s.primaryPublicIp ?? '?'}:443 (kube-apiserver, untouched)`);
  lines.push(`  cost  ${s.costLine}`);
  lines.push('  checks:');
  for (const c of s.checks) lines.push(`    ${c}`);
  return lines.join('\n');
}

function known<T>(v: T | import('../core/unknown.js').Unknown | undefined): T | undefined {
  return v === undefined || isUnknown(v) ? undefined : (v as T);
}
