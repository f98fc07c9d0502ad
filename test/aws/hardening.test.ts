// Failure paths found by trying to break the AWS side: a retried CreateSecurityGroup that meets the
// group it just made, error texts that count attempts, a cluster name that does not exist, and an
// Elastic IP quota that could not be read.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CLUSTER, CONFIG_YAML, addressesOf, mutatingCalls, ourGroups, startLab } from './harness.js';

describe('hardening of the AWS side', () => {
  test('GIVEN CreateSecurityGroup answers 500 after making the group WHEN setup runs THEN it uses the group it made: exactly one, attached', async () => {
    const lab = await startLab();
    try {
      lab.emu.injectFault({
        service: 'ec2',
        operation: 'CreateSecurityGroup',
        kind: 'error',
        phase: 'after',
        status: 500,
        code: 'InternalError',
      });
      const run = await lab.cli(['secondary-ip', 'setup', '--yes']);
      assert.equal(run.code, 0, run.stderr);
      assert.equal(ourGroups(lab.emu.state()).length, 1);
    } finally {
      await lab.close();
    }
  });

  test('GIVEN AllocateAddress fails with 503 every time WHEN setup runs THEN the error counts the attempts really made', async () => {
    const lab = await startLab();
    try {
      lab.emu.injectFault({
        service: 'ec2',
        operation: 'AllocateAddress',
        kind: 'error',
        status: 503,
        code: 'Unavailable',
        times: Infinity,
      });
      const run = await lab.cli(['secondary-ip', 'setup', '--yes', '--output', 'json']);
      assert.equal(run.code, 1);
      const made = lab.emu.calls().filter((c) => c.operation === 'AllocateAddress').length;
      assert.ok(made > 1, `${made} attempts`);
      assert.match(run.json().error!.message, new RegExp(`after ${made} attempts`));
    } finally {
      await lab.close();
    }
  });

  test('GIVEN EC2 throttles every request WHEN setup runs THEN the error counts the attempts the SDK made', async () => {
    const lab = await startLab();
    try {
      lab.emu.injectFault({ service: 'ec2', kind: 'error', code: 'RequestLimitExceeded', times: Infinity });
      const run = await lab.cli(['secondary-ip', 'setup', '--yes', '--output', 'json']);
      assert.equal(run.code, 1);
      const made = lab.emu.calls().length;
      assert.match(run.json().error!.message, new RegExp(`after ${made} attempts`));
    } finally {
      await lab.close();
    }
  });

  for (const args of [['status'], ['secondary-ip', 'status'], ['secondary-ip', 'cleanup', '--yes']]) {
    test(`GIVEN a cluster name that does not exist WHEN ${args.join(' ')} runs THEN it says no such cluster was found and exits non-zero`, async () => {
      const lab = await startLab({ config: CONFIG_YAML.replace(`name: ${CLUSTER}`, 'name: c2.example.com') });
      try {
        const run = await lab.cli([...args, '--output', 'json']);
        assert.equal(run.code, 1, run.stdout);
        const err = run.json().error!;
        assert.equal(err.code, 'aws.cluster-not-found');
        assert.match(err.message, /c2\.example\.com/);
        assert.ok(err.remedy);
        assert.deepEqual(mutatingCalls(lab.emu), []);
      } finally {
        await lab.close();
      }
    });
  }

  test(
    'GIVEN neither Service Quotas nor the account attributes may be read WHEN setup runs with ' +
      '5 foreign addresses under a real quota of 10 THEN it warns that 5 is a guess and still sets up',
    async () => {
      const lab = await startLab({
        seed: { eipQuota: 10, addresses: [1, 2, 3, 4, 5].map((i) => ({ publicIp: `198.51.100.${200 + i}` })) },
      });
      try {
        lab.emu.injectFault({
          service: 'servicequotas',
          kind: 'error',
          status: 400,
          code: 'AccessDeniedException',
          times: Infinity,
        });
        lab.emu.injectFault({
          service: 'ec2',
          operation: 'DescribeAccountAttributes',
          kind: 'error',
          status: 403,
          code: 'UnauthorizedOperation',
          times: Infinity,
        });
        const run = await lab.cli(['secondary-ip', 'setup', '--yes']);
        assert.equal(run.code, 0, run.stderr);
        assert.match(run.stderr, /guess/i);
        assert.equal(addressesOf(lab.emu.state()).length, 1);
      } finally {
        await lab.close();
      }
    },
  );
});
