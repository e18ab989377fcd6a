/**
 * Text from logs (file names, malformed-line excerpts, anything read) made safe to print: a log line or
 * file name carrying ESC[2J, a carriage return or a bidi override must not clear, rewrite or reorder
 * the operator's terminal. Control and bidi-formatting characters are shown escaped instead, as `\x1b`
 * or `\u202e`; everything else (any other Unicode, backslashes) is left as it is.
 */

/**
 * C0 controls (tab and newline included: one item stays one line), DEL, C1 controls, the line and
 * paragraph separators, the bidi marks (ALM, LRM, RLM) and the bidi embeddings, overrides and isolates
 * (U+202A-U+202E, U+2066-U+2069; "Trojan Source", CVE-2021-42574).
 */
const UNSAFE = '\\x00-\\x1f\\x7f-\\x9f\\u061c\\u200e\\u200f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069';
const UNSAFE_TEST = new RegExp(`[${UNSAFE}]`);
const UNSAFE_ALL = new RegExp(`[${UNSAFE}]`, 'g');
/** What JSON.stringify leaves raw among UNSAFE: everything from DEL up (it escapes C0 itself). */
const JSON_UNSAFE = /[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const hex = (c: string, width: number) => c.charCodeAt(0).toString(16).padStart(width, '0');

/** `text` with every control or bidi-formatting character escaped: "a\x1b[2Jb" -> "a\\x1b[2Jb". */
export function terminalSafe(text: string): string {
  if (!UNSAFE_TEST.test(text)) return text;
  return text.replace(UNSAFE_ALL, (c) => (c.charCodeAt(0) < 0x100 ? `\\x${hex(c, 2)}` : `\\u${hex(c, 4)}`));
}

/**
 * JSON text (as JSON.stringify writes it) with the characters it leaves raw but a terminal or a naive
 * reader would act on (DEL, C1, U+2028/U+2029, bidi formatting) as \uXXXX escapes: still the same JSON
 * value, since they can only occur inside strings.
 */
export function jsonSafe(json: string): string {
  return json.replace(JSON_UNSAFE, (c) => `\\u${hex(c, 4)}`);
}
