// The EC2 operation table and the EC2 response envelope (`<{Op}Response>` + `<requestId>`, no
// Result wrapper, note §2.1).
import { AwsError } from '../errors.js';
import { el, xmlDocument } from '../xml.js';
import { describeAccountAttributes } from './account.js';
import {
  allocateAddress,
  associateAddress,
  describeAddresses,
  disassociateAddress,
  releaseAddress,
} from './addresses.js';
import type { Ec2Context, Ec2Operation } from './context.js';
import { describeAvailabilityZones, describeImages, describeRegions, describeVolumes } from './catalog.js';
import { describeInstances } from './instances.js';
import { deleteKeyPair, describeKeyPairs, importKeyPair } from './key-pairs.js';
import { assignPrivateIpAddresses, unassignPrivateIpAddresses } from './private-ips.js';
import {
  authorizeSecurityGroupIngress,
  createSecurityGroup,
  deleteSecurityGroup,
  describeSecurityGroups,
  revokeSecurityGroupIngress,
} from './security-groups.js';
import { createTags, deleteTags } from './tags.js';
import {
  describeNetworkInterfaces,
  describeSubnets,
  describeVpcs,
  modifyNetworkInterfaceAttribute,
} from './network.js';

export const EC2_NAMESPACE = 'http://ec2.amazonaws.com/doc/2016-11-15/';

const OPERATIONS: Record<string, Ec2Operation> = {
  DescribeInstances: describeInstances,
  DescribeNetworkInterfaces: describeNetworkInterfaces,
  DescribeSubnets: describeSubnets,
  DescribeVpcs: describeVpcs,
  ModifyNetworkInterfaceAttribute: modifyNetworkInterfaceAttribute,
  AllocateAddress: allocateAddress,
  AssociateAddress: associateAddress,
  DisassociateAddress: disassociateAddress,
  ReleaseAddress: releaseAddress,
  DescribeAddresses: describeAddresses,
  DescribeAccountAttributes: describeAccountAttributes,
  AssignPrivateIpAddresses: assignPrivateIpAddresses,
  UnassignPrivateIpAddresses: unassignPrivateIpAddresses,
  CreateTags: createTags,
  DeleteTags: deleteTags,
  DescribeSecurityGroups: describeSecurityGroups,
  CreateSecurityGroup: createSecurityGroup,
  DeleteSecurityGroup: deleteSecurityGroup,
  AuthorizeSecurityGroupIngress: authorizeSecurityGroupIngress,
  RevokeSecurityGroupIngress: revokeSecurityGroupIngress,
  DescribeRegions: describeRegions,
  DescribeAvailabilityZones: describeAvailabilityZones,
  DescribeImages: describeImages,
  DescribeVolumes: describeVolumes,
  ImportKeyPair: importKeyPair,
  DescribeKeyPairs: describeKeyPairs,
  DeleteKeyPair: deleteKeyPair,
};

const NO_DRY_RUN = new Set(['AssignPrivateIpAddresses', 'UnassignPrivateIpAddresses']);

export function ec2Operation(action: string): Ec2Operation | undefined {
  return Object.hasOwn(OPERATIONS, action) ? OPERATIONS[action] : undefined;
}

export function handleEc2(action: string, ctx: Ec2Context, requestId: string): string {
  const op = ec2Operation(action);
  if (!op) throw new AwsError('InvalidAction', `The action ${action} is not valid for this web service.`);
  // These two have no DryRun member in the EC2 model (botocore 2016-11-15), so EC2 does not know the parameter.
  if (ctx.q.get('DryRun') !== undefined && NO_DRY_RUN.has(action))
    throw new AwsError('UnknownParameter', 'The parameter DryRun is not recognized');
  if (ctx.q.bool('DryRun') === true)
    throw new AwsError('DryRunOperation', 'Request would have succeeded, but DryRun flag is set.', 412);
  return xmlDocument(`${action}Response`, EC2_NAMESPACE, [el('requestId', requestId), ...op.run(ctx)]);
}
