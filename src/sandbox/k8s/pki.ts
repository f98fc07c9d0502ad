// The control plane's certificates, made with the openssl CLI: one CA; a serving certificate for
// kube-apiserver (its loopback address and the in-cluster names); an admin client certificate
// (group system:masters, which bootstrap RBAC binds to cluster-admin); a service-account key pair.
// Tests issue extra client certificates from the same CA (an expired one, for instance).

import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runOk } from '../lab/run.js';

const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];

export interface ControlPlanePki {
  dir: string;
  caCert: string;
  caKey: string;
  serverCert: string;
  serverKey: string;
  adminCert: string;
  adminKey: string;
  serviceAccountKey: string;
  serviceAccountPub: string;
}

export interface PkiNames {
  /** IP addresses the API server answers on (SANs). */
  addresses: readonly string[];
  /** DNS names the API server answers to (SANs). */
  dnsNames?: readonly string[];
}

const IN_CLUSTER_NAMES = [
  'kubernetes',
  'kubernetes.default',
  'kubernetes.default.svc',
  'kubernetes.default.svc.cluster.local',
  'localhost',
];

export async function makeControlPlanePki(dir: string, names: PkiNames): Promise<ControlPlanePki> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const caCert = join(dir, 'ca.crt');
  const caKey = join(dir, 'ca.key');
  await runOk([
    'openssl',
    'req',
    '-x509',
    ...EC_KEY,
    '-days',
    '30',
    '-subj',
    '/CN=solokube test cluster CA',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
    '-keyout',
    caKey,
    '-out',
    caCert,
  ]);
  const san = [...IN_CLUSTER_NAMES, ...(names.dnsNames ?? [])]
    .map((n) => `DNS:${n}`)
    .concat(names.addresses.map((a) => `IP:${a}`))
    .join(',');
  const server = await issueCertificate(
    { dir, caCert, caKey },
    { name: 'apiserver', subject: '/CN=kube-apiserver', usage: 'serverAuth', san, days: 30 },
  );
  const admin = await issueClientCertificate(
    { dir, caCert, caKey },
    { name: 'admin', user: 'solokube-test-admin', groups: ['system:masters'], days: 30 },
  );
  const serviceAccountKey = join(dir, 'sa.key');
  const serviceAccountPub = join(dir, 'sa.pub');
  await runOk([
    'openssl',
    'genpkey',
    '-algorithm',
    'EC',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-out',
    serviceAccountKey,
  ]);
  await runOk(['openssl', 'pkey', '-in', serviceAccountKey, '-pubout', '-out', serviceAccountPub]);
  return {
    dir,
    caCert,
    caKey,
    serverCert: server.cert,
    serverKey: server.key,
    adminCert: admin.cert,
    adminKey: admin.key,
    serviceAccountKey,
    serviceAccountPub,
  };
}

export interface ClientCertificateRequest {
  name: string;
  user: string;
  groups?: readonly string[];
  /** Validity in days; -1 makes a certificate that has already expired. */
  days: number;
}

export async function issueClientCertificate(
  ca: Pick<ControlPlanePki, 'dir' | 'caCert' | 'caKey'>,
  req: ClientCertificateRequest,
): Promise<{ cert: string; key: string }> {
  const subject = `${(req.groups ?? []).map((g) => `/O=${g}`).join('')}/CN=${req.user}`;
  return issueCertificate(ca, { name: req.name, subject, usage: 'clientAuth', days: req.days });
}

async function issueCertificate(
  ca: Pick<ControlPlanePki, 'dir' | 'caCert' | 'caKey'>,
  req: { name: string; subject: string; usage: string; san?: string; days: number },
): Promise<{ cert: string; key: string }> {
  const base = join(ca.dir, req.name);
  const ext = [
    `basicConstraints=CA:FALSE`,
    `keyUsage=critical,digitalSignature,keyEncipherment`,
    `extendedKeyUsage=${req.usage}`,
  ];
  if (req.san) ext.push(`subjectAltName=${req.san}`);
  await writeFile(`${base}.ext`, ext.join('\n') + '\n');
  await runOk([
    'openssl',
    'req',
    '-new',
    ...EC_KEY,
    '-subj',
    req.subject,
    '-keyout',
    `${base}.key`,
    '-out',
    `${base}.csr`,
  ]);
  await runOk([
    'openssl',
    'x509',
    '-req',
    '-in',
    `${base}.csr`,
    '-CA',
    ca.caCert,
    '-CAkey',
    ca.caKey,
    '-set_serial',
    `0x${randomSerial()}`,
    '-days',
    String(req.days),
    '-extfile',
    `${base}.ext`,
    '-out',
    `${base}.crt`,
  ]);
  return { cert: `${base}.crt`, key: `${base}.key` };
}

function randomSerial(): string {
  return `${Date.now().toString(16)}${Math.floor(Math.random() * 0xffffff)
    .toString(16)
    .padStart(6, '0')}`;
}

export async function pem(path: string): Promise<string> {
  return readFile(path, 'utf8');
}
