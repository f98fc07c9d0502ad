// The rendered documents as the multi-document YAML file handed to `kops create -f` / `replace -f`
// (the Cluster first: kops needs it before the groups that name it), and back.
import { parseAllDocuments, stringify } from 'yaml';
import type { ClusterSpecs, KopsDocument } from './spec.js';

/** Keys sorted at every level, as kops prints them, so text diffs line up with `kops get -o yaml`. */
function sorted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sorted);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((k) => [k, sorted((value as Record<string, unknown>)[k])]),
  );
}

export function documentYaml(doc: KopsDocument): string {
  return stringify(sorted(doc), { lineWidth: 0 });
}

export function specsYaml(specs: ClusterSpecs): string {
  return [specs.cluster, ...specs.instanceGroups].map(documentYaml).join('---\n');
}

/** Parses kops' YAML output (one or more documents; an `items` list is flattened). */
export function parseKopsYaml(text: string): KopsDocument[] {
  const out: KopsDocument[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) throw new Error(`kops printed YAML that does not parse: ${doc.errors[0]!.message}`);
    const value = doc.toJS() as (KopsDocument & { items?: KopsDocument[] }) | null;
    if (value === null) continue;
    if (Array.isArray(value.items)) out.push(...value.items);
    else out.push(value);
  }
  return out;
}
