// The text `solokube doctor` prints: the first broken hop and its remedy on top, then every check in
// path order with its hop.

import { renderTable } from '../aws/table.js';
import type { DoctorReport } from './run.js';

export function renderDoctorReport(r: DoctorReport): string {
  const rows = r.checks.map((c) => [
    c.status.toUpperCase(),
    c.hop ?? '',
    c.id,
    c.summary + (c.remedy && c.status !== 'pass' && c.status !== 'skip' ? `\n    → ${c.remedy}` : ''),
  ]);
  const head = r.firstBroken
    ? `first broken hop: ${r.firstBroken.hop} (${r.firstBroken.id}): ${r.firstBroken.summary}${r.firstBroken.remedy ? `\n  → ${r.firstBroken.remedy}` : ''}`
    : `every check that applies passes for ${r.cluster}`;
  return `${head}\n\n${renderTable(['result', 'hop', 'check', 'detail'], rows)}`;
}
