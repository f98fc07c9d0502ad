// The sandbox's bundle of pebble roots: each start's root is added once and none is dropped, so a
// client trusting the bundle keeps accepting certificates from before a pebble restart. Pure (files
// in a temporary directory; the PEM bodies are placeholders: only the text is handled here, the TLS
// proof is https-traefik.test.ts's).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pemCertificates, rememberRoot, withRoot } from '../../../src/sandbox/ingress/issued-roots.js';

const pem = (body: string) => `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----`;
const first = pem('Zmlyc3Qgcm9vdA==');
const second = pem('c2Vjb25kIHJvb3Q=');

describe("pebble's issued roots", () => {
  test('GIVEN a bundle WHEN the same root comes again (CRLF or not) THEN it is kept once; a new one is appended', () => {
    assert.deepEqual(withRoot([], `${first}\n`), [first]);
    assert.deepEqual(withRoot([first], first.replace(/\n/g, '\r\n')), [first]);
    assert.deepEqual(withRoot([first], second), [first, second]);
    assert.throws(() => withRoot([first], 'not a certificate'), /not a PEM certificate/);
  });

  test(
    'GIVEN pebble started three times (twice with the same root) WHEN each root is remembered ' +
      'THEN the file holds both roots, oldest first, and other text in it is not carried over',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'solokube-roots-'));
      try {
        const path = join(dir, 'issued-roots.pem');
        assert.equal(await rememberRoot(path, first), `${first}\n`);
        await rememberRoot(path, first);
        const text = await rememberRoot(path, `${second}\n`);
        assert.equal(text, `${first}\n${second}\n`);
        assert.equal(readFileSync(path, 'utf8'), text);
        writeFileSync(path, `junk\n${first}\nmore junk\n`);
        assert.deepEqual(pemCertificates(await rememberRoot(path, second)), [first, second]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
