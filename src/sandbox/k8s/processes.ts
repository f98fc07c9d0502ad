// Starting and stopping the control plane's programs on this machine. Each runs in its own process
// group (so a stop reaches anything it forked) under `setpriv --pdeathsig SIGKILL`, so the kernel
// kills it if the process that started it dies without stopping it — a crashed test run leaves
// nothing behind. Output goes to one log file per component, whose tail explains a failed start.

import { spawn } from 'node:child_process';
import { openSync, closeSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { isAlive, signal as signalPid, waitGone } from '../lab/processes.js';
import type { ComponentCommand } from './components.js';

export interface RunningComponent {
  readonly name: ComponentCommand['name'];
  readonly pid: number;
  readonly logPath: string;
  /** Set when the process ended; what it said last. */
  exited(): { code: number | null; signal: NodeJS.Signals | null } | undefined;
  stop(graceMs?: number): Promise<void>;
}

export function startLocal(cmd: ComponentCommand, logDir: string): RunningComponent {
  const logPath = join(logDir, `${cmd.name}.log`);
  const fd = openSync(logPath, 'a');
  const child = spawn('setpriv', ['--pdeathsig', 'SIGKILL', '--', ...cmd.argv], {
    detached: true,
    stdio: ['ignore', fd, fd],
    env: { ...process.env, ...cmd.env },
  });
  closeSync(fd);
  const pid = child.pid;
  if (pid === undefined) throw new Error(`${cmd.name} could not be started (setpriv missing?)`);
  let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  child.on('exit', (code, sig) => {
    exit = { code, signal: sig };
  });
  child.on('error', () => undefined);
  child.unref();
  return {
    name: cmd.name,
    pid,
    logPath,
    exited: () => exit,
    async stop(graceMs = 5_000) {
      if (exit || !isAlive(pid)) return;
      signalPid(-pid, 'SIGTERM');
      if (!(await waitGone(pid, graceMs))) {
        signalPid(-pid, 'SIGKILL');
        await waitGone(pid, 5_000);
      }
    },
  };
}

export function logTail(path: string, lines = 15): string {
  try {
    return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** n distinct ports on the loopback address that nothing listens on right now. */
export async function freePorts(n: number, host = '127.0.0.1'): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
          const srv = createServer();
          srv.on('error', reject);
          srv.listen(0, host, () => resolve(srv));
        }),
    ),
  );
  const ports = servers.map((s) => {
    const addr = s.address();
    return typeof addr === 'object' && addr ? addr.port : 0;
  });
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}
