// One place that makes the AWS SDK clients solokube uses, all with the same network discipline:
// a connection timeout, a request timeout that really aborts a hanging call (the handler only
// warns unless throwOnRequestTimeout is set, and older handlers need socketTimeout; see
// shared/reference/aws-wire-notes.md §5.2), standard retries, and a per-call deadline combined
// with the command's own signal so that nothing can hang past either. Each client is made, and its
// SDK package loaded, on its first send (./lazy-sdk.ts): a command that never calls a service never
// loads it.

import type { S3Client } from '@aws-sdk/client-s3';
import { mapAwsError } from './errors.js';
import { lazySdkClient, type SdkClient } from './lazy-sdk.js';

export interface AwsTimeouts {
  /** Time to get a connected socket. */
  connectionMs: number;
  /** Wall-clock limit of one HTTP attempt (retried like any transient failure). */
  requestMs: number;
  /** Limit of one logical call across all its attempts and backoff. */
  callDeadlineMs: number;
}

export const DEFAULT_TIMEOUTS: AwsTimeouts = Object.freeze({
  connectionMs: 5_000,
  requestMs: 20_000,
  callDeadlineMs: 60_000,
});

export interface AwsClientOptions {
  region: string;
  /** A named profile; without it the SDK's own chain (env, AWS_PROFILE, instance role) applies. */
  profile?: string;
  /** An explicit endpoint; AWS_ENDPOINT_URL(_<SERVICE>) is honoured by the SDK itself otherwise. */
  endpoint?: string;
  timeouts?: Partial<AwsTimeouts>;
  /** Attempts per call including the first (default 3, the SDK's standard mode). */
  maxAttempts?: number;
  /** Static credentials for library callers; without them the SDK's default chain applies. */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

/** How one call is identified in errors and logs, e.g. "ec2:AllocateAddress". */
export type CallName = `${'ec2' | 'route53' | 'servicequotas' | 'sts' | 'ecr' | 's3'}:${string}`;

export interface AwsClients {
  readonly region: string;
  /** The endpoint override in effect (option or AWS_ENDPOINT_URL), undefined for AWS itself. */
  readonly endpoint?: string;
  readonly timeouts: AwsTimeouts;
  readonly ec2: SdkClient;
  /**
   * EC2 without SDK retries, for calls that are not idempotent (AllocateAddress, a counted
   * AssignPrivateIpAddresses): a retried transient failure could create a second object. Callers
   * re-read and decide themselves (see resources/create-once.ts).
   */
  readonly ec2Once: SdkClient;
  readonly route53: SdkClient;
  readonly quotas: SdkClient;
  readonly sts: SdkClient;
  /** ECR for the apps' image repositories and registry tokens. */
  readonly ecr: SdkClient;
  /**
   * S3 (kops' state store), made on first use with the class the caller imported, so commands
   * that never touch S3 do not load its SDK; path-style when an endpoint override is in use.
   * Use `s3Of(clients)` from ./s3.js.
   */
  s3Client(ctor: typeof S3Client): S3Client;
  /**
   * Run one SDK call with the per-call deadline and the command's signal; SDK errors come back
   * as typed SolokubeErrors.
   */
  call<T>(name: CallName, signal: AbortSignal, fn: (opts: { abortSignal: AbortSignal }) => Promise<T>): Promise<T>;
  destroy(): void;
}

export function createAwsClients(opts: AwsClientOptions): AwsClients {
  const timeouts: AwsTimeouts = { ...DEFAULT_TIMEOUTS, ...opts.timeouts };
  const requestHandler = {
    connectionTimeout: timeouts.connectionMs,
    requestTimeout: timeouts.requestMs,
    throwOnRequestTimeout: true,
    // Inactivity limit as well: handlers before 4.4 treat requestTimeout this way only.
    socketTimeout: timeouts.requestMs,
  };
  const common = {
    region: opts.region,
    ...(opts.profile ? { profile: opts.profile } : {}),
    ...(opts.endpoint ? { endpoint: opts.endpoint } : {}),
    ...(opts.credentials ? { credentials: opts.credentials } : {}),
    maxAttempts: opts.maxAttempts ?? 3,
    retryMode: 'standard',
    requestHandler,
  };
  const ec2 = lazySdkClient(async () => new (await import('@aws-sdk/client-ec2')).EC2Client(common));
  const ec2Once = lazySdkClient(
    async () => new (await import('@aws-sdk/client-ec2')).EC2Client({ ...common, maxAttempts: 1 }),
  );
  const route53 = lazySdkClient(async () => new (await import('@aws-sdk/client-route-53')).Route53Client(common));
  const quotas = lazySdkClient(
    async () => new (await import('@aws-sdk/client-service-quotas')).ServiceQuotasClient(common),
  );
  const sts = lazySdkClient(async () => new (await import('@aws-sdk/client-sts')).STSClient(common));
  const ecr = lazySdkClient(async () => new (await import('@aws-sdk/client-ecr')).ECRClient(common));
  const endpoint = opts.endpoint ?? process.env.AWS_ENDPOINT_URL_EC2 ?? process.env.AWS_ENDPOINT_URL;
  const overridden =
    opts.endpoint !== undefined ||
    process.env.AWS_ENDPOINT_URL !== undefined ||
    process.env.AWS_ENDPOINT_URL_S3 !== undefined;
  let s3: S3Client | undefined;
  return {
    region: opts.region,
    ...(endpoint ? { endpoint } : {}),
    timeouts,
    ec2,
    ec2Once,
    route53,
    quotas,
    sts,
    ecr,
    s3Client: (ctor) => (s3 ??= new ctor({ ...common, forcePathStyle: overridden })),
    async call<T>(
      name: CallName,
      signal: AbortSignal,
      fn: (o: { abortSignal: AbortSignal }) => Promise<T>,
    ): Promise<T> {
      const deadline = AbortSignal.timeout(timeouts.callDeadlineMs);
      const abortSignal = AbortSignal.any([signal, deadline]);
      try {
        return await fn({ abortSignal });
      } catch (err) {
        throw mapAwsError(err, {
          call: name,
          region: opts.region,
          commandSignal: signal,
          deadlineSignal: deadline,
          deadlineMs: timeouts.callDeadlineMs,
        });
      }
    },
    destroy() {
      for (const c of [ec2, ec2Once, route53, quotas, sts, ecr, s3]) c?.destroy();
    },
  };
}
