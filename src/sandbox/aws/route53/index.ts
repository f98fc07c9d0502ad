// Route 53 REST routing: method + path (with or without an endpoint path prefix or trailing slash).
import type { Routed } from '../dispatch.js';
import { AwsError } from '../errors.js';

export function routeRoute53(method: string, path: string, query: URLSearchParams, body: string): Routed {
  void query; void body;
  return {
    service: 'route53', operation: `${method} ${path}`, protocol: 'restXml', mutates: false,
    execute: () => { throw new AwsError('InvalidAction', 'not implemented yet', 404); },
  };
}
