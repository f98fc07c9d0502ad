// Reading a Route 53 zone the way the app records need it: canonical names, the public zone by
// name, A records, and solokube's ownership records (`_solokube.<name>` TXT, explained in
// dns-records.ts). Read-only: every change goes through the dnsRecords resource or its callers.
import { ListHostedZonesByNameCommand, ListResourceRecordSetsCommand } from '../sdk/route-53.js';
import type { ResourceRecordSet } from '@aws-sdk/client-route-53';
import { SolokubeError } from '../../core/errors.js';
import type { Unknown } from '../../core/unknown.js';
import type { AwsClients } from '../clients.js';
import type { AwsEnv } from './context.js';

export interface DnsRecord {
  name: string;
  ttl: number;
  values: (string | Unknown)[];
}

/** Route 53 returns names with a trailing dot and `*` as \052; compare in one canonical form. */
export function canonicalName(name: string): string {
  return name
    .replace(/\\(\d{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)))
    .toLowerCase()
    .replace(/\.$/, '');
}

/** The public hosted zone named exactly `zone` (ListHostedZonesByName starts at a name; it does not filter). */
export async function findPublicZone(clients: AwsClients, zone: string, signal: AbortSignal): Promise<string> {
  const out = await clients.call('route53:ListHostedZonesByName', signal, (o) =>
    clients.route53.send(new ListHostedZonesByNameCommand({ DNSName: zone, MaxItems: 10 }), o),
  );
  const matches = (out.HostedZones ?? []).filter((z) => canonicalName(z.Name ?? '') === zone && !z.Config?.PrivateZone);
  if (matches.length === 0) {
    throw new SolokubeError({
      code: 'aws.zone-missing',
      message: `no public Route 53 hosted zone named ${zone}`,
      remedy:
        `Create it (\`aws route53 create-hosted-zone --name ${zone} --caller-reference $(date ` +
        `+%s)\`) and delegate it from the parent domain, or fix dnsZone in the configuration.`,
      actor: 'user',
    });
  }
  if (matches.length > 1) {
    throw new SolokubeError({
      code: 'aws.zone-ambiguous',
      message: `${matches.length} public hosted zones are named ${zone}: ${matches.map((z) => z.Id).join(', ')}`,
      remedy: 'Delete the zone that is not delegated, so exactly one remains.',
      actor: 'user',
    });
  }
  return matches[0]!.Id!.replace(/^\/hostedzone\//, '');
}

/** Every A record in the zone whose name is in `wanted`. */
export async function listARecords(
  clients: AwsClients,
  zoneId: string,
  wanted: ReadonlySet<string>,
  signal: AbortSignal,
): Promise<DnsRecord[]> {
  const found: DnsRecord[] = [];
  let next: { StartRecordName?: string; StartRecordType?: ResourceRecordSet['Type']; StartRecordIdentifier?: string } =
    {};
  for (;;) {
    const page = await clients.call('route53:ListResourceRecordSets', signal, (o) =>
      clients.route53.send(new ListResourceRecordSetsCommand({ HostedZoneId: zoneId, ...next }), o),
    );
    for (const rr of page.ResourceRecordSets ?? []) {
      const name = canonicalName(rr.Name ?? '');
      if (rr.Type === 'A' && !rr.AliasTarget && !rr.SetIdentifier && wanted.has(name)) {
        found.push({ name, ttl: rr.TTL ?? 0, values: (rr.ResourceRecords ?? []).map((r) => r.Value ?? '').sort() });
      }
    }
    if (!page.IsTruncated) break;
    next = {
      StartRecordName: page.NextRecordName,
      StartRecordType: page.NextRecordType,
      ...(page.NextRecordIdentifier ? { StartRecordIdentifier: page.NextRecordIdentifier } : {}),
    };
  }
  return found.sort((a, b) => a.name.localeCompare(b.name));
}

export function appRecordNames(env: AwsEnv): string[] {
  return [...new Set([env.names.appsWildcard, ...env.names.appHosts])].sort();
}

const OWNER_LABEL = '_solokube';
const WILDCARD_LABEL = '_wildcard';

/** Where the ownership record of `name` lives. */
export function ownershipRecordName(name: string): string {
  return `${OWNER_LABEL}.${name.replace(/^\*\./, `${WILDCARD_LABEL}.`)}`;
}

/** The record name an ownership record speaks for, or undefined when `name` is not one. */
export function ownedNameOf(ownerName: string): string | undefined {
  if (!ownerName.startsWith(`${OWNER_LABEL}.`)) return undefined;
  const rest = ownerName.slice(OWNER_LABEL.length + 1);
  return rest.startsWith(`${WILDCARD_LABEL}.`) ? `*.${rest.slice(WILDCARD_LABEL.length + 1)}` : rest;
}

export function ownershipValue(cluster: string): string {
  return `"heritage=solokube,solokube/cluster=${cluster}"`;
}

/** The cluster an ownership TXT value names, or undefined when it is not solokube's. */
export function clusterOfOwnershipValue(value: string): string | undefined {
  const fields = new Map(
    value
      .replace(/^"|"$/g, '')
      .split(',')
      .map((kv) => {
        const i = kv.indexOf('=');
        return [kv.slice(0, i), kv.slice(i + 1)] as const;
      }),
  );
  return fields.get('heritage') === 'solokube' ? fields.get('solokube/cluster') : undefined;
}

/** Everything in the zone that matters for ownership, read once. */
export interface ZoneReading {
  /** Plain A records by canonical name. */
  a: Map<string, DnsRecord>;
  /** Other record sets that make a name taken: CNAME, AAAA, alias or routing-policy A. */
  otherAt: Map<string, string[]>;
  /** Ownership records: owned name → the cluster that owns it, and the TXT as written. */
  owners: Map<string, { cluster: string; record: DnsRecord }>;
}

export async function readZone(clients: AwsClients, zoneId: string, signal: AbortSignal): Promise<ZoneReading> {
  const reading: ZoneReading = { a: new Map(), otherAt: new Map(), owners: new Map() };
  let next: { StartRecordName?: string; StartRecordType?: ResourceRecordSet['Type']; StartRecordIdentifier?: string } =
    {};
  for (;;) {
    const page = await clients.call('route53:ListResourceRecordSets', signal, (o) =>
      clients.route53.send(new ListResourceRecordSetsCommand({ HostedZoneId: zoneId, ...next }), o),
    );
    for (const rr of page.ResourceRecordSets ?? []) {
      const name = canonicalName(rr.Name ?? '');
      const values = (rr.ResourceRecords ?? []).map((r) => r.Value ?? '').sort();
      const plain = !rr.AliasTarget && !rr.SetIdentifier;
      if (rr.Type === 'A' && plain) reading.a.set(name, { name, ttl: rr.TTL ?? 0, values });
      else if (rr.Type === 'TXT' && plain && ownedNameOf(name) !== undefined) {
        const cluster = values.map(clusterOfOwnershipValue).find((c) => c !== undefined);
        if (cluster !== undefined)
          reading.owners.set(ownedNameOf(name)!, { cluster, record: { name, ttl: rr.TTL ?? 0, values } });
      } else if (rr.Type === 'A' || rr.Type === 'AAAA' || rr.Type === 'CNAME') {
        reading.otherAt.set(name, [
          ...(reading.otherAt.get(name) ?? []),
          `${rr.Type}${rr.AliasTarget ? ' alias' : ''}${rr.SetIdentifier ? ` (${rr.SetIdentifier})` : ''}`,
        ]);
      }
    }
    if (!page.IsTruncated) break;
    next = {
      StartRecordName: page.NextRecordName,
      StartRecordType: page.NextRecordType,
      ...(page.NextRecordIdentifier ? { StartRecordIdentifier: page.NextRecordIdentifier } : {}),
    };
  }
  return reading;
}

/** For each address, the names of A records in the zone that point at it. */
export async function recordsPointingAt(
  clients: AwsClients,
  zoneId: string,
  addresses: readonly string[],
  signal: AbortSignal,
): Promise<Map<string, string[]>> {
  const zone = await readZone(clients, zoneId, signal);
  const out = new Map<string, string[]>();
  for (const r of zone.a.values()) {
    for (const v of r.values)
      if (addresses.includes(v as string)) out.set(v as string, [...(out.get(v as string) ?? []), r.name]);
  }
  return out;
}
