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

/** The sandbox's current node as a test reaches it: its client namespace and what a client trusts. */
export function sandboxNode(run: SandboxRun): { clientNetns: string; caCertPath: string; labRecordPath: string } {
  const record = JSON.parse(readFileSync(join(run.env.SOLOKUBE_SANDBOX_DIR!, 'sandbox.json'), 'utf8')) as {
    labRecordPath: string;
    pebble?: { clientCaPath: string };
  };
  const lab = JSON.parse(readFileSync(record.labRecordPath, 'utf8')) as { netns: { client: string } };
  if (!record.pebble) throw new Error('the sandbox runs no pebble');
  return { clientNetns: lab.netns.client, caCertPath: record.pebble.clientCaPath, labRecordPath: record.labRecordPath };
}

/**
 * Ask https://<host>/ from the sandbox node's client namespace (DNS → Elastic IP → node) until it
 * answers 200 from the app, re-reading which node and CA the sandbox has on every try; returns the
 * answer, the address curl reached and how long it took.
 */
export async function httpsUntil(
  run: SandboxRun,
  host: string,
  timeoutMs: number,
): Promise<{ out: string; remoteIp: string; ms: number }> {
  const started = Date.now();
  let last: string;
  for (;;) {
    try {
      const n = sandboxNode(run);
      const r = runCheck(
        `ip netns exec ${n.clientNetns} curl -sS -i --max-time 5 --cacert ${n.caCertPath} -w '\\nremote_ip=%{remote_ip}\\n' https://${host}/`,
      );
      last = `${r.code} ${r.stdout}${r.stderr}`;
      if (r.code === 0 && /^HTTP\/[12](\.1)? 200/.test(r.stdout) && /stand-in pod=/.test(r.stdout))
        return { out: r.stdout, remoteIp: /remote_ip=(\S+)/.exec(r.stdout)?.[1] ?? '', ms: Date.now() - started };
    } catch (err) {
      last = err instanceof Error ? err.message : String(err);
    }
    if (Date.now() - started > timeoutMs)
      throw new Error(`https://${host}/ did not answer within ${timeoutMs} ms; last: ${last.slice(-800)}`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}
