// A minimal IAM policy evaluator for the emulator: enough to prove an instance role holds exactly
// the permissions the reclaim needs, and to fail clearly when it lacks one.
//
// Supported (anything else is refused when the policy is put, never silently ignored):
// - Effect Allow / Deny; an explicit Deny wins, otherwise every resource the request names needs a
//   matching Allow (implicit deny), as IAM evaluates identity policies.
// - Action / NotAction and Resource / NotResource: a string or a list, with `*` and `?` wildcards;
//   actions compare case-insensitively, resources case-sensitively.
// - Condition operators StringEquals, StringNotEquals, StringLike, StringNotLike, each optionally
//   prefixed ForAllValues: or ForAnyValue:. Keys (case-insensitive): aws:ResourceTag/<k> and
//   ec2:ResourceTag/<k> (the resource's tags), aws:RequestTag/<k> and aws:TagKeys (CreateTags' tags),
//   aws:RequestedRegion and ec2:Region. Several operators, keys and values combine as IAM does:
//   operators and keys AND, values of one key OR. A key the request lacks makes a positive operator
//   false and a negated one true. Not modelled: policy variables, IfExists, Null, numeric/date/IP/ARN
//   operators, resource policies, permission boundaries, SCPs, session policies.

export interface PolicyStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

/** One resource a request names: its ARN (`*` for actions without resource-level permissions) and tags. */
export interface RequestResource {
  arn: string;
  tags: Record<string, string>;
}

export interface AuthorizationRequest {
  action: string;
  resources: RequestResource[];
  /** Request-wide condition keys (lower-case names), e.g. aws:tagkeys, aws:requestedregion. */
  context: Record<string, string[]>;
}

export type Decision = { allowed: true } | { allowed: false; resource: string; explicit: boolean };

const OPERATORS = new Set(['stringequals', 'stringnotequals', 'stringlike', 'stringnotlike']);
const KEY_PATTERNS = [
  /^aws:resourcetag\/.+$/,
  /^ec2:resourcetag\/.+$/,
  /^aws:requesttag\/.+$/,
  /^aws:tagkeys$/,
  /^aws:requestedregion$/,
  /^ec2:region$/,
];

const list = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

function wildcard(pattern: string, value: string, caseInsensitive: boolean): boolean {
  const re = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${re}$`, caseInsensitive ? 'is' : 's').test(value);
}

/** Throws with the first thing this evaluator does not understand, so a policy never half-applies. */
export function validateStatements(statements: unknown): PolicyStatement[] {
  if (!Array.isArray(statements)) throw new Error('a policy is a list of statements (or a document with Statement)');
  for (const [i, s] of statements.entries()) {
    const where = `statement ${i}${typeof s?.Sid === 'string' ? ` (${s.Sid})` : ''}`;
    if (typeof s !== 'object' || s === null) throw new Error(`${where}: not an object`);
    const st = s as Record<string, unknown>;
    if (st.Effect !== 'Allow' && st.Effect !== 'Deny') throw new Error(`${where}: Effect must be Allow or Deny`);
    if ((st.Action === undefined) === (st.NotAction === undefined))
      throw new Error(`${where}: exactly one of Action and NotAction`);
    if ((st.Resource === undefined) === (st.NotResource === undefined))
      throw new Error(`${where}: exactly one of Resource and NotResource`);
    for (const k of Object.keys(st))
      if (!['Sid', 'Effect', 'Action', 'NotAction', 'Resource', 'NotResource', 'Condition'].includes(k))
        throw new Error(`${where}: ${k} is not supported`);
    const cond = (st.Condition ?? {}) as Record<string, Record<string, unknown>>;
    for (const [op, keys] of Object.entries(cond)) {
      const base = op.toLowerCase().replace(/^(forallvalues|foranyvalue):/, '');
      if (!OPERATORS.has(base)) throw new Error(`${where}: condition operator ${op} is not supported by the emulator`);
      for (const key of Object.keys(keys)) {
        if (!KEY_PATTERNS.some((re) => re.test(key.toLowerCase())))
          throw new Error(`${where}: condition key ${key} is not supported by the emulator`);
      }
    }
  }
  return statements as PolicyStatement[];
}

/** Accepts kops' form (a list of statements) or a whole policy document. */
export function statementsOf(policy: unknown): PolicyStatement[] {
  if (typeof policy === 'string') return statementsOf(JSON.parse(policy));
  if (typeof policy === 'object' && policy !== null && !Array.isArray(policy) && 'Statement' in policy) {
    const st = (policy as { Statement: unknown }).Statement;
    return validateStatements(Array.isArray(st) ? st : [st]);
  }
  return validateStatements(policy);
}

function keyValues(key: string, resource: RequestResource, req: AuthorizationRequest): string[] | undefined {
  const k = key.toLowerCase();
  const tag = /^(aws|ec2):resourcetag\/(.+)$/i.exec(key);
  if (tag) {
    const name = Object.keys(resource.tags).find((t) => t === tag[2]);
    return name === undefined ? undefined : [resource.tags[name]!];
  }
  const v = req.context[k === 'ec2:region' ? 'aws:requestedregion' : k];
  return v;
}

function operatorHolds(
  op: string,
  key: string,
  expected: string[],
  resource: RequestResource,
  req: AuthorizationRequest,
): boolean {
  const lower = op.toLowerCase();
  const qualifier = lower.startsWith('forallvalues:') ? 'all' : lower.startsWith('foranyvalue:') ? 'any' : 'single';
  const base = lower.replace(/^(forallvalues|foranyvalue):/, '');
  const negated = base.includes('not');
  const like = base.endsWith('like');
  const matchOne = (v: string) => expected.some((e) => (like ? wildcard(e, v, false) : e === v));
  const actual = keyValues(key, resource, req);
  if (qualifier === 'all') return (actual ?? []).every((v) => (negated ? !matchOne(v) : matchOne(v)));
  if (qualifier === 'any') return (actual ?? []).some((v) => (negated ? !matchOne(v) : matchOne(v)));
  if (actual === undefined) return negated;
  return negated ? !actual.some(matchOne) : actual.some(matchOne);
}

function applies(s: PolicyStatement, resource: RequestResource, req: AuthorizationRequest): boolean {
  const actionHit = (patterns: string[]) => patterns.some((p) => wildcard(p, req.action, true));
  if (s.Action !== undefined ? !actionHit(list(s.Action)) : actionHit(list(s.NotAction))) return false;
  const resourceHit = (patterns: string[]) => patterns.some((p) => wildcard(p, resource.arn, false));
  if (s.Resource !== undefined ? !resourceHit(list(s.Resource)) : resourceHit(list(s.NotResource))) return false;
  for (const [op, keys] of Object.entries(s.Condition ?? {})) {
    for (const [key, values] of Object.entries(keys))
      if (!operatorHolds(op, key, list(values), resource, req)) return false;
  }
  return true;
}

export function evaluate(statements: readonly PolicyStatement[], req: AuthorizationRequest): Decision {
  for (const resource of req.resources) {
    const hits = statements.filter((s) => applies(s, resource, req));
    if (hits.some((s) => s.Effect === 'Deny')) return { allowed: false, resource: resource.arn, explicit: true };
    if (!hits.some((s) => s.Effect === 'Allow')) return { allowed: false, resource: resource.arn, explicit: false };
  }
  return { allowed: true };
}
