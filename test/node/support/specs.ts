// Node specs used across the node tests, on test addresses from 198.18.0.0/15.
import { parseNodeSpec } from '../../../src/node/spec.js';
import type { NodeSpec, NodeSpecInput } from '../../../src/node/spec.js';

export const BASE_INPUT: NodeSpecInput = {
  clusterName: 'c1.example.com',
  apiServerNames: ['api.c1.example.com', 'api.internal.c1.example.com'],
  primaryIp: '198.18.0.10',
  secondaryIp: '198.18.0.20',
  prefixLength: 24,
  interface: 'eth0',
  proxy: 'haproxy',
};

export function spec(overrides: Partial<NodeSpecInput> = {}): NodeSpec {
  return parseNodeSpec({ ...BASE_INPUT, ...overrides });
}
