// Where doctor's internet-side probes run from. Against AWS this machine is a client on the internet
// (system resolvers and trust store); in the sandbox the internet is the lab's client namespace, whose
// DNS is the sandbox DNS server and whose trust is the lab's CA bundle, so the probes run there in a
// child process (`ip netns exec`, which also gives it the namespace's hosts and resolv.conf).

import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { runProbes } from './probes.js';
import type { ProbeOptions, ProbeRequest, ProbeResult } from './probes.js';

export interface Vantage {
  /** For messages: "this machine" or "the sandbox's client namespace skl-…-cl". */
  description: string;
  probe(requests: readonly ProbeRequest[], signal: AbortSignal): Promise<ProbeResult[]>;
}

export function localVantage(options: ProbeOptions): Vantage {
  return { description: 'this machine', probe: (requests) => runProbes(requests, options) };
}

/** The sandbox before its cluster exists: nothing to probe from, which the internet hops report as their failure. */
export function noNodeVantage(): Vantage {
  return {
    description: 'the sandbox (no node yet)',
    probe: () => Promise.reject(new Error('the sandbox has no node yet; run `solokube up --sandbox` first')),
  };
}

const PROBE_MAIN = fileURLToPath(new URL('./probe-main.js', import.meta.url));

export function netnsVantage(netns: string, options: ProbeOptions): Vantage {
  return {
    description: `the sandbox's client namespace ${netns}`,
    probe: (requests, signal) =>
      new Promise((resolve, reject) => {
        const child = spawn('ip', ['netns', 'exec', netns, process.execPath, PROBE_MAIN], {
          stdio: ['pipe', 'pipe', 'pipe'],
        });
        let stdout = '';
        let stderr = '';
        // Each probe has its own timeout; this bounds the child as a whole (start-up included).
        const stop = () => child.kill('SIGKILL');
        const timer = setTimeout(stop, options.timeoutMs * 3 + 5_000);
        signal.addEventListener('abort', stop, { once: true });
        child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        child.on('error', reject);
        child.on('close', (code, sig) => {
          clearTimeout(timer);
          signal.removeEventListener('abort', stop);
          if (code === 0) {
            try {
              resolve(JSON.parse(stdout) as ProbeResult[]);
              return;
            } catch {
              // reported below
            }
          }
          reject(
            new Error(
              `the probes in ${netns} ended with ${sig ? `signal ${sig}` : `exit code ${code}`}: ${stderr.trim() || stdout.trim() || 'no output'}`,
            ),
          );
        });
        child.stdin.end(JSON.stringify({ requests, options }));
      }),
  };
}
