// The sandbox's stand-in for kops' dns-controller, as far as the control plane's own names go: it
// keeps api.<cluster> on the control-plane instance's public IP and api.internal.<cluster> on its
// private IP (kops docs, "DNS" and addons/dns-controller: it watches the control-plane node and
// writes these A records through Route 53 with a 60 s TTL). It speaks to the emulator's Route 53 API
// through the real SDK, as dns-controller speaks to AWS.
import { ChangeResourceRecordSetsCommand, ListHostedZonesCommand, Route53Client } from '@aws-sdk/client-route-53';

export interface Route53Target {
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
}

const bare = (name: string): string => name.replace(/\.$/, '').toLowerCase();

/** The hosted zone holding `name`: the one with the longest name that `name` ends with. */
async function zoneFor(r53: Route53Client, name: string): Promise<string | undefined> {
  const zones = (await r53.send(new ListHostedZonesCommand({}))).HostedZones ?? [];
  const holding = zones
    .filter((z) => !z.Config?.PrivateZone)
    .filter((z) => name === bare(z.Name!) || name.endsWith(`.${bare(z.Name!)}`))
    .sort((a, b) => b.Name!.length - a.Name!.length);
  return holding[0]?.Id?.replace(/^\/hostedzone\//, '');
}

/** UPSERT api.<cluster> and api.internal.<cluster>; false when no public zone holds them (nothing done). */
export async function syncApiRecords(
  target: Route53Target,
  cluster: string,
  addresses: { publicIp: string; privateIp: string },
): Promise<boolean> {
  const r53 = new Route53Client({ ...target, maxAttempts: 3 });
  try {
    const zone = await zoneFor(r53, `api.${bare(cluster)}`);
    if (zone === undefined) return false;
    const record = (name: string, value: string) => ({
      Action: 'UPSERT' as const,
      ResourceRecordSet: { Name: name, Type: 'A' as const, TTL: 60, ResourceRecords: [{ Value: value }] },
    });
    const changes = [
      ...(addresses.publicIp ? [record(`api.${cluster}`, addresses.publicIp)] : []),
      ...(addresses.privateIp ? [record(`api.internal.${cluster}`, addresses.privateIp)] : []),
    ];
    if (changes.length === 0) return false;
    await r53.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: zone,
        ChangeBatch: { Comment: 'kops dns-controller stand-in', Changes: changes },
      }),
    );
    return true;
  } finally {
    r53.destroy();
  }
}
