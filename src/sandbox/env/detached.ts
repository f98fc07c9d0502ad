// Starting a sandbox daemon that outlives the command: spawn it detached, wait for the one JSON
// line it prints on stdout when it is ready, then let go of it (its stderr goes to a log file).

import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { signal } from '../lab/processes.js';

/** Resolves with the daemon's first stdout line; kills it and rejects when it exits or stays silent. */
export async function startDetached(argv: readonly string[], logFile: string, timeoutMs: number): Promise<string> {
  const log = openSync(logFile, 'a');
  const child = spawn(argv[0]!, argv.slice(1), { detached: true, stdio: ['ignore', 'pipe', log] });
  closeSync(log);
  const first = await new Promise<string>((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      const nl = buf.indexOf('\n');
      if (nl >= 0) {
        clearTimeout(timer);
        resolve(buf.slice(0, nl));
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`it exited with code ${code}; see ${logFile}`));
    });
  }).catch((err: Error) => {
    if (child.pid) signal(child.pid, 'SIGKILL');
    throw err;
  });
  // It keeps running on its own: stop reading its stdout and let this process exit without it.
  child.stdout!.destroy();
  child.unref();
  return first;
}
