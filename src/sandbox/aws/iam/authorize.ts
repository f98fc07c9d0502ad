// Authentication and authorization for requests signed with credentials IMDS issued: the session
// must exist and be unexpired, carry its session token, be signed with its secret, and the role's
// policy must allow the action on every resource the request names. Requests with any other key
// are not checked (the emulator's long-standing behaviour; tests use dummy keys).
import type { RawRequest, Routed } from '../dispatch.js';
import { AwsError } from '../errors.js';
import type { EmulatorData } from '../model.js';
import { QueryParams } from '../query.js';
import { ec2Context, ec2Resources } from './ec2-resources.js';
import { evaluate } from './policy.js';
import { parseAuthorization, verifySignature } from './sigv4.js';

export function authorizeRequest(raw: RawRequest, routed: Routed, d: EmulatorData, now: number): AwsError | undefined {
  const auth = parseAuthorization(raw.headers);
  const session = auth ? d.iamSessions?.[auth.accessKeyId] : undefined;
  if (!auth || !session) return undefined;
  if (Date.parse(session.expiration) <= now)
    return new AwsError('RequestExpired', 'Request has expired: the session credentials expired.', 400);
  const token = raw.headers['x-amz-security-token'];
  if (token !== session.sessionToken)
    return new AwsError(
      'AuthFailure',
      'AWS was not able to validate the provided access credentials (missing or wrong X-Amz-Security-Token).',
      401,
    );
  let signed: boolean;
  try {
    signed = verifySignature(raw, auth, session.secretAccessKey);
  } catch {
    signed = false;
  }
  if (!signed)
    return new AwsError(
      'AuthFailure',
      'AWS was not able to validate the provided access credentials (signature mismatch).',
      401,
    );
  const role = d.iamRoles?.[session.roleName];
  const service = routed.service === 'unknown' ? auth.service : routed.service;
  const action = `${service}:${routed.operation}`;
  const q = service === 'ec2' ? QueryParams.parse(raw.search, raw.body) : QueryParams.parse('');
  const resources = service === 'ec2' ? ec2Resources(d, auth.region, routed.operation, q) : [{ arn: '*', tags: {} }];
  const context =
    service === 'ec2' ? ec2Context(routed.operation, q, auth.region) : { 'aws:requestedregion': [auth.region] };
  const decision = evaluate(role?.statements ?? [], { action, resources, context });
  if (decision.allowed) return undefined;
  const who = `arn:aws:sts::${d.accountId}:assumed-role/${session.roleName}/${session.instanceId}`;
  const why = decision.explicit
    ? 'with an explicit deny in an identity-based policy'
    : `because no identity-based policy allows the ${action} action`;
  const code = service === 'ec2' ? 'UnauthorizedOperation' : 'AccessDenied';
  return new AwsError(
    code,
    `You are not authorized to perform this operation. User: ${who} is not authorized to perform: ${action} on resource: ${decision.resource} ${why}`,
    403,
  );
}
