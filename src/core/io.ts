// The library never writes to the console. It reports to an IoHost; the CLI's host turns events
// into timestamped stderr lines, tests use a recording host.

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface IoEvent {
  level: LogLevel;
  message: string;
  time: Date;
  /** Optional structured detail (a step id, a duration, ...). */
  data?: Record<string, unknown>;
}

export interface IoHost {
  emit(event: IoEvent): void;
  /** Ask a yes/no question. Hosts without a terminal must answer false. */
  confirm(question: string): Promise<boolean>;
  /** Ask for a line of text (e.g. the cluster name before `down`). undefined when not interactive. */
  ask(question: string): Promise<string | undefined>;
  /** True when a person can answer `confirm`. */
  readonly interactive: boolean;
}

/** Shorthands so call sites read as sentences. */
export function info(io: IoHost, message: string, data?: Record<string, unknown>): void {
  io.emit({ level: 'info', message, time: new Date(), ...(data ? { data } : {}) });
}
export function warn(io: IoHost, message: string, data?: Record<string, unknown>): void {
  io.emit({ level: 'warn', message, time: new Date(), ...(data ? { data } : {}) });
}
export function debug(io: IoHost, message: string, data?: Record<string, unknown>): void {
  io.emit({ level: 'debug', message, time: new Date(), ...(data ? { data } : {}) });
}

/** A host that records events and answers questions from a script; for tests and library users. */
export class RecordingIoHost implements IoHost {
  readonly events: IoEvent[] = [];
  readonly questions: string[] = [];
  constructor(private readonly answers: { confirm?: boolean; ask?: string; interactive?: boolean } = {}) {}
  get interactive(): boolean {
    return this.answers.interactive ?? false;
  }
  emit(event: IoEvent): void {
    this.events.push(event);
  }
  async confirm(question: string): Promise<boolean> {
    this.questions.push(question);
    return this.interactive && (this.answers.confirm ?? false);
  }
  async ask(question: string): Promise<string | undefined> {
    this.questions.push(question);
    return this.interactive ? this.answers.ask : undefined;
  }
  messages(level?: LogLevel): string[] {
    return this.events.filter((e) => !level || e.level === level).map((e) => e.message);
  }
}
