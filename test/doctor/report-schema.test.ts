// `doctor --output json` keeps its documented shape (support/report-schema.ts): the real CLI against
// the AWS emulator, failing (a fresh kops cluster: no Elastic IP yet) and with the cluster hop
// skipping; the lab tests check the same schema on every document of a real sandbox (node, DNS, TLS,
// end to end). And the schema itself refuses what breaks the contract, so the checks above can fail.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startLab } from '../aws/harness.js';
import { parseDoctorDocument, reportOf } from './support/report-schema.js';

const check = (over: Record<string, unknown> = {}) => ({
  id: 'node/redirect',
  hop: 'node',
  status: 'fail',
  summary: 'table ip solokube is missing',
  remedy: 'Run `solokube up`.',
  ...over,
});
const failedDoc = (checks: unknown[], report: Record<string, unknown> = {}) =>
  JSON.stringify({
    ok: false,
    command: 'doctor',
    error: {
      code: 'doctor.failed',
      message: '1 check(s) failed',
      remedy: 'Run `solokube up`.',
      details: {
        cluster: 'c1.example.com',
        ok: false,
        firstBroken: {
          hop: 'node',
          id: 'node/redirect',
          summary: 'table ip solokube is missing',
          remedy: 'Run `solokube up`.',
        },
        checks,
        ...report,
      },
    },
  });

describe('the JSON document of doctor', () => {
  test(
    'GIVEN a fresh kops cluster in the emulator WHEN doctor --hops aws,cluster -o json runs ' +
      'THEN the failure document has the documented shape',
    async () => {
      const lab = await startLab();
      try {
        const run = await lab.cli(['doctor', '--hops', 'aws,cluster', '--output', 'json']);
        assert.equal(run.code, 1, run.stderr);
        const doc = parseDoctorDocument(run.stdout);
        assert.equal(doc.ok, false);
        const report = reportOf(doc);
        assert.deepEqual([...new Set(report.checks.map((c) => c.hop))], ['aws', 'cluster']);
        assert.equal(report.firstBroken?.hop, 'aws');
        assert.equal(report.checks.find((c) => c.hop === 'cluster')?.status, 'skip', 'no kubeconfig here');
      } finally {
        await lab.close();
      }
    },
  );

  test('GIVEN the secondary IP set up WHEN doctor --hops aws -o json runs THEN the document still has its shape and carries the passes', async () => {
    const lab = await startLab();
    try {
      const setup = await lab.cli(['secondary-ip', 'setup', '--yes', '--output', 'json']);
      assert.equal(setup.code, 0, setup.stderr);
      const run = await lab.cli(['doctor', '--hops', 'aws', '--output', 'json']);
      const report = reportOf(parseDoctorDocument(run.stdout));
      for (const id of ['credentials', 'control-plane', 'association'])
        assert.equal(report.checks.find((c) => c.id === id)?.status, 'pass', id);
      assert.equal(run.code, report.ok ? 0 : 1);
    } finally {
      await lab.close();
    }
  });

  test('GIVEN a document that keeps the contract WHEN parsed THEN it is accepted', () => {
    const report = reportOf(
      parseDoctorDocument(failedDoc([check({ id: 'credentials', hop: 'aws', status: 'pass' }), check()])),
    );
    assert.equal(report.checks.length, 2);
  });

  test('GIVEN documents that break the contract WHEN parsed THEN each is refused for its reason', () => {
    const refusals: [string, string, RegExp][] = [
      ['an undocumented field', failedDoc([check({ extra: 1 })]), /extra|Unrecognized/i],
      ['a failure without a remedy', failedDoc([check({ remedy: undefined })]), /no remedy/],
      [
        'a skip that does not say why',
        failedDoc([check(), check({ id: 'node/ssh', status: 'skip', summary: 'no' })]),
        /does not say why/,
      ],
      ['an id outside its hop', failedDoc([check({ id: 'dns/hello.example.com' })]), /not one of hop node/],
      [
        'hops out of path order',
        failedDoc([check(), check({ id: 'credentials', hop: 'aws', status: 'pass' })]),
        /path order/,
      ],
      ['a repeated id', failedDoc([check(), check({ status: 'pass' })]), /repeat/],
      [
        'firstBroken not the first failure',
        failedDoc([check()], { firstBroken: { hop: 'e2e', id: 'e2e/x', summary: 's' } }),
        /not the first failing/,
      ],
      ['ok although a check fails', failedDoc([check()], { ok: true }), /ok is true/],
    ];
    for (const [what, doc, reason] of refusals) assert.throws(() => parseDoctorDocument(doc), reason, what);
  });
});
