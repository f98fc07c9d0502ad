// One EIP quota seen the same way by AllocateAddress, DescribeAccountAttributes and Service Quotas;
// and STS GetCallerIdentity (note §2.5, §2.6, §4.1).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AllocateAddressCommand,
  DescribeAccountAttributesCommand,
  type AccountAttributeName,
  type EC2Client,
} from '@aws-sdk/client-ec2';
import {
  GetAWSDefaultServiceQuotaCommand,
  GetServiceQuotaCommand,
  type ServiceQuotasClient,
} from '@aws-sdk/client-service-quotas';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { harness, rejection } from './harness.js';

async function views(ec2: EC2Client, quotas: ServiceQuotasClient) {
  // The SDK's enum lists only two names, but EC2 (and the emulator) accept all six on the wire.
  const attrs = await ec2.send(
    new DescribeAccountAttributesCommand({ AttributeNames: ['vpc-max-elastic-ips' as AccountAttributeName] }),
  );
  const q = await quotas.send(new GetServiceQuotaCommand({ ServiceCode: 'ec2', QuotaCode: 'L-0263D0A3' }));
  return {
    attribute: Number(attrs.AccountAttributes![0]!.AttributeValues![0]!.AttributeValue),
    serviceQuota: q.Quota!.Value,
  };
}

describe('AWS emulator: quota and identity', () => {
  test('GIVEN the default account WHEN reading the EIP quota THEN both views say 5 and the default quota call agrees', async (t) => {
    const { ec2, quotas } = await harness(t);
    assert.deepEqual(await views(ec2, quotas), { attribute: 5, serviceQuota: 5 });
    const def = await quotas.send(
      new GetAWSDefaultServiceQuotaCommand({ ServiceCode: 'ec2', QuotaCode: 'L-0263D0A3' }),
    );
    assert.equal(def.Quota!.Value, 5);
    assert.equal(def.Quota!.QuotaName, 'EC2-VPC Elastic IPs');
  });

  test('GIVEN a seeded quota of 3 with one foreign EIP WHEN allocating THEN both views say 3 and the 3rd of ours is AddressLimitExceeded', async (t) => {
    const { ec2, quotas, emu } = await harness(t);
    emu.seed({ eipQuota: 3, addresses: [{ publicIp: '198.19.1.250', tags: { owner: 'foreign' } }] });
    assert.deepEqual(await views(ec2, quotas), { attribute: 3, serviceQuota: 3 });
    await ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }));
    await ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }));
    assert.equal(
      (await rejection(ec2.send(new AllocateAddressCommand({ Domain: 'vpc' })))).name,
      'AddressLimitExceeded',
    );
  });

  test('GIVEN all attributes requested WHEN DescribeAccountAttributes THEN the known names come back; an unknown name is refused', async (t) => {
    const { ec2 } = await harness(t);
    const all = await ec2.send(new DescribeAccountAttributesCommand({}));
    const names = all.AccountAttributes!.map((a) => a.AttributeName).sort();
    assert.deepEqual(names, [
      'default-vpc',
      'max-elastic-ips',
      'max-instances',
      'supported-platforms',
      'vpc-max-elastic-ips',
      'vpc-max-security-groups-per-interface',
    ]);
    assert.equal(
      (
        await rejection(
          ec2.send(new DescribeAccountAttributesCommand({ AttributeNames: ['nope' as AccountAttributeName] })),
        )
      ).name,
      'InvalidParameterValue',
    );
  });

  test('GIVEN an unknown quota code WHEN GetServiceQuota THEN NoSuchResourceException', async (t) => {
    const { quotas } = await harness(t);
    const err = await rejection(quotas.send(new GetServiceQuotaCommand({ ServiceCode: 'ec2', QuotaCode: 'L-NOPE' })));
    assert.equal(err.name, 'NoSuchResourceException');
  });

  test('GIVEN dummy credentials WHEN GetCallerIdentity THEN the configured account answers', async (t) => {
    const { sts } = await harness(t, { accountId: '210987654321' });
    const id = await sts.send(new GetCallerIdentityCommand({}));
    assert.equal(id.Account, '210987654321');
    assert.match(id.Arn!, /^arn:aws:iam::210987654321:/);
    assert.ok(id.UserId);
  });
});
