// DescribeAccountAttributes: the quota view must agree with AllocateAddress and Service Quotas.
import { AwsError } from '../errors.js';
import type { EmulatorData } from '../model.js';
import { el, list } from '../xml.js';
import type { Ec2Operation } from './context.js';

function attributes(d: EmulatorData): Record<string, string[]> {
  const defaultVpc = Object.values(d.vpcs).find((v) => v.isDefault)?.vpcId ?? 'none';
  return {
    'supported-platforms': ['VPC'],
    'default-vpc': [defaultVpc],
    'max-instances': ['20'],
    'vpc-max-security-groups-per-interface': ['5'],
    'max-elastic-ips': [String(d.eipQuota)],
    'vpc-max-elastic-ips': [String(d.eipQuota)],
  };
}

export const describeAccountAttributes: Ec2Operation = {
  mutates: false,
  run({ data: d, q }) {
    const all = attributes(d);
    const names = q.list('AttributeName');
    for (const n of names)
      if (!Object.hasOwn(all, n))
        throw new AwsError('InvalidParameterValue', `Value (${n}) for parameter attributeName is invalid.`);
    const chosen = names.length === 0 ? Object.keys(all) : names;
    return [
      list('accountAttributeSet', chosen, (n) => [
        el('attributeName', n),
        list('attributeValueSet', all[n]!, (v) => [el('attributeValue', v)]),
      ]),
    ];
  },
};
