// Route 53 A records for the apps: `*.<appsDomain>` and every listed app host → the Elastic IP,
// written as one UPSERT batch and waited on until Route 53 reports INSYNC (GetChange polled with
// backoff under a deadline; the SDK waiter's 30 s minimum delay would dominate every run).
// Cleanup removes only records that point at our Elastic IP.

import { ChangeResourceRecordSetsCommand, GetChangeCommand, ListHostedZonesByNameCommand, ListResourceRecordSetsCommand } from '@aws-sdk/client-route-53';
import type { Change as R53Change, ResourceRecordSet } from '@aws-sdk/client-route-53';
import { SolokubeError, formatMs } from '../../core/errors.js';
import type { Resource, ResourceContext } from '../../core/resource.js';
import { diffFields } from '../../core/resource.js';
import { known } from '../../core/unknown.js';
import type { Unknown } from '../../core/unknown.js';
import { sleep } from '../../core/sleep.js';
import type { AwsClients } from '../clients.js';
import { AWS_IDS } from './context.js';
import type { AwsEnv, AwsMode } from './context.js';
import type { ElasticIpState } from './elastic-ip.js';
import type { ControlPlane } from './control-plane.js';

export const APP_RECORD_TTL = 60;

export interface DnsRecord {
  name: string;
  ttl: number;
  values: (string | Unknown)[];
}

export interface DnsRecordsState {
  zone: string;
  records: DnsRecord[];
}

export interface DnsRecordsOptions {
  mode: AwsMode;
  /**
   * What the app names point at: the Elastic IP (default), or, without the secondary IP, the
   * instance's own public address (it changes on stop/start; the next `up` follows it).
   */
  target?: 'elastic-ip' | 'primary-public-ip';
  /** How long to wait for INSYNC (default 180 s). */
  syncDeadlineMs?: number;
}

/** Route 53 returns names with a trailing dot and `*` as \052; compare in one canonical form. */
export function canonicalName(name: string): string {
  return name.replace(/\\(\d{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8))).toLowerCase().replace(/\.$/, '');
}

/** The public hosted zone named exactly `zone` (ListHostedZonesByName starts at a name; it does not filter). */
export async function findPublicZone(clients: AwsClients, zone: string, signal: AbortSignal): Promise<string> {
  const out = await clients.call('route53:ListHostedZonesByName', signal, (o) => clients.route53.send(new ListHostedZonesByNameCommand({ DNSName: zone, MaxItems: 10 }), o));
  const matches = (out.HostedZones ?? []).filter((z) => canonicalName(z.Name ?? '') === zone && !z.Config?.PrivateZone);
  if (matches.length === 0) {
    throw new SolokubeError({ code: 'aws.zone-missing', message: `no public Route 53 hosted zone named ${zone}`, remedy: `Create it (\`aws route53 create-hosted-zone --name ${zone} --caller-reference $(date +%s)\`) and delegate it from the parent domain, or fix dnsZone in the configuration.`, actor: 'user' });
  }
  if (matches.length > 1) {
    throw new SolokubeError({ code: 'aws.zone-ambiguous', message: `${matches.length} public hosted zones are named ${zone}: ${matches.map((z) => z.Id).join(', ')}`, remedy: 'Delete the zone that is not delegated, so exactly one remains.', actor: 'user' });
  }
  return matches[0]!.Id!.replace(/^\/hostedzone\//, '');
}

/** Every A record in the zone whose name is in `wanted`. */
export async function listARecords(clients: AwsClients, zoneId: string, wanted: ReadonlySet<string>, signal: AbortSignal): Promise<DnsRecord[]> {
  const found: DnsRecord[] = [];
  let next: { StartRecordName?: string; StartRecordType?: ResourceRecordSet['Type']; StartRecordIdentifier?: string } = {};
  for (;;) {
    const page = await clients.call('route53:ListResourceRecordSets', signal, (o) => clients.route53.send(new ListResourceRecordSetsCommand({ HostedZoneId: zoneId, ...next }), o));
    for (const rr of page.ResourceRecordSets ?? []) {
      const name = canonicalName(rr.Name ?? '');
      if (rr.Type === 'A' && !rr.AliasTarget && !rr.SetIdentifier && wanted.has(name)) {
        found.push({ name, ttl: rr.TTL ?? 0, values: (rr.ResourceRecords ?? []).map((r) => r.Value ?? '').sort() });
      }
    }
    if (!page.IsTruncated) break;
    next = { StartRecordName: page.NextRecordName, StartRecordType: page.NextRecordType, ...(page.NextRecordIdentifier ? { StartRecordIdentifier: page.NextRecordIdentifier } : {}) };
  }
  return found.sort((a, b) => a.name.localeCompare(b.name));
}

export function appRecordNames(env: AwsEnv): string[] {
  return [...new Set([env.names.appsWildcard, ...env.names.appHosts])].sort();
}

export function dnsRecords(env: AwsEnv, opts: DnsRecordsOptions): Resource<DnsRecordsState> {
  const { clients, config } = env;
  const wanted = appRecordNames(env);
  let zoneId: string | undefined;
  const zone = async (signal: AbortSignal) => (zoneId ??= await findPublicZone(clients, config.dnsZone, signal));
  const primary = opts.target === 'primary-public-ip';
  const ourIp = (ctx: ResourceContext) => (primary
    ? ctx.dependency<ControlPlane | undefined>(AWS_IDS.controlPlane)?.primaryPublicIp
    : ctx.dependency<ElasticIpState | undefined>(AWS_IDS.elasticIp)?.publicIp);
  const toChange = (action: 'UPSERT' | 'DELETE', r: DnsRecord): R53Change => ({
    Action: action,
    ResourceRecordSet: { Name: r.name, Type: 'A', TTL: r.ttl, ResourceRecords: r.values.map((v) => ({ Value: v as string })) },
  });

  return {
    id: AWS_IDS.dnsRecords,
    title: `Route 53 records ${wanted.join(', ')} in ${config.dnsZone}${primary ? ' (→ the instance\'s public address)' : ''}`,
    dependsOn: [primary ? AWS_IDS.controlPlane : AWS_IDS.elasticIp],
    deadlineMs: opts.syncDeadlineMs ?? 180_000,

    async find(ctx) {
      let records = await listARecords(clients, await zone(ctx.signal), new Set(wanted), ctx.signal);
      if (opts.mode === 'destroy') {
        const ip = known(ourIp(ctx));
        records = ip === undefined ? [] : records.filter((r) => r.values.length === 1 && r.values[0] === ip);
      }
      return records.length === 0 ? undefined : { zone: config.dnsZone, records };
    },

    desired(ctx) {
      const ip = ourIp(ctx);
      if (ip === undefined && primary) {
        throw new SolokubeError({ code: 'aws.no-public-ip', message: `the control-plane instance of ${config.name} has no public IPv4 address for the apps' names`, remedy: 'Give the instance a public address, or use the secondary IP with its Elastic IP.', actor: 'user' });
      }
      if (ip === undefined) {
        throw new SolokubeError({ code: 'aws.no-elastic-ip', message: `${config.name} has no Elastic IP for its apps yet`, remedy: 'Run `solokube secondary-ip setup` first.', actor: 'user' });
      }
      return { zone: config.dnsZone, records: wanted.map((name) => ({ name, ttl: APP_RECORD_TTL, values: [ip] })) };
    },

    diff: (actual, desired) => diffFields(actual, desired, ['records']),

    async apply(ctx, actual, desired) {
      const stale = desired.records.filter((d) => !actual?.records.some((a) => a.name === d.name && a.ttl === d.ttl && a.values.join() === d.values.join()));
      const id = await zone(ctx.signal);
      const out = await clients.call('route53:ChangeResourceRecordSets', ctx.signal, (o) => clients.route53.send(new ChangeResourceRecordSetsCommand({
        HostedZoneId: id,
        ChangeBatch: { Comment: `solokube: apps of ${config.name}`, Changes: stale.map((r) => toChange('UPSERT', r)) },
      }), o));
      await waitInSync(clients, out.ChangeInfo?.Id ?? '', ctx.signal, opts.syncDeadlineMs ?? 180_000);
      return desired;
    },

    async delete(ctx, actual) {
      await clients.call('route53:ChangeResourceRecordSets', ctx.signal, (o) => clients.route53.send(new ChangeResourceRecordSetsCommand({
        HostedZoneId: zoneId!,
        ChangeBatch: { Comment: `solokube: remove app records of ${config.name}`, Changes: actual.records.map((r) => toChange('DELETE', r)) },
      }), o));
    },
  };
}

/** Poll GetChange until INSYNC: first at once, then with doubling pauses, within the deadline. */
export async function waitInSync(clients: AwsClients, changeId: string, signal: AbortSignal, deadlineMs: number): Promise<void> {
  const giveUpAt = Date.now() + deadlineMs;
  let delay = 100;
  for (;;) {
    const out = await clients.call('route53:GetChange', signal, (o) => clients.route53.send(new GetChangeCommand({ Id: changeId }), o));
    if (out.ChangeInfo?.Status === 'INSYNC') return;
    const left = giveUpAt - Date.now();
    if (left <= 0) {
      throw new SolokubeError({ code: 'aws.dns-not-in-sync', message: `Route 53 change ${changeId} was still ${out.ChangeInfo?.Status ?? 'PENDING'} after ${formatMs(deadlineMs)}`, remedy: 'The records are written; Route 53 is slow to propagate. Rerun `solokube dns sync` later to confirm.', actor: 'aws' });
    }
    await sleep(Math.min(delay, left), signal);
    delay = Math.min(delay * 2, 5_000);
  }
}
