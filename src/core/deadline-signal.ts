// A deadline as an AbortSignal that really fires. AbortSignal.any([s, AbortSignal.timeout(ms)]) is
// the obvious spelling, but a timeout signal that only AbortSignal.any() refers to can be garbage-
// collected before it fires (nodejs/node#57736), and then the deadline never comes. A timer of our
// own is held by the event loop until it fires or is cleared.

import { sharedSignal } from './shared-signal.js';

export interface DeadlineSignal {
  /** Aborts when the parent does or when the time is up (reason: a TimeoutError DOMException). */
  signal: AbortSignal;
  /** Stops the timer (call when the work ended first). */
  clear(): void;
}

export function deadlineSignal(parent: AbortSignal, ms: number, what = 'deadline'): DeadlineSignal {
  const expiry = new AbortController();
  const timer = setTimeout(() => expiry.abort(new DOMException(what, 'TimeoutError')), ms);
  return { signal: sharedSignal(AbortSignal.any([parent, expiry.signal])), clear: () => clearTimeout(timer) };
}
