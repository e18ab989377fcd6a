/** EventBridge event patterns: each matcher's exact form and each refusal's exact message (mutation testing). */
import { describe, expect, it } from 'vitest';
import { CLOUDTRAIL_DETAIL_TYPES, compileEventPattern } from '../../../../core/detection/compilers/eventbridge.ts';
import type { Expr } from '../../../../core/detection/expr.ts';
import { and, m, not, or, refusal, rule } from './helpers.ts';

const compile = (expr: Expr, maxLength?: number) => compileEventPattern(rule, expr, maxLength);
const anyOf = (count: number, prefix: string) => or(...Array.from({ length: count }, (_, i) => m(`${prefix}${i}`, 'exists', [true])));
const exists = (count: number, prefix: string) => Array.from({ length: count }, (_, i) => ({ [`${prefix}${i}`]: [{ exists: true }] }));

describe('EventBridge pattern output', () => {
  it.each<[string, Expr, unknown]>([
    ['exists: false', m('f', 'exists', [false]), { f: [{ exists: false }] }],
    ['not exists', not(m('f', 'exists', [true])), { f: [{ exists: false }] }],
    ['not exists: false', not(m('f', 'exists', [false])), { f: [{ exists: true }] }],
    ['null', m('f', 'null', []), { f: [{ exists: false }, null] }],
    ['not an empty list, always true, is left out', and(m('e', 'equals', ['X'], { cased: true }), not(m('f', 'equals', []))), { e: ['X'] }],
    ['all of one value', m('f', 'contains', ['a'], { all: true, cased: true }), { f: [{ wildcard: '*a*' }] }],
    // The engine compares numbers and booleans as text too ("5", "TRUE"): the text form is an alternative.
    ['a number', m('f', 'equals', [5]), { f: [5, '5'] }],
    ['a boolean', m('f', 'equals', [true]), { f: [true, { 'equals-ignore-case': 'true' }] }],
    ['a |cased boolean', m('f', 'equals', [true], { cased: true }), { f: [true, 'true'] }],
    ['endswith |cased', m('f', 'endswith', ['x'], { cased: true }), { f: [{ suffix: 'x' }] }],
    ['endswith', m('f', 'endswith', ['x']), { f: [{ suffix: { 'equals-ignore-case': 'x' } }] }],
    ['contains with a literal (escaped) star', m('f', 'contains', [String.raw`a\*b`], { cased: true }), { f: [{ wildcard: '*a\\*b*' }] }],
    ['contains with a wildcard', m('f', 'contains', ['a*b'], { cased: true }), { f: [{ wildcard: '*a*b*' }] }],
    [
      'CIDRs, a single address as text',
      m('f', 'cidr', ['10.0.0.0/8', '10.1.2.3/32', '2001:db8::1/128', '2001:db8::/32']),
      { f: [{ cidr: '10.0.0.0/8' }, '10.1.2.3', '2001:db8::1', { cidr: '2001:db8::/32' }] },
    ],
    ['not a number', not(m('f', 'equals', [5])), { f: [{ exists: false }, { 'anything-but': [5, '5'] }] }],
    ['not a wildcard', not(m('f', 'equals', ['a*'], { cased: true })), { f: [{ exists: false }, { 'anything-but': { wildcard: 'a*' } }] }],
    ['not two wildcards', not(m('f', 'equals', ['a*', 'b*'], { cased: true })), { f: [{ exists: false }, { 'anything-but': { wildcard: ['a*', 'b*'] } }] }],
    ['not two values', not(m('f', 'equals', ['a', 'b'])), { f: [{ exists: false }, { 'anything-but': { 'equals-ignore-case': ['a', 'b'] } }] }],
    ['not two |cased values', not(m('f', 'equals', ['a', 'b'], { cased: true })), { f: [{ exists: false }, { 'anything-but': ['a', 'b'] }] }],
    ['not startswith |cased', not(m('f', 'startswith', ['a'], { cased: true })), { f: [{ exists: false }, { 'anything-but': { prefix: 'a' } }] }],
    ['not endswith |cased', not(m('f', 'endswith', ['a'], { cased: true })), { f: [{ exists: false }, { 'anything-but': { suffix: 'a' } }] }],
    ['not contains', not(m('f', 'contains', [String.raw`a\*b`], { cased: true })), { f: [{ exists: false }, { 'anything-but': { wildcard: '*a\\*b*' } }] }],
    ['32 alternatives, the maximum', anyOf(32, 'f'), { $or: exists(32, 'f') }],
    ['4 x 8 = 32 alternatives', and(anyOf(4, 'a'), anyOf(8, 'b')), { $or: exists(4, 'a').flatMap((a) => exists(8, 'b').map((b) => ({ ...a, ...b }))) }],
  ])('%s', (_name, expr, detail) => {
    expect(compile(expr)).toEqual({ 'detail-type': CLOUDTRAIL_DETAIL_TYPES, detail });
  });

  it('refuses a pattern one character over maxLength, and allows one of exactly maxLength', () => {
    const expr = m('f', 'equals', ['x'], { cased: true });
    const size = JSON.stringify(compile(expr, Number.POSITIVE_INFINITY)).length;
    expect(compile(expr, size)).toEqual({ 'detail-type': CLOUDTRAIL_DETAIL_TYPES, detail: { f: ['x'] } });
    expect(refusal(() => compile(expr, size - 1))).toBe(
      `rule mut-rule cannot compile to eventbridge: the pattern is ${size} characters, over EventBridge's ${size - 1}. Aggregate the CIDRs or split the rule; the offline detector has no such limit.`,
    );
  });

  it('a field and a field under it in one conjunction are refused in either order (neither condition is dropped)', () => {
    const reason = 'f and f.b in one conjunction; an event pattern key holds either matchers or fields under it, not both';
    expect(refusal(() => compile(and(m('f', 'exists', [true]), m('f.b', 'equals', ['x'], { cased: true }))))).toContain(reason);
    expect(refusal(() => compile(and(m('f.b', 'equals', ['x'], { cased: true }), m('f', 'exists', [true]))))).toContain(reason);
  });
});

describe('EventBridge refusals', () => {
  const expands = 'the condition expands to more than 32 alternatives (EventBridge has no NOT and no nested OR of ANDs)';
  it.each<[string, Expr, string]>([
    ['33 alternatives', anyOf(33, 'f'), expands],
    ['6 x 6 alternatives', and(anyOf(6, 'a'), anyOf(6, 'b')), expands],
    ['not null', not(m('f', 'null', [])), '"present and not null" has no event-pattern form (anything-but takes no null); test f|exists instead'],
    ['an empty value list', m('f', 'equals', []), 'f has an empty value list (an empty placeholder?)'],
    ['all of two values', m('f', 'contains', ['a', 'b'], { all: true, cased: true }), 'f|all needs one condition per value on the same field'],
    ['contains a number', m('f', 'contains', [5], { cased: true }), '|contains on a non-string value'],
    ['a wildcard without |cased', m('f', 'equals', ['a*']), 'wildcard matching is case-sensitive in EventBridge; mark f |cased'],
    ['contains without |cased', m('f', 'contains', ['a']), '|contains compiles to a wildcard, which is case-sensitive in EventBridge; mark f |cased'],
    ['not a wildcard without |cased', not(m('f', 'equals', ['a*'])), 'a negated wildcard match on f must be |cased text'],
    ['not a number or a wildcard', not(m('f', 'equals', [5, 'a*'], { cased: true })), 'a negated wildcard match on f must be |cased text'],
    ['not a number or text', not(m('f', 'equals', [5, 'a'])), 'mixed value types in a negated case-insensitive match on f'],
    [
      'not a boolean ignoring case',
      not(m('f', 'equals', [false])),
      'not f of a boolean: the engine compares it as text too, ignoring case, and anything-but cannot exclude the value and its text in any case at once; mark it |cased',
    ],
    [
      'not startswith two values',
      not(m('f', 'startswith', ['a', 'b'], { cased: true })),
      'not f|startswith with several values needs several anything-but conditions on one field',
    ],
    ['not endswith two values', not(m('f', 'endswith', ['a', 'b'])), 'not f|endswith with several values needs several anything-but conditions on one field'],
    [
      'not startswith without |cased (anything-but prefix ignoring case is not documented)',
      not(m('f', 'startswith', ['a'])),
      'not f|startswith must be a |cased value: anything-but takes a prefix or suffix, not one that ignores case',
    ],
    [
      'not endswith without |cased',
      not(m('f', 'endswith', ['a'])),
      'not f|endswith must be a |cased value: anything-but takes a prefix or suffix, not one that ignores case',
    ],
    ['not startswith an empty value', not(m('f', 'startswith', [''], { cased: true })), 'not f|startswith of an empty value has no anything-but form'],
    ['not contains without |cased', not(m('f', 'contains', ['a'])), 'not f|contains must be a single |cased value (anything-but wildcard)'],
    ['not contains two values', not(m('f', 'contains', ['a', 'b'], { cased: true })), 'not f|contains must be a single |cased value (anything-but wildcard)'],
    [
      'not a CIDR',
      not(m('f', 'cidr', ['10.0.0.0/8'])),
      'event patterns cannot negate a CIDR match; use the {{trustedNetworks.cidrs|complement}} placeholder instead of "not"',
    ],
    ['not a regex', not(m('f', 're', ['a'])), 'event patterns have no regular expressions'],
  ])('%s', (_name, expr, reason) => {
    expect(refusal(() => compile(expr))).toBe(`rule mut-rule cannot compile to eventbridge: ${reason}. Simplify the condition or split the rule.`);
  });
});
