/**
 * Rule -> EventBridge event pattern on the CloudTrail envelope (`detail-type`, `detail.*`). Event
 * patterns have no general NOT and no AND of two conditions on one field, so the rule is put in
 * disjunctive normal form: each conjunction becomes one object and several go under `$or`. Negations
 * become `anything-but` or `exists: false`; a negated match is also true when the field is absent, so
 * it compiles to `[{"exists": false}, {"anything-but": ...}]`.
 * Reference: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html
 *
 * Sigma's newer modifiers:
 * - `*` becomes the `wildcard` operator's `*` (Sigma's `\*` and `\\` its `\*` and `\\`), which is
 *   case-sensitive ("Wildcard matching"), so only |cased values use it. Sigma's `?` (one character) has no
 *   form: EventBridge's only wildcard is `*`. Refused.
 * - `|gt` `|gte` `|lt` `|lte` are `{"numeric": [">", n]}` ("Numeric matching"), which holds on JSON numbers
 *   between -5.0e9 and +5.0e9. Negated, the rule engine's "not above n" holds on everything but such a
 *   number: the complement is absence (an object or empty array is absent too), null, true, false, any
 *   string (`{"wildcard": "*"}`) and the numbers on the other side (`{"numeric": ["<=", n]}`).
 * - `|fieldref`: a pattern compares a field with values it lists, never with another field. Refused.
 * - keywords: a pattern names every field it tests; there is no search of the whole event. Refused.
 */
import { CLOUDTRAIL_DETAIL_TYPES } from '../logsources/cloudtrail-fields.ts';
import type { Match, Expr, Scalar } from '../expr.ts';
import type { Rule } from '../rule.ts';
import { CompileError } from './compile-error.ts';
import { toDnf, type Literal } from './normal-form.ts';
import { modifierPieces, plainText, type Piece } from './sigma-value.ts';

/** "Numeric matching ... for values between -5.0e9 and +5.0e9 inclusive" (Numeric matching). */
const NUMERIC_LIMIT = 5e9;
const COMPARISON = { gt: '>', gte: '>=', lt: '<', lte: '<=' } as const;
const COMPLEMENT = { gt: '<=', gte: '<', lt: '>=', lte: '>' } as const;
type Comparison = keyof typeof COMPARISON;
const isComparison = (op: string): op is Comparison => op in COMPARISON;

/** Sigma pieces as an EventBridge `wildcard` operand: `*` for any run, `\*` and `\\` for literal ones. */
function wildcardOperand(pieces: readonly Piece[], value: string, field: string, fail: (reason: string) => CompileError): string {
  return pieces
    .map((p) => {
      if (p.kind === 'one') throw fail(`the ? wildcard (one character) in ${field} value ${value} has no event-pattern form (the only wildcard is *)`);
      return p.kind === 'any' ? '*' : p.text.replace(/[\\*]/g, '\\$&');
    })
    .join('');
}

function numericOperand(m: Match, v: Scalar, fail: (reason: string) => CompileError): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw fail(`|${m.op} takes a number, not ${JSON.stringify(v)}`);
  if (Math.abs(v) > NUMERIC_LIMIT) throw fail(`${m.field}|${m.op} ${v}: numeric matching is limited to -5.0e9..+5.0e9`);
  return v;
}

/** Every CloudTrail event type EventBridge delivers (API calls, console sign-ins, service events). */
// The CloudTrail envelope's detail-types, from the log-source registry's record of it (cloudtrail-fields.ts).
export { CLOUDTRAIL_DETAIL_TYPES };
/** EventBridge's documented maximum size of an event pattern. */
export const EVENT_PATTERN_MAX_CHARACTERS = 4096;
const MAX_ALTERNATIVES = 32;

type Matcher = Scalar | null | Record<string, unknown>;
type PatternObject = { [key: string]: PatternObject | Matcher[] | PatternObject[] };

/**
 * `maxLength` bounds the pattern's JSON text (default: EventBridge's 4,096 ceiling). The AWS alarm plan
 * passes Infinity and splits what is longer than the account's quota into several rules itself
 * (core/aws/alarm-plan.ts).
 */
export function compileEventPattern(rule: Rule, expr: Expr, maxLength: number = EVENT_PATTERN_MAX_CHARACTERS): Record<string, unknown> {
  const fail = (reason: string) => new CompileError(rule.id, 'eventbridge', reason, 'Simplify the condition or split the rule.');
  let terms: Literal[][];
  try {
    terms = toDnf(expr, MAX_ALTERNATIVES);
  } catch (error) {
    if (error instanceof RangeError) throw fail(`the condition expands to ${error.message} (EventBridge has no NOT and no nested OR of ANDs)`);
    throw error;
  }
  const objects = terms.map((term) => {
    const byField = new Map<string, Matcher[]>();
    for (const literal of term) {
      const matchers = literalMatchers(literal, fail);
      if (matchers === 'always') continue;
      if (byField.has(literal.match.field)) {
        throw fail(`two conditions on ${literal.match.field} in one conjunction; an event pattern allows one list of matchers per field`);
      }
      byField.set(literal.match.field, matchers);
    }
    return nest(byField, fail);
  });
  const detail: PatternObject = objects.length === 1 ? objects[0]! : { $or: objects };
  const pattern = { 'detail-type': [...CLOUDTRAIL_DETAIL_TYPES], detail };
  const size = JSON.stringify(pattern).length;
  if (size > maxLength) {
    throw new CompileError(
      rule.id,
      'eventbridge',
      `the pattern is ${size} characters, over EventBridge's ${maxLength}`,
      'Aggregate the CIDRs or split the rule; the offline detector has no such limit.',
    );
  }
  return pattern;
}

/** Matchers for one literal (alternatives on one field), or 'always' for a literal that is always true. */
function literalMatchers(literal: Literal, fail: (reason: string) => CompileError): Matcher[] | 'always' {
  const m = literal.match;
  if (m.op === 'keyword') throw fail('a Sigma keyword searches the whole event, and an event pattern tests named fields only');
  if (m.op === 'fieldref') throw fail(`|fieldref compares ${m.field} with another field, and an event pattern compares a field with listed values only`);
  if (m.op === 'exists') return [{ exists: (m.values[0] === true) !== literal.negated }];
  if (m.op === 'null') {
    if (literal.negated) throw fail(`"present and not null" has no event-pattern form (anything-but takes no null); test ${m.field}|exists instead`);
    return [{ exists: false }, null];
  }
  if (m.values.length === 0) {
    if (literal.negated) return 'always';
    throw fail(`${m.field} has an empty value list (an empty placeholder?)`);
  }
  if (m.all && m.values.length > 1) throw fail(`${m.field}|all needs one condition per value on the same field`);
  // The engine compares a rule's number or boolean with the event's value as text (CloudTrail writes some
  // as JSON text, "false" beside false); an event pattern matches a JSON number or boolean only as itself,
  // so the text form is an alternative of its own (ignoring case unless |cased, as the engine does).
  if (!literal.negated)
    return m.values.flatMap((v) =>
      typeof v === 'string' || isComparison(m.op)
        ? [positive(m, v, fail)]
        : [positive(m, v, fail), m.cased || !/[a-z]/i.test(String(v)) ? String(v) : { 'equals-ignore-case': String(v) }],
    );
  if (isComparison(m.op)) {
    if (m.values.length > 1) throw fail(`not ${m.field}|${m.op} with several values needs several numeric conditions on one field`);
    const n = numericOperand(m, m.values[0]!, fail);
    return [{ exists: false }, null, true, false, { wildcard: '*' }, { numeric: [COMPLEMENT[m.op], n] }];
  }
  // not(any of values): the field is absent, or present and none of the values.
  return [{ exists: false }, { 'anything-but': negative(m, fail) }];
}

function positive(m: Match, v: Scalar, fail: (reason: string) => CompileError): Matcher {
  if (isComparison(m.op)) return { numeric: [COMPARISON[m.op], numericOperand(m, v, fail)] };
  if (typeof v !== 'string') {
    if (m.op !== 'equals') throw fail(`|${m.op} on a non-string value`);
    return v;
  }
  const plain = plainText(v);
  const wildcard = (op: 'equals' | 'contains' | 'startswith' | 'endswith', what: string): Matcher => {
    if (!m.cased) throw fail(`${what} case-sensitive in EventBridge; mark ${m.field} |cased`);
    return { wildcard: wildcardOperand(modifierPieces(op, v), v, m.field, fail) };
  };
  switch (m.op) {
    case 'equals':
      if (plain === undefined) return wildcard('equals', 'wildcard matching is');
      return m.cased ? plain : { 'equals-ignore-case': plain };
    case 'startswith':
      if (plain === undefined) return wildcard('startswith', `${m.field}|startswith with a wildcard compiles to a wildcard, which is`);
      return m.cased ? { prefix: plain } : { prefix: { 'equals-ignore-case': plain } };
    case 'endswith':
      if (plain === undefined) return wildcard('endswith', `${m.field}|endswith with a wildcard compiles to a wildcard, which is`);
      return m.cased ? { suffix: plain } : { suffix: { 'equals-ignore-case': plain } };
    case 'contains':
      return wildcard('contains', '|contains compiles to a wildcard, which is');
    case 'cidr': {
      // EventBridge refuses /32 and /128 CIDRs; a single address is an exact string.
      const [address, prefix] = v.split('/');
      return prefix === (v.includes(':') ? '128' : '32') ? address! : { cidr: v };
    }
    case 're':
      throw fail('event patterns have no regular expressions');
    case 'exists':
    case 'null':
    case 'fieldref':
    case 'keyword':
      throw new Error(`${m.op} is handled by the caller`);
  }
}

function negative(m: Match, fail: (reason: string) => CompileError): unknown {
  const strings = m.values.filter((v): v is string => typeof v === 'string');
  const wildcardOf = (op: 'equals' | 'contains' | 'startswith' | 'endswith', v: string) => wildcardOperand(modifierPieces(op, v), v, m.field, fail);
  switch (m.op) {
    case 'equals':
      if (strings.some((v) => plainText(v) === undefined)) {
        if (!m.cased || strings.length !== m.values.length) throw fail(`a negated wildcard match on ${m.field} must be |cased text`);
        const patterns = strings.map((v) => wildcardOf('equals', v));
        return { wildcard: patterns.length === 1 ? patterns[0] : patterns };
      }
      if (!m.cased && m.values.some((v) => typeof v !== 'string' && /[a-z]/i.test(String(v))))
        throw fail(
          `not ${m.field} of a boolean: the engine compares it as text too, ignoring case, and anything-but cannot exclude the value and its text in any case at once; mark it |cased`,
        );
      // Numbers (and |cased booleans): anything-but the value and its exact text (see literalMatchers).
      if (m.cased || strings.length === 0) return m.values.flatMap((v) => (typeof v === 'string' ? [plainText(v)!] : [v, String(v)]));
      if (strings.length !== m.values.length) throw fail(`mixed value types in a negated case-insensitive match on ${m.field}`);
      return { 'equals-ignore-case': strings.map((v) => plainText(v)!) };
    case 'startswith':
    case 'endswith': {
      if (m.values.length > 1) throw fail(`not ${m.field}|${m.op} with several values needs several anything-but conditions on one field`);
      const plain = plainText(strings[0] ?? '');
      if (plain === undefined) {
        if (!m.cased) throw fail(`not ${m.field}|${m.op} with a wildcard must be a |cased value (anything-but wildcard)`);
        return { wildcard: wildcardOf(m.op, strings[0]!) };
      }
      // The operators page documents anything-but with prefix, with suffix and with equals-ignore-case, not
      // with the two combined; and an empty prefix or suffix is refused.
      if (!m.cased) throw fail(`not ${m.field}|${m.op} must be a |cased value: anything-but takes a prefix or suffix, not one that ignores case`);
      if (plain === '') throw fail(`not ${m.field}|${m.op} of an empty value has no anything-but form`);
      return { [m.op === 'startswith' ? 'prefix' : 'suffix']: plain };
    }
    case 'contains':
      if (!m.cased || m.values.length > 1) throw fail(`not ${m.field}|contains must be a single |cased value (anything-but wildcard)`);
      return { wildcard: wildcardOf('contains', strings[0]!) };
    case 'cidr':
      throw fail('event patterns cannot negate a CIDR match; use the {{trustedNetworks.cidrs|complement}} placeholder instead of "not"');
    case 're':
      throw fail('event patterns have no regular expressions');
    case 'exists':
    case 'null':
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
    case 'fieldref':
    case 'keyword':
      throw new Error(`${m.op} is handled by the caller`);
  }
}

/**
 * {"a.b": [...]} -> {"a": {"b": [...]}}. A field and a field under it (`a` and `a.b`) in one conjunction
 * cannot both be written: a key holds either a matcher list or an object. Refused in either order; writing
 * the second over the first would silently drop a condition.
 */
function nest(byField: Map<string, Matcher[]>, fail: (reason: string) => CompileError): PatternObject {
  const root: PatternObject = {};
  const refuse = (field: string, prefix: string) =>
    fail(`${prefix} and ${field} in one conjunction; an event pattern key holds either matchers or fields under it, not both`);
  for (const [field, matchers] of byField) {
    const keys = field.split('.');
    let node = root;
    for (const [depth, key] of keys.slice(0, -1).entries()) {
      let child = node[key];
      if (Array.isArray(child)) throw refuse(field, keys.slice(0, depth + 1).join('.'));
      if (child === undefined) {
        child = {};
        node[key] = child;
      }
      node = child;
    }
    const last = keys[keys.length - 1]!;
    if (node[last] !== undefined && !Array.isArray(node[last])) throw refuse(Object.keys(node[last]).map((k) => `${field}.${k}`)[0]!, field);
    node[last] = matchers;
  }
  return root;
}
