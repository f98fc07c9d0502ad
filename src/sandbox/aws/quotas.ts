// Service Quotas (JSON 1.1): GetServiceQuota and GetAWSDefaultServiceQuota for the one quota in
// scope, EC2-VPC Elastic IPs (ec2 / L-0263D0A3), read from the same number AllocateAddress enforces.
import { AwsError } from './errors.js';
import type { EmulatorData } from './model.js';

export const EIP_QUOTA_CODE = 'L-0263D0A3';
export const DEFAULT_EIP_QUOTA = 5;

function quota(d: EmulatorData, value: number) {
  return {
    ServiceCode: 'ec2',
    ServiceName: 'Amazon Elastic Compute Cloud (Amazon EC2)',
    QuotaArn: `arn:aws:servicequotas:${d.region}:${d.accountId}:ec2/${EIP_QUOTA_CODE}`,
    QuotaCode: EIP_QUOTA_CODE,
    QuotaName: 'EC2-VPC Elastic IPs',
    Value: value,
    Unit: 'None',
    Adjustable: true,
    GlobalQuota: false,
  };
}

export function handleQuotas(d: EmulatorData, operation: string, body: unknown): unknown {
  if (operation !== 'GetServiceQuota' && operation !== 'GetAWSDefaultServiceQuota') {
    throw new AwsError('UnknownOperationException', `Unknown operation ${operation}`);
  }
  const input = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const serviceCode = input['ServiceCode'];
  const quotaCode = input['QuotaCode'];
  if (typeof serviceCode !== 'string' || typeof quotaCode !== 'string') {
    throw new AwsError('IllegalArgumentException', 'ServiceCode and QuotaCode are required.');
  }
  if (serviceCode !== 'ec2' || quotaCode !== EIP_QUOTA_CODE) {
    throw new AwsError(
      'NoSuchResourceException',
      `The request failed because the specified quota ${serviceCode}/${quotaCode} does not exist.`,
    );
  }
  return { Quota: quota(d, operation === 'GetServiceQuota' ? d.eipQuota : DEFAULT_EIP_QUOTA) };
}
