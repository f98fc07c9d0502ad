#!/usr/bin/env node
// The shipped CLI: `npm run build` runs tsc, then this, which bundles src/cli/bin.ts with esbuild
// and writes the bundle over tsc's dist/src/cli/bin.js (the path package.json `bin`, the README and
// the tests use). Unbundled, `solokube --help` resolved and read a few hundred ES modules one by
// one. Every `await import()` in the sources becomes its own chunk, so a command loads the AWS SDK,
// ssh2, zod or yaml only when it needs them (test/cli/lazy-loading.test.ts keeps those edges lazy).
//
// The chunks sit flat beside bin.js (bin-chunk-<hash>.js). That is what lets each bundled module
// keep the `import.meta.url` of its tsc-compiled twin: the sandbox starts the emulator and the lab
// supervisor as their own processes from dist/src/sandbox/**, gotools finds gotools/ and the
// version is read from package.json, all relative to their module's URL; so the bundle runs
// beside tsc's output, never without it. A rerun of `npx tsc` alone puts the unbundled entry
// back: slower to start, same behaviour.
//
// Usage: node scripts/bundle.mjs [--metafile <file>]   (the metafile shows what went where)
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BANNER, commanderChildProcessOnUse, zodEnglishOnly } from './bundle-shared.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist', 'src', 'cli');
const CHUNK_PREFIX = 'bin-chunk-';

// The bundled packages that read __dirname or __filename (see BANNER), each with why that is harmless.
const REVIEWED_DIRNAME_USERS = {
  // emscripten glue: the wasm is inlined as a data: URI, the directory is never read.
  'ssh2/lib/protocol/crypto/poly1305.js': 'inline wasm',
  // pagent.exe is Pageant on Windows only.
  'ssh2/lib/agent.js': 'Windows only',
  // Named only in doc comments about executable subcommands, which solokube does not use.
  'commander/lib/command.js': 'comments only',
};

/** The module's URL as tsc lays it out (src/x/y.ts → dist/src/x/y.js), relative to the bundle. */
const keepModuleUrl = {
  name: 'keep-module-url',
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      if (!source.includes('import.meta.url')) return undefined;
      const compiled = join(root, 'dist', relative(root, args.path)).replace(/\.ts$/, '.js');
      const fromBundle = relative(outdir, compiled).split(sep).join('/');
      const url = `new URL(${JSON.stringify(fromBundle)}, import.meta.url).href`;
      return { contents: source.replaceAll('import.meta.url', url), loader: 'ts' };
    });
  },
};

/**
 * ssh2 loads its optional native crypto with a require relative to its own file, and falls back to
 * Node's crypto when that fails. A native module cannot be bundled: keep the require, as a path
 * inside its package, so Node still finds it in node_modules from the bundle's directory.
 */
const nativeAddonsStayInNodeModules = {
  name: 'native-addons-stay-in-node-modules',
  setup(b) {
    b.onResolve({ filter: /\.node$/ }, (args) => {
      const inPackage = packagePath(resolve(args.resolveDir, args.path));
      if (inPackage === undefined)
        return { errors: [{ text: `native addon ${args.path} is not inside node_modules` }] };
      return { path: inPackage, external: true };
    });
  },
};

/** Stops the build when a bundled package reads __dirname or __filename and nobody checked why. */
const dirnameUsersReviewed = {
  name: 'dirname-users-reviewed',
  setup(b) {
    b.onLoad({ filter: /[\\/]node_modules[\\/].*\.c?js$/ }, (args) => {
      if (!/\b__(dirname|filename)\b/.test(readFileSync(args.path, 'utf8'))) return undefined;
      const inPackage = packagePath(args.path);
      if (inPackage in REVIEWED_DIRNAME_USERS) return undefined;
      return {
        errors: [
          {
            text:
              `${inPackage} reads __dirname or __filename, which name the bundle, not the package, once ` +
              `bundled; check what it does with them and add it to REVIEWED_DIRNAME_USERS in scripts/bundle.mjs`,
          },
        ],
      };
    });
  },
};

/** node_modules/<pkg>/<file> → <pkg>/<file>: a path Node resolves from the bundle's directory too. */
function packagePath(absolute) {
  const marker = `${sep}node_modules${sep}`;
  const at = absolute.lastIndexOf(marker);
  return at < 0
    ? undefined
    : absolute
        .slice(at + marker.length)
        .split(sep)
        .join('/');
}

/**
 * The answers src/cli/quick-answers.ts gives without loading the program: the help text as tsc's
 * output of the real program prints it (run in its own process, stdout a pipe, so at the fixed help
 * width), and the package's version.
 */
function quickAnswers() {
  const main = new URL('../dist/src/cli/main.js', import.meta.url).href;
  const script = `const { main } = await import(${JSON.stringify(main)}); process.exitCode = await main(['node', 'solokube', '--help']);`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/', NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (r.status !== 0 || !r.stdout.startsWith('Usage: solokube'))
    throw new Error(`generating the help text failed (exit ${r.status}): ${r.stderr || r.stdout}`);
  const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;
  return {
    SOLOKUBE_PRECOMPUTED_HELP: JSON.stringify(r.stdout),
    SOLOKUBE_PRECOMPUTED_VERSION: JSON.stringify(version),
  };
}

// Chunks of an earlier bundle would otherwise pile up beside bin.js.
for (const name of readdirSync(outdir)) {
  if (name.startsWith(CHUNK_PREFIX)) rmSync(join(outdir, name));
}

const metafileArg = process.argv.indexOf('--metafile');
const result = await build({
  absWorkingDir: root,
  entryPoints: { bin: 'src/cli/bin.ts' },
  outdir,
  entryNames: '[name]',
  chunkNames: `${CHUNK_PREFIX}[hash]`,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  // ES module builds first (esbuild's default for node is `main`, the CommonJS one): the AWS SDK's
  // dist-es is tree-shaken to the commands solokube sends, its dist-cjs is one 2.3 MB file for EC2.
  mainFields: ['module', 'main'],
  target: 'node20',
  sourcemap: true,
  banner: { js: BANNER },
  define: quickAnswers(),
  // cpu-features is ssh2's optional native CPU probe (a try/require): resolved from node_modules at run time.
  external: ['cpu-features'],
  plugins: [
    keepModuleUrl,
    nativeAddonsStayInNodeModules,
    dirnameUsersReviewed,
    commanderChildProcessOnUse,
    zodEnglishOnly(root),
  ],
  metafile: metafileArg > 0,
  logLevel: 'warning',
});
if (metafileArg > 0)
  writeFileSync(process.argv[metafileArg + 1] ?? 'bundle-meta.json', JSON.stringify(result.metafile));
