// ListHostedZonesByName, ListHostedZones, GetHostedZone and ListResourceRecordSets: Route 53's
// reversed-label order, "start at" (not exact-match) semantics and truncation markers.
import { AwsError } from '../errors.js';
import type { EmulatorData, HostedZoneRecord, RecordSetRecord } from '../model.js';
import { el, opt, type XmlChild } from '../xml.js';
import { canonicalName, compareNames, renderName } from './names.js';
import { hostedZoneXml, recordSetXml } from './record-xml.js';
import { compareRecords, getZone } from './zone-store.js';

function maxItems(raw: string | null, fallback: number, cap: number): number {
  if (raw === null) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < 1) throw new AwsError('InvalidInput', `Invalid maxitems: ${raw}`);
  return Math.min(Number(raw), cap);
}

function sortedZones(d: EmulatorData): HostedZoneRecord[] {
  return Object.values(d.hostedZones).sort((a, b) => compareNames(a.name, b.name) || a.id.localeCompare(b.id));
}

export function listHostedZonesByName(d: EmulatorData, q: URLSearchParams): XmlChild[] {
  const dnsName = q.get('dnsname');
  const zoneId = q.get('hostedzoneid');
  if (zoneId !== null && dnsName === null) throw new AwsError('InvalidInput', 'hostedzoneid requires dnsname');
  const max = maxItems(q.get('maxitems'), 100, 100);
  const zones = sortedZones(d);
  let start = 0;
  if (dnsName !== null) {
    const name = canonicalName(dnsName);
    start = zones.findIndex((z) => {
      const c = compareNames(z.name, name);
      return c > 0 || (c === 0 && (zoneId === null || z.id >= zoneId.replace(/^\/?hostedzone\//, '')));
    });
    if (start < 0) start = zones.length;
  }
  const page = zones.slice(start, start + max);
  const next = zones[start + max];
  return [
    el('HostedZones', page.map(hostedZoneXml)),
    opt('DNSName', dnsName ?? undefined),
    opt('HostedZoneId', zoneId ?? undefined),
    el('IsTruncated', next !== undefined),
    opt('NextDNSName', next ? renderName(next.name) : undefined),
    opt('NextHostedZoneId', next?.id),
    el('MaxItems', max),
  ];
}

export function listHostedZones(d: EmulatorData, q: URLSearchParams): XmlChild[] {
  const max = maxItems(q.get('maxitems'), 100, 100);
  const zones = sortedZones(d);
  const marker = q.get('marker');
  const start =
    marker === null
      ? 0
      : Math.max(
          0,
          zones.findIndex((z) => z.id === marker),
        );
  const page = zones.slice(start, start + max);
  const next = zones[start + max];
  return [
    el('HostedZones', page.map(hostedZoneXml)),
    opt('Marker', marker ?? undefined),
    el('IsTruncated', next !== undefined),
    opt('NextMarker', next?.id),
    el('MaxItems', max),
  ];
}

export function getHostedZone(d: EmulatorData, id: string): XmlChild[] {
  const z = getZone(d, id);
  const ns = z.records.find((r) => r.name === z.name && r.type === 'NS');
  const servers = (ns?.values ?? []).map((v) => el('NameServer', v.replace(/\.$/, '')));
  return [hostedZoneXml(z), z.privateZone ? undefined : el('DelegationSet', [el('NameServers', servers)])];
}

export function listResourceRecordSets(d: EmulatorData, id: string, q: URLSearchParams): XmlChild[] {
  const zone = getZone(d, id);
  const name = q.get('name');
  const type = q.get('type');
  const identifier = q.get('identifier');
  if (type !== null && name === null)
    throw new AwsError('InvalidInput', 'You must specify a name when you specify a type.');
  const max = maxItems(q.get('maxitems'), 300, 300);
  const records = [...zone.records].sort(compareRecords);
  let start = 0;
  if (name !== null) {
    const from: RecordSetRecord = {
      name: canonicalName(name),
      type: type ?? '',
      values: [],
      ...(identifier === null ? {} : { setIdentifier: identifier }),
    };
    start = records.findIndex((r) => compareRecords(r, from) >= 0);
    if (start < 0) start = records.length;
  }
  const page = records.slice(start, start + max);
  const next = records[start + max];
  return [
    el('ResourceRecordSets', page.map(recordSetXml)),
    el('IsTruncated', next !== undefined),
    opt('NextRecordName', next ? renderName(next.name) : undefined),
    opt('NextRecordType', next?.type),
    opt('NextRecordIdentifier', next?.setIdentifier),
    el('MaxItems', max),
  ];
}
