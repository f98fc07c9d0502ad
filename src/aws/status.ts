// What exists on the AWS side for a cluster, read without changing anything, as data and as a
// table. `secondary-ip status` shows it; cleanup's destroy list is reused for the reading so that
// status shows exactly what cleanup would act on.

import { planDestroy } from '../core/plan.js';
import type { IoHost } from '../core/io.js';
import type { SolokubeConfig } from '../config/schema.js';
import type { AwsClients } from './clients.js';
import { AWS_IDS, awsResources } from './resources/index.js';
import type { AwsResourceOptions } from './resources/index.js';
import type { AppSecurityGroupState } from './resources/app-security-group.js';
import { DESIRED_RULES } from './resources/app-security-group.js';
import type { ControlPlane } from './resources/control-plane.js';
import type { DnsRecordsState } from './resources/dns-records.js';
import type { EipAssociationState } from './resources/eip-association.js';
import type { ElasticIpState } from './resources/elastic-ip.js';
import type { SecondaryPrivateIpState } from './resources/secondary-private-ip.js';
import { renderTable } from './table.js';

export interface AwsStatus {
  cluster: string;
  region: string;
  /** Every part present and wired: EIP on the secondary IP, SG open and attached. */
  ready: boolean;
  controlPlane?: ControlPlane;
  secondaryPrivateIp?: SecondaryPrivateIpState;
  elasticIp?: ElasticIpState;
  association?: EipAssociationState;
  securityGroup?: AppSecurityGroupState;
  dnsRecords?: DnsRecordsState;
}

export async function readAwsStatus(
  config: SolokubeConfig,
  clients: AwsClients,
  io: IoHost,
  signal: AbortSignal,
  opts: AwsResourceOptions = {},
): Promise<AwsStatus> {
  const { evidence } = await planDestroy(awsResources(config, clients, opts).destroy, io, signal);
  const get = <T>(id: string) => evidence.actual.get(id) as T | undefined;
  const s: AwsStatus = {
    cluster: config.name,
    region: config.region,
    ready: false,
    controlPlane: get<ControlPlane>(AWS_IDS.controlPlane),
    secondaryPrivateIp: get<SecondaryPrivateIpState>(AWS_IDS.secondaryPrivateIp),
    elasticIp: get<ElasticIpState>(AWS_IDS.elasticIp),
    association: get<EipAssociationState>(AWS_IDS.eipAssociation),
    securityGroup: get<AppSecurityGroupState>(AWS_IDS.appSecurityGroup),
    dnsRecords: get<DnsRecordsState>(AWS_IDS.dnsRecords),
  };
  s.ready = Boolean(
    s.association &&
    s.secondaryPrivateIp &&
    s.securityGroup?.attached &&
    DESIRED_RULES.every((r) => s.securityGroup!.ingress.includes(r)),
  );
  return s;
}

export function renderAwsStatus(s: AwsStatus): string {
  const none = 'missing';
  const cp = s.controlPlane;
  const eip = s.elasticIp;
  const sg = s.securityGroup;
  const rows: string[][] = [
    [
      'control-plane instance',
      cp ? `${cp.instanceId} (${cp.networkInterfaceId}, subnet ${cp.subnetCidr})` : none,
      cp
        ? `primary ${cp.primaryPrivateIp}${cp.primaryPublicIp ? ` / ${cp.primaryPublicIp}` : ''}`
        : "no running instance with kops' tags",
    ],
    [
      'secondary private IP',
      s.secondaryPrivateIp ? `${String(s.secondaryPrivateIp.address)}/${s.secondaryPrivateIp.prefixLength}` : none,
      '',
    ],
    [
      'Elastic IP',
      eip ? `${String(eip.publicIp)} (${String(eip.allocationId)})` : none,
      eip ? (eip.owned ? 'tagged for this cluster' : 'named by you, not released by cleanup') : '',
    ],
    [
      'association',
      s.association ? `${String(s.association.publicIp)} → ${String(s.association.privateIpAddress)}` : none,
      s.association ? String(s.association.associationId ?? '') : '',
    ],
    [
      'security group',
      sg ? `${String(sg.groupId)} ${sg.ingress.join(', ') || '(no rules)'}` : none,
      sg ? (sg.attached ? 'attached to the ENI' : 'NOT attached to the ENI') : '',
    ],
    [
      'DNS records',
      s.dnsRecords ? s.dnsRecords.records.map((r) => r.name).join(', ') : none,
      s.dnsRecords ? `→ ${String(eip?.publicIp ?? '?')}` : '',
    ],
  ];
  const verdict = s.ready
    ? 'ready: apps traffic reaches the secondary private IP'
    : 'not ready: run `solokube secondary-ip setup`';
  return `${s.cluster} (${s.region}): ${verdict}\n\n${renderTable(['part', 'state', 'detail'], rows)}`;
}
