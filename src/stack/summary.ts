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
  const curl = (url: string, hostName: string, port: number, ip: string | undefined): string =>
    `${prefix}curl -sS${ca}${ip ? ` --resolve ${hostName}:${port}:${ip}` : ''} ${url}`;
  if (!i.config.secondaryIp) {
    return {
      cluster: i.config.name,
      secondaryIp: false,
      appUrl: `https://<app>.${i.config.appsDomain}:${PORTS.ingressHttps}`,
      apiUrl: `https://${n.apiName}`,
      ...(primary ? { primaryPublicIp: primary } : {}),
      monthlyCostUsd: solokubeShare(i.config).monthlyUsd,
      costLine: solokubeShare(i.config).line,
      checks: [
        curl(`https://${host}:${PORTS.ingressHttps}/`, host, PORTS.ingressHttps, primary),
        curl(`http://${host}:${PORTS.ingressHttp}/`, host, PORTS.ingressHttp, primary),
      ],
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
      curl(`https://${host}/`, host, 443, eip),
      // /version answers anonymously on a real kube-apiserver (system:public-info-viewer).
      curl(`https://${n.apiName}/version`, n.apiName, 443, primary),
      curl(`http://${host}/`, host, 80, eip),
    ],
  };
}

export function renderUpSummary(s: UpSummary): string {
  const lines = [`solokube is up for ${s.cluster}`];
  if (s.secondaryIp) {
    lines.push(`  apps  ${s.appUrl}  → Elastic IP ${s.elasticIp ?? '?'} → secondary ${s.secondaryPrivateIp ?? '?'}:443/80`);
  } else {
    lines.push(`  apps  ${s.appUrl}  (secondary IP off: apps answer on the ingress NodePorts of the primary address)`);
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
