// pebble, Let's Encrypt's ACME test server (Debian's package), on the lab's "internet" side: in the
// client namespace at 198.19.0.100, resolving names through the sandbox DNS like a real CA, and
// validating HTTP-01 on port 80 of whatever the name resolves to. It joins the lab's cgroup, so
// destroying the lab also ends it. Its listener certificate is minted here (the package ships none).

import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SolokubeError } from '../../core/errors.js';
import { sleep } from '../../core/sleep.js';
import { joinLabCgroup } from '../lab/cgroup.js';
import { CLIENT_ADDRESS, INTERNET_DNS, type Lab } from '../lab/index.js';
import { signal, waitGone } from '../lab/processes.js';
import { runOk } from '../lab/run.js';

export const PEBBLE_ACME_PORT = 14000;
export const PEBBLE_MANAGEMENT_PORT = 15000;

export interface LabPebble {
  pid: number;
  /** The ACME directory URL, reachable from the node through the gateway. */
  directory: string;
  /** The CA of pebble's own HTTPS listener: what an ACME client must trust to talk to it. */
  listenerCaPath: string;
  /** The root that signs issued certificates (new on every pebble start): what app clients trust. */
  issuingRootPath: string;
  /** New orders pebble has received so far (counted from its request log). */
  orders(): Promise<number>;
  stop(): Promise<void>;
}

export interface LabPebbleOptions {
  dnsServer?: string;
  readyTimeoutMs?: number;
  listenerDir?: string;
  /**
   * How long the certificates pebble issues are valid, in seconds (pebble's own default otherwise:
   * 5 years in Debian's 2.4.0). A short lifetime lets a test watch a certificate expire in real time.
   */
  certificateValiditySeconds?: number;
}

/** The environment variable that makes the sandbox's pebble issue short-lived certificates (seconds). */
export const SANDBOX_CERT_LIFETIME_ENV = 'SOLOKUBE_SANDBOX_CERT_LIFETIME_S';

/** The certificate lifetime the sandbox's pebble is asked for, from the environment (undefined: pebble's default). */
export function sandboxCertLifetime(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const text = env[SANDBOX_CERT_LIFETIME_ENV];
  if (text === undefined || text === '') return undefined;
  const seconds = Number(text);
  if (!/^[0-9]+$/.test(text) || !Number.isSafeInteger(seconds) || seconds < 1)
    throw new SolokubeError({
      code: 'lab.pebble',
      message: `${SANDBOX_CERT_LIFETIME_ENV}=${JSON.stringify(text)} is not a whole number of seconds`,
      remedy: `Set ${SANDBOX_CERT_LIFETIME_ENV} to a positive whole number of seconds, or unset it for pebble's default.`,
      actor: 'user',
      exitCode: 2,
    });
  return seconds;
}

export async function startLabPebble(lab: Lab, o: LabPebbleOptions = {}): Promise<LabPebble> {
  const dir = join(lab.record.dir, 'pebble');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  // A listener certificate kept outside the lab (the sandbox's) outlives the node, so the CA Traefik
  // is told to trust stays the same from one `up` to the next.
  const listener = o.listenerDir ?? dir;
  const listenerCaPath = o.listenerDir
    ? await ensurePebbleListener(listener)
    : await mintListenerCert(listener, join(listener, 'listener-ca.pem'));
  const config = {
    pebble: {
      listenAddress: `0.0.0.0:${PEBBLE_ACME_PORT}`,
      managementListenAddress: `0.0.0.0:${PEBBLE_MANAGEMENT_PORT}`,
      certificate: join(listener, 'listener.pem'),
      privateKey: join(listener, 'listener.key'),
      // HTTP-01 goes to port 80 of the name, as Let's Encrypt's does.
      httpPort: 80,
      tlsPort: 443,
      // Debian's pebble 2.4.0 reads this key (seconds); newer pebble still reads it but prefers `profiles`.
      ...(o.certificateValiditySeconds ? { certificateValidityPeriod: o.certificateValiditySeconds } : {}),
    },
  };
  await writeFile(join(dir, 'pebble.json'), JSON.stringify(config, null, 2));
  const logPath = join(dir, 'pebble.log');
  const log = openSync(logPath, 'a');
  const argv = [
    'ip',
    'netns',
    'exec',
    lab.client.netns,
    'env',
    'PEBBLE_VA_NOSLEEP=1',
    'PEBBLE_WFE_NONCEREJECT=0',
    'PEBBLE_AUTHZREUSE=0',
    'pebble',
    '-config',
    join(dir, 'pebble.json'),
    '-dnsserver',
    o.dnsServer ?? `${INTERNET_DNS}:53`,
  ];
  const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', log, log], detached: true });
  closeSync(log);
  child.unref();
  const pid = child.pid;
  if (pid === undefined) throw new SolokubeError({ code: 'lab.pebble', message: 'pebble did not start (no PID)' });
  await joinLabCgroup(lab.name, pid);
  const directory = `https://${CLIENT_ADDRESS}:${PEBBLE_ACME_PORT}/dir`;
  const curl = (url: string, out?: string) =>
    lab.client.exec(
      ['curl', '-sS', '--fail', '--max-time', '3', '--cacert', listenerCaPath, ...(out ? ['-o', out] : []), url],
      { timeoutMs: 6_000 },
    );
  const end = Date.now() + (o.readyTimeoutMs ?? 15_000);
  while ((await curl(directory)).code !== 0) {
    if (Date.now() > end || child.exitCode !== null) {
      signal(pid, 'SIGKILL');
      throw new SolokubeError({
        code: 'lab.pebble',
        message: `pebble did not answer on ${directory}: ${(await readFile(logPath, 'utf8')).slice(-800)}`,
      });
    }
    await sleep(200);
  }
  const issuingRootPath = join(dir, 'issuing-root.pem');
  const root = await curl(`https://${CLIENT_ADDRESS}:${PEBBLE_MANAGEMENT_PORT}/roots/0`, issuingRootPath);
  if (root.code !== 0)
    throw new SolokubeError({
      code: 'lab.pebble',
      message: `pebble's root certificate could not be fetched: ${root.stderr}`,
    });
  return {
    pid,
    directory,
    listenerCaPath,
    issuingRootPath,
    orders: async () =>
      (await readFile(logPath, 'utf8')).split('\n').filter((l) => l.includes('POST /order-plz')).length,
    stop: async () => {
      signal(pid, 'SIGTERM');
      if (!(await waitGone(pid, 5_000))) signal(pid, 'SIGKILL');
    },
  };
}

/** The listener certificate kept in `dir`, minted when missing; returns the path of its CA. */
export async function ensurePebbleListener(dir: string): Promise<string> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const caPath = join(dir, 'listener-ca.pem');
  return existsSync(join(dir, 'listener.pem')) ? caPath : mintListenerCert(dir, caPath);
}

/** A throwaway CA and a listener certificate for 198.19.0.100 (the address clients dial) and "pebble". */
async function mintListenerCert(dir: string, caPath: string): Promise<string> {
  const caKey = join(dir, 'listener-ca.key');
  await runOk([
    'openssl',
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    caKey,
    '-out',
    caPath,
    '-days',
    '7',
    '-subj',
    '/CN=solokube lab pebble listener CA',
  ]);
  await runOk([
    'openssl',
    'req',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    join(dir, 'listener.key'),
    '-out',
    join(dir, 'listener.csr'),
    '-subj',
    '/CN=pebble',
  ]);
  await writeFile(join(dir, 'listener.ext'), `subjectAltName=DNS:pebble,IP:${CLIENT_ADDRESS}\n`);
  await runOk([
    'openssl',
    'x509',
    '-req',
    '-in',
    join(dir, 'listener.csr'),
    '-CA',
    caPath,
    '-CAkey',
    caKey,
    '-CAcreateserial',
    '-out',
    join(dir, 'listener.pem'),
    '-days',
    '7',
    '-extfile',
    join(dir, 'listener.ext'),
  ]);
  return caPath;
}
