// Which resources an EC2 request names, for policy evaluation (the Service Authorization
// Reference's resource types, node-reclaim notes §3.1): the target ENI, Elastic IP or instance with
// its current tags. Describe* and the actions not listed here name no resource and are evaluated
// against Resource "*", as EC2 does for actions without resource-level permissions.
import type { EmulatorData, Tags } from '../model.js';
import type { QueryParams } from '../query.js';
import type { RequestResource } from './policy.js';

const TYPE_BY_PREFIX: [string, string, (d: EmulatorData, id: string) => Tags | undefined][] = [
  ['eni-', 'network-interface', (d, id) => d.networkInterfaces[id]?.tags],
  ['eipalloc-', 'elastic-ip', (d, id) => d.addresses[id]?.tags],
  ['i-', 'instance', (d, id) => d.instances[id]?.tags],
  ['sg-', 'security-group', (d, id) => d.securityGroups[id]?.tags],
  ['subnet-', 'subnet', (d, id) => d.subnets[id]?.tags],
  ['vpc-', 'vpc', (d, id) => d.vpcs[id]?.tags],
];

function resource(d: EmulatorData, region: string, id: string): RequestResource {
  const t = TYPE_BY_PREFIX.find(([prefix]) => id.startsWith(prefix));
  if (!t) return { arn: `arn:aws:ec2:${region}:${d.accountId}:unknown/${id}`, tags: {} };
  return { arn: `arn:aws:ec2:${region}:${d.accountId}:${t[1]}/${id}`, tags: { ...(t[2](d, id) ?? {}) } };
}

function allocationOf(d: EmulatorData, q: QueryParams): string | undefined {
  const byId = q.get('AllocationId');
  if (byId) return byId;
  const ip = q.get('PublicIp');
  return Object.values(d.addresses).find((a) => a.publicIp === ip)?.allocationId;
}

export function ec2Resources(d: EmulatorData, region: string, action: string, q: QueryParams): RequestResource[] {
  const r = (id: string | undefined): RequestResource[] => (id ? [resource(d, region, id)] : []);
  let named: RequestResource[] = [];
  switch (action) {
    case 'AssignPrivateIpAddresses':
    case 'UnassignPrivateIpAddresses':
    case 'ModifyNetworkInterfaceAttribute':
      named = r(q.get('NetworkInterfaceId'));
      break;
    case 'AssociateAddress':
      named = [...r(allocationOf(d, q)), ...r(q.get('NetworkInterfaceId')), ...r(q.get('InstanceId'))];
      break;
    case 'DisassociateAddress': {
      const a = Object.values(d.addresses).find((x) => x.association?.associationId === q.get('AssociationId'));
      named = a ? [...r(a.allocationId), ...r(a.association?.networkInterfaceId)] : [];
      break;
    }
    case 'ReleaseAddress':
      named = r(allocationOf(d, q));
      break;
    case 'CreateTags':
    case 'DeleteTags':
      named = q.list('ResourceId').flatMap((id) => r(id));
      break;
    case 'DeleteSecurityGroup':
    case 'AuthorizeSecurityGroupIngress':
    case 'RevokeSecurityGroupIngress':
      named = r(q.get('GroupId'));
      break;
  }
  return named.length > 0 ? named : [{ arn: '*', tags: {} }];
}

/** Request-wide condition keys: the tags a CreateTags/DeleteTags call sets. */
export function ec2Context(action: string, q: QueryParams, region: string): Record<string, string[]> {
  const context: Record<string, string[]> = { 'aws:requestedregion': [region] };
  if (action === 'CreateTags' || action === 'DeleteTags') {
    const tags = q.structs('Tag');
    context['aws:tagkeys'] = tags.map((t) => t.get('Key') ?? '');
    for (const t of tags) context[`aws:requesttag/${(t.get('Key') ?? '').toLowerCase()}`] = [t.get('Value') ?? ''];
  }
  return context;
}
