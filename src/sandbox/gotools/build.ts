// Builds the pinned Go programs once per machine and caches them under
// /var/cache/solokube/go/<tool>-<key>/bin, where the key hashes everything that changes the
// output: the wrapper go.mod and go.sum, the Go version, platform, tags and linker flags. A build
// goes to a temp folder renamed into place only when complete; parallel callers wait for one
// live build instead of each running the compiler. Later runs find the cache and return at once.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SolokubeError } from '../../core/errors.js';
import { debug, info, type IoHost } from '../../core/io.js';
import { sleep } from '../../core/sleep.js';
import { isAlive } from '../lab/processes.js';
import { run, runOk } from '../lab/run.js';
import { GO_TOOLS, type GoToolName } from './catalog.js';
import { refuseInUnitRun } from '../unit-only.js';

export const GO_TOOLS_CACHE_ROOT = '/var/cache/solokube/go';
/** Bump when the way binaries are built changes, so caches are rebuilt. */
const BUILD_RECIPE_VERSION = 2;
// Generous: a cold kops build took over 40 min on a 2-core machine busy with other work.
const BUILD_TIMEOUT_MS = 90 * 60_000;
const PROGRESS_EVERY_MS = 20_000;

/** gotools/ in the repository this code was built from (dist/src/sandbox/gotools → ../../../../). */
export function gotoolsRoot(): string {
  return fileURLToPath(new URL('../../../../gotools/', import.meta.url));
}

export interface GoToolsOptions {
  io: IoHost;
  cacheRoot?: string;
  timeoutMs?: number;
}

/** Paths of every binary of the named tools, by binary name, building what is missing. */
export async function ensureGoTools(names: readonly GoToolName[], opts: GoToolsOptions): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  // One at a time: two Go builds side by side on two cores are slower than in turn.
  for (const name of names) Object.assign(out, await ensureGoTool(name, opts));
  return out;
}

export async function ensureGoTool(name: GoToolName, opts: GoToolsOptions): Promise<Record<string, string>> {
  refuseInUnitRun(`the Go tool ${name}`);
  const tool = GO_TOOLS[name];
  const cacheRoot = opts.cacheRoot ?? GO_TOOLS_CACHE_ROOT;
  const key = await goToolKey(name);
  const final = join(cacheRoot, `${name}-${key}`);
  const paths = Object.fromEntries(Object.values(tool.binaries).map((b) => [b, join(final, 'bin', b)]));
  if (existsSync(final)) {
    debug(opts.io, `${name}: cached at ${final}`);
    return paths;
  }
  await mkdir(cacheRoot, { recursive: true });
  if (await waitForLiveBuild(opts.io, cacheRoot, name, key, final, opts.timeoutMs ?? BUILD_TIMEOUT_MS)) return paths;
  const tmp = join(cacheRoot, `.${name}-${key}.tmp-${process.pid}-${randomBytes(3).toString('hex')}`);
  const started = Date.now();
  info(opts.io, `building ${tool.what} from its Go module (once per machine; a cold build takes minutes)`);
  try {
    await mkdir(join(tmp, 'bin'), { recursive: true });
    for (const [pkg, bin] of Object.entries(tool.binaries)) {
      await goBuild(name, pkg, join(tmp, 'bin', bin), opts, started);
    }
    try {
      await rename(tmp, final);
    } catch (err) {
      if (!existsSync(final)) throw err; // another run finished the same key first
      await rm(tmp, { recursive: true, force: true });
    }
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    throw new SolokubeError({
      code: 'sandbox.go-build-failed',
      message: `building ${tool.what} failed: ${err instanceof Error ? err.message : String(err)}`,
      cause: err,
      remedy: 'Needs Go 1.26 on PATH and the Go module proxy; run with --debug for the compiler output, then rerun.',
      actor: 'solokube',
    });
  }
  info(opts.io, `${name}: built in ${elapsed(started)} → ${final}`);
  return paths;
}

async function goBuild(name: GoToolName, pkg: string, output: string, opts: GoToolsOptions, started: number): Promise<void> {
  const tool = GO_TOOLS[name];
  // No DWARF from the compiler: `-s -w` drops it at link time anyway, so producing it is wasted work.
  // Measured on etcd from an empty build cache: 88 instead of 105 CPU-seconds, the same code.
  const args = ['go', 'build', '-v', '-trimpath', '-gcflags=all=-dwarf=false', '-o', output];
  if (tool.tags.length > 0) args.push('-tags', tool.tags.join(','));
  args.push('-ldflags', ['-s', '-w', ...tool.ldflags].join(' '), pkg);
  let compiled = 0;
  let lastReport = Date.now();
  info(opts.io, `${name}: go build ${pkg}`);
  const r = await run(args, {
    cwd: join(gotoolsRoot(), tool.module),
    env: goEnv(),
    timeoutMs: opts.timeoutMs ?? BUILD_TIMEOUT_MS,
    // `go build -v` names each package on stderr as it is compiled (cached ones are not named).
    onErrLine: (line) => {
      debug(opts.io, `go: ${line}`);
      if (!line.startsWith('go: ')) compiled += 1;
      if (Date.now() - lastReport >= PROGRESS_EVERY_MS) {
        lastReport = Date.now();
        info(opts.io, `${name}: ${compiled} packages compiled, ${elapsed(started)} so far`);
      }
    },
  });
  if (r.code !== 0) {
    const tail = r.stderr.trim().split('\n').filter((l) => !/^[\w.-]+(\/[\w.@~-]+)+$/.test(l)).slice(-30).join('\n');
    throw new Error(`go build ${pkg} ${r.signal ?? `exited ${r.code}`}:\n${tail}`);
  }
}

/** The build environment: no toolchain downloads, the module graph exactly as go.sum pins it. */
function goEnv(): NodeJS.ProcessEnv {
  return { ...process.env, GOTOOLCHAIN: 'local', GOFLAGS: '-mod=readonly', CGO_ENABLED: '0' };
}

// `go env` costs a few hundred milliseconds (more on a busy machine) and its answer cannot change
// within one process, so every tool's key reuses the first answer.
let goIdentityOnce: Promise<string> | undefined;
function goIdentity(): Promise<string> {
  goIdentityOnce ??= runOk(['go', 'env', 'GOVERSION', 'GOOS', 'GOARCH'], { env: goEnv() }).then((out) => out.trim());
  // A failed `go env` (Go missing) is not remembered: the next call reports it afresh.
  void goIdentityOnce.catch(() => (goIdentityOnce = undefined));
  return goIdentityOnce;
}

export async function goToolKey(name: GoToolName): Promise<string> {
  const tool = GO_TOOLS[name];
  const dir = join(gotoolsRoot(), tool.module);
  const goVersion = await goIdentity();
  const h = createHash('sha256');
  h.update(JSON.stringify({ v: BUILD_RECIPE_VERSION, goVersion, tool }));
  for (const f of ['go.mod', 'go.sum']) h.update(readFileSync(join(dir, f)));
  return h.digest('hex').slice(0, 16);
}

/** Removes temp folders of builds whose process died; waits while a live process builds the same key. */
async function waitForLiveBuild(io: IoHost, cacheRoot: string, name: string, key: string, final: string, timeoutMs: number): Promise<boolean> {
  const pattern = new RegExp(`^\\.${name}-${key}\\.tmp-(\\d+)-[0-9a-f]+$`);
  const end = Date.now() + timeoutMs;
  let told = false;
  for (;;) {
    if (existsSync(final)) return true;
    let live = false;
    for (const entry of await readdir(cacheRoot)) {
      const pid = Number(pattern.exec(entry)?.[1] ?? 0);
      if (pid <= 0) continue;
      if (isAlive(pid)) live = true;
      else await rm(join(cacheRoot, entry), { recursive: true, force: true });
    }
    if (!live || Date.now() > end) return existsSync(final);
    if (!told) info(io, `${name}: another process is building it; waiting`);
    told = true;
    await sleep(2000);
  }
}

function elapsed(since: number): string {
  const s = Math.round((Date.now() - since) / 1000);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}
