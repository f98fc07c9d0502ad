// A tiny XML builder. Text is always escaped; already-built fragments are wrapped in `Xml` so they
// are never escaped twice. `undefined` children are skipped, which is how optional members vanish.

export class Xml {
  constructor(readonly raw: string) {}
  toString(): string {
    return this.raw;
  }
}

export type XmlChild = Xml | undefined;
export type XmlContent = string | number | boolean | Xml | readonly XmlChild[];

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

function render(content: XmlContent): string {
  if (content instanceof Xml) return content.raw;
  if (Array.isArray(content)) return content.map((c) => (c === undefined ? '' : c.raw)).join('');
  return escapeXml(String(content));
}

/** `<name>content</name>`; no content (or empty content) gives `<name/>`. */
export function el(name: string, content?: XmlContent): Xml {
  const inner = content === undefined ? '' : render(content);
  return new Xml(inner === '' ? `<${name}/>` : `<${name}>${inner}</${name}>`);
}

/** Like `el`, but omitted entirely when the value is undefined. */
export function opt(name: string, value: string | number | boolean | Xml | undefined): Xml | undefined {
  return value === undefined ? undefined : el(name, value);
}

/** A container of list members, each rendered as `<member>` (EC2 uses `item`). */
export function list<T>(
  name: string,
  values: readonly T[],
  member: (v: T) => readonly XmlChild[],
  memberName = 'item',
): Xml {
  return el(
    name,
    values.map((v) => el(memberName, member(v))),
  );
}

/** A whole document with the XML declaration and a namespaced root. */
export function xmlDocument(root: string, namespace: string | undefined, children: readonly XmlChild[]): string {
  const ns = namespace === undefined ? '' : ` xmlns="${escapeXml(namespace)}"`;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${root}${ns}>${render(children)}</${root}>`;
}
