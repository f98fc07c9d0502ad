// The admin API under /_sandbox/ (documented in README.md). JSON in, JSON out.
import { z } from 'zod';
import type { CallLog } from './calls.js';
import type { EmulatorConfig } from './config.js';
import { applyLifecyclePolicies } from './ecr/api.js';
import type { FaultBook } from './faults.js';
import { putRolePolicy, setInstanceRole } from './iam/roles.js';
import { removeKopsCluster } from './remove-cluster.js';
import { applySeed } from './seed.js';
import { putAutoScalingGroup, replaceInstance } from './autoscaling.js';
import { autoScalingGroupSchema } from './autoscaling-schema.js';
import { seedSchema } from './seed-schema.js';
import type { EmulatorStore } from './store.js';

export interface AdminDeps {
  store: EmulatorStore;
  faults: FaultBook;
  calls: CallLog;
  config: EmulatorConfig;
  endpoint: () => string;
  /** Starts an instance's IMDS listener (POST /_sandbox/imds), for an emulator running as its own process. */
  serveImds?: (instanceId: string, opts: { callerHops?: number }) => Promise<{ endpoint: string; port: number }>;
}

export interface AdminReply {
  status: number;
  body: unknown;
}

const consistencySchema = z
  .object({ lagMs: z.union([z.number().nonnegative(), z.literal('Infinity'), z.null()]) })
  .strict();
const lagJson = (ms: number): number | 'Infinity' => (Number.isFinite(ms) ? ms : 'Infinity');

function parseJson(body: string): unknown {
  return body.trim() === '' ? {} : JSON.parse(body);
}

function problem(status: number, err: unknown): AdminReply {
  return { status, body: { error: err instanceof Error ? err.message : String(err) } };
}

export function handleAdmin(
  method: string,
  path: string,
  body: string,
  deps: AdminDeps,
): AdminReply | Promise<AdminReply> {
  const route = `${method} ${path.replace(/\/+$/, '')}`;
  if (route === 'POST /_sandbox/imds' && deps.serveImds) {
    let input: { instanceId?: unknown; callerHops?: unknown };
    try {
      input = parseJson(body) as typeof input;
    } catch (err) {
      return problem(400, err);
    }
    const hops = typeof input.callerHops === 'number' ? { callerHops: input.callerHops } : {};
    return deps.serveImds(String(input.instanceId ?? ''), hops).then(
      (e) => ({ status: 200, body: { endpoint: e.endpoint, port: e.port } }),
      (err: unknown) => problem(400, err),
    );
  }
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
      case 'POST /_sandbox/iam/role-policy': {
        const { roleName, policy } = parseJson(body) as { roleName: string; policy: unknown };
        deps.store.mutate((d) => putRolePolicy(d, roleName, policy));
        return { status: 200, body: { ok: true } };
      }
      case 'POST /_sandbox/iam/instance-role': {
        const { instanceId, roleName } = parseJson(body) as { instanceId: string; roleName?: string };
        deps.store.mutate((d) => setInstanceRole(d, instanceId, roleName));
        return { status: 200, body: { ok: true } };
      }
      case 'POST /_sandbox/remove-kops-cluster': {
        const { cluster } = parseJson(body) as { cluster?: unknown };
        if (typeof cluster !== 'string' || cluster === '')
          return problem(400, new Error('body must be {"cluster": "<name>"}'));
        try {
          return { status: 200, body: deps.store.mutate((d) => removeKopsCluster(d, cluster)) };
        } catch (err) {
          return problem(409, err);
        }
      }
      case 'POST /_sandbox/autoscaling/group': {
        const spec = autoScalingGroupSchema.parse(parseJson(body));
        try {
          return { status: 200, body: deps.store.mutate((d) => putAutoScalingGroup(d, deps.config, spec)) };
        } catch (err) {
          return problem(400, err);
        }
      }
      case 'POST /_sandbox/autoscaling/replace-instance': {
        const { instanceId } = parseJson(body) as { instanceId?: unknown };
        if (typeof instanceId !== 'string' || instanceId === '')
          return problem(400, new Error('body must be {"instanceId": "i-…"}'));
        try {
          return { status: 200, body: deps.store.mutate((d) => replaceInstance(d, deps.config, instanceId)) };
        } catch (err) {
          return problem(400, err);
        }
      }
      case 'GET /_sandbox/faults':
        return {
          status: 200,
          body: deps.faults
            .list()
            .map((f) => ({ ...f.spec, remaining: Number.isFinite(f.remaining) ? f.remaining : 'Infinity' })),
        };
      case 'POST /_sandbox/faults':
        deps.faults.add(parseJson(body));
        return { status: 200, body: { ok: true } };
      case 'DELETE /_sandbox/faults':
        deps.faults.clear();
        return { status: 200, body: { ok: true } };
      case 'GET /_sandbox/calls':
        return { status: 200, body: deps.calls.list() };
      case 'POST /_sandbox/ecr/lifecycle': {
        // AWS applies lifecycle policies some time after a push; here, when asked.
        const input = parseJson(body) as { repositoryName?: unknown };
        const only = typeof input.repositoryName === 'string' ? input.repositoryName : undefined;
        const results = deps.store.mutate((d) => applyLifecyclePolicies(d, Date.now() / 1000, only));
        return { status: 200, body: { results } };
      }
      case 'POST /_sandbox/ecr/token-ttl': {
        const { seconds } = parseJson(body) as { seconds?: unknown };
        if (typeof seconds !== 'number' || !(seconds > 0))
          return { status: 400, body: { error: 'seconds must be a positive number' } };
        deps.store.mutate((d) => {
          d.ecr.tokenTtlSeconds = seconds;
        });
        return { status: 200, body: { ok: true } };
      }
      case 'GET /_sandbox/consistency':
        return { status: 200, body: { lagMs: lagJson(deps.config.consistency.lagMs) } };
      case 'POST /_sandbox/consistency': {
        const { lagMs } = consistencySchema.parse(parseJson(body));
        deps.config.consistency.setLag(lagMs === 'Infinity' || lagMs === null ? Infinity : lagMs);
        return { status: 200, body: { ok: true, lagMs: lagJson(deps.config.consistency.lagMs) } };
      }
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
