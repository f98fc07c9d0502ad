// Checks rendered kops documents against kops' own CRD schemas (k8s/crds/kops.k8s.io_*.yaml of the
// kops release, OpenAPI v3 with Kubernetes extensions). Stricter than the schema itself in one way,
// on purpose: an object schema that lists its properties and says nothing about others is treated
// as closed, so a misspelt field is reported instead of silently ignored by kops.
//
// The schema files are not part of solokube: they are read from a directory given by the caller
// (tests use ../shared/schemas/kops beside the repository).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { KopsDocument } from './spec.js';

interface Schema {
  type?: string;
  properties?: Record<string, Schema>;
  additionalProperties?: Schema | boolean;
  items?: Schema;
  anyOf?: Schema[];
  required?: string[];
  pattern?: string;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
}

const FILES: Record<KopsDocument['kind'], string> = {
  Cluster: 'kops.k8s.io_clusters.yaml',
  InstanceGroup: 'kops.k8s.io_instancegroups.yaml',
};

export class KopsSchemas {
  private readonly byKind = new Map<string, Schema>();
  constructor(readonly dir: string) {}

  private schema(kind: KopsDocument['kind']): Schema {
    let s = this.byKind.get(kind);
    if (!s) {
      const crd = parse(readFileSync(join(this.dir, FILES[kind]), 'utf8')) as {
        spec: { versions: { name: string; schema: { openAPIV3Schema: Schema } }[] };
      };
      const version = crd.spec.versions.find((v) => v.name === 'v1alpha2');
      if (!version) throw new Error(`${FILES[kind]} has no v1alpha2 version`);
      s = version.schema.openAPIV3Schema;
      this.byKind.set(kind, s);
    }
    return s;
  }

  /** Problems as "path: what is wrong"; empty when the document fits. */
  check(doc: KopsDocument): string[] {
    const problems: string[] = [];
    visit(doc, this.schema(doc.kind), doc.kind, problems);
    return problems;
  }
}

function typeOf(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (v === null) return 'null';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function fits(type: string, actual: string): boolean {
  return type === actual || (type === 'number' && actual === 'integer');
}

function visit(value: unknown, s: Schema, path: string, problems: string[]): void {
  if (s.anyOf) {
    const ok = s.anyOf.some((alt) => {
      const p: string[] = [];
      visit(value, alt, path, p);
      return p.length === 0;
    });
    if (!ok) problems.push(`${path}: fits none of ${s.anyOf.map((a) => a.type ?? '?').join(' | ')}`);
    if (s.pattern && typeof value === 'string' && !new RegExp(s.pattern).test(value))
      problems.push(`${path}: does not match ${s.pattern}`);
    return;
  }
  const actual = typeOf(value);
  if (s.type && !fits(s.type, actual)) {
    problems.push(`${path}: is ${actual}, schema wants ${s.type}`);
    return;
  }
  if (s.pattern && typeof value === 'string' && !new RegExp(s.pattern).test(value))
    problems.push(`${path}: does not match ${s.pattern}`);
  if (actual === 'array' && s.items)
    (value as unknown[]).forEach((v, i) => visit(v, s.items!, `${path}[${i}]`, problems));
  if (actual !== 'object') return;
  const obj = value as Record<string, unknown>;
  for (const r of s.required ?? []) if (!(r in obj)) problems.push(`${path}.${r}: is required`);
  for (const [k, v] of Object.entries(obj)) {
    const sub = s.properties?.[k];
    if (sub) visit(v, sub, `${path}.${k}`, problems);
    else if (typeof s.additionalProperties === 'object') visit(v, s.additionalProperties, `${path}.${k}`, problems);
    else if (s.properties && s.additionalProperties !== true && !s['x-kubernetes-preserve-unknown-fields'])
      problems.push(`${path}.${k}: is not a field kops knows`);
  }
}
