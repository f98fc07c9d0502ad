// A per-run certificate authority and the two server certificates the stand-ins present: the
// "kube-apiserver" (api.<cluster>, the primary address) and the "ingress" (*.<apps domain>).
// Clients verify with the CA (curl --cacert), never with -k.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runOk } from './run.js';

export interface LabTls {
  caCertPath: string;
  apiCertPath: string;
  apiKeyPath: string;
  ingressCertPath: string;
  ingressKeyPath: string;
}

export interface LabTlsNames {
  labName: string;
  apiNames: readonly string[];
  apiAddresses: readonly string[];
  ingressNames: readonly string[];
}

const KEY_OPTS = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];

export async function generateLabTls(dir: string, names: LabTlsNames): Promise<LabTls> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const ca = join(dir, 'ca');
  await runOk([
    'openssl',
    'req',
    '-x509',
    ...KEY_OPTS,
    '-days',
    '30',
    '-subj',
    `/CN=solokube lab CA ${names.labName}`,
    '-keyout',
    `${ca}.key`,
    '-out',
    `${ca}.crt`,
  ]);
  const api = await leaf(dir, 'api', ca, names.apiNames, names.apiAddresses);
  const ingress = await leaf(dir, 'ingress', ca, names.ingressNames, []);
  return {
    caCertPath: `${ca}.crt`,
    apiCertPath: api.cert,
    apiKeyPath: api.key,
    ingressCertPath: ingress.cert,
    ingressKeyPath: ingress.key,
  };
}

async function leaf(
  dir: string,
  base: string,
  ca: string,
  dnsNames: readonly string[],
  ips: readonly string[],
): Promise<{ cert: string; key: string }> {
  const p = join(dir, base);
  const san = [...dnsNames.map((n) => `DNS:${n}`), ...ips.map((a) => `IP:${a}`)].join(',');
  await writeFile(`${p}.ext`, `subjectAltName=${san}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n`);
  await runOk([
    'openssl',
    'req',
    '-new',
    ...KEY_OPTS,
    '-subj',
    `/CN=${dnsNames[0] ?? base}`,
    '-keyout',
    `${p}.key`,
    '-out',
    `${p}.csr`,
  ]);
  await runOk([
    'openssl',
    'x509',
    '-req',
    '-in',
    `${p}.csr`,
    '-CA',
    `${ca}.crt`,
    '-CAkey',
    `${ca}.key`,
    '-set_serial',
    `0x${Date.now().toString(16)}`,
    '-days',
    '30',
    '-extfile',
    `${p}.ext`,
    '-out',
    `${p}.crt`,
  ]);
  return { cert: `${p}.crt`, key: `${p}.key` };
}
