// The instance metadata tree one instance sees, built from the emulator's state on every request
// (so an address assigned a moment ago shows in local-ipv4s at once). Paths and formats follow
// node-reclaim notes §1.2; a leaf is text, a directory lists its children one per line with a
// trailing "/" on sub-directories.
import { enisOfInstance, primaryPrivateIp, publicSide } from '../ec2/lookup.js';
import type { EmulatorData, IamSessionRecord, InstanceRecord } from '../model.js';

export type MetadataNode = string | (() => string) | { [name: string]: MetadataNode };

export interface MetadataDeps {
  /** Issues or reuses the instance's role session (mutates the state). */
  credentials(roleName: string): IamSessionRecord;
}

function iamTree(i: InstanceRecord, d: EmulatorData, deps: MetadataDeps): MetadataNode | undefined {
  const role = i.iamRole;
  if (role === undefined) return undefined;
  const profileArn = `arn:aws:iam::${d.accountId}:instance-profile/${role}`;
  return {
    info: () =>
      JSON.stringify(
        {
          Code: 'Success',
          LastUpdated: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
          InstanceProfileArn: profileArn,
          InstanceProfileId: `AIPA${role
            .toUpperCase()
            .replace(/[^A-Z0-9]/g, '')
            .slice(0, 17)}`,
        },
        null,
        2,
      ),
    'security-credentials': {
      [role]: () => {
        const s = deps.credentials(role);
        return JSON.stringify(
          {
            Code: 'Success',
            LastUpdated: s.issuedAt,
            Type: 'AWS-HMAC',
            AccessKeyId: s.accessKeyId,
            SecretAccessKey: s.secretAccessKey,
            Token: s.sessionToken,
            Expiration: s.expiration,
          },
          null,
          2,
        );
      },
    },
  };
}

export function metadataTree(d: EmulatorData, instanceId: string, deps: MetadataDeps): MetadataNode | undefined {
  const i = d.instances[instanceId];
  if (!i) return undefined;
  const enis = enisOfInstance(d, instanceId);
  const primary = enis.find((e) => e.attachment?.deviceIndex === 0);
  const macs: Record<string, MetadataNode> = {};
  for (const e of enis) {
    const subnet = d.subnets[e.subnetId];
    const vpc = d.vpcs[e.vpcId];
    const publics = e.privateIps
      .map((p) => publicSide(d, e, p.address)?.publicIp)
      .filter((x): x is string => x !== undefined);
    macs[e.macAddress] = {
      'device-number': String(e.attachment?.deviceIndex ?? 0),
      'interface-id': e.networkInterfaceId,
      'local-ipv4s': e.privateIps.map((p) => p.address).join('\n'),
      mac: e.macAddress,
      'owner-id': d.accountId,
      'security-group-ids': e.groupIds.join('\n'),
      'subnet-id': e.subnetId,
      'subnet-ipv4-cidr-block': subnet?.cidrBlock ?? '',
      'vpc-id': e.vpcId,
      'vpc-ipv4-cidr-block': vpc?.cidrBlock ?? '',
      ...(publics.length > 0 ? { 'public-ipv4s': publics.join('\n') } : {}),
    };
  }
  const localIp = primary ? primaryPrivateIp(primary) : '';
  const publicIp = primary ? publicSide(d, primary, localIp)?.publicIp : undefined;
  const iam = iamTree(i, d, deps);
  return {
    // The launch's user data, as EC2 serves it (absent: 404, as on an instance launched without any).
    ...(i.userData === undefined ? {} : { 'user-data': i.userData }),
    'meta-data': {
      'ami-id': i.imageId,
      'instance-id': i.instanceId,
      'instance-type': i.instanceType,
      'local-ipv4': localIp,
      mac: primary?.macAddress ?? '',
      ...(publicIp === undefined ? {} : { 'public-ipv4': publicIp }),
      placement: { 'availability-zone': i.availabilityZone, region: d.region },
      network: { interfaces: { macs } },
      ...(iam === undefined ? {} : { iam }),
    },
    dynamic: {
      'instance-identity': {
        document: JSON.stringify(
          {
            accountId: d.accountId,
            architecture: 'x86_64',
            availabilityZone: i.availabilityZone,
            imageId: i.imageId,
            instanceId: i.instanceId,
            instanceType: i.instanceType,
            pendingTime: i.launchTime,
            privateIp: localIp,
            region: d.region,
            version: '2017-09-30',
          },
          null,
          2,
        ),
      },
    },
  };
}

/** Resolves a path below /latest/ to text, or undefined (404). */
export function resolveMetadata(tree: MetadataNode, path: string): string | undefined {
  const parts = path.split('/');
  const listing = path === '' || path.endsWith('/');
  let node: MetadataNode | undefined = tree;
  for (const part of parts.filter((p) => p !== '')) {
    if (typeof node !== 'object' || !Object.hasOwn(node, part)) return undefined;
    node = node[part];
  }
  if (node === undefined) return undefined;
  if (typeof node === 'object') {
    return Object.entries(node)
      .map(([k, v]) => (typeof v === 'object' ? `${k}/` : k))
      .join('\n');
  }
  if (listing) return undefined;
  return typeof node === 'function' ? node() : node;
}
