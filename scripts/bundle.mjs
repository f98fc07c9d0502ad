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

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist', 'src', 'cli');
const CHUNK_PREFIX = 'bin-chunk-';

// Bundled CommonJS packages (ssh2, the SDK's CJS builds) call require() for Node's own modules and
// some read __dirname / __filename; an ES module has none of them, so each output file defines
// them. In a bundled package they name the bundle's file, not the package's: REVIEWED_DIRNAME_USERS
// lists the files that read them and why that is harmless; the build stops on any other.
const BANNER = [
  '// Bundled by scripts/bundle.mjs (esbuild); the sources are under src/.',
  "import { createRequire as __solokubeCreateRequire } from 'node:module';",
  "import { fileURLToPath as __solokubeFileURLToPath } from 'node:url';",
  'const require = __solokubeCreateRequire(import.meta.url);',
  'const __filename = __solokubeFileURLToPath(import.meta.url);',
  "const __dirname = __solokubeFileURLToPath(new URL('.', import.meta.url));",
].join('\n');
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
 * commander requires node:child_process when it loads, for executable subcommands (a subcommand
 * run as its own program, `solokube-<name>`), which solokube does not have. That builtin (with
 * node:net and the streams behind it) is not in Node's start-up snapshot: requiring it took about
 * 12 ms on our loaded build machine, against some 25 ms of CPU for a bare `node -e 0`. In the
 * bundle it loads on first use. Only the one known line is replaced; if a commander release changes
 * it, the build says so and the bundle is merely slower.
 */
const commanderChildProcessOnUse = {
  name: 'commander-child-process-on-use',
  setup(b) {
    b.onLoad({ filter: /[\\/]node_modules[\\/]commander[\\/]lib[\\/]command\.js$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      const eager = "const childProcess = require('node:child_process');";
      if (!source.includes(eager))
        return {
          contents: source,
          loader: 'js',
          warnings: [
            {
              text: 'commander no longer has the child_process require this build defers; --help loads node:child_process again',
            },
          ],
        };
      const onUse = "const childProcess = { spawn: (...args) => require('node:child_process').spawn(...args) };";
      return { contents: source.replace(eager, onUse), loader: 'js' };
    });
  },
};

/**
 * zod's namespace re-exports its 40-odd message translations (`z.locales`): 366 of zod's 750 kB in
 * the bundle, which `plan --offline` compiles on every run (leaving them out saved about 7 ms of
 * its CPU time, side by side); zod itself configures English only.
 * solokube never switches locale, so the bundle keeps English alone. The build stops if a source
 * file starts to mention zod's locales.
 */
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(b) {
    b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) => {
      if (!/[\\/]node_modules[\\/]zod[\\/]/.test(args.importer)) return undefined;
      const users = sourceFiles(join(root, 'src')).filter((f) => /\blocales\b/.test(readFileSync(f, 'utf8')));
      if (users.length)
        return {
          errors: [
            {
              text: `${users.join(', ')} mention zod's locales, which this bundle leaves out (see zodEnglishOnly in scripts/bundle.mjs)`,
            },
          ],
        };
      return { path: join(args.resolveDir, '..', 'locales', 'en.js'), namespace: 'zod-english-only' };
    });
    b.onLoad({ filter: /.*/, namespace: 'zod-english-only' }, (args) => ({
      contents: `export { default as en } from ${JSON.stringify(args.path)};`,
      loader: 'js',
      resolveDir: dirname(args.path),
    }));
  },
};

function sourceFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
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
    zodEnglishOnly,
  ],
  metafile: metafileArg > 0,
  logLevel: 'warning',
});
if (metafileArg > 0)
  writeFileSync(process.argv[metafileArg + 1] ?? 'bundle-meta.json', JSON.stringify(result.metafile));
