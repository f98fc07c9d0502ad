// What the engine reports about its steps, read back the way the CLI does when a run is stopped:
// which steps changed something and which were running at that moment. And that nothing printed
// carries a character a terminal would act on.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { RecordingIoHost } from '../../src/core/io.js';
import type { IoEvent } from '../../src/core/io.js';
import { planAndApply } from '../../src/core/run.js';
import { ProgressLog } from '../../src/core/progress.js';
import { printable, printableJson } from '../../src/core/printable.js';
import { MemoryStore, memoryResource } from '../support/memory-resource.js';

/** A host that feeds a ProgressLog as the CLI's host does, and lets a test look at it mid-run. */
class ObservedHost extends RecordingIoHost {
  readonly progress = new ProgressLog();
  override emit(event: IoEvent): void {
    super.emit(event);
    this.progress.observe(event);
  }
}

describe('progress of a run', () => {
  test('GIVEN a run where the second step is still applying THEN the first is done and the second is running', async () => {
    const store = new MemoryStore();
    const io = new ObservedHost();
    const run = planAndApply(
      [memoryResource(store, 'a', '1'), memoryResource(store, 'b', '2', { dependsOn: ['a'], applyDelayMs: 400 })],
      { io, signal: AbortSignal.timeout(5_000), mode: 'converge', yes: true, dryRun: false },
    );
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(io.progress.snapshot(), { done: ['created item a [a]'], running: ['applying item b [b]'] });
    await run;
    assert.deepEqual(io.progress.snapshot(), { done: ['created item a [a]', 'created item b [b]'], running: [] });
  });

  test('GIVEN a rerun with nothing to change THEN nothing is listed as done', async () => {
    const store = new MemoryStore();
    store.items.set('a', { value: '1' });
    const io = new ObservedHost();
    await planAndApply([memoryResource(store, 'a', '1')], {
      io,
      signal: AbortSignal.timeout(5_000),
      mode: 'converge',
      yes: true,
      dryRun: false,
    });
    assert.deepEqual(io.progress.snapshot(), { done: [], running: [] });
  });
});

describe('printable text', () => {
  test('control characters, C1 and bidi overrides are escaped; newlines and tabs stay', () => {
    assert.equal(printable('a\u001b[2Jb\u009bc\u202ed\te\nf\r'), 'a\\x1b[2Jb\\x9bc\\u202ed\te\nf\\x0d');
    assert.doesNotMatch(
      printableJson({ k: '\u009b\u001b' }),
      /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/,
      'only the indentation newlines stay raw',
    );
    assert.deepEqual(
      JSON.parse(printableJson({ k: '\u009b\u001b' })),
      { k: '\u009b\u001b' },
      'the JSON still means the same',
    );
  });
});
