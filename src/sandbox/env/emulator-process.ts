// The AWS emulator as a background process that outlives the command that started it, so that
// `up --sandbox`, `status --sandbox` and `down --sandbox` all talk to the same "AWS". Its state is
// on disk; it is stopped by PID.

import { fileURLToPath } from 'node:url';
import { SolokubeError } from '../../core/errors.js';
import { isAlive, isOurProcess, signal, waitGone } from '../lab/processes.js';
import type { EmulatorStateView } from '../aws/index.js';
import { startDetached } from './detached.js';

const EMULATOR_MAIN = fileURLToPath(new URL('../aws/main.js', import.meta.url));
/** What the emulator's command line ends with; checked before any signal goes to a recorded PID. */
const EMULATOR_ARGV_MARK = 'sandbox/aws/main.js';

export interface EmulatorProcess {
  pid: number;
  endpoint: string;
}

export interface EmulatorProcessOptions {
  stateFile: string;
  logFile: string;
  region: string;
  publicIpPool: string;
  seedKops?: { clusterName: string; dnsZone: string; publicIp: string };
  /** Seed only this public hosted zone (an account before kops ran). */
  seedZone?: string;
  startTimeoutMs?: number;
}

export async function startEmulatorProcess(o: EmulatorProcessOptions): Promise<EmulatorProcess> {
  const args = [
    EMULATOR_MAIN,
    '--port',
    '0',
    '--state',
    o.stateFile,
    '--region',
    o.region,
    '--public-ip-pool',
    o.publicIpPool,
  ];
  if (o.seedZone !== undefined) args.push('--seed-zone', o.seedZone);
  if (o.seedKops)
    args.push(
      '--seed-kops',
      o.seedKops.clusterName,
      '--dns-zone',
      o.seedKops.dnsZone,
      '--public-ip',
      o.seedKops.publicIp,
    );
  const first = await startDetached([process.execPath, ...args], o.logFile, o.startTimeoutMs ?? 10_000).catch(
    (err: Error) => {
      throw new SolokubeError({
        code: 'sandbox.emulator-start',
        message: `the sandbox's AWS emulator did not start: ${err.message}`,
        remedy: `Look at ${o.logFile}.`,
        cause: err,
      });
    },
  );
  const info = JSON.parse(first) as { endpoint: string; pid: number };
  return { pid: info.pid, endpoint: info.endpoint };
}

/** The emulator's whole state, through its admin API. */
export async function emulatorState(endpoint: string, signal?: AbortSignal): Promise<EmulatorStateView> {
  const res = await fetch(`${endpoint}/_sandbox/state`, signal ? { signal } : {});
  if (!res.ok)
    throw new SolokubeError({
      code: 'sandbox.emulator-state',
      message: `the sandbox's AWS emulator answered ${res.status} for its state`,
    });
  return (await res.json()) as EmulatorStateView;
}

export async function emulatorHealthy(endpoint: string): Promise<boolean> {
  try {
    const res = await fetch(`${endpoint}/_sandbox/health`, { signal: AbortSignal.timeout(2_000) });
    return res.ok;
  } catch {
    return false;
  }
}

/** The emulator still runs under that PID (and the PID was not reused by something else). */
export function isEmulatorAlive(pid: number): boolean {
  return isAlive(pid) && isOurProcess(pid, [EMULATOR_ARGV_MARK]);
}

/** Stop the emulator by PID and wait until it is gone (SIGTERM, then SIGKILL after the grace period). */
export async function stopEmulator(pid: number, graceMs = 5_000): Promise<void> {
  if (!isEmulatorAlive(pid)) return;
  signal(pid, 'SIGTERM');
  if (!(await waitGone(pid, graceMs))) signal(pid, 'SIGKILL');
}
