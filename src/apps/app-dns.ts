// The app's own DNS name, for `apps delete`: the A record of its host and the ownership TXT beside
// it, removed only when the TXT says this cluster owns the name and no other configured app serves
// the same host. The apps' wildcard is never the app's own and stays. Without this, a deleted app's
// name kept pointing at the Elastic IP until the next `up` or `dns sync` with the app removed.
import { ChangeResourceRecordSetsCommand } from '@aws-sdk/client-route-53';
import type { Change as R53Change } from '@aws-sdk/client-route-53';
import type { AwsClients } from '../aws/clients.js';
import { waitInSync } from '../aws/resources/dns-records.js';
import { canonicalName, findPublicZone, readZone, type DnsRecord } from '../aws/resources/dns-zone.js';
import type { SolokubeConfig } from '../config/schema.js';
import { SolokubeError } from '../core/errors.js';
import type { Resource } from '../core/resource.js';

export interface AppDnsState {
  host: string;
  zoneId: string;
  record: DnsRecord;
  owner: DnsRecord;
}

/** The host an app answers on: its own `host`, or `<name>.<appsDomain>` (also for an app no longer configured). */
export function appHost(config: SolokubeConfig, app: string): string {
  const configured = config.apps.find((a) => a.name === app);
  return canonicalName(configured?.host ?? `${app}.${config.appsDomain}`);
}

export function appDnsName(
  config: SolokubeConfig,
  clients: AwsClients,
  app: string,
  opts: { syncDeadlineMs?: number } = {},
): Resource<AppDnsState> {
  const host = appHost(config, app);
  const sharedWith = config.apps.filter((a) => a.name !== app && appHost(config, a.name) === host).map((a) => a.name);
  return {
    id: `apps/${app}/dns`,
    title: `DNS name ${host} of app ${app}${sharedWith.length > 0 ? ` (kept: also app ${sharedWith.join(', ')})` : ''}`,
    describe: () => ({ host, zone: config.dnsZone }),
    desired: () => {
      throw new Error('apps delete only removes the name; `up` or `dns sync` create it');
    },
    async find(ctx) {
      if (sharedWith.length > 0) return undefined;
      let zoneId: string;
      try {
        zoneId = await findPublicZone(clients, config.dnsZone, ctx.signal);
      } catch (err) {
        // No zone, no name of the app in it; any other failure (permissions, throttling) stands.
        if (err instanceof SolokubeError && err.code === 'aws.zone-missing') return undefined;
        throw err;
      }
      const zone = await readZone(clients, zoneId, ctx.signal);
      const record = zone.a.get(host);
      const owner = zone.owners.get(host);
      // Only a name this cluster's ownership record speaks for is ours to remove.
      if (!record || !owner || owner.cluster !== config.name) return undefined;
      return { host, zoneId, record, owner: owner.record };
    },
    // Only ever destroyed: there is nothing to converge.
    diff: () => [],
    apply() {
      throw new Error('apps delete only removes the name');
    },
    async delete(ctx, actual) {
      const del = (r: DnsRecord, type: 'A' | 'TXT'): R53Change => ({
        Action: 'DELETE',
        ResourceRecordSet: {
          Name: r.name,
          Type: type,
          TTL: r.ttl,
          ResourceRecords: r.values.map((Value) => ({ Value: String(Value) })),
        },
      });
      const out = await clients.call('route53:ChangeResourceRecordSets', ctx.signal, (o) =>
        clients.route53.send(
          new ChangeResourceRecordSetsCommand({
            HostedZoneId: actual.zoneId,
            ChangeBatch: {
              Comment: `solokube apps delete ${app}`,
              // One batch: the name and its ownership record go together, or neither does.
              Changes: [del(actual.record, 'A'), del(actual.owner, 'TXT')],
            },
          }),
          o,
        ),
      );
      await waitInSync(clients, out.ChangeInfo?.Id ?? '', ctx.signal, opts.syncDeadlineMs ?? 180_000, { io: ctx.io });
    },
  };
}
