// Control-path figure: AWS calls made and wall time of `solokube secondary-ip setup` on a fresh
// account, with 50 ms of latency injected into every AWS call. Targets (issue 4): ≤ 12 calls and
// ≤ 1.5 s. Measured twice: in-process through main() with the AWS modules already loaded (the
// control path itself) and as a CLI subprocess (what a person waits for, including Node start-up
// and loading the SDK, about 0.5 s of CPU on its own). A third row counts the calls of a rerun on
// the converged account (plan only, nothing to change).

import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { main } from '../src/cli/main.js';
import { kopsClusterSeed, startAwsEmulator } from '../src/sandbox/aws/index.js';

export interface ControlPathRow {
  name: string;
  calls: number;
  wallMs: number;
  callTarget: number;
  wallTargetMs: number;
  exitCode: number;
  /** The operations in the order the emulator saw them. */
  operations: string[];
}

const LATENCY_MS = 50;
const CLUSTER = 'bench.example.com';
const REGION = 'eu-west-1';
const CONFIG = `name: ${CLUSTER}\ndnsZone: example.com\nregion: ${REGION}\n`;

export async function controlPathBench(): Promise<ControlPathRow[]> {
  const dir = await mkdtemp(join(tmpdir(), 'solokube-bench-'));
  const config = join(dir, 'solokube.yaml');
  await writeFile(config, CONFIG);
  try {
    // main() loads the AWS modules lazily; load them now so the in-process row times only the calls.
    await Promise.all([
      import('../src/aws/resources/index.js'),
      import('../src/aws/session.js'),
      import('../src/aws/status.js'),
    ]);
    return [
      await measure('secondary-ip setup, fresh account, 50 ms/call (in-process)', (endpoint) =>
        inProcess(endpoint, config),
      ),
      await measure('secondary-ip setup, fresh account, 50 ms/call (CLI subprocess)', (endpoint) =>
        subprocess(endpoint, config),
      ),
      await measure(
        'secondary-ip setup rerun, converged, 50 ms/call (in-process)',
        (endpoint) => inProcess(endpoint, config),
        async (endpoint) => {
          await inProcess(endpoint, config);
        },
      ),
    ];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function measure(
  name: string,
  run: (endpoint: string) => Promise<number>,
  prepare?: (endpoint: string) => Promise<void>,
): Promise<ControlPathRow> {
  const emu = await startAwsEmulator({ region: REGION });
  try {
    emu.seed(kopsClusterSeed({ clusterName: CLUSTER, dnsZone: 'example.com', region: REGION }));
    await prepare?.(emu.endpoint);
    emu.injectFault({ kind: 'latency', ms: LATENCY_MS, times: Infinity });
    emu.resetCalls();
    const started = performance.now();
    const exitCode = await run(emu.endpoint);
    const wallMs = Math.round(performance.now() - started);
    const operations = emu.calls().map((c) => c.operation);
    return { name, calls: operations.length, wallMs, callTarget: 12, wallTargetMs: 1500, exitCode, operations };
  } finally {
    await emu.close();
  }
}

const ENV = (endpoint: string): Record<string, string> => ({
  AWS_ENDPOINT_URL: endpoint,
  AWS_ACCESS_KEY_ID: 'AKIDSOLOKUBEBENCH',
  AWS_SECRET_ACCESS_KEY: 'bench',
  AWS_REGION: REGION,
  AWS_CONFIG_FILE: '/nonexistent/solokube-bench',
  AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/solokube-bench',
  AWS_EC2_METADATA_DISABLED: 'true',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
});

async function inProcess(endpoint: string, config: string): Promise<number> {
  const saved = { ...process.env };
  Object.assign(process.env, ENV(endpoint));
  try {
    const sink = new PassThrough();
    sink.resume();
    return await main(['node', 'solokube', '-c', config, 'secondary-ip', 'setup', '--yes'], {
      stdout: sink,
      stderr: sink as unknown as NodeJS.WriteStream,
    });
  } finally {
    process.env = saved;
  }
}

function subprocess(endpoint: string, config: string): Promise<number> {
  const bin = fileURLToPath(new URL('../src/cli/bin.js', import.meta.url));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, '-c', config, 'secondary-ip', 'setup', '--yes'], {
      env: { PATH: process.env.PATH ?? '', ...ENV(endpoint) },
      stdio: 'ignore',
    });
    child.on('error', reject);
    child.on('close', (code) => resolve(code ?? 1));
  });
}
