// Results go to stdout: text for people, or exactly one JSON document with --output json. Whatever
// ends the run (a result, an error, a parse error, a signal), the document is written once.

import { printable, printableJson } from '../core/printable.js';

export type OutputFormat = 'text' | 'json';

export interface CommandResult {
  /** The machine-readable result; becomes the JSON document's "result". */
  data: unknown;
  /** What a person reads on stdout. */
  text: string;
}

export class Output {
  private written = false;
  constructor(
    readonly format: OutputFormat,
    private readonly stdout: NodeJS.WritableStream = process.stdout,
  ) {}

  /** True once the run's result or error document is out. */
  get done(): boolean {
    return this.written;
  }

  result(command: string, result: CommandResult): void {
    if (this.written) return;
    this.written = true;
    if (this.format === 'json') this.stdout.write(`${printableJson({ ok: true, command, result: result.data })}\n`);
    else if (result.text) {
      const text = printable(result.text);
      this.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
    }
  }

  /** With --output json a failure is still one JSON document on stdout. */
  failure(
    command: string,
    error: { code: string; message: string; remedy?: string | undefined; details?: unknown },
  ): void {
    if (this.format !== 'json' || this.written) return;
    this.written = true;
    this.stdout.write(`${printableJson({ ok: false, command, error })}\n`);
  }
}
