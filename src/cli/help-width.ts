// Help is wrapped at 80 columns, or narrower on a narrower terminal. A fixed width (commander's
// default follows any terminal width) is what lets the bundle answer `--help` with text made at
// build time (quick-answers.ts): on a pipe and on any terminal of 80 columns or more the help is
// the same text, so only a narrower terminal needs the full program.

export const HELP_WIDTH = 80;

export function helpWidth(stdout: { isTTY?: boolean; columns?: number }): number {
  return stdout.isTTY && stdout.columns !== undefined && stdout.columns > 0
    ? Math.min(stdout.columns, HELP_WIDTH)
    : HELP_WIDTH;
}
