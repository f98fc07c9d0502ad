// Creating something that AWS cannot de-duplicate (AllocateAddress, a counted
// AssignPrivateIpAddresses, CreateSecurityGroup) must never be retried blindly: a request that timed out or failed with
// a 5xx may still have been carried out, and a second one would make a second object. So these
// calls go through a client without SDK retries, and here a failure is followed by a re-read; only
// if nothing was made is the call tried again. Throttled requests were not carried out and are
// retried after a pause without a re-read.

import { SolokubeError } from '../core/errors.js';
import { debug } from '../core/io.js';
import type { IoHost } from '../core/io.js';
import { sleep } from '../core/sleep.js';
import { withAttemptCount } from './errors.js';

const MAYBE_DONE = new Set(['aws.timeout', 'aws.unavailable', 'aws.deadline']);
const NOT_DONE = new Set(['aws.throttled']);

export interface CreateOnceOptions<T> {
  what: string;
  io: IoHost;
  signal: AbortSignal;
  create(): Promise<T>;
  /** Look for what an earlier, possibly successful attempt made; undefined when there is none. */
  recheck(): Promise<T | undefined>;
  attempts?: number;
  baseDelayMs?: number;
}

export async function createOnce<T>(o: CreateOnceOptions<T>): Promise<T> {
  const attempts = o.attempts ?? 3;
  let delay = o.baseDelayMs ?? 200;
  for (let attempt = 1; ; attempt++) {
    try {
      return await o.create();
    } catch (err) {
      const code = err instanceof SolokubeError ? err.code : '';
      if (MAYBE_DONE.has(code)) {
        const made = await o.recheck();
        if (made !== undefined) {
          debug(o.io, `${o.what}: the failed attempt had gone through; using what it made`);
          return made;
        }
      } else if (!NOT_DONE.has(code)) {
        throw err;
      }
      // The error of one attempt counts only that attempt; say how many were made in all.
      if (attempt >= attempts) throw err instanceof SolokubeError ? withAttemptCount(err, attempt) : err;
      debug(o.io, `${o.what}: attempt ${attempt} failed (${code}); trying again`);
      await sleep(delay * (0.5 + Math.random()), o.signal);
      delay *= 2;
    }
  }
}
