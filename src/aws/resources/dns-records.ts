// Route 53 A records for the apps: `*.<appsDomain>` and every listed app host → the Elastic IP,
// written as one atomic batch and waited on until Route 53 reports INSYNC (GetChange polled with
// backoff under a deadline, with a progress line every few seconds; the SDK waiter's 30 s minimum
// delay would dominate every run).
//
// Ownership: every name solokube writes gets an ownership record, external-dns style: a TXT record
// "heritage=solokube,solokube/cluster=<name>" at `_solokube.<name>` (a leading `*` label becomes
// `_wildcard`, since `*` is only a wildcard in the leftmost position). A prefixed name rather than a
// TXT at the name itself: Route 53 holds one TXT set per name, so a TXT beside the A would have to
// be merged into (or would overwrite) a TXT the user keeps there (site verification, SPF); a TXT at
// `*.<appsDomain>` would answer every TXT query under the apps domain (ACME DNS-01 lookups
// included); and a TXT cannot sit beside a CNAME should a name ever become one. Hosts are validated
// DNS names without underscores, so `_solokube.` names never collide with an app host.
//
// Names are created only where nothing foreign exists (a record without our ownership record, or
// one owned by another cluster) unless the user passes --take-over-dns; every name we own is
// removed when it leaves the configuration and on cleanup, whatever the configuration says now;
// and only our addresses are removed from a record someone made multi-valued.

import { ChangeResourceRecordSetsCommand, GetChangeCommand } from '../sdk/route-53.js';
import type { Change as R53Change } from '@aws-sdk/client-route-53';
import { SolokubeError, formatMs } from '../../core/errors.js';
import type { Resource, ResourceContext } from '../../core/resource.js';
import { diffFields } from '../../core/resource.js';
import { known } from '../../core/unknown.js';
import type { Unknown } from '../../core/unknown.js';
import { info, warn } from '../../core/io.js';
import type { IoHost } from '../../core/io.js';
import { sleep } from '../../core/sleep.js';
import { DescribeAddressesCommand } from '../sdk/ec2.js';
import type { AwsClients } from '../clients.js';
import { AWS_IDS } from './context.js';
import type { AwsEnv, AwsMode } from './context.js';
import type { ElasticIpState } from './elastic-ip.js';
import type { ControlPlane } from './control-plane.js';

import {
  appRecordNames,
  canonicalName,
  findPublicZone,
  ownershipRecordName,
  ownershipValue,
  readZone,
  type DnsRecord,
  type ZoneReading,
} from './dns-zone.js';

export const APP_RECORD_TTL = 60;

export interface DnsRecordsState {
  zone: string;
  /** A records at the names that matter: the wanted ones and every one we own. */
  records: DnsRecord[];
  /** Names whose ownership record says they are this cluster's. */
  owned: string[];
  /** The ownership records as written (needed to delete them exactly; not compared). */
  ownerRecords?: Record<string, DnsRecord>;
}

export interface DnsRecordsOptions {
  mode: AwsMode;
  /** How long to wait for INSYNC (default 180 s). */
  syncDeadlineMs?: number;
  /** --take-over-dns: write names that exist without our ownership record (or with another cluster's). */
  takeOver?: boolean;
  /**
   * What the app names point at: the Elastic IP (default), or, without the secondary IP, the
   * instance's own public address (it changes on stop/start; the next `up` follows it).
   */
  target?: 'elastic-ip' | 'primary-public-ip';
  /** How often to say that the INSYNC wait goes on (default 5 s). */
  progressEveryMs?: number;
}

export function dnsRecords(env: AwsEnv, opts: DnsRecordsOptions): Resource<DnsRecordsState> {
  const { clients, config, names } = env;
  const wanted = appRecordNames(env);
  const ownerValue = ownershipValue(names.cluster);
  let zoneId: string | undefined;
  const zone = async (signal: AbortSignal) => (zoneId ??= await findPublicZone(clients, config.dnsZone, signal));
  const primary = opts.target === 'primary-public-ip';
  const eipOf = (ctx: ResourceContext) => ctx.dependency<ElasticIpState | undefined>(AWS_IDS.elasticIp);
  /** The address app names point at: the Elastic IP, or without the secondary IP the instance's own. */
  // While planning a fresh setup the Elastic IP is not made yet: its address is Unknown ("known after").
  const ourIp = (ctx: ResourceContext): string | Unknown | undefined =>
    primary ? ctx.dependency<ControlPlane | undefined>(AWS_IDS.controlPlane)?.primaryPublicIp : eipOf(ctx)?.publicIp;
  /** Every address of ours a record may hold: the one in use and any extras. */
  const ourAddresses = (ctx: ResourceContext): Set<string> => {
    if (primary) return new Set([known(ourIp(ctx))].filter((v): v is string => v !== undefined));
    const eip = eipOf(ctx);
    return new Set(
      [eip ? known(eip.publicIp) : undefined, ...(eip?.extras ?? []).map((x) => x.publicIp)].filter(
        (v): v is string => v !== undefined,
      ),
    );
  };
  const aChange = (action: 'UPSERT' | 'DELETE', r: DnsRecord): R53Change => ({
    Action: action,
    ResourceRecordSet: {
      Name: r.name,
      Type: 'A',
      TTL: r.ttl,
      ResourceRecords: r.values.map((v) => ({ Value: v as string })),
    },
  });
  const ownerChange = (
    action: 'UPSERT' | 'DELETE',
    name: string,
    values = [ownerValue],
    ttl = APP_RECORD_TTL,
  ): R53Change => ({
    Action: action,
    ResourceRecordSet: {
      Name: ownershipRecordName(name),
      Type: 'TXT',
      TTL: ttl,
      ResourceRecords: values.map((v) => ({ Value: v })),
    },
  });
  /** Changes that take our addresses out of a name we own and drop our ownership record. */
  const release = (name: string, actual: DnsRecordsState, ours: Set<string>): R53Change[] => {
    const changes: R53Change[] = [];
    const a = actual.records.find((r) => r.name === name);
    if (a) {
      const rest = a.values.filter((v) => !ours.has(v as string));
      if (rest.length === 0) changes.push(aChange('DELETE', a));
      else if (rest.length < a.values.length) changes.push(aChange('UPSERT', { ...a, values: rest }));
    }
    const owner = actual.ownerRecords?.[name];
    if (owner) changes.push(ownerChange('DELETE', name, owner.values as string[], owner.ttl));
    return changes;
  };
  const write = async (ctx: ResourceContext, changes: R53Change[], comment: string): Promise<void> => {
    if (changes.length === 0) return;
    const id = await zone(ctx.signal);
    const out = await clients.call('route53:ChangeResourceRecordSets', ctx.signal, (o) =>
      clients.route53.send(
        new ChangeResourceRecordSetsCommand({ HostedZoneId: id, ChangeBatch: { Comment: comment, Changes: changes } }),
        o,
      ),
    );
    await waitInSync(clients, out.ChangeInfo?.Id ?? '', ctx.signal, opts.syncDeadlineMs ?? 180_000, {
      io: ctx.io,
      ...(opts.progressEveryMs ? { progressEveryMs: opts.progressEveryMs } : {}),
    });
  };

  return {
    id: AWS_IDS.dnsRecords,
    title:
      opts.mode === 'destroy'
        ? `Route 53 records of ${config.name} in ${config.dnsZone}`
        : `Route 53 records ${wanted.join(', ')} in ${config.dnsZone}${primary ? " (→ the instance's public address)" : ''}`,
    dependsOn: primary ? [AWS_IDS.controlPlane] : [AWS_IDS.controlPlane, AWS_IDS.elasticIp],
    // The step's deadline bounds apply too; it leaves room after the INSYNC wait so that a slow
    // Route 53 is reported as such (aws.dns-not-in-sync), not as a bare deadline.
    deadlineMs: (opts.syncDeadlineMs ?? 180_000) + 30_000,
    describe: () => ({
      type: 'A',
      names: wanted,
      target: primary ? "(the instance's public address)" : '(the Elastic IP)',
      ttl: APP_RECORD_TTL,
    }),

    async find(ctx) {
      const reading = await readZone(clients, await zone(ctx.signal), ctx.signal);
      const owned = [...reading.owners]
        .filter(([, o]) => o.cluster === names.cluster)
        .map(([n]) => n)
        .sort();
      if (opts.mode === 'converge') {
        assertNoKopsName();
        // Names of ours may still hold the address of the other mode (turning the secondary path on
        // or off moves them): the instance's own address and our tagged Elastic IPs count as ours.
        const instanceIp = known(ctx.dependency<ControlPlane | undefined>(AWS_IDS.controlPlane)?.primaryPublicIp);
        const ours = [
          ...ourAddresses(ctx),
          ...(primary ? await taggedElasticIps(ctx) : []),
          ...(instanceIp ? [instanceIp] : []),
        ];
        assertNothingForeign(reading, new Set(ours));
      }
      if (opts.mode === 'destroy') warnForeignPointingAtUs(ctx, reading, owned);
      const relevant = opts.mode === 'converge' ? [...new Set([...wanted, ...owned])] : owned;
      const records = relevant
        .map((n) => reading.a.get(n))
        .filter((r): r is DnsRecord => r !== undefined)
        .sort((x, y) => x.name.localeCompare(y.name));
      if (records.length === 0 && owned.length === 0) return undefined;
      const ownerRecords = Object.fromEntries(owned.map((n) => [n, reading.owners.get(n)!.record]));
      return { zone: config.dnsZone, records, owned, ownerRecords };
    },

    desired(ctx) {
      const ip = ourIp(ctx);
      if (ip === undefined && primary) {
        throw new SolokubeError({
          code: 'aws.no-public-ip',
          message: `the control-plane instance of ${config.name} has no public IPv4 address for the apps' names`,
          remedy: 'Give the instance a public address, or use the secondary IP with its Elastic IP.',
          actor: 'user',
        });
      }
      if (ip === undefined) {
        throw new SolokubeError({
          code: 'aws.no-elastic-ip',
          message: `${config.name} has no Elastic IP for its apps yet`,
          remedy: 'Run `solokube secondary-ip setup` first.',
          actor: 'user',
        });
      }
      return {
        zone: config.dnsZone,
        records: wanted.map((name) => ({ name, ttl: APP_RECORD_TTL, values: [ip] })),
        owned: wanted,
      };
    },

    diff: (actual, desired) => diffFields(actual, desired, ['records', 'owned']),

    async apply(ctx, actual, desired) {
      const ours = ourAddresses(ctx);
      const have = actual ?? { zone: config.dnsZone, records: [], owned: [] };
      const changes: R53Change[] = [];
      for (const d of desired.records) {
        const a = have.records.find((r) => r.name === d.name);
        if (!a || a.ttl !== d.ttl || a.values.join() !== d.values.join()) changes.push(aChange('UPSERT', d));
        if (!have.owned.includes(d.name)) changes.push(ownerChange('UPSERT', d.name));
      }
      for (const name of have.owned.filter((n) => !wanted.includes(n))) changes.push(...release(name, have, ours));
      await write(ctx, changes, `solokube: apps of ${config.name}`);
      return desired;
    },

    async delete(ctx, actual) {
      const ours = ourAddresses(ctx);
      await write(
        ctx,
        actual.owned.flatMap((name) => release(name, actual, ours)),
        `solokube: remove app records of ${config.name}`,
      );
    },
  };

  // A last line of defence (the configuration should refuse these first): kops publishes the API
  // and internal names of the cluster, and the apex holds the zone's own records. Never written,
  // not even with --take-over-dns: overwriting api.<cluster> cuts the user off their cluster.
  function assertNoKopsName(): void {
    const zoneApex = canonicalName(config.dnsZone);
    const kops = ['api', 'internal', 'bastion'].map((l) => `${l}.${canonicalName(names.cluster)}`);
    const inside = (name: string, parent: string) => name === parent || name.endsWith(`.${parent}`);
    const clash = wanted.filter(
      (w) => w === zoneApex || w === canonicalName(names.cluster) || kops.some((k) => inside(w, k)),
    );
    if (clash.length === 0) return;
    throw new SolokubeError({
      code: 'aws.dns-kops-name',
      message:
        `${clash.join(', ')} ${clash.length === 1 ? 'is' : 'are'} the zone apex or one of kops' ` +
        `own names for ${names.cluster} (api., api.internal., bastion.); solokube never ` +
        `writes ${clash.length === 1 ? 'it' : 'them'}`,
      remedy: 'Give the app another host (or another appsDomain) in solokube.yaml.',
      actor: 'user',
      details: { names: clash },
    });
  }

  // Records that are not ours but point at our address (someone's, or written by a solokube before
  // ownership records) are not ours to delete; they would point at a released address, so say so.
  function warnForeignPointingAtUs(ctx: ResourceContext, reading: ZoneReading, owned: string[]): void {
    const ours = ourAddresses(ctx);
    const dangling = [...reading.a.values()].filter(
      (r) => !owned.includes(r.name) && r.values.some((v) => ours.has(v as string)),
    );
    if (dangling.length === 0) return;
    warn(
      ctx.io,
      `${dangling.map((r) => r.name).join(', ')} point${dangling.length === 1 ? 's' : ''} ` +
        `at ${[...ours].join(', ')}, which removal releases, ` +
        `but ${dangling.length === 1 ? 'is' : 'are'} not solokube's (no ownership record ` +
        `of ${names.cluster}); left as ${dangling.length === 1 ? 'it is' : 'they are'}: update or ` +
        `delete ${dangling.length === 1 ? 'it' : 'them'} yourself, or run \`solokube dns sync ` +
        `--take-over-dns\` first if ${dangling.length === 1 ? 'it is' : 'they are'} an app's`,
    );
  }

  // Turning the secondary path off moves our names from our Elastic IP to the instance's address:
  // the Elastic IP (found by its tags, as nothing in this graph reads it) is still ours meanwhile.
  async function taggedElasticIps(ctx: ResourceContext): Promise<string[]> {
    const filters = names.tags('apps-elastic-ip').map((t) => ({ Name: `tag:${t.Key}`, Values: [t.Value] }));
    const out = await clients.call('ec2:DescribeAddresses', ctx.signal, (o) =>
      clients.ec2.send(new DescribeAddressesCommand({ Filters: filters }), o),
    );
    return (out.Addresses ?? []).map((a) => a.PublicIp).filter((ip): ip is string => ip !== undefined);
  }

  function assertNothingForeign(reading: ZoneReading, ours: Set<string>): void {
    if (opts.takeOver) return;
    const foreign: string[] = [];
    for (const name of wanted) {
      const owner = reading.owners.get(name);
      const a = reading.a.get(name);
      const other = reading.otherAt.get(name);
      if (owner && owner.cluster !== names.cluster)
        foreign.push(`${name} (owned by solokube cluster ${owner.cluster})`);
      else if (other) foreign.push(`${name} (${other.join(', ')})`);
      else if (a && !owner) foreign.push(`${name} (A ${a.values.join(', ')}, no ownership record of ${names.cluster})`);
      else if (a && a.values.some((v) => !ours.has(v as string)))
        foreign.push(`${name} (A ${a.values.join(', ')}: holds addresses that are not ours)`);
    }
    if (foreign.length === 0) return;
    throw new SolokubeError({
      code: 'aws.dns-foreign-record',
      message:
        `${foreign.length === 1 ? 'this name is' : 'these names are'} already in use ` +
        `in ${config.dnsZone} and not solokube's for ${names.cluster}: ${foreign.join('; ')}`,
      remedy:
        'Remove or rename the app whose host clashes, delete the record yourself if it is a ' +
        'leftover, or rerun with --take-over-dns to let solokube take the name(s) over (their A ' +
        'record then points at the Elastic IP and carries our ownership record).',
      actor: 'user',
      details: { names: foreign },
    });
  }
}

/** Poll GetChange until INSYNC: first at once, then with doubling pauses, within the deadline. */
export async function waitInSync(
  clients: AwsClients,
  changeId: string,
  signal: AbortSignal,
  deadlineMs: number,
  progress?: { io: IoHost; progressEveryMs?: number },
): Promise<void> {
  const started = Date.now();
  const giveUpAt = started + deadlineMs;
  const every = progress?.progressEveryMs ?? 5_000;
  let nextProgressAt = started + every;
  let delay = 100;
  for (;;) {
    const out = await clients.call('route53:GetChange', signal, (o) =>
      clients.route53.send(new GetChangeCommand({ Id: changeId }), o),
    );
    if (out.ChangeInfo?.Status === 'INSYNC') return;
    if (progress && Date.now() >= nextProgressAt) {
      info(
        progress.io,
        `waiting for Route 53 change ${changeId} to reach INSYNC (${formatMs(Date.now() - started)} so far, giving up after ${formatMs(deadlineMs)})`,
      );
      nextProgressAt = Date.now() + every;
    }
    const left = giveUpAt - Date.now();
    if (left <= 0) {
      throw new SolokubeError({
        code: 'aws.dns-not-in-sync',
        message: `Route 53 change ${changeId} was still ${out.ChangeInfo?.Status ?? 'PENDING'} after ${formatMs(deadlineMs)}`,
        remedy: 'The records are written; Route 53 is slow to propagate. Rerun `solokube dns sync` later to confirm.',
        actor: 'aws',
      });
    }
    await sleep(Math.min(delay, left, progress ? Math.max(nextProgressAt - Date.now(), 50) : delay), signal);
    delay = Math.min(delay * 2, 5_000);
  }
}
