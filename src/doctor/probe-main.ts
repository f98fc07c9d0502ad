// Runs doctor's internet-side probes where it is started (the sandbox starts it inside its client
// namespace): reads { requests, options } as JSON on stdin, writes the results as JSON on stdout.

import { runProbes } from './probes.js';
import type { ProbeOptions, ProbeRequest } from './probes.js';

async function main(): Promise<void> {
  let input = '';
  for await (const chunk of process.stdin) input += String(chunk);
  const { requests, options } = JSON.parse(input) as { requests: ProbeRequest[]; options: ProbeOptions };
  process.stdout.write(JSON.stringify(await runProbes(requests, options)));
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
