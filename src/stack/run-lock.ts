// One mutating run per cluster at a time on this machine. Two `up` or `secondary-ip setup` runs
// that plan at the same moment both see "no secondary IP, no Elastic IP" and both create one; the
// second run therefore waits here until the first is done, then plans against what it left.
//
// Design: a lock file under ~/.solokube/locks (SOLOKUBE_LOCK_DIR overrides), one per cluster,
// region and AWS target (profile, endpoint: the sandbox and every test emulator are separate
// targets), created with O_EXCL so exactly one run wins. It holds the holder's PID, host and
// command. A holder that died (kill -9, a crash) is detected by its PID on the same host and its
// lock broken; a lock from another host (a shared home directory) is never broken automatically.
//
// Why not (only) an AWS-side marker: AWS has no compare-and-set on tags (CreateTags is an upsert),
// so two machines could both read "free" and both write their marker; it would serialise nothing.
// Runs on two machines at once are instead made harmless after the fact: every object is
// recorded by tags, and a rerun keeps exactly one of each and gives back our extras (surplus.ts).

import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { link, mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { expandHome } from '../config/naming.js';
import { SolokubeError, formatMs } from '../core/errors.js';
import { info } from '../core/io.js';
import type { IoHost } from '../core/io.js';
import { sleep } from '../core/sleep.js';

export interface RunLockOptions {
  cluster: string;
  region: string;
  /** The AWS target: profile and endpoint override, when there are any. */
  profile?: string;
  endpoint?: string;
  /** What the holder is doing, shown to a run that waits ("up", "secondary-ip setup"). */
  command: string;
  io: IoHost;
  signal: AbortSignal;
  /** Default ~/.solokube/locks, or SOLOKUBE_LOCK_DIR. */
  dir?: string;
  /** How long to wait for another run before giving up (default 15 minutes). */
  waitMs?: number;
  pollMs?: number;
  progressEveryMs?: number;
}

interface Holder {
  pid: number;
  host: string;
  command: string;
  startedAt: string;
}

export class LockBusyError extends SolokubeError {
  constructor(path: string, holder: Holder | undefined, waitedMs: number) {
    const who = holder
      ? `\`solokube ${holder.command}\` (pid ${holder.pid} on ${holder.host}, started ${holder.startedAt})`
      : 'another run';
    super({
      code: 'lock.busy',
      message: `${who} is still changing this cluster; waited ${formatMs(waitedMs)}`,
      remedy:
        holder && holder.host !== hostname()
          ? `Wait for it to finish on ${holder.host}; if it is gone, remove ${path}.`
          : `Wait for it to finish and rerun; if no such process exists any more, remove ${path}.`,
      actor: 'user',
      details: { lockFile: path, ...(holder ? { holder } : {}) },
    });
  }
}

export function lockPath(o: Pick<RunLockOptions, 'cluster' | 'region' | 'profile' | 'endpoint' | 'dir'>): string {
  const dir = o.dir ?? process.env.SOLOKUBE_LOCK_DIR ?? expandHome('~/.solokube/locks');
  const target = createHash('sha256')
    .update(`${o.region}\n${o.profile ?? ''}\n${o.endpoint ?? ''}`)
    .digest('hex')
    .slice(0, 12);
  // The cluster name is a validated DNS name: safe in a file name.
  return join(dir, `${o.cluster}.${target}.lock`);
}

/** Run fn holding the cluster's lock; waits (with progress lines) while another run holds it. */
export async function withRunLock<T>(o: RunLockOptions, fn: () => Promise<T>): Promise<T> {
  const path = lockPath(o);
  await acquire(path, o);
  try {
    return await fn();
  } finally {
    await release(path);
  }
}

async function acquire(path: string, o: RunLockOptions): Promise<void> {
  await mkdir(join(path, '..'), { recursive: true, mode: 0o700 });
  const me: Holder = { pid: process.pid, host: hostname(), command: o.command, startedAt: new Date().toISOString() };
  const started = Date.now();
  const waitMs = o.waitMs ?? 15 * 60_000;
  const every = o.progressEveryMs ?? 5_000;
  let nextProgressAt = started;
  for (;;) {
    if (await tryCreate(path, me)) return;
    const holder = await readHolder(path);
    if (holder && holder.host === me.host && !isAlive(holder.pid)) {
      await breakStale(path, holder);
      info(o.io, `removed a stale lock of \`solokube ${holder.command}\` (pid ${holder.pid} is gone)`);
      continue;
    }
    const waited = Date.now() - started;
    if (waited >= waitMs) throw new LockBusyError(path, holder, waited);
    if (Date.now() >= nextProgressAt) {
      const who = holder
        ? `\`solokube ${holder.command}\` (pid ${holder.pid}${holder.host === me.host ? '' : ` on ${holder.host}`})`
        : 'another run';
      info(
        o.io,
        `waiting for ${who} to finish changing ${o.cluster}${waited > 0 ? ` (${formatMs(waited)} so far)` : ''}`,
      );
      nextProgressAt = Date.now() + every;
    }
    await sleep(o.pollMs ?? 250, o.signal);
  }
}

async function tryCreate(path: string, me: Holder): Promise<boolean> {
  try {
    const fh = await open(path, 'wx', 0o600);
    try {
      await fh.writeFile(`${JSON.stringify(me)}\n`);
    } finally {
      await fh.close();
    }
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

async function readHolder(path: string): Promise<Holder | undefined> {
  try {
    const h = JSON.parse(await readFile(path, 'utf8')) as Holder;
    return typeof h.pid === 'number' && typeof h.host === 'string' ? h : undefined;
  } catch {
    // Gone meanwhile, or being written: look again on the next round.
    return undefined;
  }
}

/**
 * Remove a dead holder's lock without removing a live one that replaced it meanwhile: move it aside
 * (atomic), and if what was moved is not the dead holder's after all, put it back with link(),
 * which fails rather than overwrite a lock someone made in between.
 */
async function breakStale(path: string, dead: Holder): Promise<void> {
  const aside = `${path}.stale-${process.pid}-${Date.now()}`;
  try {
    await rename(path, aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  const moved = await readHolder(aside);
  if (moved && (moved.pid !== dead.pid || moved.startedAt !== dead.startedAt)) {
    await link(aside, path).catch(() => undefined);
  }
  await unlink(aside).catch(() => undefined);
}

async function release(path: string): Promise<void> {
  const holder = await readHolder(path);
  if (holder?.pid === process.pid && holder.host === hostname()) await unlink(path).catch(() => undefined);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The lock for one command's mutating run against these clients; a dry run changes nothing and takes none. */
export function withClusterLock<T>(
  run: {
    config: { name: string; region: string; profile?: string | undefined };
    clients: { endpoint?: string | undefined };
    command: string;
    io: IoHost;
    signal: AbortSignal;
    dryRun: boolean;
  },
  fn: () => Promise<T>,
): Promise<T> {
  if (run.dryRun) return fn();
  const { config, clients } = run;
  return withRunLock(
    {
      cluster: config.name,
      region: config.region,
      command: run.command,
      io: run.io,
      signal: run.signal,
      ...(config.profile ? { profile: config.profile } : {}),
      ...(clients.endpoint ? { endpoint: clients.endpoint } : {}),
    },
    fn,
  );
}
