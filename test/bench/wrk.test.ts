// wrk's report parsing and argv (pure).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseWrkOutput, wrkArgv } from '../../bench/wrk.js';

const REPORT = `Running 2s test @ https://198.18.0.10:30443/
  1 threads and 4 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   482.20us    0.94ms   8.99ms   88.42%
    Req/Sec    26.64k     6.80k   35.95k    60.00%
  Latency Distribution
     50%   96.00us
     75%  271.00us
     90%    1.65ms
     99%    1.20s
  53094 requests in 2.00s, 10.68MB read
  Socket errors: connect 0, read 3, write 0, timeout 1
  Non-2xx or 3xx responses: 2
Requests/sec:  26502.01
Transfer/sec:      5.33MB
`;

test('GIVEN a wrk report WHEN parsing THEN rate, percentiles in ms and all errors are read', () => {
  assert.deepEqual(parseWrkOutput(REPORT), {
    requestsPerSec: 26502.01,
    p50Ms: 0.096,
    p99Ms: 1200,
    requests: 53094,
    errors: 6,
  });
  assert.throws(() => parseWrkOutput('unable to connect to 198.18.0.10:443 Connection refused'));
});

test('GIVEN a new-connection run pinned to a CPU THEN wrk is bounded and closes each connection', () => {
  const argv = wrkArgv({
    url: 'https://a.test/',
    durationS: 3,
    connections: 4,
    newConnectionPerRequest: true,
    cpus: '0',
  });
  assert.deepEqual(argv.slice(0, 3), ['taskset', '-c', '0']);
  assert.ok(argv.includes('3s') && argv.includes('Connection: close'));
  assert.equal(argv.at(-1), 'https://a.test/');
});
