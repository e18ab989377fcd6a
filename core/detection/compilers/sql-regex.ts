/**
 * A rule's regex (JavaScript syntax, as the rule engine runs it) rewritten for the SQL engines' regex
 * libraries, so it matches the same texts, or refused with the reason:
 * - RE2 (DuckDB regexp_matches, https://duckdb.org/docs/stable/sql/functions/regular_expressions; BigQuery
 *   REGEXP_CONTAINS, https://cloud.google.com/bigquery/docs/reference/standard-sql/string_functions#regexp_contains;
 *   syntax https://github.com/google/re2/wiki/Syntax) has no lookarounds, backreferences or `(?<name>`.
 * - Java (Trino regexp_like, https://trino.io/docs/current/functions/regexp.html) runs all of those.
 * Differences the rewrite removes: JavaScript's `.` stops at \n, \r, U+2028 and U+2029, RE2's and Java's at
 * \n only; JavaScript's `$` (without |m) is the end of the text, Java's also matches before a final line
 * break; JavaScript's `\s` includes \v, no-break and other Unicode spaces; `[^]` is any character.
 * Left as is: with |m, `^` and `$` see \n only as a line break in RE2 and Trino (JavaScript also \r).
 */
import type { Match } from '../expr.ts';

export type RegexEngine = 're2' | 'java';

/** JavaScript's \s (ECMA-262 WhiteSpace and LineTerminator), as class members both engines read. */
const JS_SPACE = String.raw`\t\n\x{0B}\f\r \x{A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000}\x{FEFF}`;
/** What JavaScript's `.` matches without the s flag. */
const JS_DOT = String.raw`[^\n\r\x{2028}\x{2029}]`;

export class RegexProblem extends Error {}

/** The regex text for `engine`, flags inline; throws RegexProblem for what it cannot run the same way. */
export function translateRegex(source: string, m: Pick<Match, 'cased' | 'multiline' | 'dotAll'>, engine: RegexEngine): string {
  if (engine === 're2') {
    if (/\(\?(?:[=!]|<[=!])/.test(source)) throw new RegexProblem('lookaround assertions are not in RE2');
    if (/\\[1-9]|\\k</.test(source)) throw new RegexProblem('backreferences are not in RE2');
    if (/\(\?</.test(source)) throw new RegexProblem('named groups are written differently in RE2');
  }
  let out = '';
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === '\\') {
      const next = source[i + 1];
      if (next === undefined) throw new RegexProblem('the regex ends with a lone backslash');
      i++;
      if (next === 's') out += inClass ? JS_SPACE : `[${JS_SPACE}]`;
      else if (next === 'S') {
        if (inClass) throw new RegexProblem('\\S inside a character class has no equivalent here');
        out += `[^${JS_SPACE}]`;
      } else if (next === 'u') {
        const hex = /^[0-9a-fA-F]{4}/.exec(source.slice(i + 1));
        if (!hex) throw new RegexProblem('\\u needs four hex digits');
        out += `\\x{${hex[0]}}`;
        i += 4;
      } else if (next === 'c' || next === 'v' || next === '0')
        throw new RegexProblem(`\\${next} is written differently in ${engine === 're2' ? 'RE2' : 'Java'}`);
      else out += `\\${next}`;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      out += c;
      continue;
    }
    if (c === '[') {
      if (source.startsWith('[^]', i)) {
        out += '(?s:.)';
        i += 2;
        continue;
      }
      if (source.startsWith('[]', i)) throw new RegexProblem('an empty class [] matches nothing in JavaScript and is an error elsewhere');
      inClass = true;
      out += c;
      // A ] right after [ or [^ is a literal in RE2 and Java, but closes an empty class in JavaScript: handled above.
      continue;
    }
    if (c === '.') out += m.dotAll ? '.' : JS_DOT;
    else if (c === '$') out += m.multiline ? '$' : String.raw`\z`;
    else out += c;
  }
  if (inClass) throw new RegexProblem('an unterminated character class');
  // Java folds case for ASCII only unless u is set too.
  const flags = `${m.cased ? '' : engine === 'java' ? 'iu' : 'i'}${m.multiline ? 'm' : ''}${m.dotAll ? 's' : ''}`;
  return `${flags ? `(?${flags})` : ''}${out}`;
}

/** A Sigma wildcard pattern as a regex: literal text escaped, `*` any run, `?` one character, anchored with \A-like ^ and \z. */
export function wildcardRegex(
  pieces: readonly { readonly kind: 'text' | 'any' | 'one'; readonly text?: string }[],
  anchoredStart: boolean,
  anchoredEnd: boolean,
): string {
  const body = pieces.map((p) => (p.kind === 'text' ? p.text!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') : p.kind === 'any' ? '.*' : '.')).join('');
  // s: a wildcard spans line breaks, as in the rule engine.
  return `(?s)${anchoredStart ? '^' : ''}${body}${anchoredEnd ? String.raw`\z` : ''}`;
}
