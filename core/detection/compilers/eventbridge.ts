/**
 * Rule -> EventBridge event pattern on the CloudTrail envelope (`detail-type`, `detail.*`). Event
 * patterns have no general NOT and no AND of two conditions on one field, so the rule is put in
 * disjunctive normal form: each conjunction becomes one object and several go under `$or`. Negations
 * become `anything-but` or `exists: false`; a negated match is also true when the field is absent, so
 * it compiles to `[{"exists": false}, {"anything-but": ...}]`.
 */
import { hasWildcard, type Match, type Expr, type Scalar } from '../expr.ts';
import type { Rule } from '../rule.ts';
import { CompileError } from './compile-error.ts';
import { toDnf, type Literal } from './normal-form.ts';

/** Every CloudTrail event type EventBridge delivers (API calls, console sign-ins, service events). */
export const CLOUDTRAIL_DETAIL_TYPES = ['AWS API Call via CloudTrail', 'AWS Console Sign In via CloudTrail', 'AWS Service Event via CloudTrail'];
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
  const pattern = { 'detail-type': CLOUDTRAIL_DETAIL_TYPES, detail };
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
  if (!literal.negated) return m.values.map((v) => positive(m, v, fail));
  // not(any of values): the field is absent, or present and none of the values.
  return [{ exists: false }, { 'anything-but': negative(m, fail) }];
}

function positive(m: Match, v: Scalar, fail: (reason: string) => CompileError): Matcher {
  if (typeof v !== 'string') {
    if (m.op !== 'equals') throw fail(`|${m.op} on a non-string value`);
    return v;
  }
  switch (m.op) {
    case 'equals':
      if (hasWildcard(v)) {
        if (!m.cased) throw fail(`wildcard matching is case-sensitive in EventBridge; mark ${m.field} |cased`);
        return { wildcard: v };
      }
      return m.cased ? v : { 'equals-ignore-case': v };
    case 'startswith':
      return m.cased ? { prefix: v } : { prefix: { 'equals-ignore-case': v } };
    case 'endswith':
      return m.cased ? { suffix: v } : { suffix: { 'equals-ignore-case': v } };
    case 'contains':
      if (!m.cased) throw fail(`|contains compiles to a wildcard, which is case-sensitive in EventBridge; mark ${m.field} |cased`);
      return { wildcard: `*${v.replace(/\*/g, '\\*')}*` };
    case 'cidr': {
      // EventBridge refuses /32 and /128 CIDRs; a single address is an exact string.
      const [address, prefix] = v.split('/');
      return prefix === (v.includes(':') ? '128' : '32') ? address! : { cidr: v };
    }
    case 're':
      throw fail('event patterns have no regular expressions');
    case 'exists':
    case 'null':
      throw new Error(`${m.op} is handled by the caller`);
  }
}

function negative(m: Match, fail: (reason: string) => CompileError): unknown {
  const strings = m.values.filter((v): v is string => typeof v === 'string');
  switch (m.op) {
    case 'equals':
      if (strings.some(hasWildcard)) {
        if (!m.cased || strings.length !== m.values.length) throw fail(`a negated wildcard match on ${m.field} must be |cased text`);
        return { wildcard: strings.length === 1 ? strings[0] : strings };
      }
      if (m.cased || strings.length === 0) return [...m.values];
      if (strings.length !== m.values.length) throw fail(`mixed value types in a negated case-insensitive match on ${m.field}`);
      return { 'equals-ignore-case': strings };
    case 'startswith':
    case 'endswith': {
      if (m.values.length > 1) throw fail(`not ${m.field}|${m.op} with several values needs several anything-but conditions on one field`);
      const key = m.op === 'startswith' ? 'prefix' : 'suffix';
      return { [key]: m.cased ? strings[0] : { 'equals-ignore-case': strings[0] } };
    }
    case 'contains':
      if (!m.cased || m.values.length > 1) throw fail(`not ${m.field}|contains must be a single |cased value (anything-but wildcard)`);
      return { wildcard: `*${strings[0]!.replace(/\*/g, '\\*')}*` };
    case 'cidr':
      throw fail('event patterns cannot negate a CIDR match; use the {{trustedNetworks.cidrs|complement}} placeholder instead of "not"');
    case 're':
      throw fail('event patterns have no regular expressions');
    case 'exists':
    case 'null':
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
