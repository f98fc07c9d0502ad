// Process helpers for the lab. PIDs from a record may be stale and reused by an unrelated program,
// so every signal goes only to a PID whose command line still names what the lab started.
import { readFileSync } from 'node:fs';
import { sleep } from '../../core/sleep.js';

export function commandLine(pid: number): string[] | undefined {
  if (!Number.isInteger(pid) || pid <= 1) return undefined;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8')
      .split('\0')
      .filter((s) => s.length > 0);
  } catch {
    return undefined;
  }
}

/** True when pid runs and its command line contains every one of the given words. */
export function isOurProcess(pid: number, words: readonly string[]): boolean {
  const cmd = commandLine(pid);
  return cmd !== undefined && cmd.length > 0 && words.every((w) => cmd.includes(w) || cmd.some((c) => c.endsWith(w)));
}

export function isAlive(pid: number): boolean {
  return commandLine(pid) !== undefined && !isZombie(pid);
}

function isZombie(pid: number): boolean {
  try {
    return /^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}

/** The container's PID 1 as seen from the host: systemd-nspawn's child. */
export function childPids(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

export function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

/** Wait until pid is gone (or a zombie nobody reaps yet); false on timeout. */
export async function waitGone(pid: number, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (!isAlive(pid)) return true;
    await sleep(50);
  }
  return !isAlive(pid);
}
