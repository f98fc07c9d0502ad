// Optional state file: loaded at start, rewritten atomically (temp file + rename) after every
// request that changed the state, before the response is sent, so a killed process keeps what
// it already answered.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { emptyEcrData } from './ecr/model.js';
import type { EmulatorData } from './model.js';

const FORMAT = 'solokube-aws-emulator/1';

export function loadState(file: string): EmulatorData | undefined {
  if (!existsSync(file)) return undefined;
  const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
  if (typeof parsed !== 'object' || parsed === null || (parsed as { format?: unknown }).format !== FORMAT) {
    throw new Error(`${file} is not an AWS emulator state file (expected format ${FORMAT})`);
  }
  const data = (parsed as { data: EmulatorData }).data;
  // State files written before ECR was served have no ecr part.
  data.ecr ??= emptyEcrData();
  return data;
}

export class StateFileWriter {
  private last: string | undefined;
  constructor(private readonly file: string) {}

  /** Writes only when the serialised state differs from what was last written. */
  save(data: EmulatorData): void {
    const text = JSON.stringify({ format: FORMAT, data }, null, 1);
    if (text === this.last) return;
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, text, { mode: 0o600 });
    renameSync(tmp, this.file);
    this.last = text;
  }
}
