// The live state plus its transaction rule: a mutation runs against a deep copy that replaces the
// live state only when it finishes without throwing (Route 53 batches, all-or-nothing IP
// assignment and failed seeds therefore never leave half a change), then the file is rewritten.
import type { EmulatorData } from './model.js';
import type { StateFileWriter } from './persist.js';

export class EmulatorStore {
  constructor(
    private data: EmulatorData,
    private readonly writer?: StateFileWriter,
  ) {
    writer?.save(data);
  }

  read<T>(fn: (d: EmulatorData) => T): T {
    return fn(this.data);
  }

  mutate<T>(fn: (d: EmulatorData) => T): T {
    const draft = structuredClone(this.data);
    const result = fn(draft);
    this.data = draft;
    this.writer?.save(draft);
    return result;
  }

  view(): EmulatorData {
    return structuredClone(this.data);
  }
}
