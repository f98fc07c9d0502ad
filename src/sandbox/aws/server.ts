// The HTTP side: reads a request, serves /_sandbox/ admin calls, routes AWS calls, applies
// faults around the operation, and answers with x-amzn-RequestId (Node adds Date).
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pauseUnlessClosed } from './pause.js';
import { handleAdmin, type AdminDeps } from './admin.js';
import { failureReply, route, type Routed } from './dispatch.js';
import { errorReply, type Reply } from './envelopes.js';
import { errorShape, type FaultSpec } from './faults.js';
import { authorizeRequest } from './iam/authorize.js';
import type { EmulatorData } from './model.js';
import { regionView, requestRegion } from './regions.js';

const MAX_BODY = 10 * 1024 * 1024;
const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new Error('request body too large'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, reply: Reply, requestId: string): void {
  if (res.destroyed) return;
  res.writeHead(reply.status, {
    ...(reply.contentType === '' ? {} : { 'content-type': reply.contentType }),
    'content-length': Buffer.byteLength(reply.body),
    'x-amzn-requestid': requestId,
    ...reply.headers,
  });
  res.end(reply.body);
}

function attemptOf(req: IncomingMessage): number | undefined {
  const m = /attempt=(\d+)/.exec(String(req.headers['amz-sdk-request'] ?? ''));
  return m ? Number(m[1]) : undefined;
}

export class EmulatorServer {
  private readonly server: Server;
  private readonly closing = new AbortController();

  constructor(private readonly deps: AdminDeps) {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        if (!res.headersSent && !res.destroyed)
          send(res, errorReply('ec2', 500, 'InternalError', String(err), randomUUID()), randomUUID());
      });
    });
  }

  listen(port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => resolve((this.server.address() as AddressInfo).port));
    });
  }

  async close(): Promise<void> {
    this.closing.abort();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const bytes = await readBody(req);
    const body = bytes.toString('utf8');
    if (url.pathname.startsWith('/_sandbox/') || url.pathname === '/_sandbox') {
      // Bound to 127.0.0.1 already; refuse anything else anyway in case a proxy forwards to us.
      const reply = LOOPBACK.has(req.socket.remoteAddress ?? '')
        ? await handleAdmin(req.method ?? 'GET', url.pathname, body, this.deps)
        : { status: 403, body: { error: 'admin API is loopback-only' } };
      const text = JSON.stringify(reply.body, null, 1);
      res.writeHead(reply.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      res.end(text);
      return;
    }
    const at = Date.now();
    const requestId = randomUUID();
    const raw = {
      method: req.method ?? 'GET',
      path: url.pathname,
      search: url.search.slice(1),
      headers: req.headers,
      body,
      bytes,
    };
    const routed = route(raw);
    const region = requestRegion(req.headers);
    const invocationId = req.headers['amz-sdk-invocation-id'];
    const attempt = attemptOf(req);
    const record = (status: number, errorCode?: string, fault?: string) =>
      this.deps.calls.add({
        service: routed.service,
        operation: routed.operation,
        status,
        at,
        ...(region === undefined ? {} : { region }),
        ...(errorCode === undefined ? {} : { errorCode }),
        ...(typeof invocationId === 'string' ? { invocationId } : {}),
        ...(attempt === undefined ? {} : { attempt }),
        ...(fault === undefined ? {} : { fault }),
      });
    const plan = this.deps.faults.take(routed.service, routed.operation);
    if (plan.delayBeforeMs > 0 && !(await pauseUnlessClosed(plan.delayBeforeMs, this.closing.signal))) return;
    if (plan.before) {
      this.inflict(plan.before, routed, requestId, res, record);
      return;
    }
    const denied = this.deps.store.read((d) => authorizeRequest(raw, routed, d, Date.now()));
    const reply = denied ? failureReply(routed.protocol, denied, requestId) : this.execute(routed, region, requestId);
    if (plan.delayAfterMs > 0 && !(await pauseUnlessClosed(plan.delayAfterMs, this.closing.signal))) return;
    if (plan.after) {
      this.inflict(plan.after, routed, requestId, res, record);
      return;
    }
    record(
      reply.status,
      reply.status >= 400 ? this.codeOf(reply) : undefined,
      plan.delayBeforeMs + plan.delayAfterMs > 0 ? 'latency' : undefined,
    );
    send(res, reply, requestId);
  }

  private execute(routed: Routed, region: string | undefined, requestId: string): Reply {
    const run = (d: EmulatorData) => routed.execute(regionView(d, region, routed.mutates), this.deps.config, requestId);
    try {
      return routed.mutates ? this.deps.store.mutate(run) : this.deps.store.read(run);
    } catch (err) {
      return failureReply(routed.protocol, err, requestId);
    }
  }

  private codeOf(reply: Reply): string | undefined {
    const text = typeof reply.body === 'string' ? reply.body : '';
    return /<Code>([^<]*)<\/Code>/.exec(text)?.[1] ?? /"__type":"([^"]*)"/.exec(text)?.[1];
  }

  private inflict(
    f: FaultSpec,
    routed: Routed,
    requestId: string,
    res: ServerResponse,
    record: (s: number, c?: string, f?: string) => void,
  ): void {
    if (f.kind === 'error') {
      const e = errorShape(f, routed.service);
      record(e.status, e.code, 'error');
      send(res, errorReply(routed.protocol, e.status, e.code, e.message, requestId), requestId);
    } else if (f.kind === 'reset') {
      record(0, undefined, 'reset');
      res.socket?.destroy();
    } else {
      // hang: never answer; close() tears the socket down.
      record(0, undefined, 'hang');
    }
  }
}
