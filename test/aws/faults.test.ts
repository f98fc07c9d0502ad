// Failure paths of the control path: throttling, a hanging endpoint, and a failure right after
// AllocateAddress (the address exists but the caller never heard of it).

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import { createAwsClients } from '../../src/aws/clients.js';
import { SolokubeError } from '../../src/core/errors.js';
import { REGION, TEST_CREDENTIALS, addressesOf, controlPlaneEni, operations, startLab } from './harness.js';

describe('AWS failures on the control path', () => {
  test('GIVEN EC2 throttles the first two DescribeInstances requests WHEN setup runs THEN the SDK retries and setup succeeds', async () => {
    const lab = await startLab();
    try {
      lab.emu.injectFault({
        service: 'ec2',
        operation: 'DescribeInstances',
        kind: 'error',
        code: 'RequestLimitExceeded',
        times: 2,
      });
      const run = await lab.cli(['secondary-ip', 'setup', '--yes']);
      assert.equal(run.code, 0, run.stderr);
      const describes = lab.emu.calls().filter((c) => c.operation === 'DescribeInstances');
      assert.deepEqual(
        describes.map((c) => c.errorCode ?? 'ok'),
        ['RequestLimitExceeded', 'RequestLimitExceeded', 'ok'],
      );
      assert.equal(new Set(describes.map((c) => c.invocationId)).size, 1, 'one logical call, retried');
      assert.equal(addressesOf(lab.emu.state()).length, 1);
    } finally {
      await lab.close();
    }
  });

  test('GIVEN EC2 throttles every request WHEN setup runs THEN it fails with the throttling error after the standard attempts', async () => {
    const lab = await startLab();
    try {
      lab.emu.injectFault({ service: 'ec2', kind: 'error', code: 'RequestLimitExceeded', times: Infinity });
      const run = await lab.cli(['secondary-ip', 'setup', '--yes', '--output', 'json']);
      assert.equal(run.code, 1);
      assert.equal(run.json().error?.code, 'aws.throttled');
      assert.equal(lab.emu.calls().length, 3);
    } finally {
      await lab.close();
    }
  });

  // The deadline is 5 s, not less: the command loads the AWS SDK inside its own clock (lazily, so
  // --help stays fast), which takes over a second on a busy two-core machine; the hang then has
  // to be what the deadline catches, and the bound on the end is generous for the same reason.
  test('GIVEN an endpoint that never answers WHEN setup runs with --timeout 5 THEN it fails soon after the deadline with a clear message', async () => {
    const lab = await startLab();
    try {
      lab.emu.injectFault({ service: 'ec2', operation: 'DescribeInstances', kind: 'hang', times: Infinity });
      const run = await lab.cli(['secondary-ip', 'setup', '--yes', '--timeout', '5', '--output', 'json'], {
        timeoutMs: 30_000,
      });
      assert.equal(run.code, 1);
      const err = run.json().error!;
      // The command's deadline is what stopped it; it names the step that was waiting on DescribeInstances.
      assert.equal(err.code, 'deadline');
      assert.match(err.message, /aws\/control-plane/);
      assert.ok(run.ms < 20_000, `the command ended ${run.ms} ms after it started`);
    } finally {
      await lab.close();
    }
  });

  test(
    'GIVEN an endpoint that never answers WHEN one call is made with a 300 ms request timeout ' +
      'THEN it fails as a timeout after its attempts, not hanging',
    async () => {
      const lab = await startLab();
      const clients = createAwsClients({
        region: REGION,
        endpoint: lab.emu.endpoint,
        credentials: TEST_CREDENTIALS,
        maxAttempts: 2,
        timeouts: { requestMs: 300, connectionMs: 300 },
      });
      try {
        lab.emu.injectFault({ service: 'ec2', operation: 'DescribeInstances', kind: 'hang', times: Infinity });
        const started = Date.now();
        const err = await clients
          .call('ec2:DescribeInstances', new AbortController().signal, (o) =>
            clients.ec2.send(new DescribeInstancesCommand({}), o),
          )
          .then(
            () => undefined,
            (e: unknown) => e,
          );
        assert.ok(err instanceof SolokubeError);
        assert.equal(err.code, 'aws.timeout');
        assert.ok(Date.now() - started < 5_000);
        assert.equal(lab.emu.calls().length, 2, 'the timed-out attempt was retried once');
      } finally {
        clients.destroy();
        await lab.close();
      }
    },
  );

  test('GIVEN a per-call deadline shorter than the request timeout WHEN the endpoint hangs THEN the call fails with the deadline error', async () => {
    const lab = await startLab();
    const clients = createAwsClients({
      region: REGION,
      endpoint: lab.emu.endpoint,
      credentials: TEST_CREDENTIALS,
      timeouts: { requestMs: 10_000, callDeadlineMs: 400 },
    });
    try {
      lab.emu.injectFault({ service: 'ec2', kind: 'hang', times: Infinity });
      const err = await clients
        .call('ec2:DescribeInstances', new AbortController().signal, (o) =>
          clients.ec2.send(new DescribeInstancesCommand({}), o),
        )
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      assert.ok(err instanceof SolokubeError);
      assert.equal(err.code, 'aws.deadline');
      assert.ok(err.remedy);
    } finally {
      clients.destroy();
      await lab.close();
    }
  });

  test('GIVEN AllocateAddress fails after allocating (client error) WHEN setup fails and is rerun THEN exactly one Elastic IP exists, associated', async () => {
    const lab = await startLab();
    try {
      lab.emu.injectFault({
        service: 'ec2',
        operation: 'AllocateAddress',
        kind: 'error',
        phase: 'after',
        status: 400,
        code: 'InjectedFault',
      });
      const first = await lab.cli(['secondary-ip', 'setup', '--yes']);
      assert.equal(first.code, 1);
      assert.equal(addressesOf(lab.emu.state()).length, 1, 'the allocation happened despite the error');
      const second = await lab.cli(['secondary-ip', 'setup', '--yes']);
      assert.equal(second.code, 0, second.stderr);
      const ours = addressesOf(lab.emu.state());
      assert.equal(ours.length, 1);
      assert.equal(ours[0]!.association?.networkInterfaceId, controlPlaneEni(lab.emu.state()).networkInterfaceId);
      assert.equal(operations(lab.emu).filter((op) => op === 'AllocateAddress').length, 1);
    } finally {
      await lab.close();
    }
  });

  test('GIVEN AllocateAddress answers 500 after allocating WHEN setup runs THEN it finds the address it made instead of allocating a second one', async () => {
    const lab = await startLab();
    try {
      lab.emu.injectFault({
        service: 'ec2',
        operation: 'AllocateAddress',
        kind: 'error',
        phase: 'after',
        status: 500,
        code: 'InternalError',
      });
      const run = await lab.cli(['secondary-ip', 'setup', '--yes']);
      assert.equal(run.code, 0, run.stderr);
      const ours = addressesOf(lab.emu.state());
      assert.equal(ours.length, 1);
      assert.ok(ours[0]!.association);
      assert.equal(operations(lab.emu).filter((op) => op === 'AllocateAddress').length, 1);
    } finally {
      await lab.close();
    }
  });

  test('GIVEN AssignPrivateIpAddresses answers 503 after assigning WHEN setup runs THEN exactly one secondary IP is added', async () => {
    const lab = await startLab();
    try {
      lab.emu.injectFault({
        service: 'ec2',
        operation: 'AssignPrivateIpAddresses',
        kind: 'error',
        phase: 'after',
        status: 503,
        code: 'Unavailable',
      });
      const run = await lab.cli(['secondary-ip', 'setup', '--yes']);
      assert.equal(run.code, 0, run.stderr);
      assert.equal(controlPlaneEni(lab.emu.state()).privateIps.filter((p) => !p.primary).length, 1);
    } finally {
      await lab.close();
    }
  });
});
