// A command's AbortSignal is shared by everything it runs side by side: doctor's checks, the
// engine's independent steps, their requests and backoff sleeps each listen to it while they run
// and let go when they end. Node warns past 10 listeners on one signal (a heuristic for leaks in
// long-lived emitters), and that warning would reach the user's terminal on a healthy run; doctor
// with a dozen checks crossed it. The bound stays finite so a real leak still shows.
import { setMaxListeners } from 'node:events';

export const SHARED_SIGNAL_LISTENERS = 200;

/** Lets up to SHARED_SIGNAL_LISTENERS pieces of work listen to `signal` at once; returns it. */
export function sharedSignal(signal: AbortSignal): AbortSignal {
  setMaxListeners(SHARED_SIGNAL_LISTENERS, signal);
  return signal;
}
