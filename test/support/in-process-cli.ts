// The CLI's main() run inside the test's own process, with the environment, working directory,
// arguments and streams a subprocess would get. A fresh Node per command loaded the whole program
// (and the AWS SDK when it talks to AWS) again each time, most of a unit run's CPU; tests about
// what a command prints and returns do not need that. What is about the process itself — exit on
// signals, the shipped bundle, stdout of a crash — keeps running the real binary (support/cli.ts
// with `subprocess: true`, test/aws/harness.ts runCli).
import { PassThrough } from 'node:stream';

export interface InProcessRun {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** The environment and directory in-process runs see; runs at once share them, so they must agree. */
let inUse: { key: string; runs: number; savedEnv: NodeJS.ProcessEnv; savedCwd: string } | undefined;

function enter(env: NodeJS.ProcessEnv, cwd: string | undefined): () => void {
  const key = JSON.stringify([Object.entries(env).sort(), cwd ?? null]);
  if (inUse && inUse.key !== key)
    throw new Error(
      'in-process CLI runs at the same time need the same environment and directory; run this one as a subprocess',
    );
  if (!inUse) {
    const savedEnv = { ...process.env };
    const savedCwd = process.cwd();
    for (const k of Object.keys(process.env)) delete process.env[k];
    Object.assign(process.env, env);
    if (cwd !== undefined) process.chdir(cwd);
    inUse = { key, runs: 0, savedEnv, savedCwd };
  }
  const mine = inUse;
  mine.runs++;
  return () => {
    if (--mine.runs > 0) return;
    for (const k of Object.keys(process.env)) delete process.env[k];
    Object.assign(process.env, mine.savedEnv);
    process.chdir(mine.savedCwd);
    inUse = undefined;
  };
}

/**
 * main(['node', 'solokube', ...args]) with exactly this environment (nothing of the test's own
 * leaks in unless passed), `input` on stdin, and a result of null when it has not ended after
 * `timeoutMs` (what a killed subprocess reports).
 */
export async function runMainInProcess(
  args: string[],
  opts: { env: NodeJS.ProcessEnv; timeoutMs: number; cwd?: string; input?: string },
): Promise<InProcessRun> {
  const { main } = await import('../../src/cli/main.js');
  const started = Date.now();
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const stdin = new PassThrough();
  stdin.end(opts.input ?? '');
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  const leave = enter(opts.env, opts.cwd);
  let timer: NodeJS.Timeout | undefined;
  // What process.exit would have ended (a run that does not wind down in time): the code it exits with.
  let forceExit: (code: number) => void = () => {};
  const forced = new Promise<number>((resolve) => (forceExit = resolve));
  try {
    const code = await Promise.race([
      main(['node', 'solokube', ...args], {
        stdout,
        stderr: stderr as unknown as NodeJS.WriteStream,
        stdin: stdin as unknown as NodeJS.ReadStream,
        exit: (c) => forceExit(c),
      }),
      forced,
      new Promise<null>((resolve) => {
        timer = setTimeout(() => resolve(null), opts.timeoutMs);
      }),
    ]);
    return { code, stdout: out, stderr: err, ms: Date.now() - started };
  } finally {
    clearTimeout(timer);
    leave();
  }
}
