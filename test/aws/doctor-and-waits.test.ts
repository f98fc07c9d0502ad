// Long waits say what they wait for, and doctor runs its checks side by side under one deadline:
// a hanging endpoint costs the deadline, not minutes.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runAwsDoctor } from '../../src/aws/doctor.js';
import { awsResources } from '../../src/aws/resources/index.js';
import { dnsRecords } from '../../src/aws/resources/dns-records.js';
import { names } from '../../src/config/naming.js';
import { planAndApply } from '../../src/core/run.js';
import { withLibraryLab } from './harness.js';

test(
  'GIVEN EC2 and Service Quotas never answer WHEN doctor runs with a 1.5 s deadline THEN it ' +
    'returns within a few seconds, the hanging checks failed with the deadline, and progress was shown',
  () =>
    withLibraryLab(async ({ lab, clients, config, io, signal }) => {
      lab.emu.injectFault({ service: 'ec2', kind: 'hang', times: Infinity });
      lab.emu.injectFault({ service: 'servicequotas', kind: 'hang', times: Infinity });
      const started = Date.now();
      const outcome = await Promise.race([
        runAwsDoctor(config, clients, io, signal, { deadlineMs: 1_500, progressEveryMs: 400 }),
        new Promise<'too slow'>((r) => setTimeout(() => r('too slow'), 10_000).unref()),
      ]);
      assert.notEqual(outcome, 'too slow', 'doctor was still running after 10 s');
      assert.ok(Date.now() - started < 5_000, `doctor took ${Date.now() - started} ms`);
      const checks = outcome as Awaited<ReturnType<typeof runAwsDoctor>>;
      assert.equal(checks.find((c) => c.id === 'control-plane')?.status, 'fail');
      assert.equal(checks.find((c) => c.id === 'credentials')?.status, 'pass', 'STS answered in the meantime');
      assert.ok(io.messages('info').some((m) => /still waiting for .*control-plane/.test(m)));
    }),
);

test('GIVEN Route 53 takes several polls to reach INSYNC WHEN dns records are written THEN a progress line is shown while waiting', () =>
  withLibraryLab(
    async ({ clients, config, io, signal }) => {
      await planAndApply(awsResources(config, clients).secondaryIp, {
        io,
        signal,
        mode: 'converge',
        yes: true,
        dryRun: false,
      });
      const env = { config, names: names(config), clients };
      const list = awsResources(config, clients).dns.map((r) =>
        r.id === 'aws/dns-records' ? dnsRecords(env, { mode: 'converge', progressEveryMs: 200 }) : r,
      );
      await planAndApply(list as never, { io, signal, mode: 'converge', yes: true, dryRun: false });
      assert.ok(
        io.messages('info').some((m) => /waiting for Route 53 change .* INSYNC/.test(m)),
        io.messages().join('\n'),
      );
    },
    { changeSyncPolls: 5 },
  ));

test(
  'GIVEN the quota cannot be read and 5 addresses are allocated WHEN doctor runs THEN the ' +
    'quota check warns that 5 is a guess instead of failing as exhausted',
  () =>
    withLibraryLab(
      async ({ lab, clients, config, io, signal }) => {
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
        const checks = await runAwsDoctor(config, clients, io, signal);
        const quota = checks.find((c) => c.id === 'elastic-ip-quota');
        assert.equal(quota?.status, 'warn');
        assert.match(quota?.summary ?? '', /guess/);
      },
      { seed: { eipQuota: 10, addresses: [1, 2, 3, 4, 5].map((i) => ({ publicIp: `198.51.100.${200 + i}` })) } },
    ),
);
