// SigV4 verification for requests signed with credentials the emulator issued (IMDS role sessions).
// Other requests stay unverified, as the emulator has always treated them (tests use dummy keys).
//
// Tolerances, because curl is the client on the node (node-reclaim notes §2.2):
// - curl 7.75–7.85 signs `host` without the port while sending `Host: 127.0.0.1:PORT`; a signature
//   over the host with or without its port is accepted.
// - curl never signs the Content-Type it adds for --data, and before 7.86 signs no -H header at all,
//   so only the headers the request lists in SignedHeaders are checked; the session token is
//   compared separately (it need not be signed).
// The payload hash is the x-amz-content-sha256 header when present (the SDK sends it), else the
// SHA-256 of the body, as curl computes it for anything but S3.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

export interface SigV4Authorization {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
}

export interface SignedRequest {
  method: string;
  path: string;
  search: string;
  headers: IncomingHttpHeaders;
  body: string;
}

const AUTH_RE =
  /^AWS4-HMAC-SHA256\s+Credential=([^/,\s]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request,\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]{64})\s*$/;

function header(h: IncomingHttpHeaders, name: string): string | undefined {
  const v = h[name];
  return Array.isArray(v) ? v.join(',') : v;
}

export function parseAuthorization(headers: IncomingHttpHeaders): SigV4Authorization | undefined {
  const m = AUTH_RE.exec(header(headers, 'authorization') ?? '');
  if (!m) return undefined;
  return {
    accessKeyId: m[1]!,
    date: m[2]!,
    region: m[3]!,
    service: m[4]!,
    signedHeaders: m[5]!.split(';'),
    signature: m[6]!,
  };
}

const sha256 = (s: string | Buffer): string => createHash('sha256').update(s).digest('hex');
const hmac = (key: string | Buffer, s: string): Buffer => createHmac('sha256', key).update(s, 'utf8').digest();

/** RFC 3986 encoding as SigV4 wants it (unreserved characters kept, everything else %XX upper-case). */
function uriEncode(s: string, keepSlash: boolean): string {
  return Array.from(Buffer.from(s, 'utf8'))
    .map((b) => {
      const c = String.fromCharCode(b);
      if (/[A-Za-z0-9\-._~]/.test(c) || (keepSlash && c === '/')) return c;
      return `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
    })
    .join('');
}

function canonicalQuery(search: string): string {
  if (search === '') return '';
  const pairs = search
    .split('&')
    .filter((p) => p !== '')
    .map((p) => {
      const i = p.indexOf('=');
      const k = decodeURIComponent((i < 0 ? p : p.slice(0, i)).replace(/\+/g, ' '));
      const v = i < 0 ? '' : decodeURIComponent(p.slice(i + 1).replace(/\+/g, ' '));
      return [uriEncode(k, false), uriEncode(v, false)] as const;
    });
  pairs.sort((a, b) => (a[0] === b[0] ? (a[1] < b[1] ? -1 : 1) : a[0] < b[0] ? -1 : 1));
  return pairs.map(([k, v]) => `${k}=${v}`).join('&');
}

function canonicalPath(path: string): string {
  return (
    path
      .split('/')
      .map((seg) => uriEncode(decodeURIComponent(seg), false))
      .join('/') || '/'
  );
}

function signatureFor(
  req: SignedRequest,
  auth: SigV4Authorization,
  secret: string,
  hostValue: string | undefined,
): string {
  const headers = auth.signedHeaders
    .map((name) => {
      const raw = name === 'host' && hostValue !== undefined ? hostValue : (header(req.headers, name) ?? '');
      return `${name}:${raw.trim().replace(/\s+/g, ' ')}\n`;
    })
    .join('');
  const payload = header(req.headers, 'x-amz-content-sha256') ?? sha256(req.body);
  const canonical = [
    req.method,
    canonicalPath(req.path),
    canonicalQuery(req.search),
    headers,
    auth.signedHeaders.join(';'),
    payload,
  ].join('\n');
  const scope = `${auth.date}/${auth.region}/${auth.service}/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', header(req.headers, 'x-amz-date') ?? '', scope, sha256(canonical)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, auth.date), auth.region), auth.service), 'aws4_request');
  return createHmac('sha256', key).update(toSign, 'utf8').digest('hex');
}

/** True when the signature matches the secret, over the host with or without its port. */
export function verifySignature(req: SignedRequest, auth: SigV4Authorization, secret: string): boolean {
  const host = header(req.headers, 'host');
  const candidates = [host, host?.replace(/:\d+$/, '')].filter(
    (h, i, all): h is string => h !== undefined && all.indexOf(h) === i,
  );
  const given = Buffer.from(auth.signature, 'hex');
  return (candidates.length > 0 ? candidates : [undefined]).some((h) =>
    timingSafeEqual(Buffer.from(signatureFor(req, auth, secret, h), 'hex'), given),
  );
}
