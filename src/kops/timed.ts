// How long solokube waits on kops: every step (and the preflight) of whatever kops the cluster
// resource uses — the real binary, or the sandbox's mix of real kops and the stand-in that boots
// the node — is timed and reported as one debug event. The figure lets a run tell its own time
// from the time kops (and the instance it launches) takes, e.g. `npm run bench up`.
import { debug, type IoHost } from '../core/io.js';
import type { KopsCli } from './cli.js';
import type { KopsResult, StepOptions } from './runner.js';

/** The data of a kops timing event; the message says the same in words. */
export interface KopsWait {
  timing: 'kops';
  step: string;
  /** When the step started, epoch milliseconds. */
  startedAt: number;
  ms: number;
  /** False when the step threw (a failure or deadline is waited for all the same). */
  ok: boolean;
}

/** The message of a kops timing event, which `parseKopsWait` reads back from a stderr line. */
export function kopsWaitMessage(w: KopsWait): string {
  return `waited ${w.ms} ms on kops ${w.step} (started ${new Date(w.startedAt).toISOString()}${w.ok ? '' : ', failed'})`;
}

const WAIT_LINE = /waited (\d+) ms on kops (.+) \(started (\S+?)(, failed)?\)$/;

/** A kops timing event read back from a stderr line (`--debug`), or undefined for any other line. */
export function parseKopsWait(line: string): KopsWait | undefined {
  const m = WAIT_LINE.exec(line.trimEnd());
  if (!m) return undefined;
  const startedAt = Date.parse(m[3]!);
  if (Number.isNaN(startedAt)) return undefined;
  return { timing: 'kops', step: m[2]!, startedAt, ms: Number(m[1]), ok: m[4] === undefined };
}

export function timedKops(kops: KopsCli, io: IoHost): KopsCli {
  const time = async <T>(step: string, work: () => Promise<T>): Promise<T> => {
    const startedAt = Date.now();
    let ok = false;
    try {
      const result = await work();
      ok = true;
      return result;
    } finally {
      const wait: KopsWait = { timing: 'kops', step, startedAt, ms: Date.now() - startedAt, ok };
      debug(io, kopsWaitMessage(wait), { ...wait });
    }
  };
  const timed: KopsCli = {
    run: (step: string, args: string[], opts: StepOptions): Promise<KopsResult> =>
      time(step, () => kops.run(step, args, opts)),
  };
  const { preflight } = kops;
  if (preflight) timed.preflight = (signal) => time('preflight', () => preflight.call(kops, signal));
  return timed;
}
