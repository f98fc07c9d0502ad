import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { quoteArg, quoteCommand } from '../../src/node/shell-quote.js';
import { SolokubeError } from '../../src/core/errors.js';
import { HOSTILE } from './support/hostile.js';

function echoedBy(shell: string, args: readonly string[]): string[] {
  // printf prints each argument followed by a NUL, so the output splits back into exactly the args.
  const line = quoteCommand(['printf', '%s\\0', ...args]);
  const r = spawnSync(shell, ['-c', line], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.split('\0').slice(0, -1);
}

describe('shell quoting', () => {
  for (const shell of ['/bin/sh', '/bin/bash']) {
    test(`GIVEN hostile strings WHEN quoted and run by ${shell} THEN the command receives them unchanged and nothing else runs`, () => {
      assert.deepEqual(echoedBy(shell, HOSTILE), HOSTILE);
      assert.equal(existsSync('/tmp/skn-pwned'), false);
    });
  }

  test('GIVEN a first word containing = WHEN quoted THEN the shell runs it as a command, not an assignment', () => {
    const r = spawnSync('/bin/sh', ['-c', quoteCommand(['X=1', 'y'])], { encoding: 'utf8' });
    assert.equal(r.status, 127, 'the shell looked for a command named X=1');
  });

  test('GIVEN plain words WHEN quoted THEN they stay readable', () => {
    assert.equal(quoteCommand(['ip', '-j', 'addr', 'show', 'dev', 'eth0']), 'ip -j addr show dev eth0');
  });

  test('GIVEN a NUL byte or an empty argv WHEN quoted THEN a typed error is thrown', () => {
    assert.throws(() => quoteArg('a\0b'), SolokubeError);
    assert.throws(() => quoteCommand([]), SolokubeError);
  });
});
