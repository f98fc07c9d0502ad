// Helpers for the end-to-end sandbox tests: each test gets its own sandbox directory (so it never
// meets a user's sandbox or another test's), runs the real CLI as a subprocess, and removes the
// sandbox in `after` even when the test failed.

import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { runCli } from '../../support/cli.js';
import type { CliRun } from '../../support/cli.js';

export interface SandboxRun {
  dir: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
  cli(args: string[], timeoutMs?: number): Promise<CliRun>;
  record(): { emulator: { pid: number; endpoint: string }; labRecordPath: string };
}

export function sandboxRun(): SandboxRun {
  const dir = mkdtempSync(join(tmpdir(), 'solokube-sbx-'));
  const cwd = mkdtempSync(join(tmpdir(), 'solokube-cwd-')); // no solokube.yaml: the built-in example
  const env = { SOLOKUBE_SANDBOX_DIR: join(dir, 'sandbox') };
  // Both folders go when the test file's process ends, unless a sandbox is still recorded in there
  // (a failed down): then its record stays, so the leftovers can be found and removed by hand.
  process.once('exit', () => {
    rmSync(cwd, { recursive: true, force: true });
    if (!existsSync(env.SOLOKUBE_SANDBOX_DIR)) rmSync(dir, { recursive: true, force: true });
  });
  return {
    dir,
    cwd,
    env,
    cli: (args, timeoutMs = 240_000) => runCli(args, { cwd, env, timeoutMs }),
    record: () =>
      JSON.parse(readFileSync(join(env.SOLOKUBE_SANDBOX_DIR, 'sandbox.json'), 'utf8')) as ReturnType<
        SandboxRun['record']
      >,
  };
}

export function json<T>(r: CliRun): T {
  try {
    return (JSON.parse(r.stdout) as { result: T }).result;
  } catch {
    throw new Error(`stdout is not one JSON document (exit ${r.code}):\n${r.stdout}\nstderr:\n${r.stderr}`);
  }
}

/** Run a pasted check line (e.g. `ip netns exec … curl …`) exactly as a person would. */
export function runCheck(line: string): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync('sh', ['-c', line], { encoding: 'utf8', timeout: 20_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function netnsList(): string[] {
  return spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' })
    .stdout.split('\n')
    .map((l) => l.split(' ')[0]!)
    .filter(Boolean);
}

export { isAlive } from '../../../src/sandbox/lab/processes.js';

export interface HelloDeployment {
  /** What the Deployment runs: `<ECR repository URI>@sha256:…`. */
  image: string;
  availableReplicas: number;
}

/**
 * The hello app as `up --sandbox` deployed it from the built-in example (examples/apps/hello, built
 * and pushed to the emulator's ECR; the kubelet stand-in serves its pods): read from the cluster.
 * Fails when up did not deploy it. Nothing is created here.
 */
export async function helloDeployedByUp(run: SandboxRun, cluster = 'c1.example.com'): Promise<HelloDeployment> {
  const { KubeClient } = await import('../../../src/k8s/client.js');
  const client = KubeClient.fromKubeconfig(join(run.env.SOLOKUBE_SANDBOX_DIR!, 'kubeconfig'), { clusterName: cluster });
  try {
    const dep = await client.getOrUndefined<{
      spec: { template: { spec: { containers: { image: string }[] } } };
      status?: { availableReplicas?: number };
    }>('/apis/apps/v1/namespaces/default/deployments/hello');
    if (!dep) throw new Error('up --sandbox did not deploy the hello app (no Deployment default/hello)');
    return {
      image: dep.spec.template.spec.containers[0]?.image ?? '',
      availableReplicas: dep.status?.availableReplicas ?? 0,
    };
  } finally {
    client.close();
  }
}

/** Run a pasted check line until its output matches (Traefik starting, the certificate being issued). */
export async function checkUntil(
  line: string,
  want: RegExp,
  timeoutMs: number,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const r = runCheck(line);
    if (want.test(r.stdout)) return r;
    if (Date.now() > end)
      throw new Error(
        `\`${line}\` gave no answer matching ${want} in ${timeoutMs} ms; last: ${r.code} ${r.stdout}${r.stderr}`,
      );
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
}
