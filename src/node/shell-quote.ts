// Turning an argv into one POSIX shell command line (SSH has no argv, only a string the remote
// login shell parses). Every element is single-quoted: inside single quotes a POSIX shell treats
// every byte literally except the closing quote, which we write as '\'' (close, escaped quote,
// reopen). NUL cannot be passed through a shell at all, so it is refused.

import { SolokubeError } from '../core/errors.js';

/** Characters that need no quoting; keeps logged commands readable. */
const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

export function quoteArg(arg: string, always = false): string {
  if (arg.includes('\0')) {
    throw new SolokubeError({
      code: 'node.shell.nul-byte',
      message: 'A command argument contains a NUL byte, which no shell can pass on.',
      remedy: 'This is a bug in the caller: values must be validated before they reach a command.',
    });
  }
  if (!always && arg !== '' && SAFE.test(arg)) return arg;
  return `'${arg.replaceAll("'", `'\\''`)}'`;
}

/** One command line that a POSIX shell parses back into exactly `argv`. */
export function quoteCommand(argv: readonly string[]): string {
  if (argv.length === 0)
    throw new SolokubeError({
      code: 'node.shell.empty-command',
      message: 'Empty command.',
      remedy: 'This is a bug in the caller.',
    });
  // A bare first word with '=' would be read as a variable assignment, not a command name.
  const [first, ...rest] = argv as [string, ...string[]];
  const head = quoteArg(first, first.includes('='));
  return [head, ...rest.map((a) => quoteArg(a))].join(' ');
}
