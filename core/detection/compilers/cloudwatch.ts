/**
 * Rule -> CloudWatch Logs JSON filter pattern (`{ ($.eventName = "X") && ... }`), for metric filters
 * on the organization trail's log group. The language is case-sensitive, has no CIDR and no general
 * NOT, and wildcards only at the ends of a value; rules that need more compile to EventBridge instead.
 * Negations are pushed to the matches; a negated match also holds when the field is absent or null
 * (as in the rule engine), which `!=` alone does not.
 */
import { hasWildcard, type Expr, type Match, type Scalar } from '../expr.ts';
import type { Rule } from '../rule.ts';
import { CompileError } from './compile-error.ts';
import { toNnf } from './normal-form.ts';

/** MetricFilter's documented maximum filterPattern length. */
export const CLOUDWATCH_PATTERN_MAX_CHARACTERS = 1024;

export function compileCloudWatchPattern(rule: Rule, expr: Expr): string {
  const fail = (reason: string) => new CompileError(rule.id, 'cloudwatch', reason, 'Deploy it as an EventBridge rule instead (targets: [eventbridge]).');

  const selector = (field: string): string => {
    if (!field.split('.').every((k) => /^[A-Za-z_][\w]*$/.test(k))) throw fail(`field ${field} needs quoting, which filter patterns do not support here`);
    return `$.${field}`;
  };

  /** A quoted operand for =/!=, with the rule's wildcards, for case-sensitive text only. */
  const textOperand = (m: Match, v: string): string => {
    if (!m.cased && /[A-Za-z]/.test(v)) throw fail(`filter patterns are case-sensitive; mark ${m.field} |cased if the log writes it in one case`);
    if (/["\\]/.test(v)) throw fail(`value ${v} contains a quote or backslash, which filter patterns cannot escape`);
    let body: string;
    if (m.op === 'equals' && hasWildcard(v)) {
      const middle = v.replace(/^\*/, '').replace(/(?<!\\)\*$/, '');
      if (hasWildcard(middle) || middle.includes('\\*')) throw fail(`wildcards are only allowed at the start or end of a value (${v})`);
      body = v;
    } else {
      if (v.includes('*')) throw fail(`value ${v} contains a literal *, which filter patterns read as a wildcard`);
      body = m.op === 'contains' ? `*${v}*` : m.op === 'startswith' ? `${v}*` : m.op === 'endswith' ? `*${v}` : v;
    }
    return `"${body}"`;
  };

  const compare = (m: Match, v: Scalar, negated: boolean): string => {
    const sel = selector(m.field);
    if (typeof v === 'boolean') return `(${sel} IS ${v !== negated ? 'TRUE' : 'FALSE'})`;
    const operand = typeof v === 'number' ? String(v) : textOperand(m, v);
    return `(${sel} ${negated ? '!=' : '='} ${operand})`;
  };

  const leaf = (m: Match, negated: boolean): string => {
    const sel = selector(m.field);
    // `= *` holds on text and numbers only; IS NULL adds a present null. Objects are out of reach.
    const present = `((${sel} = *) || (${sel} IS NULL))`;
    const absentOrNull = `((${sel} NOT EXISTS) || (${sel} IS NULL))`;
    if (m.op === 'exists') return (m.values[0] === true) !== negated ? present : `(${sel} NOT EXISTS)`;
    if (m.op === 'null') return negated ? `(${sel} = *)` : absentOrNull;
    if (m.op === 'cidr') throw fail('filter patterns have no CIDR matching');
    if (m.op === 're') throw fail('filter pattern regexes are a small subset; use contains/startswith/endswith');
    if (m.values.length === 0) throw fail(`${m.field} has an empty value list (an empty placeholder?)`);
    if (m.values.some((v) => typeof v === 'boolean') && m.values.length > 1) throw fail(`mixed boolean alternatives on ${m.field}`);
    const parts = m.values.map((v) => compare(m, v, negated));
    if (!negated) return parts.length === 1 ? parts[0]! : `(${parts.join(m.all ? ' && ' : ' || ')})`;
    // not(any of v) = none equal, or absent, or null.
    const none = parts.length === 1 ? parts[0]! : `(${parts.join(m.all ? ' || ' : ' && ')})`;
    return `(${none} || (${sel} NOT EXISTS) || (${sel} IS NULL))`;
  };

  const walk = (e: Expr): string => {
    switch (e.kind) {
      case 'match':
        return leaf(e, false);
      case 'not':
        if (e.item.kind !== 'match') throw new Error('not NNF');
        return leaf(e.item, true);
      case 'and':
      case 'or':
        return `(${e.items.map(walk).join(e.kind === 'and' ? ' && ' : ' || ')})`;
    }
  };
  const body = walk(toNnf(expr));
  const pattern = `{ ${body} }`;
  if (pattern.length > CLOUDWATCH_PATTERN_MAX_CHARACTERS) {
    throw fail(`the pattern is ${pattern.length} characters, over the ${CLOUDWATCH_PATTERN_MAX_CHARACTERS} a metric filter allows`);
  }
  return pattern;
}
