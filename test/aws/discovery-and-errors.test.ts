// Control-plane discovery by kops' tags (none, several), credentials problems, and Route 53 changes
// that never reach INSYNC.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { awsResources } from '../../src/aws/resources/index.js';
import { SolokubeError } from '../../src/core/errors.js';
import { planAndApply } from '../../src/core/run.js';
import {
  CLUSTER,
  CONFIG_YAML,
  addressesOf,
  controlPlaneEni,
  mutatingCalls,
  operations,
  runCliInProcess,
  startLab,
  withLibraryLab,
} from './harness.js';

describe('discovery and error reporting', () => {
  test('GIVEN no cluster with that name WHEN setup runs THEN it fails saying which tags it looked for, and changes nothing', async () => {
    const lab = await startLab({ config: CONFIG_YAML.replace(`name: ${CLUSTER}`, 'name: other.example.com') });
    try {
      const run = await lab.cli(['secondary-ip', 'setup', '--yes', '--output', 'json']);
      assert.equal(run.code, 1);
      const err = run.json().error!;
      assert.equal(err.code, 'aws.control-plane-missing');
      assert.match(err.message, /KubernetesCluster=other\.example\.com/);
      assert.ok(err.remedy);
      assert.deepEqual(mutatingCalls(lab.emu), []);
    } finally {
      await lab.close();
    }
  });

  test('GIVEN two running control-plane instances WHEN setup runs THEN it refuses and changes nothing', async () => {
    const lab = await startLab();
    try {
      const s = lab.emu.state();
      const first = Object.values(s.instances)[0]!;
      lab.emu.seed({ instances: [{ subnetId: first.subnetId, tags: { ...first.tags } }] });
      lab.emu.resetCalls();
      const run = await lab.cli(['secondary-ip', 'setup', '--yes', '--output', 'json']);
      assert.equal(run.code, 1);
      assert.equal(run.json().error?.code, 'aws.control-plane-ambiguous');
      assert.deepEqual(mutatingCalls(lab.emu), []);
    } finally {
      await lab.close();
    }
  });

  test('GIVEN STS rejects the credentials WHEN doctor runs THEN the credentials check fails with a remedy naming how to configure them', async () => {
    const lab = await startLab();
    try {
      lab.emu.injectFault({
        service: 'sts',
        kind: 'error',
        status: 403,
        code: 'InvalidClientTokenId',
        message: 'The security token included in the request is invalid.',
      });
      const run = await lab.cli(['doctor', '--hops', 'aws', '--output', 'json']);
      assert.equal(run.code, 1);
      const checks = run.json<{ error: { details: { checks: { id: string; status: string; remedy?: string }[] } } }>()
        .error.details.checks;
      const cred = checks.find((c) => c.id === 'credentials')!;
      assert.equal(cred.status, 'fail');
      assert.match(cred.remedy ?? '', /--profile|AWS_PROFILE/);
    } finally {
      await lab.close();
    }
  });

  test('GIVEN no credentials anywhere WHEN setup runs THEN it fails with the credentials error before reaching AWS', async () => {
    const lab = await startLab();
    try {
      const env = { AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '' };
      const run = await runCliInProcess(
        lab.emu.endpoint,
        ['-c', lab.configPath, 'secondary-ip', 'setup', '--yes', '--output', 'json'],
        30_000,
        env,
      );
      assert.equal(run.code, 1);
      assert.equal(run.json().error?.code, 'aws.credentials');
      assert.deepEqual(lab.emu.calls(), []);
    } finally {
      await lab.close();
    }
  });

  test(
    'GIVEN Route 53 keeps a change PENDING WHEN records are synced with a short deadline THEN ' +
      'it fails with a not-in-sync error after polling with backoff',
    () =>
      withLibraryLab(
        async ({ lab, clients, config, io, signal }) => {
          await planAndApply(awsResources(config, clients).secondaryIp, {
            io,
            signal,
            mode: 'converge',
            yes: true,
            dryRun: false,
          });
          lab.emu.resetCalls();
          const started = Date.now();
          const err = await planAndApply(awsResources(config, clients, { dnsSyncDeadlineMs: 1_000 }).dns, {
            io,
            signal,
            mode: 'converge',
            yes: true,
            dryRun: false,
          }).then(
            () => undefined,
            (e: unknown) => e,
          );
          assert.ok(err instanceof SolokubeError);
          assert.equal(err.code, 'aws.dns-not-in-sync');
          assert.ok(err.remedy);
          const polls = operations(lab.emu).filter((op) => op === 'GetChange').length;
          assert.ok(polls >= 2 && polls <= 6, `polled ${polls} times in about a second: backoff, not a busy loop`);
          assert.ok(Date.now() - started < 5_000);
        },
        { changeSyncPolls: 10_000 },
      ),
  );

  test('GIVEN two idle addresses of this cluster WHEN setup then cleanup run THEN setup uses one and cleanup releases both', async () => {
    const tags = { 'solokube.io/cluster': CLUSTER, 'solokube.io/role': 'apps-elastic-ip' };
    const lab = await startLab({
      seed: {
        addresses: [
          { publicIp: '198.51.100.240', tags },
          { publicIp: '198.51.100.241', tags },
        ],
      },
    });
    try {
      assert.equal((await lab.cli(['secondary-ip', 'setup', '--yes'])).code, 0);
      assert.equal(
        addressesOf(lab.emu.state()).filter(
          (a) => a.association?.networkInterfaceId === controlPlaneEni(lab.emu.state()).networkInterfaceId,
        ).length,
        1,
      );
      const cleanup = await lab.cli(['secondary-ip', 'cleanup', '--yes']);
      assert.equal(cleanup.code, 0, cleanup.stderr);
      assert.deepEqual(addressesOf(lab.emu.state()), []);
    } finally {
      await lab.close();
    }
  });
});
