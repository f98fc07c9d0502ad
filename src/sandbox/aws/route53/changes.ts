// ChangeResourceRecordSets (note §4.5): every change is validated and applied in order to a working
// copy of the zone; if any fails, one InvalidChangeBatch lists all messages and nothing changes.
import { AwsError } from '../errors.js';
import { route53Id } from '../ids.js';
import { isIpv4 } from '../ipv4.js';
import type { ChangeRecord, EmulatorData, HostedZoneRecord, RecordSetRecord } from '../model.js';
import { isWithinZone, nameProblem, renderName } from './names.js';
import type { ParsedBatch, ParsedChange } from './record-xml.js';
import { sameRecordKey } from './zone-store.js';

function label(s: RecordSetRecord): string {
  const id = s.setIdentifier === undefined ? '' : `, set-identifier='${s.setIdentifier}'`;
  return `resource record set [name='${renderName(s.name)}', type='${s.type}'${id}]`;
}

function sameValues(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().join('\n') === [...b].sort().join('\n');
}

/** DELETE must match exactly: TTL, values in any order, alias and routing fields. */
function exactMatch(a: RecordSetRecord, b: RecordSetRecord): boolean {
  const alias = (r: RecordSetRecord) =>
    r.alias ? `${r.alias.hostedZoneId}|${r.alias.dnsName}|${r.alias.evaluateTargetHealth}` : '';
  return (
    a.ttl === b.ttl &&
    sameValues(a.values, b.values) &&
    alias(a) === alias(b) &&
    a.weight === b.weight &&
    a.region === b.region &&
    a.failover === b.failover &&
    a.multiValueAnswer === b.multiValueAnswer &&
    a.healthCheckId === b.healthCheckId
  );
}

/** Checks a set on its own (shape and values); returns the problem or undefined. */
function shapeProblem(c: ParsedChange, zone: HostedZoneRecord): string | undefined {
  const s = c.set;
  if (!isWithinZone(s.name, zone.name))
    return `RRSet with DNS name ${renderName(s.name)} is not permitted in zone ${renderName(zone.name)}`;
  const bad = nameProblem(s.name);
  if (bad !== undefined) return `Invalid DNS name ${renderName(s.name)}: ${bad}`;
  const hasRecords = s.ttl !== undefined && s.values.length > 0;
  if (s.alias ? s.ttl !== undefined || s.values.length > 0 : !hasRecords) {
    return (
      'Invalid request: Expected exactly one of [AliasTarget, all of [TTL, and ResourceRecords]], ' +
      `but found ${s.alias ? 'more than one' : 'none'} in Change with [Action=${c.action}, ` +
      `Name=${renderName(s.name)}, Type=${s.type}, SetIdentifier=${s.setIdentifier ?? 'null'}]`
    );
  }
  if (c.action === 'DELETE') return undefined;
  if (s.type === 'A') {
    const badIp = s.values.find((v) => !isIpv4(v));
    if (badIp !== undefined)
      return `Invalid Resource Record: 'FATAL problem: ARRDATAIllegalIPv4Address (Value is not a valid IPv4 address) encountered with '${badIp}''`;
  }
  if (s.type === 'CNAME' && s.name === zone.name)
    return `RRSet of type CNAME with DNS name ${renderName(s.name)} is not permitted at apex in zone ${renderName(zone.name)}`;
  if (s.type === 'CNAME' && s.values.length > 1)
    return `Invalid Resource Record: 'FATAL problem: RRDATATooManyValues (An RRSet of type CNAME may have only one value) encountered'`;
  return undefined;
}

function applyOne(c: ParsedChange, zone: HostedZoneRecord, records: RecordSetRecord[]): string | undefined {
  const problem = shapeProblem(c, zone);
  if (problem !== undefined) return problem;
  const s = c.set;
  const at = records.findIndex((r) => sameRecordKey(r, s));
  if (c.action === 'DELETE') {
    if (at < 0) return `Tried to delete ${label(s)} but it was not found`;
    if (!exactMatch(records[at]!, s))
      return `Tried to delete ${label(s)} but the values provided do not match the current values`;
    if (s.name === zone.name && (s.type === 'SOA' || s.type === 'NS'))
      return `A HostedZone must contain exactly one ${s.type} record set at its apex; it cannot be deleted`;
    records.splice(at, 1);
    return undefined;
  }
  if (c.action === 'CREATE' && at >= 0) return `Tried to create ${label(s)} but it already exists`;
  const conflict = records.find(
    (r) => r.name === s.name && r.type !== s.type && (r.type === 'CNAME' || s.type === 'CNAME'),
  );
  if (conflict) {
    return (
      `RRSet of type ${s.type} with DNS name ${renderName(s.name)} is not permitted because a conflicting RRSet ` +
      `of type ${conflict.type} with the same DNS name already exists in zone ${renderName(zone.name)}`
    );
  }
  if (at >= 0) records[at] = s;
  else records.push(s);
  return undefined;
}

/** Applies the batch to the zone, or throws InvalidChangeBatch leaving it untouched. */
export function applyChangeBatch(
  d: EmulatorData,
  zone: HostedZoneRecord,
  batch: ParsedBatch,
  syncPolls: number,
): ChangeRecord {
  const working = zone.records.map((r) => ({ ...r }));
  const messages = batch.changes.map((c) => applyOne(c, zone, working)).filter((m): m is string => m !== undefined);
  if (messages.length > 0) throw new AwsError('InvalidChangeBatch', `[${messages.join(', ')}]`);
  zone.records = working;
  const change: ChangeRecord = {
    id: route53Id(d, 'C'),
    submittedAt: new Date().toISOString(),
    pendingPollsLeft: syncPolls,
    ...(batch.comment === undefined ? {} : { comment: batch.comment }),
  };
  d.changes[change.id] = change;
  return change;
}
