// Runs wrk (HTTP load generator) and parses its report. Every run is bounded: fixed duration,
// one thread, a few connections, and a hard kill shortly after the duration.

export interface WrkRun {
  url: string;
  durationS: number;
  connections: number;
  /** New TCP (and TLS) connection per request: wrk reconnects after each `Connection: close` response. */
  newConnectionPerRequest: boolean;
  /** Run on these CPUs (taskset -c), so the load generator does not share the node's core. */
  cpus?: string;
}

export interface WrkResult {
  requestsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  /** Non-2xx/3xx responses plus socket errors; a run with errors is reported, not hidden. */
  errors: number;
}

export function wrkArgv(r: WrkRun): string[] {
  return [
    ...(r.cpus ? ['taskset', '-c', r.cpus] : []),
    'wrk',
    '--threads',
    '1',
    '--connections',
    String(r.connections),
    '--duration',
    `${r.durationS}s`,
    '--timeout',
    '2s',
    '--latency',
    ...(r.newConnectionPerRequest ? ['--header', 'Connection: close'] : []),
    r.url,
  ];
}

const UNIT_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000 };

function durationMs(text: string): number {
  const m = /^([\d.]+)(us|ms|s|m)$/.exec(text);
  if (!m || !m[1] || !m[2]) throw new Error(`wrk: cannot read duration ${JSON.stringify(text)}`);
  return Number(m[1]) * (UNIT_MS[m[2]] ?? NaN);
}

export function parseWrkOutput(out: string): WrkResult {
  const rps = /^Requests\/sec:\s+([\d.]+)/m.exec(out)?.[1];
  const p50 = /^\s+50%\s+(\S+)/m.exec(out)?.[1];
  const p99 = /^\s+99%\s+(\S+)/m.exec(out)?.[1];
  const requests = /^\s+(\d+) requests in /m.exec(out)?.[1];
  if (!rps || !p50 || !p99 || !requests) throw new Error(`wrk: unexpected output:\n${out}`);
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0);
  const sock = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const socketErrors = sock ? sock.slice(1).reduce((a, n) => a + Number(n), 0) : 0;
  return {
    requestsPerSec: Number(rps),
    p50Ms: durationMs(p50),
    p99Ms: durationMs(p99),
    requests: Number(requests),
    errors: non2xx + socketErrors,
  };
}
