/**
 * Rule -> Google Cloud Logging query (for log-based metrics and log-match alerts). `=` compares text
 * ignoring case (as rules do by default); regexes (`=~`) are the only case-sensitive test, so |cased
 * text and partial matches become anchored RE2 regexes, with `(?i)` unless |cased. CIDRs use
 * ip_in_net(); existence is `field:*`. Negation is `NOT f=x`, never `f!=x` (which drops entries without
 * the field). Everything is parenthesised: Logging's precedence (NOT, OR, AND) surprises readers.
 */
import { hasWildcard, type Expr, type Match, type Scalar } from '../expr.ts';
import type { Rule } from '../rule.ts';
import { CompileError } from './compile-error.ts';
import { escapeRegex, re2Problem, wildcardRegex } from './regex-text.ts';

const str = (text: string): string => JSON.stringify(text);

export function compileGcpQuery(rule: Rule, expr: Expr): string {
  const fail = (reason: string) => new CompileError(rule.id, 'gcp', reason, 'Rewrite the selection without it.');

  const path = (field: string): string =>
    field
      .split('.')
      .map((k) => (/^[A-Za-z_][\w]*$/.test(k) ? k : str(k)))
      .join('.');

  const regexFor = (m: Match, v: Scalar): string => {
    const text = String(v);
    const body =
      m.op === 'equals'
        ? typeof v === 'string' && hasWildcard(v)
          ? wildcardRegex(v)
          : `^${escapeRegex(text)}$`
        : m.op === 'contains'
          ? escapeRegex(text)
          : m.op === 'startswith'
            ? `^${escapeRegex(text)}`
            : m.op === 'endswith'
              ? `${escapeRegex(text)}$`
              : text;
    if (m.op === 're') {
      const problem = re2Problem(text);
      if (problem) throw fail(`regex ${text}: ${problem}`);
    }
    return `${m.cased ? '' : '(?i)'}${body}`;
  };

  const leaf = (m: Match): string => {
    const f = path(m.field);
    if (m.op === 'exists') return m.values[0] === true ? `${f}:*` : `NOT ${f}:*`;
    if (m.op === 'null') return `(NOT ${f}:* OR ${f}=NULL_VALUE)`;
    if (m.values.length === 0) throw fail(`${m.field} has an empty value list (an empty placeholder?)`);
    const one = (v: Scalar): string => {
      if (m.op === 'cidr') return `ip_in_net(${f}, ${str(String(v))})`;
      if (m.op === 'equals' && typeof v !== 'string') return `${f}=${String(v)}`;
      // Logging's `=` ignores case, like the rule's default; only regexes see case, so |cased text is a regex.
      if (m.op === 'equals' && !hasWildcard(v as string) && (!m.cased || !/[A-Za-z]/.test(v as string))) return `${f}=${str(v as string)}`;
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
