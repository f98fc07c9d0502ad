// Running the container tools (podman to build, skopeo to copy) as child processes with argument
// vectors, never through a shell. The environment can point them at their own storage and
// configuration (CONTAINERS_STORAGE_CONF, CONTAINERS_CONF, REGISTRY_AUTH_FILE), which is how the
// tests keep away from the machine's global image store.
import { spawn } from 'node:child_process';
import { SolokubeError } from '../core/errors.js';

export interface ContainerTools {
  /** Builds images and exports them (default "podman"). */
  podman: string;
  /** Copies images to the registry with digests preserved (default "skopeo"). */
  skopeo: string;
  /** Extra environment for both. */
  env?: Record<string, string>;
}

export const DEFAULT_TOOLS: ContainerTools = Object.freeze({ podman: 'podman', skopeo: 'skopeo' });

export interface ToolRun {
  stdout: string;
  stderr: string;
}

const TAIL = 2000;

export class ToolFailed extends SolokubeError {
  constructor(
    readonly tool: string,
    readonly args: readonly string[],
    readonly stderr: string,
    exit: number | null,
    what: string,
    remedy: string,
  ) {
    super({
      code: 'apps.tool-failed',
      message: `${what} failed (${tool} exited ${exit ?? 'on a signal'}): ${stderr.trim().slice(-TAIL) || '(no output)'}`,
      remedy,
      actor: 'user',
      details: { tool, args: [...args] },
    });
  }
}

export function runTool(
  command: string,
  args: readonly string[],
  opts: { env?: Record<string, string> | undefined; signal: AbortSignal; what: string; remedy: string },
): Promise<ToolRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      env: { ...process.env, ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      signal: opts.signal,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-64 * 1024);
    });
    child.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') {
        reject(
          new SolokubeError({
            code: 'apps.tool-missing',
            message: `${command} is not installed (needed for ${opts.what})`,
            remedy: 'Install podman and skopeo (Debian/Ubuntu: apt-get install podman skopeo).',
            actor: 'user',
            cause: err,
          }),
        );
      } else {
        reject(
          new SolokubeError({
            code: 'apps.tool-failed',
            message: `${opts.what}: ${err.message}`,
            remedy: opts.remedy,
            cause: err,
          }),
        );
      }
    });
    child.on('close', (code) => {
      if (code === 0) resolve({ stdout, stderr });
      else reject(new ToolFailed(command, args, stderr, code, opts.what, opts.remedy));
    });
  });
}
