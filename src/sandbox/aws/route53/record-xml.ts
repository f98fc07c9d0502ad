// Record sets on the wire: parsing a ChangeResourceRecordSets body (fast-xml-parser, every value
// kept as a string) and rendering ResourceRecordSet / ChangeInfo / HostedZone elements.
import { XMLParser } from 'fast-xml-parser';
import { AwsError } from '../errors.js';
import type { ChangeRecord, HostedZoneRecord, RecordSetRecord } from '../model.js';
import { el, list, opt, type Xml } from '../xml.js';
import { canonicalName, renderName } from './names.js';

export const ROUTE53_NAMESPACE = 'https://route53.amazonaws.com/doc/2013-04-01/';

const RECORD_TYPES = new Set([
  'A',
  'AAAA',
  'CAA',
  'CNAME',
  'DS',
  'MX',
  'NAPTR',
  'NS',
  'PTR',
  'SOA',
  'SPF',
  'SRV',
  'TXT',
  'HTTPS',
  'SVCB',
  'TLSA',
  'SSHFP',
]);

export interface ParsedChange {
  action: 'CREATE' | 'DELETE' | 'UPSERT';
  set: RecordSetRecord;
}
export interface ParsedBatch {
  changes: ParsedChange[];
  comment?: string;
}

const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: true,
  processEntities: true,
  removeNSPrefix: true,
  isArray: (name) => name === 'Change' || name === 'ResourceRecord',
});

type Node = Record<string, unknown>;
const obj = (v: unknown): Node | undefined => (typeof v === 'object' && v !== null ? (v as Node) : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const invalid = (message: string) => new AwsError('InvalidInput', message);

function integer(v: unknown, field: string, min: number, max: number): number | undefined {
  const s = str(v);
  if (s === undefined) return undefined;
  if (!/^-?\d+$/.test(s) || Number(s) < min || Number(s) > max) throw invalid(`Invalid ${field}: ${s}`);
  return Number(s);
}

function parseSet(n: Node): RecordSetRecord {
  const name = str(n['Name']);
  const type = str(n['Type']);
  if (name === undefined || name === '') throw invalid('ResourceRecordSet is missing Name');
  if (type === undefined || !RECORD_TYPES.has(type)) throw invalid(`Invalid Type: ${type ?? '(none)'}`);
  const records = obj(n['ResourceRecords'])?.['ResourceRecord'];
  const values = Array.isArray(records) ? records.map((r) => str(obj(r)?.['Value']) ?? '') : [];
  const alias = obj(n['AliasTarget']);
  const set: RecordSetRecord = { name: canonicalName(name), type, values };
  const ttl = integer(n['TTL'], 'TTL', 0, 2147483647);
  if (ttl !== undefined) set.ttl = ttl;
  if (alias) {
    set.alias = {
      hostedZoneId: (str(alias['HostedZoneId']) ?? '').replace(/^\/?hostedzone\//, ''),
      dnsName: canonicalName(str(alias['DNSName']) ?? ''),
      evaluateTargetHealth: str(alias['EvaluateTargetHealth']) === 'true',
    };
  }
  const setIdentifier = str(n['SetIdentifier']);
  if (setIdentifier !== undefined) set.setIdentifier = setIdentifier;
  const weight = integer(n['Weight'], 'Weight', 0, 255);
  if (weight !== undefined) set.weight = weight;
  const region = str(n['Region']);
  if (region !== undefined) set.region = region;
  const failover = str(n['Failover']);
  if (failover !== undefined) set.failover = failover;
  const mva = str(n['MultiValueAnswer']);
  if (mva !== undefined) set.multiValueAnswer = mva === 'true';
  const hc = str(n['HealthCheckId']);
  if (hc !== undefined) set.healthCheckId = hc;
  return set;
}

export function parseChangeBatch(body: string): ParsedBatch {
  let doc: Node;
  try {
    doc = parser.parse(body) as Node;
  } catch (err) {
    throw new AwsError(
      'InvalidInput',
      `Could not parse the request body: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  const batch = obj(obj(doc['ChangeResourceRecordSetsRequest'])?.['ChangeBatch']);
  const changes = obj(batch?.['Changes'])?.['Change'];
  if (!batch || !Array.isArray(changes) || changes.length === 0)
    throw invalid('ChangeBatch must contain at least one Change');
  const parsed = changes.map((c): ParsedChange => {
    const node = obj(c) ?? {};
    const action = str(node['Action']);
    if (action !== 'CREATE' && action !== 'DELETE' && action !== 'UPSERT')
      throw invalid(`Invalid Action: ${action ?? '(none)'}`);
    const set = obj(node['ResourceRecordSet']);
    if (!set) throw invalid('Change is missing ResourceRecordSet');
    return { action, set: parseSet(set) };
  });
  const comment = str(batch['Comment']);
  return comment === undefined ? { changes: parsed } : { changes: parsed, comment };
}

export function recordSetXml(r: RecordSetRecord): Xml {
  return el('ResourceRecordSet', [
    el('Name', renderName(r.name)),
    el('Type', r.type),
    opt('SetIdentifier', r.setIdentifier),
    opt('Weight', r.weight),
    opt('Region', r.region),
    opt('Failover', r.failover),
    opt('MultiValueAnswer', r.multiValueAnswer),
    opt('TTL', r.ttl),
    r.alias ? undefined : list('ResourceRecords', r.values, (v) => [el('Value', v)], 'ResourceRecord'),
    r.alias
      ? el('AliasTarget', [
          el('HostedZoneId', r.alias.hostedZoneId),
          el('DNSName', renderName(r.alias.dnsName)),
          el('EvaluateTargetHealth', r.alias.evaluateTargetHealth),
        ])
      : undefined,
    opt('HealthCheckId', r.healthCheckId),
  ]);
}

export function changeInfoXml(c: ChangeRecord, status: 'PENDING' | 'INSYNC'): Xml {
  return el('ChangeInfo', [
    el('Id', `/change/${c.id}`),
    el('Status', status),
    el('SubmittedAt', c.submittedAt),
    opt('Comment', c.comment),
  ]);
}

export function hostedZoneXml(z: HostedZoneRecord): Xml {
  return el('HostedZone', [
    el('Id', `/hostedzone/${z.id}`),
    el('Name', renderName(z.name)),
    el('CallerReference', z.callerReference),
    el('Config', [opt('Comment', z.comment), el('PrivateZone', z.privateZone)]),
    el('ResourceRecordSetCount', z.records.length),
  ]);
}
