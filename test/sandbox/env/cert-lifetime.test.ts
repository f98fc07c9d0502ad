// SOLOKUBE_SANDBOX_CERT_LIFETIME_S: how a test asks the sandbox's pebble for short-lived certificates.
// Unset means pebble's own default; anything but a positive whole number of seconds is refused before
// pebble starts, with the variable named.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SANDBOX_CERT_LIFETIME_ENV, sandboxCertLifetime } from '../../../src/sandbox/ingress/pebble.js';
import { SolokubeError } from '../../../src/core/errors.js';

test('GIVEN no lifetime in the environment WHEN the sandbox starts pebble THEN pebble keeps its default', () => {
  assert.equal(sandboxCertLifetime({}), undefined);
  assert.equal(sandboxCertLifetime({ [SANDBOX_CERT_LIFETIME_ENV]: '' }), undefined);
});

test('GIVEN a whole number of seconds WHEN read THEN that is the lifetime asked of pebble', () => {
  assert.equal(sandboxCertLifetime({ [SANDBOX_CERT_LIFETIME_ENV]: '150' }), 150);
});

test('GIVEN zero, a fraction, a unit or a negative WHEN read THEN a usage error names the variable', () => {
  for (const bad of ['0', '1.5', '90s', '-3', ' 60']) {
    assert.throws(
      () => sandboxCertLifetime({ [SANDBOX_CERT_LIFETIME_ENV]: bad }),
      (err: unknown) =>
        err instanceof SolokubeError && err.exitCode === 2 && err.message.includes(SANDBOX_CERT_LIFETIME_ENV),
      bad,
    );
  }
});
