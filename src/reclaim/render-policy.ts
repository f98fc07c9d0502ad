// The instance role's extra permissions for the reclaim, and nothing more (node-reclaim notes §3):
// - DescribeAddresses and DescribeNetworkInterfaces allow no resource-level scoping: Resource "*".
// - AssignPrivateIpAddresses and AssociateAddress on network interfaces tagged by kops for this
//   cluster's control plane (kops copies its tags to the instance's interface through the launch
//   template). No condition key ties an interface to "the calling instance", so this is the
//   narrowest scope EC2 offers.
// - CreateTags and DeleteTags on those interfaces, and only tag keys solokube.io/secondary-ip/<ip>:
//   the record of our secondary IP, written before the assignment and removed when the assignment
//   is refused (tag keys are per address, so the condition is a StringLike on the prefix).
// - AssociateAddress on Elastic IPs tagged as this cluster's apps address. AssociateAddress names two
//   resources (the address and the interface); each must be allowed, hence two statements.
// Not granted: DisassociateAddress, UnassignPrivateIpAddresses, AllowReassociation's power to take
// an address from elsewhere (the script always sends AllowReassociation=false), anything on instances.

import { SECONDARY_IP_TAG_PREFIX } from './paths.js';
import type { ReclaimSpec } from './spec.js';

export interface PolicyStatement {
  Sid: string;
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

export function renderReclaimPolicyStatements(spec: ReclaimSpec): PolicyStatement[] {
  const arn = (type: string) => `arn:aws:ec2:${spec.region}:*:${type}/*`;
  const controlPlaneInterface = {
    [`aws:ResourceTag/${spec.kopsClusterTag.key}`]: spec.kopsClusterTag.value,
    'aws:ResourceTag/k8s.io/role/control-plane': '1',
  };
  return [
    {
      Sid: 'SolokubeReclaimRead',
      Effect: 'Allow',
      Action: ['ec2:DescribeAddresses', 'ec2:DescribeNetworkInterfaces'],
      Resource: '*',
    },
    {
      Sid: 'SolokubeReclaimInterface',
      Effect: 'Allow',
      Action: ['ec2:AssignPrivateIpAddresses', 'ec2:AssociateAddress'],
      Resource: arn('network-interface'),
      Condition: { StringEquals: controlPlaneInterface },
    },
    {
      Sid: 'SolokubeReclaimTagInterface',
      Effect: 'Allow',
      Action: ['ec2:CreateTags', 'ec2:DeleteTags'],
      Resource: arn('network-interface'),
      Condition: {
        StringEquals: controlPlaneInterface,
        'ForAllValues:StringLike': { 'aws:TagKeys': [`${SECONDARY_IP_TAG_PREFIX}*`] },
      },
    },
    {
      Sid: 'SolokubeReclaimElasticIp',
      Effect: 'Allow',
      Action: 'ec2:AssociateAddress',
      Resource: arn('elastic-ip'),
      Condition: {
        StringEquals: Object.fromEntries(spec.elasticIpTags.map((t) => [`aws:ResourceTag/${t.key}`, t.value])),
      },
    },
  ];
}
