// Route 53 name rules (note §4.5): a name is compared in canonical form (octal escapes undone,
// lower-case, trailing dot) and rendered with every character other than a-z 0-9 - _ (and the
// label dots) as a backslash and three octal digits, so `*` comes back as `\052`.

export function canonicalName(input: string): string {
  let out = input.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)));
  out = out.replace(/\\(.)/g, '$1').toLowerCase();
  return out.endsWith('.') ? out : `${out}.`;
}

export function renderName(canonical: string): string {
  return canonical.replace(/[^a-z0-9\-_.]/g, (c) => `\\${c.charCodeAt(0).toString(8).padStart(3, '0')}`);
}

/** `a.b.example.com.` → `com.example.b.a`: Route 53 sorts names by reversed labels. */
export function reversedLabels(canonical: string): string {
  return canonical.replace(/\.$/, '').split('.').reverse().join('.');
}

export function compareNames(a: string, b: string): number {
  const ra = reversedLabels(a);
  const rb = reversedLabels(b);
  return ra < rb ? -1 : ra > rb ? 1 : 0;
}

export function isWithinZone(name: string, zone: string): boolean {
  return name === zone || name.endsWith(`.${zone}`);
}

/** A name Route 53 would accept: labels of 1–63 characters, at most 255 in all, `*` only as a whole leftmost label. */
export function nameProblem(canonical: string): string | undefined {
  if (canonical.length > 255) return 'name is longer than 255 characters';
  const labels = canonical.replace(/\.$/, '').split('.');
  if (labels.some((l) => l.length === 0 || l.length > 63)) return 'a label is empty or longer than 63 characters';
  if (labels.some((l, i) => l.includes('*') && (i !== 0 || l !== '*')))
    return '`*` is only allowed as the whole leftmost label';
  return undefined;
}
