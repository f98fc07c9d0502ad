// What scripts/bundle.mjs and the start-up benchmark's floor (bench/cli-start.ts) bundle alike: the
// output files' first lines and the two plugins that keep zod and commander from loading what
// solokube never uses. Shared so the floor is bundled exactly as the CLI is.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

// Bundled CommonJS packages (ssh2, the SDK's CJS builds, commander) call require() for Node's own
// modules and some read __dirname / __filename; an ES module has none of them, so each output file
// defines them. In a bundled package they name the bundle's file, not the package's:
// REVIEWED_DIRNAME_USERS in scripts/bundle.mjs lists the files that read them and why that is harmless.
export const BANNER = [
  '// Bundled by scripts/bundle.mjs (esbuild); the sources are under src/.',
  "import { createRequire as __solokubeCreateRequire } from 'node:module';",
  "import { fileURLToPath as __solokubeFileURLToPath } from 'node:url';",
  'const require = __solokubeCreateRequire(import.meta.url);',
  'const __filename = __solokubeFileURLToPath(import.meta.url);',
  "const __dirname = __solokubeFileURLToPath(new URL('.', import.meta.url));",
].join('\n');

/**
 * commander requires node:child_process when it loads, for executable subcommands (a subcommand
 * run as its own program, `solokube-<name>`), which solokube does not have. That builtin (with
 * node:net and the streams behind it) is not in Node's start-up snapshot: requiring it took about
 * 12 ms on our loaded build machine, against some 25 ms of CPU for a bare `node -e 0`. In the
 * bundle it loads on first use. Only the one known line is replaced; if a commander release changes
 * it, the build says so and the bundle is merely slower.
 */
export const commanderChildProcessOnUse = {
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
export const zodEnglishOnly = (root) => ({
  name: 'zod-english-only',
  setup(b) {
    b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) => {
      if (!/[\\/]node_modules[\\/]zod[\\/]/.test(args.importer)) return undefined;
      const users = sourceFiles(join(root, 'src')).filter((f) => /\blocales\b/.test(readFileSync(f, 'utf8')));
      if (users.length)
        return {
          errors: [
            {
              text: `${users.join(', ')} mention zod's locales, which this bundle leaves out (see zodEnglishOnly in scripts/bundle-shared.mjs)`,
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
});

function sourceFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}
