// Works out which service and operation a request is for (note §1.7: Route 53 by path, JSON
// services by X-Amz-Target, query services by the body's Version, the SigV4 scope as a fallback),
// and binds it to the handler that will run it.
import type { IncomingHttpHeaders } from 'node:http';
import type { EmulatorConfig } from './config.js';
import { errorReply, jsonReply, xmlReply, type Protocol, type Reply } from './envelopes.js';
import { ECR_TARGET, ecrOperationMutates, handleEcr } from './ecr/api.js';
import { AwsError } from './errors.js';
import { ec2Operation, handleEc2 } from './ec2/index.js';
import type { EmulatorData } from './model.js';
import { QueryParams } from './query.js';
import { handleQuotas } from './quotas.js';
import { routeRoute53 } from './route53/index.js';
import { routeS3 } from './s3/index.js';
import { handleSts } from './sts.js';

export type ServiceName = 'ec2' | 'route53' | 'servicequotas' | 'sts' | 'ecr' | 's3' | 'unknown';

export interface RawRequest {
  method: string;
  path: string;
  search: string;
  headers: IncomingHttpHeaders;
  /** The body as UTF-8 text (query, JSON and XML protocols). */
  body: string;
  /** The body as sent (S3 objects are bytes). */
  bytes?: Buffer;
}

export interface Routed {
  service: ServiceName;
  operation: string;
  protocol: Protocol;
  /** Mutating operations run against a copy of the state that is committed only on success. */
  mutates: boolean;
  execute(data: EmulatorData, config: EmulatorConfig, requestId: string): Reply;
}

const QUOTAS_TARGET = 'ServiceQuotasV20190624.';

function header(h: IncomingHttpHeaders, name: string): string | undefined {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
}

function scopeService(h: IncomingHttpHeaders): string | undefined {
  return /Credential=[^/]+\/\d{8}\/[^/]+\/([^/]+)\/aws4_request/.exec(header(h, 'authorization') ?? '')?.[1];
}

function unknownRequest(protocol: Protocol, message: string): Routed {
  return {
    service: 'unknown',
    operation: 'Unknown',
    protocol,
    mutates: false,
    execute: () => {
      throw new AwsError('InvalidAction', message);
    },
  };
}

function routeQuery(service: 'ec2' | 'sts', q: QueryParams): Routed {
  const action = q.get('Action') ?? '';
  if (service === 'sts') {
    return {
      service,
      operation: action,
      protocol: 'query',
      mutates: false,
      execute: (d, _c, id) => xmlReply(handleSts(d, action, id)),
    };
  }
  return {
    service,
    operation: action,
    protocol: 'ec2',
    mutates: ec2Operation(action)?.mutates ?? false,
    execute: (data, config, id) => xmlReply(handleEc2(action, { data, q, config }, id)),
  };
}

function parseJsonBody(body: string): unknown {
  try {
    return body === '' ? {} : JSON.parse(body);
  } catch {
    throw new AwsError('SerializationException', 'The request body is not valid JSON.');
  }
}

function jsonObject(value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new AwsError('SerializationException', 'The request body is not a JSON object.');
  return value as Record<string, unknown>;
}

export function route(req: RawRequest): Routed {
  const target = header(req.headers, 'x-amz-target');
  const scope = scopeService(req.headers);
  // S3 first: its object keys are free text and could look like any other service's path.
  if (scope === 's3') return routeS3(req);
  if (req.path.includes('/2013-04-01/') || (scope === 'route53' && target === undefined)) {
    return routeRoute53(req.method, req.path, new URLSearchParams(req.search), req.body);
  }
  if (target?.startsWith(ECR_TARGET)) {
    const operation = target.slice(ECR_TARGET.length);
    return {
      service: 'ecr',
      operation,
      protocol: 'json',
      mutates: ecrOperationMutates(operation),
      execute: (d, config) => jsonReply(handleEcr(d, operation, jsonObject(parseJsonBody(req.body)), config.ecr)),
    };
  }
  if (target !== undefined) {
    if (!target.startsWith(QUOTAS_TARGET)) return unknownRequest('json', `Unsupported target ${target}`);
    const operation = target.slice(QUOTAS_TARGET.length);
    return {
      service: 'servicequotas',
      operation,
      protocol: 'json',
      mutates: false,
      execute: (d) => jsonReply(handleQuotas(d, operation, parseJsonBody(req.body))),
    };
  }
  const q = QueryParams.parse(req.search, req.body);
  const version = q.get('Version');
  if (version === '2016-11-15' || (version === undefined && scope === 'ec2')) return routeQuery('ec2', q);
  if (version === '2011-06-15' || (version === undefined && scope === 'sts')) return routeQuery('sts', q);
  return unknownRequest(
    'ec2',
    'The request names no service this emulator serves (EC2, STS, Route 53, Service Quotas, ECR).',
  );
}

/** Renders a handler failure in the request's protocol; anything that is not an AwsError is a 500. */
export function failureReply(protocol: Protocol, err: unknown, requestId: string): Reply {
  if (err instanceof AwsError) {
    const reply = errorReply(protocol, err.status, err.code, err.message, requestId);
    return err.headers === undefined ? reply : { ...reply, headers: err.headers };
  }
  const message = err instanceof Error ? err.message : String(err);
  return errorReply(
    protocol,
    500,
    protocol === 'json' ? 'ServiceException' : 'InternalError',
    `Emulator failure: ${message}`,
    requestId,
  );
}
