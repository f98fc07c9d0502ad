// The account's Elastic IP quota (Service Quotas L-0263D0A3, "EC2-VPC Elastic IPs"), with EC2's
// own account attribute as a fallback when Service Quotas is not reachable or not permitted. When
// neither answers, the default of 5 is a guess: it is said so (a warning) and marked as such, so
// that callers never turn a permission problem into a "quota exhausted" verdict.

import { DescribeAccountAttributesCommand } from './sdk/ec2.js';
import { GetServiceQuotaCommand } from './sdk/service-quotas.js';
import { SolokubeError } from '../core/errors.js';
import { warn } from '../core/io.js';
import type { IoHost } from '../core/io.js';
import type { AwsClients } from './clients.js';

export const EIP_QUOTA_CODE = 'L-0263D0A3';
export const DEFAULT_EIP_QUOTA = 5;

export interface EipQuota {
  value: number;
  /** 'default' means neither source answered: the value is a guess. */
  source: 'service-quotas' | 'account-attribute' | 'default';
  /** Why the value is a guess (the errors of both sources), when it is. */
  guessReason?: string;
}

export async function elasticIpQuota(clients: AwsClients, signal: AbortSignal, io?: IoHost): Promise<EipQuota> {
  const why: string[] = [];
  try {
    const out = await clients.call('servicequotas:GetServiceQuota', signal, (o) =>
      clients.quotas.send(new GetServiceQuotaCommand({ ServiceCode: 'ec2', QuotaCode: EIP_QUOTA_CODE }), o),
    );
    if (typeof out.Quota?.Value === 'number') return { value: out.Quota.Value, source: 'service-quotas' };
    why.push('Service Quotas returned no value');
  } catch (err) {
    if (signal.aborted) throw err;
    // Service Quotas may be denied to a narrowly scoped identity; EC2 knows the limit too.
    why.push(`Service Quotas: ${reason(err)}`);
  }
  try {
    const attrs = await clients.call('ec2:DescribeAccountAttributes', signal, (o) =>
      clients.ec2.send(new DescribeAccountAttributesCommand({}), o),
    );
    // The SDK's AttributeName enum lacks vpc-max-elastic-ips, so ask for all and pick it out.
    const attr = attrs.AccountAttributes?.find((a) => a.AttributeName === 'vpc-max-elastic-ips');
    const v = Number(attr?.AttributeValues?.[0]?.AttributeValue);
    if (Number.isFinite(v) && v > 0) return { value: v, source: 'account-attribute' };
    why.push('EC2 account attributes have no vpc-max-elastic-ips');
  } catch (err) {
    if (signal.aborted) throw err;
    why.push(`EC2 DescribeAccountAttributes: ${reason(err)}`);
  }
  const guessReason = why.join('; ');
  if (io)
    warn(
      io,
      `could not read the Elastic IP quota (${guessReason}); assuming the default ` +
        `of ${DEFAULT_EIP_QUOTA}, which is a guess — grant servicequotas:GetServiceQuota or ` +
        `ec2:DescribeAccountAttributes for the real value`,
    );
  return { value: DEFAULT_EIP_QUOTA, source: 'default', guessReason };
}

function reason(err: unknown): string {
  return err instanceof SolokubeError
    ? `${err.code}${typeof err.details?.awsCode === 'string' ? ` (${err.details.awsCode})` : ''}`
    : String(err);
}
