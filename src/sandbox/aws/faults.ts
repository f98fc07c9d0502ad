// Fault injection. Faults are counted per HTTP request (retries included), so "throttle twice, then
// succeed" is one fault with times: 2. Every matching latency fault adds its delay; at most one
// error/hang/reset fault (the first added that matches) takes effect per request.
import { z } from 'zod';

/** 'registry' = the ECR registry port (operations: Ping, BlobHead, UploadStart, UploadPatch, UploadPut, ManifestPut, ManifestGet, ...). */
export type FaultService = 'ec2' | 'route53' | 'servicequotas' | 'sts' | 'ecr' | 'registry' | 's3';

export interface FaultSpec {
  service?: FaultService;
  /** e.g. 'AllocateAddress'; omitted = any operation. */
  operation?: string;
  /** How many matching requests it hits; default 1; Infinity allowed (JSON: "Infinity" or null). */
  times?: number;
  /** 'before' (default) replaces the operation; 'after' performs it, commits state, then fails the response. */
  phase?: 'before' | 'after';
  kind: 'error' | 'latency' | 'hang' | 'reset';
  /** error: HTTP status (default from the code, else 500). */
  status?: number;
  /** error: AWS error code (default from the status, e.g. InternalError / ServiceUnavailable). */
  code?: string;
  message?: string;
  /** latency: delay in ms before answering. */
  ms?: number;
}

export const faultSpecSchema = z
  .object({
    service: z.enum(['ec2', 'route53', 'servicequotas', 'sts', 'ecr', 'registry', 's3']).optional(),
    operation: z.string().min(1).optional(),
    times: z.union([z.number().int().positive(), z.literal('Infinity'), z.null()]).optional(),
    phase: z.enum(['before', 'after']).optional(),
    kind: z.enum(['error', 'latency', 'hang', 'reset']),
    status: z.number().int().min(400).max(599).optional(),
    code: z.string().min(1).optional(),
    message: z.string().optional(),
    ms: z.number().nonnegative().optional(),
  })
  .strict();

export interface ActiveFault {
  spec: FaultSpec;
  remaining: number;
}

/** What the faults matching one request ask for. */
export interface FaultPlan {
  delayBeforeMs: number;
  delayAfterMs: number;
  before?: FaultSpec;
  after?: FaultSpec;
}

const STATUS_BY_CODE: Record<string, number> = {
  InternalError: 500,
  InternalFailure: 500,
  ServiceException: 500,
  ServiceUnavailable: 503,
  Unavailable: 503,
  RequestLimitExceeded: 503,
  TooManyRequestsException: 429,
  SlowDown: 503,
  Throttling: 400,
};

/** Fills in an error fault's status and code from each other. */
export function errorShape(spec: FaultSpec, service: string): { status: number; code: string; message: string } {
  const status = spec.status ?? (spec.code !== undefined ? (STATUS_BY_CODE[spec.code] ?? 400) : 500);
  let code = spec.code;
  if (code === undefined) {
    if (service === 'ecr')
      code = status >= 500 ? 'ServerException' : status === 429 ? 'ThrottlingException' : 'InjectedFault';
    else if (status === 503) code = service === 'servicequotas' ? 'ServiceException' : 'ServiceUnavailable';
    else if (status >= 500) code = service === 'servicequotas' ? 'ServiceException' : 'InternalError';
    else if (status === 429) code = service === 'servicequotas' ? 'TooManyRequestsException' : 'Throttling';
    else code = 'InjectedFault';
  }
  return { status, code, message: spec.message ?? `Injected fault: ${code}` };
}

export class FaultBook {
  private faults: ActiveFault[] = [];

  /** Validates (throws a ZodError on a bad spec) and arms a fault. */
  add(spec: unknown): void {
    // zod numbers refuse Infinity, and JSON cannot carry it: "Infinity" and null stand in for it.
    const raw = spec as { times?: unknown } | null;
    const infinite = raw?.times === Infinity || raw?.times === 'Infinity' || raw?.times === null;
    const parsed = faultSpecSchema.parse(infinite ? { ...raw, times: undefined } : spec);
    const clean: FaultSpec = {
      ...parsed,
      times: infinite ? Infinity : typeof parsed.times === 'number' ? parsed.times : 1,
    };
    this.faults.push({ spec: clean, remaining: clean.times! });
  }

  clear(): void {
    this.faults = [];
  }

  list(): ActiveFault[] {
    return this.faults.map((f) => ({ spec: { ...f.spec }, remaining: f.remaining }));
  }

  /** Consumes the faults that match one request and says what to do. */
  take(service: string, operation: string): FaultPlan {
    const plan: FaultPlan = { delayBeforeMs: 0, delayAfterMs: 0 };
    for (const f of this.faults) {
      const s = f.spec;
      if (
        f.remaining <= 0 ||
        (s.service !== undefined && s.service !== service) ||
        (s.operation !== undefined && s.operation !== operation)
      )
        continue;
      const after = s.phase === 'after';
      if (s.kind === 'latency') {
        f.remaining -= 1;
        if (after) plan.delayAfterMs += s.ms ?? 0;
        else plan.delayBeforeMs += s.ms ?? 0;
      } else if (plan.before === undefined && plan.after === undefined) {
        f.remaining -= 1;
        if (after) plan.after = s;
        else plan.before = s;
      }
    }
    this.faults = this.faults.filter((f) => f.remaining > 0);
    return plan;
  }
}
