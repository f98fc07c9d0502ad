// Every root pebble has handed out in this lab, kept in one PEM bundle. pebble mints a new root on
// each start and cannot be given an old one, yet the certificates Traefik already holds (in its
// acme.json, which outlives pebble) chain to the root of the pebble that issued them and are not
// ordered again until they near expiry. A client that trusts only the newest root would then refuse
// a valid certificate; one that trusts the bundle accepts every certificate this sandbox's pebble
// ever issued, and still nothing else.

import { readFile, writeFile } from 'node:fs/promises';

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/** The certificates of a PEM bundle, each normalised to its own text (pure). */
export function pemCertificates(text: string): string[] {
  return [...text.matchAll(PEM_CERT)].map((m) => m[0].replace(/\r\n/g, '\n'));
}

/** The bundle with the root added when it is not in it yet, oldest first (pure). */
export function withRoot(bundle: readonly string[], root: string): string[] {
  const [cert] = pemCertificates(root);
  if (!cert) throw new Error('not a PEM certificate: pebble handed out no root');
  return bundle.includes(cert) ? [...bundle] : [...bundle, cert];
}

/** Adds the root to the bundle file (made when absent) and returns the whole bundle's PEM text. */
export async function rememberRoot(bundlePath: string, root: string): Promise<string> {
  const before = pemCertificates(await readFile(bundlePath, 'utf8').catch(() => ''));
  const after = withRoot(before, root);
  const text = after.map((c) => `${c}\n`).join('');
  if (after.length !== before.length) await writeFile(bundlePath, text, { mode: 0o644 });
  return text;
}
