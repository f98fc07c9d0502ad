// Plain-text tables for benchmark reports.

export interface BenchTable {
  title: string;
  columns: string[];
  rows: string[][];
  notes?: string[];
}

export function renderTable(t: BenchTable): string {
  const widths = t.columns.map((c, i) => Math.max(c.length, ...t.rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  return [
    t.title,
    line(t.columns),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...t.rows.map(line),
    ...(t.notes ?? []).map((n) => `  ${n}`),
    '',
  ].join('\n');
}
