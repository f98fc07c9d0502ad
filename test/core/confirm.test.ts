import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { RecordingIoHost } from '../../src/core/io.js';
import { NotConfirmedError } from '../../src/core/errors.js';
import { decide, planAndApply } from '../../src/core/run.js';
import type { Plan } from '../../src/core/plan.js';
import { MemoryStore, memoryResource } from '../support/memory-resource.js';

const planWithChange: Plan = {
  mode: 'converge',
  steps: [{ id: 'a', title: 'a', action: 'create', changes: [], readOnly: false }],
};
const planWithout: Plan = {
  mode: 'converge',
  steps: [{ id: 'a', title: 'a', action: 'unchanged', changes: [], readOnly: false }],
};

describe('confirmation rules', () => {
  test('--dry-run stops after the plan, even with --yes', async () => {
    assert.equal(
      await decide(new RecordingIoHost({ interactive: true, confirm: true }), planWithChange, {
        yes: true,
        dryRun: true,
      }),
      'dry-run',
    );
  });
  test('--yes acts without asking', async () => {
    const io = new RecordingIoHost();
    assert.equal(await decide(io, planWithChange, { yes: true, dryRun: false }), 'apply');
    assert.deepEqual(io.questions, []);
  });
  test('no TTY and no --yes: refuses with a remedy naming --yes', async () => {
    await assert.rejects(
      decide(new RecordingIoHost({ interactive: false }), planWithChange, { yes: false, dryRun: false }),
      (e: unknown) => {
        assert.ok(e instanceof NotConfirmedError);
        assert.match(e.remedy ?? '', /--yes/);
        return true;
      },
    );
  });
  test('TTY: yes applies, no cancels', async () => {
    assert.equal(
      await decide(new RecordingIoHost({ interactive: true, confirm: true }), planWithChange, {
        yes: false,
        dryRun: false,
      }),
      'apply',
    );
    await assert.rejects(
      decide(new RecordingIoHost({ interactive: true, confirm: false }), planWithChange, { yes: false, dryRun: false }),
      NotConfirmedError,
    );
  });
  test('TTY with type-to-confirm: only the exact text applies', async () => {
    assert.equal(
      await decide(new RecordingIoHost({ interactive: true, ask: 'c1.example.com' }), planWithChange, {
        yes: false,
        dryRun: false,
        typeToConfirm: 'c1.example.com',
      }),
      'apply',
    );
    await assert.rejects(
      decide(new RecordingIoHost({ interactive: true, ask: 'c1' }), planWithChange, {
        yes: false,
        dryRun: false,
        typeToConfirm: 'c1.example.com',
      }),
      NotConfirmedError,
    );
  });
  test('nothing to change: no question is asked', async () => {
    const io = new RecordingIoHost({ interactive: true });
    assert.equal(await decide(io, planWithout, { yes: false, dryRun: false }), 'nothing-to-do');
    assert.deepEqual(io.questions, []);
  });
  test('a declined run changes nothing', async () => {
    const store = new MemoryStore();
    await assert.rejects(
      planAndApply([memoryResource(store, 'a', '1')], {
        io: new RecordingIoHost({ interactive: true, confirm: false }),
        signal: AbortSignal.timeout(5000),
        mode: 'converge',
        yes: false,
        dryRun: false,
      }),
      NotConfirmedError,
    );
    assert.equal(store.items.size, 0);
  });
});
