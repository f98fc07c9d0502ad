// Reading the small XML documents S3 requests carry (bucket configurations, DeleteObjects). They
// are flat enough that "the text of every <Name> element" is all the emulator needs.

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function unescape(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|\w+);/g, (whole, e: string) => {
    if (e.startsWith('#x')) return String.fromCodePoint(parseInt(e.slice(2), 16));
    if (e.startsWith('#')) return String.fromCodePoint(Number(e.slice(1)));
    return ENTITIES[e] ?? whole;
  });
}

/** Inner XML of every `<name>` element (namespace prefixes and attributes ignored). */
export function elements(xml: string, name: string): string[] {
  const re = new RegExp(`<(?:\\w+:)?${name}(?:\\s[^>]*)?>([\\s\\S]*?)</(?:\\w+:)?${name}>`, 'g');
  return [...xml.matchAll(re)].map((m) => m[1]!);
}

/** Unescaped text of the first `<name>` element, or undefined. */
export function text(xml: string, name: string): string | undefined {
  const first = elements(xml, name)[0];
  return first === undefined ? undefined : unescape(first.trim());
}
