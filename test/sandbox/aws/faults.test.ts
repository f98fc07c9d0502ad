// Fault injection as the real SDK experiences it: retries, timeouts, resets, and failures after
// the state was committed (note §5).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AllocateAddressCommand, DescribeAddressesCommand } from '@aws-sdk/client-ec2';
import { ListHostedZonesByNameCommand } from '@aws-sdk/client-route-53';
import { GetServiceQuotaCommand } from '@aws-sdk/client-service-quotas';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { harness, rejection } from './harness.js';

describe('AWS emulator: faults', () => {
  test(
    'GIVEN RequestLimitExceeded twice WHEN the SDK calls with 3 attempts THEN it retries and ' +
      'succeeds, and the call log shows all three attempts',
    async (t) => {
      const { ec2, emu } = await harness(t, {}, { maxAttempts: 3 });
      emu.injectFault({
        service: 'ec2',
        operation: 'DescribeAddresses',
        kind: 'error',
        code: 'RequestLimitExceeded',
        status: 503,
        times: 2,
      });
      const r = await ec2.send(new DescribeAddressesCommand({}));
      assert.equal(r.$metadata.attempts, 3);
      const calls = emu.calls().filter((c) => c.operation === 'DescribeAddresses');
      assert.deepEqual(
        calls.map((c) => c.status),
        [503, 503, 200],
      );
      assert.deepEqual(
        calls.map((c) => c.attempt),
        [1, 2, 3],
      );
      assert.equal(new Set(calls.map((c) => c.invocationId)).size, 1);
    },
  );

  test('GIVEN a fault for one operation WHEN another operation runs THEN it is untouched', async (t) => {
    const { ec2, emu } = await harness(t);
    emu.injectFault({ operation: 'AllocateAddress', kind: 'error', code: 'AddressLimitExceeded', times: Infinity });
    await ec2.send(new DescribeAddressesCommand({}));
    assert.equal(
      (await rejection(ec2.send(new AllocateAddressCommand({ Domain: 'vpc' })))).name,
      'AddressLimitExceeded',
    );
    assert.equal(
      (await rejection(ec2.send(new AllocateAddressCommand({ Domain: 'vpc' })))).name,
      'AddressLimitExceeded',
    );
    emu.clearFaults();
    await ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }));
  });

  test('GIVEN a hang WHEN the client has a 300 ms request timeout THEN it fails with TimeoutError', async (t) => {
    const { ec2, emu } = await harness(t, {}, { requestTimeoutMs: 300 });
    emu.injectFault({ service: 'ec2', kind: 'hang', times: Infinity });
    const err = await rejection(ec2.send(new DescribeAddressesCommand({})));
    assert.equal(err.name, 'TimeoutError');
    assert.equal(emu.calls()[0]!.status, 0);
  });

  test('GIVEN a socket reset once WHEN calling with 1 attempt THEN ECONNRESET; with 2 attempts THEN the retry succeeds', async (t) => {
    const { ec2, emu } = await harness(t);
    emu.injectFault({ service: 'ec2', kind: 'reset' });
    const err = await rejection(ec2.send(new DescribeAddressesCommand({})));
    assert.equal((err as { code?: string }).code, 'ECONNRESET');
    const retrying = await harness(t, {}, { maxAttempts: 2 });
    retrying.emu.injectFault({ service: 'ec2', kind: 'reset' });
    const r = await retrying.ec2.send(new DescribeAddressesCommand({}));
    assert.equal(r.$metadata.attempts, 2);
  });

  test('GIVEN a failure after AllocateAddress WHEN the client gets the 500 THEN the address was still allocated (the crash-after-allocate case)', async (t) => {
    const { ec2, emu } = await harness(t);
    emu.injectFault({ service: 'ec2', operation: 'AllocateAddress', phase: 'after', kind: 'error', status: 500 });
    const err = await rejection(
      ec2.send(
        new AllocateAddressCommand({
          Domain: 'vpc',
          TagSpecifications: [{ ResourceType: 'elastic-ip', Tags: [{ Key: 'solokube.io/cluster', Value: 'dev' }] }],
        }),
      ),
    );
    assert.equal(err.name, 'InternalError');
    const addrs = (
      await ec2.send(new DescribeAddressesCommand({ Filters: [{ Name: 'tag:solokube.io/cluster', Values: ['dev'] }] }))
    ).Addresses!;
    assert.equal(addrs.length, 1);
  });

  test('GIVEN 150 ms latency on every call WHEN calling THEN the answer is normal and arrives no sooner', async (t) => {
    const { ec2, emu } = await harness(t);
    emu.injectFault({ kind: 'latency', ms: 150, times: Infinity });
    const started = Date.now();
    const r = await ec2.send(new DescribeAddressesCommand({}));
    assert.deepEqual(r.Addresses, []);
    assert.ok(Date.now() - started >= 140);
  });

  test('GIVEN error faults on Route 53, Service Quotas and STS WHEN calling THEN each SDK reads the code from its own envelope', async (t) => {
    const { r53, quotas, sts, emu } = await harness(t);
    emu.injectFault({ service: 'route53', kind: 'error', code: 'PriorRequestNotComplete', status: 400 });
    emu.injectFault({ service: 'servicequotas', kind: 'error', code: 'TooManyRequestsException' });
    emu.injectFault({ service: 'sts', kind: 'error', code: 'ExpiredToken', status: 400, message: 'expired' });
    assert.equal((await rejection(r53.send(new ListHostedZonesByNameCommand({})))).name, 'PriorRequestNotComplete');
    const q = await rejection(quotas.send(new GetServiceQuotaCommand({ ServiceCode: 'ec2', QuotaCode: 'L-0263D0A3' })));
    assert.equal(q.name, 'TooManyRequestsException');
    assert.equal(q.$metadata?.httpStatusCode, 429);
    const s = await rejection(sts.send(new GetCallerIdentityCommand({})));
    assert.equal(s.name, 'ExpiredToken');
    assert.equal(s.message, 'expired');
  });
});
