// Hosted zones in the state: creation with the apex SOA and NS sets Route 53 makes, and lookups.
import { AwsError } from '../errors.js';
import { route53Id } from '../ids.js';
import type { EmulatorData, HostedZoneRecord, RecordSetRecord } from '../model.js';
import { canonicalName, compareNames } from './names.js';

export interface NewZone {
  id?: string;
  name: string;
  privateZone?: boolean;
  comment?: string;
  callerReference?: string;
}

export function createZone(d: EmulatorData, z: NewZone): HostedZoneRecord {
  const id = z.id?.replace(/^\/?hostedzone\//, '') ?? route53Id(d, 'Z');
  const name = canonicalName(z.name);
  const nameServers = [1, 2, 3, 4].map(
    (i) => `ns-${i}${id.length}.awsdns-0${i}.${['com', 'net', 'org', 'co.uk'][i - 1]}.`,
  );
  const zone: HostedZoneRecord = {
    id,
    name,
    callerReference: z.callerReference ?? `solokube-sandbox-${id}`,
    privateZone: z.privateZone ?? false,
    ...(z.comment === undefined ? {} : { comment: z.comment }),
    records: [
      { name, type: 'NS', ttl: 172800, values: nameServers },
      {
        name,
        type: 'SOA',
        ttl: 900,
        values: [`${nameServers[0]} awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400`],
      },
    ],
  };
  d.hostedZones[id] = zone;
  return zone;
}

export function getZone(d: EmulatorData, rawId: string): HostedZoneRecord {
  const id = rawId.replace(/^\/?hostedzone\//, '');
  const zone = Object.hasOwn(d.hostedZones, id) ? d.hostedZones[id] : undefined;
  if (!zone) throw new AwsError('NoSuchHostedZone', `No hosted zone found with ID: ${id}`, 404);
  return zone;
}

/** Route 53's listing order: reversed-label name, then type, then set identifier. */
export function compareRecords(a: RecordSetRecord, b: RecordSetRecord): number {
  return (
    compareNames(a.name, b.name) ||
    (a.type < b.type ? -1 : a.type > b.type ? 1 : 0) ||
    (a.setIdentifier ?? '').localeCompare(b.setIdentifier ?? '')
  );
}

export function sameRecordKey(
  a: RecordSetRecord,
  b: Pick<RecordSetRecord, 'name' | 'type' | 'setIdentifier'>,
): boolean {
  return a.name === b.name && a.type === b.type && (a.setIdentifier ?? '') === (b.setIdentifier ?? '');
}
