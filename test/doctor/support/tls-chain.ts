// A throwaway CA and one leaf certificate it signs, made with openssl in a test's directory: what
// doctor's TLS tests serve from real loopback servers.

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface TlsChain {
  /** Path of the CA certificate (PEM). */
  caPath: string;
  /** The CA certificate (PEM). */
  ca: string;
  cert: Buffer;
  key: Buffer;
}

/** Files `<prefix>-ca.crt`, `<prefix>.crt`, `<prefix>.key` in `dir`; the leaf names `name` (SAN and CN). */
export function mintChain(
  dir: string,
  prefix: string,
  name: string,
  o: { caSubject?: string; caDays?: number; leafDays?: number } = {},
): TlsChain {
  const ssl = (args: string[], input?: string) =>
    execFileSync('openssl', args, { cwd: dir, stdio: ['pipe', 'pipe', 'pipe'], input });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  const caDays = String(o.caDays ?? 2);
  const caSubject = o.caSubject ?? `/CN=${prefix} test CA`;
  ssl([
    'req',
    '-x509',
    ...ec,
    '-keyout',
    `${prefix}-ca.key`,
    '-out',
    `${prefix}-ca.crt`,
    '-days',
    caDays,
    '-subj',
    caSubject,
  ]);
  ssl(['req', ...ec, '-keyout', `${prefix}.key`, '-out', `${prefix}.csr`, '-subj', `/CN=${name}`]);
  const sign = ['x509', '-req', '-in', `${prefix}.csr`, '-CA', `${prefix}-ca.crt`, '-CAkey', `${prefix}-ca.key`];
  ssl(
    [...sign, '-CAcreateserial', '-out', `${prefix}.crt`, '-days', String(o.leafDays ?? 2), '-extfile', '-'],
    `subjectAltName=DNS:${name}\n`,
  );
  const caPath = join(dir, `${prefix}-ca.crt`);
  return {
    caPath,
    ca: readFileSync(caPath, 'utf8'),
    cert: readFileSync(join(dir, `${prefix}.crt`)),
    key: readFileSync(join(dir, `${prefix}.key`)),
  };
}
