// The @aws-sdk/client-ec2 commands solokube sends, loaded with the SDK package on the first send (see ../lazy-sdk.ts).
import { commandsOf } from '../lazy-sdk.js';

const ec2 = commandsOf(() => import('@aws-sdk/client-ec2'));

export const AllocateAddressCommand = ec2('AllocateAddressCommand');
export const AssignPrivateIpAddressesCommand = ec2('AssignPrivateIpAddressesCommand');
export const AssociateAddressCommand = ec2('AssociateAddressCommand');
export const AuthorizeSecurityGroupIngressCommand = ec2('AuthorizeSecurityGroupIngressCommand');
export const CreateSecurityGroupCommand = ec2('CreateSecurityGroupCommand');
export const CreateTagsCommand = ec2('CreateTagsCommand');
export const DeleteSecurityGroupCommand = ec2('DeleteSecurityGroupCommand');
export const DeleteTagsCommand = ec2('DeleteTagsCommand');
export const DescribeAccountAttributesCommand = ec2('DescribeAccountAttributesCommand');
export const DescribeAddressesCommand = ec2('DescribeAddressesCommand');
export const DescribeInstancesCommand = ec2('DescribeInstancesCommand');
export const DescribeNetworkInterfacesCommand = ec2('DescribeNetworkInterfacesCommand');
export const DescribeSecurityGroupsCommand = ec2('DescribeSecurityGroupsCommand');
export const DescribeSubnetsCommand = ec2('DescribeSubnetsCommand');
export const DisassociateAddressCommand = ec2('DisassociateAddressCommand');
export const ModifyNetworkInterfaceAttributeCommand = ec2('ModifyNetworkInterfaceAttributeCommand');
export const ReleaseAddressCommand = ec2('ReleaseAddressCommand');
export const RevokeSecurityGroupIngressCommand = ec2('RevokeSecurityGroupIngressCommand');
export const UnassignPrivateIpAddressesCommand = ec2('UnassignPrivateIpAddressesCommand');
