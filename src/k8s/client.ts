// One HTTPS client for the Kubernetes API. Credentials and TLS material come from
// @kubernetes/client-node's KubeConfig; the requests themselves are plain JSON over node:https
// because solokube needs what the generated clients do not give per call: a hard deadline on every
// request (a hung API must fail, not wait forever), bodies sent exactly as written (the generic
// object API re-serialises through typed models, which drops fields its models do not know — wrong
// for server-side apply), a count of requests (the benchmark's measure), and errors that say
// which of unreachable / untrusted server / rejected credentials / forbidden / not found happened.

import { readFileSync } from 'node:fs';
import { Agent, request as httpsRequest } from 'node:https';
import type { RequestOptions } from 'node:https';
import type { IncomingMessage } from 'node:http';
import type { KubeConfig } from '@kubernetes/client-node';
import {
  KubeApiError,
  KubeCredentialsError,
  KubeForbiddenError,
  KubeNotFoundError,
  KubeServerCertificateError,
  KubeTimeoutError,
  KubeUnreachableError,
} from './errors.js';
import type { KubeErrorDetails } from './errors.js';
import { loadKubeconfig } from './kubeconfig.js';
import type { KubeStatus } from './types.js';
import { TLS_TRUST_CODES } from '../core/tls-codes.js';

export const DEFAULT_REQUEST_TIMEOUT_MS = 15_000;

const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'ECONNABORTED',
]);

export interface RequestSpec {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  contentType?: string;
  signal?: AbortSignal;
  timeoutMs?: number;
}

export interface KubeClientOptions {
  /** Deadline of each request, connection included (default 15 s). */
  requestTimeoutMs?: number;
  /** Keep a log of the requests sent (requestLog). */
  logRequests?: boolean;
}

export class KubeClient {
  readonly server: string;
  /** Requests sent so far (each watch counts once); what the benchmark reports. */
  requests = 0;
  /** "METHOD path" of every request, when requested in the options (benchmarks, tests). */
  readonly requestLog: string[] | undefined;
  private readonly kc: KubeConfig;
  private readonly timeoutMs: number;
  private agent: Agent | undefined;

  constructor(kc: KubeConfig, opts: KubeClientOptions = {}) {
    this.kc = kc;
    this.server = (kc.getCurrentCluster()?.server ?? '').replace(/\/+$/, '');
    this.timeoutMs = opts.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    this.requestLog = opts.logRequests ? [] : undefined;
  }

  static fromKubeconfig(
    path: string,
    opts: KubeClientOptions & { context?: string; clusterName?: string } = {},
  ): KubeClient {
    return new KubeClient(loadKubeconfig(path, opts).kc, opts);
  }

  /** Send one request; parsed JSON on 2xx, a typed error otherwise. */
  async request<T>(spec: RequestSpec): Promise<T> {
    const res = await this.send(spec);
    const text = res.body.toString('utf8');
    const parsed = text.length > 0 ? safeJson(text) : undefined;
    if (res.status >= 200 && res.status < 300) return parsed as T;
    throw this.statusError(spec, res.status, parsed, text);
  }

  /** GET that answers undefined for 404 instead of throwing. */
  async getOrUndefined<T>(path: string, signal?: AbortSignal): Promise<T | undefined> {
    try {
      return await this.request<T>({ method: 'GET', path, ...(signal ? { signal } : {}) });
    } catch (err) {
      if (err instanceof KubeNotFoundError) return undefined;
      throw err;
    }
  }

  /**
   * Open a watch and hand each event to onEvent until the server ends the stream, onEvent returns
   * true (done), or the signal aborts. Connecting is bounded by the request deadline; the stream
   * itself is bounded by the caller's signal.
   */
  async watch(
    path: string,
    query: RequestSpec['query'],
    onEvent: (ev: { type: string; object: unknown }) => boolean | void,
    signal: AbortSignal,
  ): Promise<'done' | 'closed'> {
    const req = await this.open({ method: 'GET', path, query: { ...query, watch: true }, signal }, true);
    const { res, cleanup } = req;
    try {
      if ((res.statusCode ?? 0) >= 300) {
        const body = await readAll(res);
        throw this.statusError(
          { method: 'GET', path },
          res.statusCode ?? 0,
          safeJson(body.toString()),
          body.toString(),
        );
      }
      return await new Promise<'done' | 'closed'>((resolve, reject) => {
        let partial = '';
        const onAbort = (): void => {
          res.destroy();
          reject(signal.reason);
        };
        signal.addEventListener('abort', onAbort, { once: true });
        res.on('data', (chunk: Buffer) => {
          const lines = (partial + chunk.toString('utf8')).split('\n');
          partial = lines.pop() ?? '';
          for (const line of lines) {
            if (line.trim().length === 0) continue;
            const ev = safeJson(line) as { type: string; object: unknown } | undefined;
            if (ev && onEvent(ev) === true) {
              signal.removeEventListener('abort', onAbort);
              res.destroy();
              resolve('done');
              return;
            }
          }
        });
        res.on('end', () => {
          signal.removeEventListener('abort', onAbort);
          resolve('closed');
        });
        res.on('error', (err) => {
          signal.removeEventListener('abort', onAbort);
          if (signal.aborted) reject(signal.reason);
          else reject(this.transportError({ method: 'GET', path }, err));
        });
      });
    } finally {
      cleanup();
    }
  }

  /** The CA (PEM) the kubeconfig names for this cluster, or undefined when it names none (system trust). */
  clusterCaPem(): string | undefined {
    const cluster = this.kc.getCurrentCluster();
    if (cluster?.caData) return Buffer.from(cluster.caData, 'base64').toString('utf8');
    if (cluster?.caFile) return readFileSync(cluster.caFile, 'utf8');
    return undefined;
  }

  close(): void {
    this.agent?.destroy();
    this.agent = undefined;
  }

  private async send(spec: RequestSpec): Promise<{ status: number; body: Buffer }> {
    const { res, cleanup, timedOut } = await this.open(spec, false);
    try {
      return { status: res.statusCode ?? 0, body: await readAll(res) };
    } catch (err) {
      throw timedOut() ?? this.transportError(spec, err);
    } finally {
      cleanup();
    }
  }

  /**
   * Connect and send; resolves with the response head. Until the whole body is read (or, for a
   * watch, until the head arrives) one deadline covers connect, TLS, request and response.
   */
  private async open(
    spec: RequestSpec,
    streaming: boolean,
  ): Promise<{ res: IncomingMessage; cleanup: () => void; timedOut: () => KubeTimeoutError | undefined }> {
    const timeoutMs = spec.timeoutMs ?? this.timeoutMs;
    const options = await this.requestOptions(spec);
    this.requests += 1;
    this.requestLog?.push(
      `${spec.method} ${spec.path}${spec.query?.dryRun ? ' (dry run)' : ''}${spec.query?.watch ? ' (watch)' : ''}`,
    );
    const url = new URL(this.server + spec.path);
    for (const [k, v] of Object.entries(spec.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const body =
      spec.body === undefined
        ? undefined
        : Buffer.from(typeof spec.body === 'string' ? spec.body : JSON.stringify(spec.body));
    if (body) (options.headers as Record<string, string>)['Content-Length'] = String(body.length);
    return new Promise((resolve, reject) => {
      const req = httpsRequest(url, options);
      let settled = false;
      let timeoutError: KubeTimeoutError | undefined;
      const timedOut = (): KubeTimeoutError | undefined => timeoutError;
      const timer = setTimeout(() => {
        timeoutError = new KubeTimeoutError(this.server, `${spec.method} ${spec.path}`, timeoutMs, {
          method: spec.method,
          path: spec.path,
        });
        req.destroy(timeoutError);
      }, timeoutMs);
      const onAbort = (): void => {
        req.destroy(spec.signal?.reason instanceof Error ? spec.signal.reason : new Error('aborted'));
      };
      spec.signal?.addEventListener('abort', onAbort, { once: true });
      const cleanup = (): void => {
        clearTimeout(timer);
        spec.signal?.removeEventListener('abort', onAbort);
      };
      if (spec.signal?.aborted) onAbort();
      req.on('response', (res) => {
        settled = true;
        if (streaming) clearTimeout(timer);
        // A body that stops half-way is still bounded by the timer (destroying req ends res).
        res.on('error', () => undefined);
        resolve({ res, cleanup, timedOut });
      });
      req.on('error', (err) => {
        cleanup();
        if (!settled) reject(timeoutError ?? this.transportError(spec, err));
      });
      req.end(body);
    });
  }

  private async requestOptions(spec: RequestSpec): Promise<RequestOptions> {
    // Headers (tokens from exec plugins can expire) are re-read for every request; the TLS
    // material is fixed, so one keep-alive agent serves every request.
    const fromKc: RequestOptions = {};
    await this.kc.applyToHTTPSOptions(fromKc);
    this.agent ??= new Agent({
      keepAlive: true,
      ...(fromKc.ca ? { ca: fromKc.ca } : {}),
      ...(fromKc.cert ? { cert: fromKc.cert } : {}),
      ...(fromKc.key ? { key: fromKc.key } : {}),
      ...(fromKc.servername ? { servername: fromKc.servername } : {}),
    });
    const headers: Record<string, string> = { Accept: 'application/json' };
    for (const [k, v] of Object.entries(fromKc.headers ?? {})) if (v !== undefined) headers[k] = String(v);
    if (spec.contentType) headers['Content-Type'] = spec.contentType;
    else if (spec.body !== undefined) headers['Content-Type'] = 'application/json';
    return { method: spec.method, agent: this.agent, headers, ...(fromKc.auth ? { auth: fromKc.auth } : {}) };
  }

  private transportError(spec: Pick<RequestSpec, 'method' | 'path'>, err: unknown): Error {
    if (err instanceof KubeTimeoutError) return err;
    const e = err as NodeJS.ErrnoException;
    const details: KubeErrorDetails = {
      method: spec.method,
      path: spec.path,
      ...(e.code ? { errorCode: e.code } : {}),
    };
    if (e.code && TLS_TRUST_CODES.has(e.code)) {
      const why =
        e.code === 'ERR_TLS_CERT_ALTNAME_INVALID'
          ? `it is not valid for this address (${e.message})`
          : `${e.message} (${e.code}); it is not signed by the certificate authority in the kubeconfig`;
      return new KubeServerCertificateError(this.server, why, details, err);
    }
    if (e.code && UNREACHABLE_CODES.has(e.code))
      return new KubeUnreachableError(this.server, `${e.code} (${e.message})`, details, err);
    if (e.message === 'socket hang up')
      return new KubeUnreachableError(this.server, 'the connection was closed before an answer', details, err);
    return err instanceof Error ? err : new Error(String(err));
  }

  private statusError(
    spec: Pick<RequestSpec, 'method' | 'path'>,
    status: number,
    parsed: unknown,
    text: string,
  ): Error {
    const st = (parsed && typeof parsed === 'object' ? parsed : {}) as KubeStatus;
    const message = st.message ?? (text.trim().slice(0, 300) || `HTTP ${status}`);
    const details: KubeErrorDetails = {
      method: spec.method,
      path: spec.path,
      httpStatus: status,
      ...(st.reason ? { reason: st.reason } : {}),
      ...(st.details ? { status: st.details } : {}),
    };
    if (status === 401) return new KubeCredentialsError(this.server, `${message} (HTTP 401)`, details);
    if (status === 403) return new KubeForbiddenError(this.server, message, details);
    if (status === 404) return new KubeNotFoundError(this.server, message, details);
    // 503 is the API server going away ("apiserver is shutting down") or not serving yet: for the
    // caller the same as a refused connection.
    if (status === 503) return new KubeUnreachableError(this.server, `HTTP 503: ${message}`, details);
    return new KubeApiError(this.server, status, message, details);
  }
}

function readAll(res: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => resolve(Buffer.concat(chunks)));
    res.on('error', reject);
    res.on('close', () => {
      if (!res.complete) reject(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
    });
  });
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
