// mapAwsError: SDK failures become typed errors with a code and a remedy. Pure function; the error
// objects below have the shapes the SDK produces (name, $metadata, Node error codes; wire notes §3, §5).

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { awsErrorCode, mapAwsError } from '../../src/aws/errors.js';
import { NotReadyError } from '../../src/core/errors.js';

function sdkError(name: string, status?: number, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(`${name} happened`), {
    name,
    ...(status ? { $metadata: { httpStatusCode: status, attempts: 3 } } : {}),
    ...extra,
  });
}

function ctx(opts: { commandAborted?: unknown; deadlinePassed?: boolean } = {}) {
  const command = new AbortController();
  const deadline = new AbortController();
  if (opts.commandAborted !== undefined) command.abort(opts.commandAborted);
  if (opts.deadlinePassed) deadline.abort();
  return {
    call: 'ec2:AllocateAddress',
    region: 'eu-west-1',
    commandSignal: command.signal,
    deadlineSignal: deadline.signal,
    deadlineMs: 60_000,
  };
}

describe('mapAwsError', () => {
  const cases: [string, Error, string][] = [
    ['rejected credentials', sdkError('InvalidClientTokenId', 403), 'aws.credentials'],
    ['no credentials at all', sdkError('CredentialsProviderError'), 'aws.credentials'],
    ['a missing IAM permission', sdkError('UnauthorizedOperation', 403), 'aws.permission'],
    ['throttling that outlasted the retries', sdkError('RequestLimitExceeded', 503), 'aws.throttled'],
    ['a 429 with any code', sdkError('SomethingElse', 429), 'aws.throttled'],
    ['the EIP quota', sdkError('AddressLimitExceeded', 400), 'aws.eip-quota'],
    ['an address already in use', sdkError('Resource.AlreadyAssociated', 400), 'aws.already-associated'],
    ['an unknown network interface', sdkError('InvalidNetworkInterfaceID.NotFound', 400), 'aws.not-found'],
    ['a missing hosted zone', sdkError('NoSuchHostedZone', 404), 'aws.not-found'],
    ['a request timeout', sdkError('TimeoutError', undefined, { code: 'ETIMEDOUT' }), 'aws.timeout'],
    ['a refused connection', sdkError('Error', undefined, { code: 'ECONNREFUSED' }), 'aws.unreachable'],
    ['a 5xx after retries', sdkError('InternalError', 500), 'aws.unavailable'],
    ['too many groups on the ENI', sdkError('SecurityGroupsPerInterfaceLimitExceeded', 400), 'aws.sg-per-eni-limit'],
    ['anything else', sdkError('InvalidParameterValue', 400), 'aws.error'],
  ];
  for (const [what, err, code] of cases) {
    test(`GIVEN ${what} WHEN mapped THEN the code is ${code} with a remedy and the AWS code kept`, () => {
      const mapped = mapAwsError(err, ctx());
      assert.equal(mapped.code, code);
      assert.ok(mapped.remedy && mapped.remedy.length > 10);
      assert.equal(mapped.cause, err);
    });
  }

  for (const code of ['DependencyViolation', 'InvalidAssociationID.NotFound', 'InvalidAllocationID.NotFound']) {
    test(`GIVEN ${code} (EC2 not yet consistent after a recent change) WHEN mapped THEN it is the engine's NotReadyError, AWS code kept`, () => {
      const err = sdkError(code, 400);
      const mapped = mapAwsError(err, ctx());
      assert.ok(mapped instanceof NotReadyError, `${mapped.name} ${mapped.code}`);
      assert.equal(awsErrorCode(mapped), code);
      assert.equal(mapped.cause, err);
      assert.match(mapped.message, new RegExp(code.replace('.', '\\.')));
    });
  }

  test('GIVEN the command was aborted WHEN the SDK reports AbortError THEN the error carries the abort reason', () => {
    const mapped = mapAwsError(
      sdkError('AbortError'),
      ctx({ commandAborted: new Error('the command did not finish within 2s (--timeout)') }),
    );
    assert.equal(mapped.code, 'aws.aborted');
    assert.match(mapped.message, /--timeout/);
  });

  test('GIVEN the per-call deadline passed WHEN the SDK reports AbortError THEN it is a deadline error blaming AWS, not the user', () => {
    const mapped = mapAwsError(sdkError('AbortError'), ctx({ deadlinePassed: true }));
    assert.equal(mapped.code, 'aws.deadline');
    assert.equal(mapped.actor, 'aws');
  });
});
