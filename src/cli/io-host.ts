// The CLI's IoHost: progress, warnings and errors to stderr, one line each, with a timestamp;
// colour only when stderr is a terminal; questions only when stdin and stderr are terminals.

import type { IoEvent, IoHost, LogLevel } from '../core/io.js';
import { printable } from '../core/printable.js';
import { ProgressLog } from '../core/progress.js';

export type TimestampStyle = 'full' | 'short' | 'none';

export interface CliIoHostOptions {
  debug: boolean;
  timestamps: TimestampStyle;
  stderr?: NodeJS.WriteStream;
  stdin?: NodeJS.ReadStream;
  /** Told when a question opens and when it is answered (the command's clock stands still between). */
  onQuestion?: (state: 'open' | 'answered') => void;
  /** The command's signal: an open question is abandoned when the command is stopped. */
  signal?: AbortSignal;
}

const COLOUR: Record<LogLevel, string> = { debug: '\x1b[2m', info: '', warn: '\x1b[33m', error: '\x1b[31m' };
const LABEL: Record<LogLevel, string> = { debug: 'debug', info: 'info ', warn: 'warn ', error: 'error' };

export class CliIoHost implements IoHost {
  private readonly stderr: NodeJS.WriteStream;
  private readonly stdin: NodeJS.ReadStream;
  private readonly colour: boolean;
  /** What the command has done and is doing, for the error that ends an interrupted run. */
  readonly progress = new ProgressLog();

  constructor(private readonly opts: CliIoHostOptions) {
    this.stderr = opts.stderr ?? process.stderr;
    this.stdin = opts.stdin ?? process.stdin;
    this.colour = Boolean(this.stderr.isTTY) && !process.env.NO_COLOR;
  }

  get interactive(): boolean {
    return Boolean(this.stdin.isTTY && this.stderr.isTTY);
  }

  emit(event: IoEvent): void {
    this.progress.observe(event);
    if (event.level === 'debug' && !this.opts.debug) return;
    this.line(event.level, event.message, event.time);
  }

  /** Write free text (a rendered plan) to stderr as it is. */
  block(text: string): void {
    const safe = printable(text);
    this.stderr.write(safe.endsWith('\n') ? safe : `${safe}\n`);
  }

  async confirm(question: string): Promise<boolean> {
    const answer = await this.ask(`${question} [y/N] `);
    return answer !== undefined && /^y(es)?$/i.test(answer.trim());
  }

  async ask(question: string): Promise<string | undefined> {
    if (!this.interactive) return undefined;
    // Loaded on the first question: readline costs every command's start-up, few commands ask.
    const { createInterface } = await import('node:readline/promises');
    const rl = createInterface({ input: this.stdin, output: this.stderr });
    // On a terminal readline takes Ctrl-C itself; pass it on as the signal it is, so a question
    // never swallows an interruption.
    rl.on('SIGINT', () => process.kill(process.pid, 'SIGINT'));
    this.opts.onQuestion?.('open');
    try {
      return await rl.question(printable(question), this.opts.signal ? { signal: this.opts.signal } : {});
    } finally {
      rl.close();
      this.opts.onQuestion?.('answered');
    }
  }

  private line(level: LogLevel, message: string, time: Date): void {
    const stamp = formatTime(time, this.opts.timestamps);
    const text = printable(message)
      .split('\n')
      .map((m, i) => `${i === 0 ? stamp : ' '.repeat(stamp.length)}${LABEL[level]} ${m}`)
      .join('\n');
    const coloured = this.colour && COLOUR[level] ? `${COLOUR[level]}${text}\x1b[0m` : text;
    this.stderr.write(`${coloured}\n`);
  }
}

export function formatTime(time: Date, style: TimestampStyle): string {
  if (style === 'none') return '';
  if (style === 'short') return `${time.toISOString().slice(11, 19)} `;
  return `${time.toISOString()} `;
}
