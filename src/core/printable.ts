// Text from outside (configuration keys, flag values, names AWS or a node sent back) can carry
// control characters; written raw to a terminal they are escape sequences that can rewrite the
// screen, the window title or the clipboard. Everything solokube prints passes through here.

// C0 controls except tab and newline, DEL, C1 controls (a lone 0x9b is CSI on many terminals),
// the line/paragraph separators and the bidi overrides that make text read differently from how it is.
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

function escapeOne(ch: string): string {
  const code = ch.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** The text with every unsafe character shown as \xHH or \uHHHH; newlines and tabs stay. */
export function printable(text: string): string {
  return text.replace(UNSAFE, escapeOne);
}

/** JSON text in which no character a terminal could act on appears raw (JSON.stringify leaves C1 and bidi as they are). */
export function printableJson(value: unknown, indent = 2): string {
  return JSON.stringify(value, null, indent).replace(
    UNSAFE,
    (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
