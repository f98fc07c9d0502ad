// Shared setup for the emulator tests: a fresh emulator seeded like a kops cluster, and fresh real
// SDK clients pointed at it (fresh per test, because each client's retry token bucket drains under
// injected faults, note §5.1). Everything is torn down through the test's `after` hook.
import type { TestContext } from 'node:test';
import { EC2Client } from '@aws-sdk/client-ec2';
import { Route53Client } from '@aws-sdk/client-route-53';
import { ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import { STSClient } from '@aws-sdk/client-sts';
import { ConfiguredRetryStrategy } from '@smithy/util-retry';
import {
  kopsClusterSeed,
  startAwsEmulator,
  type AwsEmulator,
  type EmulatorOptions,
} from '../../../src/sandbox/aws/index.js';

export const CLUSTER = 'dev.example.com';
export const ZONE = 'example.com';

export interface ClientOptions {
  maxAttempts?: number;
  requestTimeoutMs?: number;
}

export interface Harness {
  emu: AwsEmulator;
  ec2: EC2Client;
  r53: Route53Client;
  quotas: ServiceQuotasClient;
  sts: STSClient;
  instanceId: string;
  eniId: string;
}

export function clientConfig(endpoint: string, o: ClientOptions = {}) {
  const attempts = o.maxAttempts ?? 1;
  return {
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDSANDBOX', secretAccessKey: 'sandbox-secret' },
    maxAttempts: attempts,
    // Short, fixed backoff keeps retry tests quick without depending on the SDK's jitter.
    retryStrategy: new ConfiguredRetryStrategy(attempts, () => 10),
    requestHandler: {
      connectionTimeout: 1000,
      requestTimeout: o.requestTimeoutMs ?? 5000,
      throwOnRequestTimeout: true,
      socketTimeout: o.requestTimeoutMs ?? 5000,
    },
  };
}

export async function harness(
  t: TestContext,
  opts: EmulatorOptions = {},
  clients: ClientOptions = {},
): Promise<Harness> {
  const emu = await startAwsEmulator({ publicIpPool: '198.19.1.0/24', ...opts });
  if (opts.stateFile === undefined)
    emu.seed(kopsClusterSeed({ clusterName: CLUSTER, dnsZone: ZONE, publicIp: '198.19.1.10' }));
  const cfg = clientConfig(emu.endpoint, clients);
  const h: Harness = {
    emu,
    ec2: new EC2Client(cfg),
    r53: new Route53Client(cfg),
    quotas: new ServiceQuotasClient(cfg),
    sts: new STSClient(cfg),
    instanceId: Object.keys(emu.state().instances)[0] ?? '',
    eniId: Object.keys(emu.state().networkInterfaces)[0] ?? '',
  };
  t.after(async () => {
    h.ec2.destroy();
    h.r53.destroy();
    h.quotas.destroy();
    h.sts.destroy();
    await emu.close();
  });
  return h;
}

/** Runs a promise that must reject, and returns the error for assertions. */
export async function rejection(
  p: Promise<unknown>,
): Promise<Error & { name: string; $metadata?: { httpStatusCode?: number; attempts?: number } }> {
  try {
    await p;
  } catch (err) {
    return err as Error & { name: string };
  }
  throw new Error('expected the call to fail, but it succeeded');
}
