// Form-encoded query parameters (EC2 and STS): a flat key/value map with helpers for EC2's
// flattened lists (`Name.1`, `Name.2`) and lists of structures (`Filter.1.Name`, `Filter.1.Value.1`).
import { AwsError, missingParameter } from './errors.js';

export class QueryParams {
  constructor(private readonly map: ReadonlyMap<string, string>) {}

  /** Parses a form body (and, for GET, the URL query); `+` decodes as a space as botocore sends it. */
  static parse(...sources: string[]): QueryParams {
    const map = new Map<string, string>();
    for (const s of sources) for (const [k, v] of new URLSearchParams(s)) map.set(k, v);
    return new QueryParams(map);
  }

  get(key: string): string | undefined {
    return this.map.get(key);
  }

  required(key: string): string {
    const v = this.map.get(key);
    if (v === undefined || v === '') throw missingParameter(key);
    return v;
  }

  /** `true`/`false`, or undefined when the caller did not send it (absent is not false). */
  bool(key: string): boolean | undefined {
    const v = this.map.get(key);
    if (v === undefined) return undefined;
    if (v === 'true') return true;
    if (v === 'false') return false;
    throw new AwsError('InvalidParameterValue', `Value (${v}) for parameter ${key} is invalid. Expected a boolean.`);
  }

  int(key: string): number | undefined {
    const v = this.map.get(key);
    if (v === undefined) return undefined;
    if (!/^-?\d+$/.test(v))
      throw new AwsError('InvalidParameterValue', `Value (${v}) for parameter ${key} is invalid. Expected an integer.`);
    return Number(v);
  }

  private indices(prefix: string, nested: boolean): number[] {
    const found = new Set<number>();
    const re = new RegExp(`^${prefix.replace(/\./g, '\\.')}\\.(\\d+)${nested ? '\\.' : '$'}`);
    for (const k of this.map.keys()) {
      const m = re.exec(k);
      if (m) found.add(Number(m[1]));
    }
    return [...found].sort((a, b) => a - b);
  }

  /** Values of `prefix.N`, in N order. */
  list(prefix: string): string[] {
    return this.indices(prefix, false).map((i) => this.map.get(`${prefix}.${i}`)!);
  }

  /** Sub-views for `prefix.N.*`, in N order, with `prefix.N.` stripped. */
  structs(prefix: string): QueryParams[] {
    return this.indices(prefix, true).map((i) => {
      const head = `${prefix}.${i}.`;
      const sub = new Map<string, string>();
      for (const [k, v] of this.map) if (k.startsWith(head)) sub.set(k.slice(head.length), v);
      return new QueryParams(sub);
    });
  }
}
