// Run the CLI the way users and scripts do: in this process by default, or as the built binary.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { runMainInProcess } from './in-process-cli.js';

export const CLI = fileURLToPath(new URL('../../src/cli/bin.js', import.meta.url));

/**
 * Tests never reach AWS: no credentials or profiles from the machine, no instance metadata service,
 * and an endpoint where nothing listens, unless a test points the CLI at its emulator.
 */
export const NO_REAL_AWS: NodeJS.ProcessEnv = {
  AWS_EC2_METADATA_DISABLED: 'true',
  AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
  AWS_CONFIG_FILE: '/nonexistent/solokube-test-aws-config',
  AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/solokube-test-aws-credentials',
  AWS_ACCESS_KEY_ID: '',
  AWS_SECRET_ACCESS_KEY: '',
  AWS_SESSION_TOKEN: '',
  AWS_PROFILE: '',
};

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the CLI with these arguments: in this process (support/in-process-cli.ts) unless the test
 * is about the process itself (`subprocess: true`: exits on signals, the shipped bundle) or
 * SOLOKUBE_TEST_CLI_SUBPROCESS=1 asks for the real binary everywhere. Either way the CLI sees the
 * same environment: the test's, NO_REAL_AWS, NO_COLOR and `env` on top.
 */
export async function runCli(
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number; input?: string; subprocess?: boolean } = {},
): Promise<CliRun> {
  if (opts.subprocess || process.env.SOLOKUBE_TEST_CLI_SUBPROCESS === '1') return runCliSubprocess(args, opts);
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const r = await runMainInProcess(args, {
    env: cliEnv(opts.env),
    timeoutMs,
    ...(opts.cwd !== undefined ? { cwd: opts.cwd } : {}),
    ...(opts.input !== undefined ? { input: opts.input } : {}),
  });
  if (r.code === null)
    throw new Error(`solokube ${args.join(' ')} did not finish within ${timeoutMs}ms\nstderr: ${r.stderr}`);
  return { code: r.code, stdout: r.stdout, stderr: r.stderr };
}

const cliEnv = (env: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
  ...process.env,
  ...NO_REAL_AWS,
  NO_COLOR: '1',
  ...env,
});

/** The built binary in a fresh Node, the way users and scripts run it. */
function runCliSubprocess(
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number; input?: string },
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: opts.cwd,
      env: cliEnv(opts.env),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(`solokube ${args.join(' ')} did not finish within ${opts.timeoutMs ?? 60_000}ms\nstderr: ${stderr}`),
      );
    }, opts.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(opts.input ?? '');
  });
}
