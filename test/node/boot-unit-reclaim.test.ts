// The boot unit's plan answers for the instance's reclaim unit too (src/node/resources/boot-unit.ts):
// a reclaim unit whose last run was not a success is a change `up` makes (it runs the unit again);
// a successful one, or a node without the unit, is none. Pure: only diff() is exercised here; the
// end-to-end test (test/sandbox/env/self-heal.test.ts) shows the rerun on a real node.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bootUnit } from '../../src/node/resources/boot-unit.js';
import { renderBootUnit } from '../../src/node/render-boot.js';
import type { NodeShell } from '../../src/node/shell.js';
import { spec } from './support/specs.js';

const unused = {} as NodeShell; // diff() never touches the node
const SPEC = spec();
const resource = bootUnit(SPEC, unused);
const desired = { ...renderBootUnit(SPEC), enabled: true };
const installed = { ...desired };

test('GIVEN the boot unit in place WHEN the reclaim unit last ran ok, or the node has none THEN no change', () => {
  assert.deepEqual(resource.diff({ ...installed, reclaim: 'ok' }, desired), []);
  assert.deepEqual(resource.diff(installed, desired), []);
});

test('GIVEN the boot unit in place WHEN the reclaim unit last failed, never ran or left an unreadable record THEN up plans to run it again', () => {
  for (const outcome of ['failed', 'never ran', 'unreadable'] as const)
    assert.deepEqual(resource.diff({ ...installed, reclaim: outcome }, desired), [
      { field: 'solokube-reclaim.service last run', from: outcome, to: 'ok (run again)' },
    ]);
});
