// --dry-run is the same in every mutating command: the plan on stdout, rendered one way, nothing
// about it on stderr, nothing changed; with --output json the plan is the one document's result.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mutatingCalls, startLab } from '../aws/harness.js';
import type { Lab } from '../aws/harness.js';

const PLAN_HEAD = /^(Plan|Removal plan): \d+ to create, \d+ to update, \d+ to delete, \d+ unchanged$/m;

describe('--dry-run prints the plan the same way in every command', () => {
  let lab: Lab;
  before(async () => {
    lab = await startLab();
  });
  after(async () => {
    await lab.close();
  });

  // In order: setup on a fresh account, then (once set up) cleanup and dns sync, each with work to plan.
  for (const args of [
    ['secondary-ip', 'setup'],
    ['secondary-ip', 'cleanup'],
    ['dns', 'sync'],
  ]) {
    test(`GIVEN ${args.join(' ')} --dry-run THEN the plan is on stdout, not stderr, and nothing changes`, async () => {
      if (args[1] !== 'setup') {
        const setup = await lab.cli(['secondary-ip', 'setup', '--yes']);
        assert.equal(setup.code, 0, setup.stderr);
      }
      lab.emu.resetCalls();
      const r = await lab.cli([...args, '--dry-run']);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, PLAN_HEAD, `stdout: ${r.stdout}`);
      assert.match(r.stdout, /dry run: nothing was changed/);
      assert.doesNotMatch(r.stderr, PLAN_HEAD, 'the plan is shown once, on stdout');
      assert.deepEqual(mutatingCalls(lab.emu), []);

      const j = await lab.cli([...args, '--dry-run', '-o', 'json']);
      assert.equal(j.code, 0, j.stderr);
      const doc = j.json<{ ok: boolean; result: { decision: string; plan: { mode: string; steps: unknown[] } } }>();
      assert.equal(doc.result.decision, 'dry-run');
      assert.ok(doc.result.plan.steps.length > 0);
      assert.doesNotMatch(j.stderr, PLAN_HEAD);
    });
  }
});
