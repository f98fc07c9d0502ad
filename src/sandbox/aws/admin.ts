// The admin API under /_sandbox/ (documented in README.md). JSON in, JSON out.
import type { CallLog } from './calls.js';
import type { EmulatorConfig } from './config.js';
import type { FaultBook } from './faults.js';
import { removeKopsCluster } from './remove-cluster.js';
import { applySeed } from './seed.js';
import { seedSchema } from './seed-schema.js';
import type { EmulatorStore } from './store.js';

export interface AdminDeps { store: EmulatorStore; faults: FaultBook; calls: CallLog; config: EmulatorConfig; endpoint: () => string }

export interface AdminReply { status: number; body: unknown }

function parseJson(body: string): unknown {
  return body.trim() === '' ? {} : JSON.parse(body);
}

function problem(status: number, err: unknown): AdminReply {
  return { status, body: { error: err instanceof Error ? err.message : String(err) } };
}

export function handleAdmin(method: string, path: string, body: string, deps: AdminDeps): AdminReply {
  const route = `${method} ${path.replace(/\/+$/, '')}`;
  try {
    switch (route) {
      case 'GET /_sandbox/health':
        return { status: 200, body: { ok: true, endpoint: deps.endpoint() } };
      case 'GET /_sandbox/state':
        return { status: 200, body: deps.store.view() };
      case 'POST /_sandbox/seed': {
        const seed = seedSchema.parse(parseJson(body));
        deps.store.mutate((d) => applySeed(d, seed, deps.config));
        return { status: 200, body: { ok: true } };
      }
      case 'POST /_sandbox/remove-kops-cluster': {
        const { cluster } = parseJson(body) as { cluster?: unknown };
        if (typeof cluster !== 'string' || cluster === '') return problem(400, new Error('body must be {"cluster": "<name>"}'));
        try {
          return { status: 200, body: deps.store.mutate((d) => removeKopsCluster(d, cluster)) };
        } catch (err) {
          return problem(409, err);
        }
      }
      case 'GET /_sandbox/faults':
        return { status: 200, body: deps.faults.list().map((f) => ({ ...f.spec, remaining: Number.isFinite(f.remaining) ? f.remaining : 'Infinity' })) };
      case 'POST /_sandbox/faults':
        deps.faults.add(parseJson(body));
        return { status: 200, body: { ok: true } };
      case 'DELETE /_sandbox/faults':
        deps.faults.clear();
        return { status: 200, body: { ok: true } };
      case 'GET /_sandbox/calls':
        return { status: 200, body: deps.calls.list() };
      case 'DELETE /_sandbox/calls':
        deps.calls.clear();
        return { status: 200, body: { ok: true } };
      default:
        return { status: 404, body: { error: `no admin route ${route}` } };
    }
  } catch (err) {
    return problem(400, err);
  }
}
