// Lifecycle policies: validated on PutLifecyclePolicy, evaluated only when asked (AWS applies them
// asynchronously, within 24 h; the emulator does it on POST /_sandbox/ecr/lifecycle).
// Evaluated: countType imageCountMoreThan with tagStatus any | tagged (tagPrefixList /
// tagPatternList) | untagged. Rules run in priority order; an image that matched a rule's
// selection is claimed by it and no later rule may expire it; the newest countNumber are kept.
import { z } from 'zod';
import { AwsError } from '../errors.js';
import type { EcrImageRecord, EcrRepositoryRecord } from './model.js';

const ruleSchema = z
  .object({
    rulePriority: z.number().int().min(1),
    description: z.string().optional(),
    selection: z
      .object({
        tagStatus: z.enum(['tagged', 'untagged', 'any']),
        tagPrefixList: z.array(z.string().min(1)).min(1).optional(),
        tagPatternList: z.array(z.string().min(1)).min(1).optional(),
        storageClass: z.enum(['standard', 'archive']).optional(),
        countType: z.enum(['imageCountMoreThan', 'sinceImagePushed', 'sinceImagePulled', 'sinceImageTransitioned']),
        countUnit: z.literal('days').optional(),
        countNumber: z.number().int().min(1),
      })
      .strict(),
    action: z.object({ type: z.enum(['expire', 'transition']), targetStorageClass: z.string().optional() }).strict(),
  })
  .strict();

const policySchema = z.object({ rules: z.array(ruleSchema).min(1) }).strict();

export type LifecycleRule = z.infer<typeof ruleSchema>;

function invalid(message: string): AwsError {
  return new AwsError(
    'InvalidParameterException',
    `Invalid parameter at 'LifecyclePolicyText' failed to satisfy constraint: '${message}'`,
  );
}

/** Parses and checks a policy document as PutLifecyclePolicy does; throws InvalidParameterException. */
export function parseLifecyclePolicy(text: string): LifecycleRule[] {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw invalid('Lifecycle policy validation failure: the policy is not valid JSON');
  }
  const parsed = policySchema.safeParse(raw);
  if (!parsed.success)
    throw invalid(
      `Lifecycle policy validation failure: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  const rules = parsed.data.rules;
  const priorities = new Set<number>();
  let untaggedRules = 0;
  for (const r of rules) {
    const s = r.selection;
    if (priorities.has(r.rulePriority)) throw invalid(`rulePriority ${r.rulePriority} is used twice`);
    priorities.add(r.rulePriority);
    if (s.tagStatus === 'tagged' && s.tagPrefixList === undefined && s.tagPatternList === undefined)
      throw invalid('a tagged rule needs tagPrefixList or tagPatternList');
    if (s.tagStatus !== 'tagged' && (s.tagPrefixList !== undefined || s.tagPatternList !== undefined))
      throw invalid('tag lists are only allowed with tagStatus tagged');
    if (s.tagStatus === 'untagged') untaggedRules += 1;
    if (s.countType === 'imageCountMoreThan' && s.countUnit !== undefined)
      throw invalid('countUnit is not allowed with imageCountMoreThan');
    if (s.countType !== 'imageCountMoreThan' && s.countUnit === undefined)
      throw invalid(`${s.countType} needs countUnit days`);
  }
  if (untaggedRules > 1) throw invalid('only one rule may select untagged images');
  const anyRule = rules.find((r) => r.selection.tagStatus === 'any');
  if (anyRule && rules.some((r) => r.rulePriority > anyRule.rulePriority))
    throw invalid('a rule with tagStatus any must have the highest rulePriority');
  return rules;
}

function wildcard(pattern: string): RegExp {
  return new RegExp(
    `^${pattern
      .split('*')
      .map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
}

function selects(rule: LifecycleRule, image: EcrImageRecord): boolean {
  const s = rule.selection;
  if (s.tagStatus === 'any') return true;
  if (s.tagStatus === 'untagged') return image.tags.length === 0;
  if (image.tags.length === 0) return false;
  const prefixes = s.tagPrefixList ?? [];
  const patterns = (s.tagPatternList ?? []).map(wildcard);
  return (
    prefixes.every((p) => image.tags.some((t) => t.startsWith(p))) &&
    patterns.every((re) => image.tags.some((t) => re.test(t)))
  );
}

/** Digests the policy expires now. Rules the emulator does not evaluate (time-based) expire nothing. */
export function expiredByPolicy(repo: EcrRepositoryRecord, rules: LifecycleRule[]): string[] {
  const claimed = new Set<string>();
  const expired: string[] = [];
  // Children of an index are kept with it: ECR refuses to expire them while referenced.
  const referenced = new Set(Object.values(repo.images).flatMap((i) => i.children));
  for (const rule of [...rules].sort((a, b) => a.rulePriority - b.rulePriority)) {
    const candidates = Object.values(repo.images)
      .filter((i) => !claimed.has(i.digest) && !referenced.has(i.digest) && selects(rule, i))
      .sort((a, b) => b.pushedAt - a.pushedAt || a.digest.localeCompare(b.digest));
    for (const c of candidates) claimed.add(c.digest);
    if (rule.selection.countType !== 'imageCountMoreThan' || rule.action.type !== 'expire') continue;
    expired.push(...candidates.slice(rule.selection.countNumber).map((c) => c.digest));
  }
  return expired;
}
