// SDK errors turned into typed SolokubeErrors that say what happened and what to do. The SDK has
// already retried what it retries (throttling, 5xx, timeouts; aws-wire-notes §3.3), so anything
// arriving here is final for this call.

import { NotReadyError, SolokubeError, formatMs } from '../core/errors.js';

export interface CallContext {
  call: string;
  region: string;
  commandSignal: AbortSignal;
  deadlineSignal: AbortSignal;
  deadlineMs: number;
}

const CREDENTIAL_CODES = new Set([
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'AuthFailure',
  'ExpiredToken',
  'ExpiredTokenException',
  'SignatureDoesNotMatch',
  'InvalidAccessKeyId',
  'MissingAuthenticationToken',
]);
const PERMISSION_CODES = new Set(['UnauthorizedOperation', 'AccessDenied', 'AccessDeniedException', 'OptInRequired']);
const THROTTLE_CODES = new Set([
  'RequestLimitExceeded',
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'PriorRequestNotComplete',
  'RequestThrottled',
  'SlowDown',
  'EC2ThrottledException',
]);
/**
 * What EC2 answers while a change made moments ago has not propagated (its eventual consistency):
 * a group just detached still "in use", an association or allocation just made still unknown. The
 * engine retries a NotReadyError until the step's deadline; a resource that treats one of these
 * as "already gone" must check that with a fresh read (awsErrorCode still names the AWS code).
 */
const NOT_YET_CONSISTENT_CODES = new Set([
  'DependencyViolation',
  'InvalidAssociationID.NotFound',
  'InvalidAllocationID.NotFound',
]);
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

interface SdkErrorShape {
  name?: string;
  message?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number; attempts?: number; requestId?: string };
}

/** The AWS error code of an SDK error ("AddressLimitExceeded"), or undefined. */
export function awsErrorCode(err: unknown): string | undefined {
  if (err instanceof SolokubeError) return typeof err.details?.awsCode === 'string' ? err.details.awsCode : undefined;
  const e = err as SdkErrorShape | undefined;
  return e?.name && e.name !== 'Error' ? e.name : undefined;
}

/** "after 1 attempt", "after 3 attempts". */
export function attemptsText(n: number | undefined): string {
  return n === undefined ? 'after several attempts' : `after ${n} attempt${n === 1 ? '' : 's'}`;
}

const ATTEMPTS_RE = /after (\d+|several) attempts?/;

/**
 * The same error, saying how many attempts were really made: a caller that retried on its own
 * (createOnce, over a client without SDK retries) knows the total; the SDK's count is per call.
 */
export function withAttemptCount(err: SolokubeError, attempts: number): SolokubeError {
  const message = ATTEMPTS_RE.test(err.message)
    ? err.message.replace(ATTEMPTS_RE, attemptsText(attempts))
    : `${err.message} (${attemptsText(attempts)})`;
  return new SolokubeError({
    code: err.code,
    message,
    actor: err.actor,
    exitCode: err.exitCode,
    details: { ...err.details, attempts },
    ...(err.remedy ? { remedy: err.remedy } : {}),
    ...(err.cause !== undefined ? { cause: err.cause } : {}),
  });
}

export function mapAwsError(err: unknown, ctx: CallContext): SolokubeError {
  if (err instanceof SolokubeError) return err;
  const e = (err ?? {}) as SdkErrorShape;
  const name = e.name ?? 'Error';
  const status = e.$metadata?.httpStatusCode;
  const attempts = e.$metadata?.attempts;
  const raw = e.message ?? String(err);
  const where = `${ctx.call} (${ctx.region})`;
  const details = {
    awsCode: name,
    call: ctx.call,
    ...(status ? { httpStatus: status } : {}),
    ...(attempts ? { attempts } : {}),
    ...(e.$metadata?.requestId ? { requestId: e.$metadata.requestId } : {}),
  };
  const make = (code: string, message: string, remedy: string, actor: 'user' | 'aws' = 'user') =>
    new SolokubeError({ code, message, remedy, actor, cause: err, details });

  if (name === 'AbortError' || ctx.commandSignal.aborted || ctx.deadlineSignal.aborted) {
    if (ctx.commandSignal.aborted) {
      const reason = ctx.commandSignal.reason;
      const why = reason instanceof Error ? reason.message : 'the command was interrupted';
      return make(
        'aws.aborted',
        `${where} stopped: ${why}`,
        'Rerun when ready; solokube converges from where it stopped. Raise --timeout if the network is slow.',
      );
    }
    return make(
      'aws.deadline',
      `${where} got no answer within ${formatMs(ctx.deadlineMs)} (including retries)`,
      'Check the network path to AWS (proxy, VPN, AWS_ENDPOINT_URL) and https://health.aws.amazon.com; rerunning is safe.',
      'aws',
    );
  }
  if (name === 'TimeoutError' || e.code === 'ETIMEDOUT' || e.code === 'ECONNRESET') {
    return make(
      'aws.timeout',
      `${where} timed out${attempts ? ` ${attemptsText(attempts)}` : ''}: ${raw}`,
      'AWS or the network did not answer in time; check connectivity (proxy, VPN, AWS_ENDPOINT_URL) and rerun; solokube converges from where it stopped.',
      'aws',
    );
  }
  if (e.code && NETWORK_CODES.has(e.code)) {
    return make(
      'aws.unreachable',
      `${where} could not reach the AWS endpoint (${e.code}): ${raw}`,
      'Check network access, DNS and any AWS_ENDPOINT_URL setting.',
    );
  }
  if (name === 'CredentialsProviderError' || CREDENTIAL_CODES.has(name)) {
    return make(
      'aws.credentials',
      `${where}: AWS did not accept the credentials (${name}): ${raw}`,
      'Configure credentials: `aws configure` or `aws sso login`, pass --profile, or set AWS_PROFILE / AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.',
    );
  }
  if (PERMISSION_CODES.has(name)) {
    return make(
      'aws.permission',
      `${where}: the credentials are not allowed to do this (${name}): ${raw}`,
      `Grant the IAM permission ${ctx.call} to the identity shown by \`solokube doctor\`, or use a profile that has it.`,
    );
  }
  if (THROTTLE_CODES.has(name) || status === 429) {
    return make(
      'aws.throttled',
      `${where} was throttled by AWS and still failed ${attemptsText(attempts)} (${name})`,
      'Wait a minute and rerun; other tools using the same account may be exhausting the API rate.',
      'aws',
    );
  }
  if (name === 'AddressLimitExceeded') {
    return make(
      'aws.eip-quota',
      `${where}: the Elastic IP quota of ${ctx.region} is used up`,
      'Release an idle Elastic IP, request a quota increase for L-0263D0A3 (Service Quotas → ' +
        'Amazon EC2 → EC2-VPC Elastic IPs), or run without --secondary-ip (--no-secondary-ip).',
    );
  }
  if (name === 'Resource.AlreadyAssociated') {
    return make(
      'aws.already-associated',
      `${where}: ${raw}`,
      'The Elastic IP or the private IP is already in use elsewhere; solokube never moves it ' +
        'silently. Disassociate it yourself, or name another address with --allocation-id.',
    );
  }
  if (name === 'PrivateIpAddressLimitExceeded') {
    return make(
      'aws.private-ip-limit',
      `${where}: the network interface already holds as many private IPs as its instance type allows`,
      'Unassign an unused secondary private IP from the control-plane interface, or use a larger instance type.',
    );
  }
  if (name === 'SecurityGroupsPerInterfaceLimitExceeded') {
    return make(
      'aws.sg-per-eni-limit',
      `${where}: the control-plane network interface already has the maximum number of security groups`,
      'Detach a security group you do not need from the interface, or raise the "Security groups per network interface" quota.',
    );
  }
  if (name === 'InvalidGroup.Duplicate') {
    // Whether the group is ours is for the caller to find out (it may be the one this run just made).
    return make(
      'aws.sg-duplicate',
      `${where}: a security group with that name already exists in the VPC: ${raw}`,
      'Delete or rename the group if it is a leftover, or tag it yourself if solokube should own it.',
    );
  }
  if (NOT_YET_CONSISTENT_CODES.has(name)) {
    return new NotReadyError(
      `${where}: ${raw} (${name}); AWS may not have caught up with a recent change yet`,
      err,
      details,
    );
  }
  if (
    name.endsWith('.NotFound') ||
    name === 'NoSuchHostedZone' ||
    name === 'NoSuchChange' ||
    name === 'NotFound' ||
    name === 'NoSuchResourceException'
  ) {
    return make(
      'aws.not-found',
      `${where}: ${raw} (${name})`,
      'Check the id or name and the region; it may have been deleted meanwhile. Rerunning re-discovers everything.',
    );
  }
  if (status !== undefined && status >= 500) {
    return make(
      'aws.unavailable',
      `${where}: AWS answered ${status} ${name} ${attemptsText(attempts)}: ${raw}`,
      'A temporary AWS problem; rerun later (see https://health.aws.amazon.com).',
      'aws',
    );
  }
  return make(
    'aws.error',
    `${where} failed: ${name}: ${raw}`,
    'Read the AWS message above; rerun with --debug for the request id.',
  );
}
