/**
 * Rule -> CloudWatch Logs JSON filter pattern (`{ ($.eventName = "X") && ... }`), for metric filters
 * on the organization trail's log group. The language is case-sensitive, has no CIDR and no general
 * NOT, and wildcards only at the ends of a value; rules that need more compile to EventBridge instead.
 * Negations are pushed to the matches; a negated match also holds when the field is absent or null
 * (as in the rule engine), which `!=` alone does not.
 * Reference: https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html and
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/matching-terms-json-log-events.html
 *
 * Sigma's newer modifiers:
 * - `*` at either end of a value is the pattern's own wildcard; Sigma's `?` (one character) has no form in
 *   a quoted value (only `*` is a wildcard there), nor has a `*` inside one: both are refused.
 * - `|gt` `|gte` `|lt` `|lte` are the JSON form's numeric comparisons (`{ $.latency > 500 }`, "Using filter
 *   patterns to match terms in JSON log events"), which hold on JSON numbers. Negated, they are refused: the
 *   rule engine's "not above 5" holds on text, booleans and objects too, and a pattern can only add absence
 *   and null (`<=` is a comparison of numbers, `= *` holds on text and numbers alike).
 * - `|fieldref`: a selector is compared with a value, never with another selector. Refused.
 * - keywords: a free-text term ("Match terms in unstructured log events") cannot be combined with JSON
 *   conditions in one pattern, and terms are case-sensitive while Sigma keywords are not. Refused.
 * - `|re` is refused as before: the `%regex%` subset has no groups, flags or anchors semantics to match.
 */
import type { Expr, Match, Scalar } from '../expr.ts';
import type { Rule } from '../rule.ts';
import { CompileError } from './compile-error.ts';
import { toNnf } from './normal-form.ts';
import { modifierPieces } from './sigma-value.ts';

const COMPARISON = { gt: '>', gte: '>=', lt: '<', lte: '<=' } as const;

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
    const pieces = modifierPieces(m.op as 'equals' | 'contains' | 'startswith' | 'endswith', v);
    const leading = pieces[0]?.kind === 'any';
    const trailing = pieces.length > 1 && pieces[pieces.length - 1]?.kind === 'any';
    const inner = pieces.slice(leading ? 1 : 0, trailing ? -1 : undefined);
    if (inner.some((p) => p.kind === 'one')) throw fail(`the ? wildcard (one character) in ${v} has no filter-pattern form (only * is a wildcard there)`);
    if (inner.some((p) => p.kind === 'any')) throw fail(`wildcards are only allowed at the start or end of a value (${v})`);
    const text = inner.map((p) => (p.kind === 'text' ? p.text : '')).join('');
    if (/["\\]/.test(text)) throw fail(`value ${v} contains a quote or backslash, which filter patterns cannot escape`);
    if (text.includes('*')) throw fail(`value ${v} contains a literal *, which filter patterns read as a wildcard`);
    return `"${leading ? '*' : ''}${text}${trailing ? '*' : ''}"`;
  };

  const compare = (m: Match, v: Scalar, negated: boolean): string => {
    const sel = selector(m.field);
    // `= 5` is equality; contains/startswith/endswith of a number would need the number's text, which a
    // numeric value node does not offer.
    if (m.op !== 'equals' && typeof v !== 'string') throw fail(`|${m.op} on a non-string value`);
    if (typeof v === 'boolean') return `(${sel} IS ${v !== negated ? 'TRUE' : 'FALSE'})`;
    const operand = typeof v === 'number' ? String(v) : textOperand(m, v);
    return `(${sel} ${negated ? '!=' : '='} ${operand})`;
  };

  const leaf = (m: Match, negated: boolean): string => {
    if (m.op === 'keyword') {
      throw fail(
        'a Sigma keyword (a case-insensitive search of the whole event) has no filter-pattern form: free-text terms are case-sensitive and cannot join JSON conditions',
      );
    }
    if (m.op === 'fieldref') throw fail(`|fieldref compares ${m.field} with another field, and a filter pattern compares a selector with a value only`);
    const sel = selector(m.field);
    // `= *` holds on text and numbers only; IS NULL adds a present null. Objects are out of reach.
    const present = `((${sel} = *) || (${sel} IS NULL))`;
    const absentOrNull = `((${sel} NOT EXISTS) || (${sel} IS NULL))`;
    if (m.op === 'exists') return (m.values[0] === true) !== negated ? present : `(${sel} NOT EXISTS)`;
    if (m.op === 'null') return negated ? `(${sel} = *)` : absentOrNull;
    if (m.op === 'cidr') throw fail('filter patterns have no CIDR matching');
    if (m.op === 're') throw fail('filter pattern regexes are a small subset; use contains/startswith/endswith');
    if (m.values.length === 0) throw fail(`${m.field} has an empty value list (an empty placeholder?)`);
    if (m.op === 'gt' || m.op === 'gte' || m.op === 'lt' || m.op === 'lte') {
      if (negated) throw fail(`not ${m.field}|${m.op} also holds on text, booleans and objects, which a filter pattern cannot tell from numbers`);
      const parts = m.values.map((v) => {
        if (typeof v !== 'number' || !Number.isFinite(v)) throw fail(`|${m.op} takes a number, not ${JSON.stringify(v)}`);
        return `(${sel} ${COMPARISON[m.op as keyof typeof COMPARISON]} ${String(v)})`;
      });
      return parts.length === 1 ? parts[0]! : `(${parts.join(m.all ? ' && ' : ' || ')})`;
    }
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
