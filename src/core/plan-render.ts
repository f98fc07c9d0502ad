// Plans as text for people. Pure: the same plan always renders the same text (golden-tested).

import type { Action, Plan, PlannedStep } from './plan.js';
import { countActions } from './plan.js';
import { Unknown } from './unknown.js';

const SIGN: Record<Action, string> = { create: '+', update: '~', delete: '-', unchanged: '=' };

export function renderPlan(plan: Plan, opts: { showUnchanged?: boolean } = {}): string {
  const c = countActions(plan);
  const lines: string[] = [];
  const verb = plan.mode === 'destroy' ? 'Removal plan' : 'Plan';
  lines.push(`${verb}: ${c.create} to create, ${c.update} to update, ${c.delete} to delete, ${c.unchanged} unchanged`);
  for (const step of plan.steps) {
    if (step.action === 'unchanged' && !opts.showUnchanged) continue;
    lines.push(...renderStep(step));
  }
  if (c.create + c.update + c.delete === 0) lines.push('No changes: everything is as it should be.');
  return lines.join('\n') + '\n';
}

function renderStep(step: PlannedStep): string[] {
  const suffix = step.readOnly ? ' (read only)' : '';
  const lines = [`  ${SIGN[step.action]} ${step.title} [${step.id}]${suffix}`];
  for (const ch of step.changes) {
    if (step.action === 'create') lines.push(`      ${ch.field}: ${renderValue(ch.to)}`);
    else if (step.action === 'delete') lines.push(`      ${ch.field}: ${renderValue(ch.from)}`);
    else lines.push(`      ${ch.field}: ${renderValue(ch.from)} → ${renderValue(ch.to)}`);
  }
  return lines;
}

export function renderValue(v: unknown): string {
  if (v === undefined) return '(none)';
  if (v instanceof Unknown) return v.toString();
  if (typeof v === 'string') return v.includes('\n') ? `<${v.split('\n').length} lines>` : v;
  if (Array.isArray(v)) return v.length === 0 ? '[]' : `[${v.map(renderValue).join(', ')}]`;
  if (typeof v === 'object' && v !== null) {
    const entries = Object.entries(v).filter(([, x]) => x !== undefined);
    return `{${entries.map(([k, x]) => `${k}: ${renderValue(x)}`).join(', ')}}`;
  }
  return String(v);
}
