// The account's Elastic IP quota (Service Quotas L-0263D0A3, "EC2-VPC Elastic IPs"), with EC2's
// own account attribute as a fallback when Service Quotas is not reachable or not permitted.

import { DescribeAccountAttributesCommand } from '@aws-sdk/client-ec2';
import { GetServiceQuotaCommand } from '@aws-sdk/client-service-quotas';
import type { AwsClients } from './clients.js';

export const EIP_QUOTA_CODE = 'L-0263D0A3';
export const DEFAULT_EIP_QUOTA = 5;

export interface EipQuota {
  value: number;
  source: 'service-quotas' | 'account-attribute' | 'default';
}

export async function elasticIpQuota(clients: AwsClients, signal: AbortSignal): Promise<EipQuota> {
  try {
    const out = await clients.call('servicequotas:GetServiceQuota', signal, (o) => clients.quotas.send(new GetServiceQuotaCommand({ ServiceCode: 'ec2', QuotaCode: EIP_QUOTA_CODE }), o));
    if (typeof out.Quota?.Value === 'number') return { value: out.Quota.Value, source: 'service-quotas' };
  } catch (err) {
    if (signal.aborted) throw err;
    // Service Quotas may be denied to a narrowly scoped identity; EC2 knows the limit too.
  }
  try {
    const attrs = await clients.call('ec2:DescribeAccountAttributes', signal, (o) => clients.ec2.send(new DescribeAccountAttributesCommand({}), o));
    // The SDK's AttributeName enum lacks vpc-max-elastic-ips, so ask for all and pick it out.
    const attr = attrs.AccountAttributes?.find((a) => a.AttributeName === 'vpc-max-elastic-ips');
    const v = Number(attr?.AttributeValues?.[0]?.AttributeValue);
    if (Number.isFinite(v) && v > 0) return { value: v, source: 'account-attribute' };
  } catch (err) {
    if (signal.aborted) throw err;
  }
  return { value: DEFAULT_EIP_QUOTA, source: 'default' };
}
