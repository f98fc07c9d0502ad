// The teardown proof: everything in the AWS emulator's state that belongs to a cluster, with who owns
// it and why we say so, so a test can assert "after down, nothing of ours" and print what is left
// when it is not. Read from the emulator's state view (the whole account, every region), never
// through solokube's own finders, so a bug in those cannot hide a leftover.
//
//   solokube: tagged solokube.io/cluster=<cluster> (Elastic IPs, security groups, repositories,
//             buckets, anything else), the ENI tag recording our secondary IP, our TXT ownership
//             records and the records they speak for, and any A record pointing at an address of
//             ours or one we released;
//   kops:     tagged KubernetesCluster=<cluster> or kubernetes.io/cluster/<cluster> (what `down`
//             leaves by design: kops' own objects are `cluster delete`'s job).

import { TAG_CLUSTER } from '../../src/config/naming.js';
import { clusterOfOwnershipValue, ownedNameOf } from '../../src/aws/resources/dns-zone.js';
import type { EmulatorStateView } from '../../src/sandbox/aws/index.js';
import type { RegionalData, Tags } from '../../src/sandbox/aws/model.js';

export type OwnedKind =
  | 'elastic-ip'
  | 'security-group'
  | 'secondary-ip'
  | 'record'
  | 'ownership-record'
  | 'repository'
  | 'bucket'
  | 'tagged-object';

export interface OwnedObject {
  kind: OwnedKind;
  owner: 'solokube' | 'kops';
  /** Region (or "global"), then the object's own id. */
  id: string;
  why: string;
}

const SECONDARY_IP_TAG_PREFIX = 'solokube.io/secondary-ip/';

function kopsOwned(tags: Tags, cluster: string): boolean {
  return tags.KubernetesCluster === cluster || Object.hasOwn(tags, `kubernetes.io/cluster/${cluster}`);
}

function regionsOf(state: EmulatorStateView): [string, RegionalData][] {
  return [[state.region, state], ...Object.entries(state.regions ?? {})];
}

export function ownedObjects(
  state: EmulatorStateView,
  cluster: string,
  opts: { releasedPublicIps?: readonly string[] } = {},
): OwnedObject[] {
  const out: OwnedObject[] = [];
  const ourIps = new Set(opts.releasedPublicIps ?? []);
  const tagged = (region: string, kind: OwnedKind, id: string, tags: Tags | undefined) => {
    if (!tags) return;
    if (tags[TAG_CLUSTER] === cluster)
      out.push({ kind, owner: 'solokube', id: `${region} ${id}`, why: `${TAG_CLUSTER}=${cluster}` });
    else if (kopsOwned(tags, cluster))
      out.push({ kind: 'tagged-object', owner: 'kops', id: `${region} ${id}`, why: "kops' cluster tag" });
  };
  for (const [region, d] of regionsOf(state)) {
    for (const a of Object.values(d.addresses)) {
      tagged(region, 'elastic-ip', `${a.allocationId} ${a.publicIp}`, a.tags);
      if (a.tags[TAG_CLUSTER] === cluster) ourIps.add(a.publicIp);
    }
    for (const g of Object.values(d.securityGroups))
      tagged(region, 'security-group', `${g.groupId} ${g.groupName}`, g.tags);
    for (const e of Object.values(d.networkInterfaces)) {
      tagged(region, 'tagged-object', e.networkInterfaceId, e.tags);
      for (const [k, v] of Object.entries(e.tags))
        if (k.startsWith(SECONDARY_IP_TAG_PREFIX) && v === cluster)
          out.push({
            kind: 'secondary-ip',
            owner: 'solokube',
            id: `${region} ${e.networkInterfaceId} ${k.slice(SECONDARY_IP_TAG_PREFIX.length)}`,
            why: `ENI tag ${k}=${v}`,
          });
    }
    for (const v of Object.values(d.vpcs)) tagged(region, 'tagged-object', v.vpcId, v.tags);
    for (const s of Object.values(d.subnets)) tagged(region, 'tagged-object', s.subnetId, s.tags);
    for (const i of Object.values(d.instances))
      if (i.state !== 'terminated') tagged(region, 'tagged-object', i.instanceId, i.tags);
    for (const k of Object.values(d.keyPairs ?? {})) tagged(region, 'tagged-object', k.keyName, k.tags);
  }
  for (const r of Object.values(state.ecr.repositories)) tagged(state.region, 'repository', r.name, r.tags);
  for (const b of Object.values(state.buckets ?? {})) tagged('global', 'bucket', b.name, b.tags);
  for (const z of Object.values(state.hostedZones)) {
    const ownedNames = new Set<string>();
    for (const r of z.records)
      if (r.type === 'TXT' && r.values.some((v) => clusterOfOwnershipValue(v) === cluster)) {
        out.push({
          kind: 'ownership-record',
          owner: 'solokube',
          id: `${z.name} ${r.name} TXT`,
          why: 'our ownership value',
        });
        const named = ownedNameOf(r.name.replace(/\.$/, ''));
        if (named) ownedNames.add(`${named}.`);
      }
    for (const r of z.records) {
      if (r.type === 'TXT') continue;
      const pointsAtOurs = r.values.filter((v) => ourIps.has(v));
      if (ownedNames.has(r.name))
        out.push({
          kind: 'record',
          owner: 'solokube',
          id: `${z.name} ${r.name} ${r.type}`,
          why: 'has our ownership record',
        });
      else if (pointsAtOurs.length > 0)
        out.push({
          kind: 'record',
          owner: 'solokube',
          id: `${z.name} ${r.name} ${r.type}`,
          why: `points at our (or a released) address ${pointsAtOurs.join(', ')}`,
        });
    }
  }
  return out;
}

/** What must be gone after `down`: everything solokube owns. */
export function solokubeLeftovers(
  state: EmulatorStateView,
  cluster: string,
  releasedPublicIps: readonly string[] = [],
): OwnedObject[] {
  return ownedObjects(state, cluster, { releasedPublicIps }).filter((o) => o.owner === 'solokube');
}
