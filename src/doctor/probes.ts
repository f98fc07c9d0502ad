// What doctor asks from the internet side: resolve a name, look at the certificate a TLS endpoint
// presents for a name, make one HTTP(S) request. The same functions run in-process (real AWS: this
// machine is on the internet) or inside the sandbox's client namespace through probe-main.ts.
// Every probe has a timeout and reports failures as data, never as a throw.

import { Resolver } from 'node:dns/promises';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import tls from 'node:tls';

export type ProbeRequest =
  | { kind: 'resolve'; name: string }
  | { kind: 'tls'; address: string; port: number; servername: string }
  /**
   * `address` skips DNS (connect there, keep the URL's host for SNI and Host). `caPem` pins this
   * request to one CA (PEM), in place of the trust every other probe uses: the API on the primary
   * address must present a certificate from the cluster's own CA, which no public store holds.
   */
  | { kind: 'http'; url: string; address?: string; caPem?: string };

export interface ProbeOptions {
  /** Ask this DNS server instead of the system's resolvers. */
  dnsServer?: string;
  /** Trust these CAs (PEM file) instead of the system store. */
  caFile?: string;
  timeoutMs: number;
}

export interface ResolveResult {
  kind: 'resolve';
  name: string;
  addresses: string[];
  /** Set when resolution failed (NXDOMAIN, no answer, timeout, refused). */
  error?: string;
}

export interface TlsResult {
  kind: 'tls';
  servername: string;
  address: string;
  error?: string;
  authorized?: boolean;
  authorizationError?: string;
  issuer?: string;
  names?: string[];
  nameMatches?: boolean;
  validTo?: string;
}

export interface HttpResult {
  kind: 'http';
  url: string;
  error?: string;
  /** The error's code (e.g. SELF_SIGNED_CERT_IN_CHAIN, ECONNREFUSED), for judging it. */
  errorCode?: string;
  status?: number;
  /** The start of the body, for messages. */
  bodyStart?: string;
}

export type ProbeResult = ResolveResult | TlsResult | HttpResult;

const message = (err: unknown): string => {
  const e = err as NodeJS.ErrnoException;
  return e?.code && !String(e.message).includes(e.code) ? `${e.code}: ${e.message}` : String(e?.message ?? err);
};

function resolver(opts: ProbeOptions): Resolver {
  const r = new Resolver({ timeout: opts.timeoutMs, tries: 2 });
  if (opts.dnsServer) r.setServers([opts.dnsServer]);
  return r;
}

export async function resolveName(name: string, opts: ProbeOptions): Promise<ResolveResult> {
  try {
    return { kind: 'resolve', name, addresses: (await resolver(opts).resolve4(name)).sort() };
  } catch (err) {
    return { kind: 'resolve', name, addresses: [], error: message(err) };
  }
}

function caOf(opts: ProbeOptions): { ca?: Buffer } {
  return opts.caFile ? { ca: readFileSync(opts.caFile) } : {};
}

function issuerText(issuer: tls.PeerCertificate['issuer'] | undefined): string {
  if (!issuer) return 'unknown';
  return [issuer.O, issuer.CN].filter(Boolean).join(' / ') || 'unknown';
}

export function certNames(cert: Pick<tls.PeerCertificate, 'subjectaltname' | 'subject'>): string[] {
  const alt = (cert.subjectaltname ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.startsWith('DNS:'))
    .map((s) => s.slice(4));
  return alt.length > 0 ? alt : cert.subject?.CN ? [String(cert.subject.CN)] : [];
}

export function tlsPeer(
  req: { address: string; port: number; servername: string },
  opts: ProbeOptions,
): Promise<TlsResult> {
  const base = { kind: 'tls' as const, servername: req.servername, address: req.address };
  return new Promise((resolve) => {
    // Diagnosis only: the handshake completes even for an untrusted or expired certificate so doctor
    // can say what is served (issuer, names, expiry). Node still verifies the chain against the trust
    // store or `caFile`; `authorized` carries its verdict and the TLS check fails on it. No request or
    // credential is ever sent on this connection: it is closed right after the handshake.
    const socket = tls.connect({
      host: req.address,
      port: req.port,
      servername: req.servername,
      rejectUnauthorized: false,
      ...caOf(opts),
    });
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ ...base, error: `no TLS handshake within ${opts.timeoutMs} ms` });
    }, opts.timeoutMs);
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      const cert = socket.getPeerCertificate();
      const result: TlsResult = {
        ...base,
        authorized: socket.authorized,
        ...(socket.authorizationError ? { authorizationError: String(socket.authorizationError) } : {}),
        issuer: issuerText(cert.issuer),
        names: certNames(cert),
        nameMatches: tls.checkServerIdentity(req.servername, cert) === undefined,
        ...(cert.valid_to ? { validTo: new Date(cert.valid_to).toISOString() } : {}),
      };
      socket.destroy();
      resolve(result);
    });
    socket.once('error', (err) => {
      clearTimeout(timer);
      resolve({ ...base, error: message(err) });
    });
  });
}

function lookupVia(fixed: string | undefined, opts: ProbeOptions): LookupFunction | undefined {
  if (!fixed && !opts.dnsServer) return undefined;
  return (hostname, options, callback) => {
    const answer = fixed ? Promise.resolve([fixed]) : resolver(opts).resolve4(hostname);
    answer.then(
      (addrs) => {
        if (addrs.length === 0)
          return callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENODATA' }), '', 4);
        if ((options as { all?: boolean }).all)
          (callback as unknown as (e: null, a: { address: string; family: number }[]) => void)(
            null,
            addrs.map((address) => ({ address, family: 4 })),
          );
        else callback(null, addrs[0]!, 4);
      },
      (err: NodeJS.ErrnoException) => callback(err, '', 4),
    );
  };
}

const codeOf = (err: unknown): { errorCode?: string } => {
  const code = (err as NodeJS.ErrnoException)?.code;
  return typeof code === 'string' ? { errorCode: code } : {};
};

export function httpRequest(
  req: { url: string; address?: string; caPem?: string },
  opts: ProbeOptions,
): Promise<HttpResult> {
  const url = new URL(req.url);
  const secure = url.protocol === 'https:';
  const lookup = lookupVia(req.address, opts);
  return new Promise((resolve) => {
    const done = (r: Omit<HttpResult, 'kind' | 'url'>) => resolve({ kind: 'http', url: req.url, ...r });
    const options = {
      method: 'GET',
      timeout: opts.timeoutMs,
      headers: { 'user-agent': 'solokube-doctor' },
      ...(lookup ? { lookup } : {}),
      ...(secure ? { rejectUnauthorized: true, ...(req.caPem ? { ca: req.caPem } : caOf(opts)) } : {}),
    };
    const request = (secure ? https : http).request(url, options, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        if (body.length < 200) body += chunk;
      });
      res.on('end', () => done({ status: res.statusCode ?? 0, bodyStart: body.slice(0, 200) }));
      res.on('error', (err) => done({ error: message(err), ...codeOf(err) }));
    });
    request.on('timeout', () => request.destroy(new Error(`no answer within ${opts.timeoutMs} ms`)));
    request.on('error', (err) => done({ error: message(err), ...codeOf(err) }));
    request.end();
  });
}

export function runProbe(req: ProbeRequest, opts: ProbeOptions): Promise<ProbeResult> {
  switch (req.kind) {
    case 'resolve':
      return resolveName(req.name, opts);
    case 'tls':
      return tlsPeer(req, opts);
    case 'http':
      return httpRequest(req, opts);
  }
}

export function runProbes(reqs: readonly ProbeRequest[], opts: ProbeOptions): Promise<ProbeResult[]> {
  return Promise.all(reqs.map((r) => runProbe(r, opts)));
}
