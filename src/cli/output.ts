// Results go to stdout: text for people, or exactly one JSON document with --output json.

export type OutputFormat = 'text' | 'json';

export interface CommandResult {
  /** The machine-readable result; becomes the JSON document's "result". */
  data: unknown;
  /** What a person reads on stdout. */
  text: string;
}

export class Output {
  private written = false;
  constructor(readonly format: OutputFormat, private readonly stdout: NodeJS.WritableStream = process.stdout) {}

  result(command: string, result: CommandResult): void {
    this.written = true;
    if (this.format === 'json') this.stdout.write(`${JSON.stringify({ ok: true, command, result: result.data }, null, 2)}\n`);
    else if (result.text) this.stdout.write(result.text.endsWith('\n') ? result.text : `${result.text}\n`);
  }

  /** With --output json a failure is still one JSON document on stdout. */
  failure(command: string, error: { code: string; message: string; remedy?: string | undefined; details?: unknown }): void {
    if (this.format !== 'json' || this.written) return;
    this.written = true;
    this.stdout.write(`${JSON.stringify({ ok: false, command, error }, null, 2)}\n`);
  }
}
