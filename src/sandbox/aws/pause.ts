// A fault's delay that ends early (false) when the emulator closes, so close() never waits on it.
import { setTimeout as sleep } from 'node:timers/promises';

export async function pauseUnlessClosed(ms: number, closing: AbortSignal): Promise<boolean> {
  try {
    await sleep(ms, undefined, { signal: closing });
    return true;
  } catch {
    return false;
  }
}
