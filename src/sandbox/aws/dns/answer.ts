// How Route 53 answers a question from its public hosted zones, as an authoritative server:
// - the most specific public zone containing the name answers (private zones are not visible from
//   the internet); a name in no zone is REFUSED;
// - a name with records of the asked type: NOERROR with them (AA set); with a CNAME: the CNAME,
//   followed inside the zone; alias records answer with their in-zone target's data;
// - a name that exists with other types only, or an empty non-terminal: NOERROR/NODATA with the SOA;
// - otherwise the wildcard `*.<closest encloser>` answers with the query name as owner (RFC 4592:
//   an existing name is never wildcard-expanded, and a closer existing node blocks a wildcard above);
// - otherwise NXDOMAIN with the SOA. Negative answers carry the SOA with TTL min(SOA TTL, minimum).

import type { HostedZoneRecord, RecordSetRecord } from '../model.js';
import { CLASS_IN, RCODE, TYPE, type Question, type RecordType, type ResourceRecord } from './wire.js';

export interface Answer {
  rcode: number;
  authoritative: boolean;
  answers: ResourceRecord[];
  authorities: ResourceRecord[];
}

const SERVED: readonly RecordType[] = ['A', 'AAAA', 'CNAME', 'NS', 'SOA', 'TXT', 'MX'];
const MAX_CNAME_CHAIN = 8;

function typeName(code: number): RecordType | 'ANY' | undefined {
  if (code === TYPE.ANY) return 'ANY';
  return SERVED.find((t) => TYPE[t] === code);
}

/** Lower-case, trailing dot; DNS names compare case-insensitively (RFC 4343). */
export function canonicalQueryName(name: string): string {
  const lower = name.toLowerCase();
  return lower.endsWith('.') ? lower : `${lower}.`;
}

function parentOf(name: string): string | undefined {
  const dot = name.indexOf('.');
  return dot < 0 || dot === name.length - 1 ? undefined : name.slice(dot + 1);
}

export function zoneFor(zones: readonly HostedZoneRecord[], name: string): HostedZoneRecord | undefined {
  return zones
    .filter((z) => !z.privateZone && (name === z.name || name.endsWith(`.${z.name}`)))
    .sort((a, b) => b.name.length - a.name.length)[0];
}

/** Route 53 answers a weighted/latency set with one member; the emulator takes the first. */
function setsAt(zone: HostedZoneRecord, name: string): RecordSetRecord[] {
  const seen = new Set<string>();
  return zone.records.filter((r) => r.name === name && !seen.has(r.type) && seen.add(r.type));
}

function nameExists(zone: HostedZoneRecord, name: string): boolean {
  return zone.records.some((r) => r.name === name || r.name.endsWith(`.${name}`));
}

function soaNegative(zone: HostedZoneRecord): ResourceRecord[] {
  const soa = zone.records.find((r) => r.name === zone.name && r.type === 'SOA');
  if (!soa || soa.values[0] === undefined) return [];
  const minimum = Number(soa.values[0].trim().split(/\s+/)[6] ?? soa.ttl ?? 900);
  return [{ name: zone.name, type: 'SOA', ttl: Math.min(soa.ttl ?? 900, minimum), value: soa.values[0] }];
}

/** The record sets of one type at a set, as wire records owned by `owner`. Alias targets resolve inside our zones. */
function expand(zones: readonly HostedZoneRecord[], set: RecordSetRecord, owner: string, depth = 0): ResourceRecord[] {
  if (!SERVED.includes(set.type as RecordType)) return [];
  if (set.alias) {
    if (depth > MAX_CNAME_CHAIN) return [];
    const target = canonicalQueryName(set.alias.dnsName);
    const zone = zoneFor(zones, target);
    const targetSet = zone ? setsAt(zone, target).find((s) => s.type === set.type) : undefined;
    return targetSet ? expand(zones, targetSet, owner, depth + 1) : [];
  }
  return set.values.map((value) => ({ name: owner, type: set.type as RecordType, ttl: set.ttl ?? 300, value }));
}

/** Where the name's data comes from: its own sets, or the wildcard's (RFC 4592 closest encloser). */
function sourceSets(zone: HostedZoneRecord, name: string): { sets: RecordSetRecord[]; exists: boolean } {
  if (nameExists(zone, name)) return { sets: setsAt(zone, name), exists: true };
  let encloser = parentOf(name);
  while (encloser && encloser !== zone.name && !nameExists(zone, encloser)) encloser = parentOf(encloser);
  const wildcard = setsAt(zone, `*.${encloser ?? zone.name}`);
  return { sets: wildcard, exists: wildcard.length > 0 };
}

export function answerQuestion(zones: readonly HostedZoneRecord[], q: Question): Answer {
  const refused: Answer = { rcode: RCODE.REFUSED, authoritative: false, answers: [], authorities: [] };
  if (q.class !== CLASS_IN) return refused;
  const name = canonicalQueryName(q.name);
  const zone = zoneFor(zones, name);
  if (!zone) return refused;
  const wanted = typeName(q.type);
  const answers: ResourceRecord[] = [];
  let current = name;
  for (let hop = 0; hop <= MAX_CNAME_CHAIN; hop++) {
    const { sets, exists } = sourceSets(zone, current);
    if (!exists) {
      // NXDOMAIN only when the first name is missing; a dangling CNAME target just ends the chain.
      return hop === 0
        ? { rcode: RCODE.NXDOMAIN, authoritative: true, answers: [], authorities: soaNegative(zone) }
        : { rcode: RCODE.NOERROR, authoritative: true, answers, authorities: [] };
    }
    const owner = hop === 0 ? q.name.replace(/\.?$/, '.') : current;
    const cname = sets.find((s) => s.type === 'CNAME');
    if (wanted === 'ANY') {
      answers.push(...sets.flatMap((s) => expand(zones, s, owner)));
      break;
    }
    const match = sets.find((s) => s.type === wanted);
    if (match) {
      answers.push(...expand(zones, match, owner));
      break;
    }
    if (cname && wanted !== 'CNAME') {
      const [rr] = expand(zones, cname, owner);
      if (!rr) break;
      answers.push(rr);
      const target = canonicalQueryName(rr.value);
      if (zoneFor(zones, target) !== zone) break; // out of zone: the resolver follows it, not us
      current = target;
      continue;
    }
    break;
  }
  return {
    rcode: RCODE.NOERROR,
    authoritative: true,
    answers,
    authorities: answers.length === 0 ? soaNegative(zone) : [],
  };
}
