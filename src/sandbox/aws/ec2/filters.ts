// EC2 Describe* filters (note §4.2): values of one filter are ORed, filters are ANDed, values may
// hold `*` and `?` wildcards, names and values are case-sensitive, `tag:<key>` and `tag-key` work
// on every resource, and an unknown filter name is refused like real EC2 does.
import { AwsError } from '../errors.js';
import type { Tags } from '../model.js';
import type { QueryParams } from '../query.js';

export interface Filter {
  name: string;
  values: string[];
}

/** For each supported filter name, the values a resource exposes under it. */
export type FilterFields<T> = Record<string, (r: T) => ReadonlyArray<string | undefined>>;

export function parseFilters(q: QueryParams): Filter[] {
  return q.structs('Filter').map((f) => {
    const name = f.get('Name');
    if (name === undefined || name === '')
      throw new AwsError('InvalidParameterValue', 'The filter name must not be empty');
    return { name, values: f.list('Value') };
  });
}

const patternCache = new Map<string, RegExp>();
function wildcard(pattern: string): RegExp {
  let re = patternCache.get(pattern);
  if (!re) {
    const body = pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.');
    re = new RegExp(`^${body}$`, 's');
    patternCache.set(pattern, re);
  }
  return re;
}

function matchesAny(actual: ReadonlyArray<string | undefined>, wanted: readonly string[]): boolean {
  return actual.some((a) => a !== undefined && wanted.some((w) => wildcard(w).test(a)));
}

function matches<T>(item: T, f: Filter, fields: FilterFields<T>, tags: (r: T) => Tags): boolean {
  const t = tags(item);
  if (f.name.startsWith('tag:')) {
    const key = f.name.slice(4);
    return key in t && matchesAny([t[key]], f.values);
  }
  if (f.name === 'tag-key') return matchesAny(Object.keys(t), f.values);
  if (f.name === 'tag-value') return matchesAny(Object.values(t), f.values);
  return matchesAny(fields[f.name]!(item), f.values);
}

export function applyFilters<T>(
  items: readonly T[],
  filters: readonly Filter[],
  fields: FilterFields<T>,
  tags: (r: T) => Tags,
): T[] {
  for (const f of filters) {
    const generic = f.name.startsWith('tag:') || f.name === 'tag-key' || f.name === 'tag-value';
    if (!generic && !Object.hasOwn(fields, f.name))
      throw new AwsError('InvalidParameterValue', `The filter '${f.name}' is invalid`);
  }
  return items.filter((item) => filters.every((f) => matches(item, f, fields, tags)));
}

/** Strict id lists (`InstanceId.N`…): every id must exist, or the whole call fails. */
export function selectByIds<T>(
  all: Record<string, T>,
  ids: readonly string[],
  notFound: (missing: string[]) => AwsError,
): T[] {
  if (ids.length === 0) return Object.values(all);
  const missing = ids.filter((id) => !Object.hasOwn(all, id));
  if (missing.length > 0) throw notFound(missing);
  return [...new Set(ids)].map((id) => all[id]!);
}

/** Offset-based `NextToken`/`MaxResults` paging. */
export function paginate<T>(items: readonly T[], q: QueryParams): { page: T[]; nextToken?: string } {
  const max = q.int('MaxResults');
  const token = q.get('NextToken');
  const start = token === undefined ? 0 : Number(Buffer.from(token, 'base64url').toString('utf8'));
  if (!Number.isInteger(start) || start < 0) throw new AwsError('InvalidParameterValue', `Invalid NextToken: ${token}`);
  if (max === undefined) return { page: items.slice(start) };
  if (max < 5 || max > 1000)
    throw new AwsError(
      'InvalidParameterValue',
      `Value (${max}) for parameter maxResults is invalid. Expecting a value between 5 and 1000.`,
    );
  const end = start + max;
  return end < items.length
    ? { page: items.slice(start, end), nextToken: Buffer.from(String(end)).toString('base64url') }
    : { page: items.slice(start) };
}
