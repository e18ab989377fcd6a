/**
 * Rule -> Google Cloud Logging query (for log-based metrics and log-match alerts). `=` compares text
 * ignoring case (as rules do by default); regexes (`=~`) are the only case-sensitive test, so |cased
 * text and partial matches become anchored RE2 regexes, with `(?i)` unless |cased. CIDRs use
 * ip_in_net(); existence is `field:*`. Negation is `NOT f=x`, never `f!=x` (which drops entries without
 * the field). Everything is parenthesised: Logging's precedence (NOT, OR, AND) surprises readers.
 * Reference: https://cloud.google.com/logging/docs/view/logging-query-language
 *
 * Sigma's newer modifiers:
 * - `*` and `?` wildcards (with Sigma's `\*` `\?` `\\` escapes) become RE2 regexes, `.*` and `.` under `(?s)`
 *   (a wildcard matches a line break too); RE2 syntax: https://github.com/google/re2/wiki/Syntax.
 * - `|re` is case-sensitive, `|i` adds `(?i)`, `|m` `(?m)`, `|s` `(?s)`, RE2's leading flag group
 *   ("Regular expressions": the query language takes RE2 patterns).
 * - `|gt` `|gte` `|lt` `|lte` are the reference's `>` `>=` `<` `<=`. The value is converted to the field's
 *   type, and a payload field's type is its JSON type ("Values and conversions"): on a string they would
 *   compare as text ("10" < "5"), so each is paired with `NOT f=~"^"`, which holds on anything but a string
 *   (`=~` applies to strings only). JSON numbers alone are compared, as the rule engine compares numbers.
 *   And `f:*`: an absent LogEntry field (httpRequest.status) compares as its default, 0, where the rule
 *   engine sees no value (proto3 JSON leaves default values out, so a present field is never its default).
 * - `|fieldref` has no form: a comparison's right side is a value, never another field. Refused.
 * - keywords are refused: a global restriction ("Global restrictions") searches every field by rules the
 *   reference does not pin down (which fields, tokens or substrings, keys or not), so its result cannot be
 *   held to the rule engine's "the text appears anywhere in the event" (the oracle refuses it too).
 */
import type { Expr, Match, Scalar } from '../expr.ts';
import type { Rule } from '../rule.ts';
import { CompileError } from './compile-error.ts';
import { escapeRegex, piecesRegex, re2Problem, regexFlags } from './regex-text.ts';
import { modifierPieces, plainText } from './sigma-value.ts';

const str = (text: string): string => JSON.stringify(text);

const COMPARISON = { gt: '>', gte: '>=', lt: '<', lte: '<=' } as const;

export function compileGcpQuery(rule: Rule, expr: Expr): string {
  const fail = (reason: string) => new CompileError(rule.id, 'gcp', reason, 'Rewrite the selection without it.');

  const path = (field: string): string =>
    field
      .split('.')
      .map((k) => (/^[A-Za-z_][\w]*$/.test(k) ? k : str(k)))
      .join('.');

  const regexFor = (m: Match, v: Scalar): string => {
    if (m.op === 're') {
      const text = String(v);
      const problem = re2Problem(text);
      if (problem) throw fail(`regex ${text}: ${problem}`);
      return `${regexFlags(m, false)}${text}`;
    }
    const op = m.op as 'equals' | 'contains' | 'startswith' | 'endswith';
    if (typeof v !== 'string') {
      const text = escapeRegex(String(v));
      const body = op === 'equals' ? `^${text}$` : op === 'startswith' ? `^${text}` : op === 'endswith' ? `${text}$` : text;
      return `${regexFlags(m, false)}${body}`;
    }
    return `${regexFlags(m, plainText(v) === undefined)}${piecesRegex(modifierPieces(op, v))}`;
  };

  const leaf = (m: Match): string => {
    if (m.op === 'keyword') {
      throw fail(
        'a Sigma keyword searches the whole event, and a Logging global restriction searches fields by rules the reference does not pin down; name the field (field|contains)',
      );
    }
    if (m.op === 'fieldref') throw fail(`|fieldref compares ${m.field} with another field, and a Logging comparison takes a value, never a field`);
    const f = path(m.field);
    if (m.op === 'exists') return m.values[0] === true ? `${f}:*` : `NOT ${f}:*`;
    if (m.op === 'null') return `(NOT ${f}:* OR ${f}=NULL_VALUE)`;
    if (m.values.length === 0) throw fail(`${m.field} has an empty value list (an empty placeholder?)`);
    const one = (v: Scalar): string => {
      if (m.op === 'cidr') return `ip_in_net(${f}, ${str(String(v))})`;
      if (m.op === 'gt' || m.op === 'gte' || m.op === 'lt' || m.op === 'lte') {
        if (typeof v !== 'number' || !Number.isFinite(v)) throw fail(`|${m.op} takes a number, not ${JSON.stringify(v)}`);
        return `(${f}:* AND ${f}${COMPARISON[m.op]}${String(v)} AND NOT ${f}=~"^")`;
      }
      if (m.op === 'equals' && typeof v !== 'string') return `${f}=${String(v)}`;
      // Logging's `=` ignores case, like the rule's default; only regexes see case, so |cased text is a regex.
      const plain = m.op === 'equals' ? plainText(v as string) : undefined;
      if (plain !== undefined && (!m.cased || !/[A-Za-z]/.test(plain))) return `${f}=${str(plain)}`;
      return `${f}=~${str(regexFor(m, v))}`;
    };
    const parts = m.values.map(one);
    return parts.length === 1 ? parts[0]! : `(${parts.join(m.all ? ' AND ' : ' OR ')})`;
  };

  const walk = (e: Expr, top = false): string => {
    switch (e.kind) {
      case 'match':
        return leaf(e);
      case 'not':
        return `NOT (${walk(e.item, true)})`;
      case 'and':
      case 'or': {
        const joined = e.items.map((item) => walk(item)).join(e.kind === 'and' ? ' AND ' : ' OR ');
        return top ? joined : `(${joined})`;
      }
    }
  };
  return walk(expr, true);
}
