// `solokube --help` and `solokube version` answered without loading commander and the command
// modules: at start-up, loading them is most of the time such a command takes (issue 8's goal is
// ≤ 1.5× a bare `node -e 0`). The bundle (scripts/bundle.mjs) puts in the help text the real
// program prints, generated at build time, and the version from package.json; tsc's unbundled
// output has neither, so it always takes the full path. test/cli/quick-answers.test.ts checks that
// the bundle's answers equal the full program's.
//
// Only the exact argument lists below are answered here; anything more (`--output json`, a
// subcommand's help) goes to the full program.

import { HELP_WIDTH, helpWidth } from './help-width.js';
import { versionText } from './version-text.js';

// Replaced by string literals in the bundle (esbuild `define`); undeclared in tsc's output, where
// `typeof` of them is 'undefined'.
declare const SOLOKUBE_PRECOMPUTED_HELP: string | undefined;
declare const SOLOKUBE_PRECOMPUTED_VERSION: string | undefined;

export const QUICK_HELP_ARGS: readonly string[][] = [['--help'], ['-h']];
export const QUICK_VERSION_ARGS: readonly string[][] = [['version']];

const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((v, i) => v === b[i]);

/** What stdout gets for these arguments, or undefined when the full program must answer. */
export function quickAnswer(
  args: readonly string[],
  stdout: { isTTY?: boolean; columns?: number } = process.stdout,
): string | undefined {
  if (
    typeof SOLOKUBE_PRECOMPUTED_HELP === 'string' &&
    QUICK_HELP_ARGS.some((q) => same(q, args)) &&
    helpWidth(stdout) === HELP_WIDTH
  )
    return SOLOKUBE_PRECOMPUTED_HELP;
  if (typeof SOLOKUBE_PRECOMPUTED_VERSION === 'string' && QUICK_VERSION_ARGS.some((q) => same(q, args)))
    return `${versionText(SOLOKUBE_PRECOMPUTED_VERSION, process.version)}\n`;
  return undefined;
}
