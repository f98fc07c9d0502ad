// IAM roles, instance profiles and the sessions IMDS issues, kept in the emulator's state.
import { randomBytes } from 'node:crypto';
import { AwsError } from '../errors.js';
import type { EmulatorData, IamSessionRecord } from '../model.js';
import { statementsOf } from './policy.js';

/** Like PutRolePolicy with kops' additionalPolicies: the role's statements, replacing what it had. */
export function putRolePolicy(d: EmulatorData, roleName: string, policy: unknown): void {
  if (!/^[\w+=,.@-]{1,64}$/.test(roleName)) throw new AwsError('ValidationError', `Invalid role name ${roleName}`);
  const statements = statementsOf(policy);
  d.iamRoles = { ...(d.iamRoles ?? {}), [roleName]: { roleName, statements } };
}

/** Attaches (or, with undefined, detaches) an instance profile whose role is roleName. */
export function setInstanceRole(d: EmulatorData, instanceId: string, roleName: string | undefined): void {
  const i = d.instances[instanceId];
  if (!i) throw new AwsError('InvalidInstanceID.NotFound', `The instance ID '${instanceId}' does not exist`);
  if (roleName === undefined) delete i.iamRole;
  else i.iamRole = roleName;
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
function randomText(n: number, alphabet: string): string {
  return Array.from(randomBytes(n), (b) => alphabet[b % alphabet.length]).join('');
}

/** Refresh when less than this is left, as IMDS rotates credentials at least 5 minutes before expiry. */
const ROTATE_BEFORE_MS = 5 * 60_000;

/** The instance's current credentials for its role, issued anew when none or nearly expired. */
export function sessionFor(
  d: EmulatorData,
  instanceId: string,
  roleName: string,
  now: number,
  ttlSeconds: number,
): IamSessionRecord {
  const sessions = d.iamSessions ?? {};
  const current = Object.values(sessions)
    .filter(
      (s) =>
        s.instanceId === instanceId && s.roleName === roleName && Date.parse(s.expiration) - now > ROTATE_BEFORE_MS,
    )
    .sort((a, b) => Date.parse(b.expiration) - Date.parse(a.expiration))[0];
  if (current) return current;
  const session: IamSessionRecord = {
    accessKeyId: `ASIA${randomText(16, ALNUM)}`,
    secretAccessKey: randomBytes(30).toString('base64'),
    sessionToken: randomBytes(120).toString('base64'),
    roleName,
    instanceId,
    issuedAt: new Date(now).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    expiration: new Date(now + ttlSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
  };
  // Expired sessions are dropped so the state does not grow without bound.
  const kept = Object.fromEntries(Object.entries(sessions).filter(([, s]) => Date.parse(s.expiration) > now));
  d.iamSessions = { ...kept, [session.accessKeyId]: session };
  return session;
}
