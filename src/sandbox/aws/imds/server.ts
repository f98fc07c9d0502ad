// IMDSv2 for one instance: its own listener on 127.0.0.1 (as every real instance has its own
// metadata service), which the lab makes reachable from the node at 169.254.169.254.
//
// Modelled after the EC2 user guide (node-reclaim notes §1):
// - PUT /latest/api/token with X-aws-ec2-metadata-token-ttl-seconds 1..21600 answers a token (and
//   echoes the TTL); a missing or bad TTL is 400; a PUT elsewhere is 403; X-Forwarded-For on the
//   PUT is 403. Tokens are bound to this instance and expire after their TTL.
// - GET/HEAD only; with tokens required (kops' default) a missing, unknown or expired token is 401;
//   with tokens optional a request without a token is served (IMDSv1).
// - Hop limit: the real service sends the token response with the IP TTL set to the hop limit, so a
//   caller more hops away than that never receives it. A TCP listener cannot tell hops, so whoever
//   wires the listener declares `callerHops` (the node's own network: 1; a container bridged behind
//   it: 2), and a PUT from further than the instance's httpPutResponseHopLimit gets no answer at all,
//   which is what the caller would see: it waits until its own timeout.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { EmulatorStore } from '../store.js';
import { sessionFor } from '../iam/roles.js';
import { metadataTree, resolveMetadata } from './metadata.js';

export interface ImdsOptions {
  /** 0 (default) = a free port. */
  port?: number;
  /** How many routing hops the caller is from the instance (default 1: the node itself). */
  callerHops?: number;
  /** Lifetime of the role credentials IMDS hands out (default 6 h, as EC2's). */
  credentialTtlSeconds?: number;
}

export interface ImdsEndpoint {
  instanceId: string;
  /** http://127.0.0.1:PORT */
  endpoint: string;
  port: number;
  /** Requests served, for tests: method, path, status (0 = not answered). */
  requests(): { method: string; path: string; status: number }[];
  close(): Promise<void>;
}

const MAX_TTL = 21600;

export async function serveImds(
  store: EmulatorStore,
  instanceId: string,
  opts: ImdsOptions = {},
): Promise<ImdsEndpoint> {
  const tokens = new Map<string, number>(); // token → expiry (epoch ms)
  const log: { method: string; path: string; status: number }[] = [];
  const sockets = new Set<Socket>();
  const callerHops = opts.callerHops ?? 1;
  const ttlSeconds = opts.credentialTtlSeconds ?? 6 * 3600;

  const options = () =>
    store.read((d) => d.instances[instanceId]?.metadataOptions) ?? {
      httpTokens: 'required' as const,
      httpPutResponseHopLimit: 1,
    };
  const answer = (
    req: IncomingMessage,
    res: ServerResponse,
    status: number,
    body: string,
    headers: Record<string, string> = {},
  ) => {
    log.push({ method: req.method ?? '', path: req.url ?? '', status });
    res.writeHead(status, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(body), ...headers });
    res.end(req.method === 'HEAD' ? undefined : body);
  };

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const path = new URL(req.url ?? '/', 'http://169.254.169.254').pathname;
    const now = Date.now();
    if (req.method === 'PUT') {
      if (path !== '/latest/api/token') return answer(req, res, 403, 'Forbidden');
      if (req.headers['x-forwarded-for'] !== undefined) return answer(req, res, 403, 'Forbidden');
      const ttlText = String(req.headers['x-aws-ec2-metadata-token-ttl-seconds'] ?? '');
      const ttl = /^\d+$/.test(ttlText) ? Number(ttlText) : NaN;
      if (!(ttl >= 1 && ttl <= MAX_TTL))
        return answer(req, res, 400, 'Bad Request: X-aws-ec2-metadata-token-ttl-seconds must be 1 to 21600');
      if (callerHops > options().httpPutResponseHopLimit) {
        log.push({ method: 'PUT', path, status: 0 }); // the reply's TTL runs out on the way: never arrives
        return;
      }
      const token = randomBytes(40).toString('base64url');
      tokens.set(token, now + ttl * 1000);
      return answer(req, res, 200, token, { 'x-aws-ec2-metadata-token-ttl-seconds': String(ttl) });
    }
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return answer(req, res, 405, 'Method Not Allowed', { allow: 'GET, HEAD, PUT' });
    const token = req.headers['x-aws-ec2-metadata-token'];
    if (token === undefined) {
      if (options().httpTokens === 'required') return answer(req, res, 401, 'Unauthorized');
    } else {
      const expiry = tokens.get(String(token));
      if (expiry === undefined || expiry <= now) {
        tokens.delete(String(token));
        return answer(req, res, 401, 'Unauthorized');
      }
    }
    if (!path.startsWith('/latest/')) return answer(req, res, 404, 'Not Found');
    // Reading credentials may issue a session, so the tree is resolved inside a transaction.
    const text = store.mutate((d) => {
      const tree = metadataTree(d, instanceId, {
        credentials: (role) => sessionFor(d, instanceId, role, now, ttlSeconds),
      });
      return tree === undefined ? undefined : resolveMetadata(tree, path.slice('/latest/'.length));
    });
    if (text === undefined) return answer(req, res, 404, 'Not Found');
    return answer(req, res, 200, text);
  };

  const server: Server = createServer(handle);
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    instanceId,
    endpoint: `http://127.0.0.1:${port}`,
    port,
    requests: () => [...log],
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      }),
  };
}
