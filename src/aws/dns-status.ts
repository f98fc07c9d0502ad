// The app records as they are: each wanted name, what it points at, and whether that is our
// Elastic IP. Reads only.

import { DescribeAddressesCommand } from './sdk/ec2.js';
import { names } from '../config/naming.js';
import type { SolokubeConfig } from '../config/schema.js';
import type { AwsClients } from './clients.js';
import { appRecordNames, findPublicZone, listARecords } from './resources/dns-zone.js';
import { renderTable } from './table.js';

export interface DnsRecordStatus {
  name: string;
  values: string[];
  ttl?: number;
  pointsAtElasticIp: boolean;
}

export interface DnsStatus {
  zone: string;
  zoneId: string;
  elasticIp?: string;
  records: DnsRecordStatus[];
  inSync: boolean;
}

export async function readDnsStatus(
  config: SolokubeConfig,
  clients: AwsClients,
  signal: AbortSignal,
): Promise<DnsStatus> {
  const n = names(config);
  const env = { config, names: n, clients };
  const wanted = appRecordNames(env);
  const [zoneId, addresses] = await Promise.all([
    findPublicZone(clients, config.dnsZone, signal),
    clients.call('ec2:DescribeAddresses', signal, (o) =>
      clients.ec2.send(new DescribeAddressesCommand({ Filters: n.ownedFilters('apps-elastic-ip') }), o),
    ),
  ]);
  const eip = (addresses.Addresses ?? []).find((a) => a.AssociationId)?.PublicIp ?? addresses.Addresses?.[0]?.PublicIp;
  const found = await listARecords(clients, zoneId, new Set(wanted), signal);
  const records = wanted.map((name): DnsRecordStatus => {
    const r = found.find((f) => f.name === name);
    const values = (r?.values ?? []) as string[];
    return {
      name,
      values,
      ...(r ? { ttl: r.ttl } : {}),
      pointsAtElasticIp: eip !== undefined && values.length === 1 && values[0] === eip,
    };
  });
  return {
    zone: config.dnsZone,
    zoneId,
    ...(eip ? { elasticIp: eip } : {}),
    records,
    inSync: records.every((r) => r.pointsAtElasticIp),
  };
}

export function renderDnsStatus(s: DnsStatus): string {
  const head =
    `zone ${s.zone} (${s.zoneId}); Elastic ` +
    `IP ${s.elasticIp ?? 'none tagged for this cluster'}: ${s.inSync ? 'all app records point at it' : 'run `solokube dns sync`'}`;
  const rows = s.records.map((r) => [
    r.name,
    r.values.join(', ') || 'missing',
    r.ttl === undefined ? '' : String(r.ttl),
    r.pointsAtElasticIp ? 'ok' : 'differs',
  ]);
  return `${head}\n\n${renderTable(['name', 'A', 'ttl', 'state'], rows)}`;
}
