/** CloudWatch filter patterns: each operator's exact output and each refusal's exact message (mutation testing). */
import { describe, expect, it } from 'vitest';
import { compileCloudWatchPattern } from '../../../../core/detection/compilers/cloudwatch.ts';
import type { Expr } from '../../../../core/detection/expr.ts';
import { and, m, not, refusal, rule } from './helpers.ts';

const compile = (expr: Expr) => compileCloudWatchPattern(rule, expr);

describe('CloudWatch pattern output', () => {
  it.each<[string, Expr, string]>([
    ['contains', m('eventName', 'contains', ['Delete'], { cased: true }), '{ ($.eventName = "*Delete*") }'],
    ['true', m('f', 'equals', [true]), '{ ($.f IS TRUE) }'],
    ['false', m('f', 'equals', [false]), '{ ($.f IS FALSE) }'],
    ['not true', not(m('f', 'equals', [true])), '{ (($.f IS FALSE) || ($.f NOT EXISTS) || ($.f IS NULL)) }'],
    ['a number', m('f', 'equals', [5]), '{ ($.f = 5) }'],
    ['exists', m('f', 'exists', [true]), '{ (($.f = *) || ($.f IS NULL)) }'],
    ['exists: false', m('f', 'exists', [false]), '{ ($.f NOT EXISTS) }'],
    ['not exists', not(m('f', 'exists', [true])), '{ ($.f NOT EXISTS) }'],
    ['not exists: false', not(m('f', 'exists', [false])), '{ (($.f = *) || ($.f IS NULL)) }'],
    ['null', m('f', 'null', []), '{ (($.f NOT EXISTS) || ($.f IS NULL)) }'],
    ['not null', not(m('f', 'null', [])), '{ ($.f = *) }'],
    ['all of two', m('f', 'contains', ['a', 'b'], { all: true, cased: true }), '{ (($.f = "*a*") && ($.f = "*b*")) }'],
    ['none of two', not(m('f', 'equals', ['A', 'B'], { cased: true })), '{ ((($.f != "A") && ($.f != "B")) || ($.f NOT EXISTS) || ($.f IS NULL)) }'],
    [
      'not all of two',
      not(m('f', 'contains', ['a', 'b'], { all: true, cased: true })),
      '{ ((($.f != "*a*") || ($.f != "*b*")) || ($.f NOT EXISTS) || ($.f IS NULL)) }',
    ],
    ['not (a and b), by De Morgan', not(and(m('f', 'exists', [true]), m('g', 'exists', [true]))), '{ (($.f NOT EXISTS) || ($.g NOT EXISTS)) }'],
    ['1,024 characters, the maximum', m('f', 'equals', ['a'.repeat(1010)], { cased: true }), `{ ($.f = "${'a'.repeat(1010)}") }`],
  ])('%s', (_name, expr, expected) => {
    expect(compile(expr)).toBe(expected);
  });
});

describe('CloudWatch refusals', () => {
  it.each<[string, Expr, string]>([
    ['a field key with a dash', m('a-b', 'equals', ['X'], { cased: true }), 'field a-b needs quoting, which filter patterns do not support here'],
    ['a field key starting with a digit', m('1abc', 'equals', ['X'], { cased: true }), 'field 1abc needs quoting, which filter patterns do not support here'],
    ['one bad key of two', m('ok.a-b', 'equals', ['X'], { cased: true }), 'field ok.a-b needs quoting, which filter patterns do not support here'],
    ['a quote', m('f', 'equals', ['a"b'], { cased: true }), 'value a"b contains a quote or backslash, which filter patterns cannot escape'],
    [
      'an escaped star in contains',
      m('f', 'contains', [String.raw`a\*b`], { cased: true }),
      String.raw`value a\*b contains a literal *, which filter patterns read as a wildcard`,
    ],
    ['a star in contains (a Sigma wildcard)', m('f', 'contains', ['a*b'], { cased: true }), 'wildcards are only allowed at the start or end of a value (a*b)'],
    ['an empty value list', m('f', 'equals', []), 'f has an empty value list (an empty placeholder?)'],
    ['a boolean among other values', m('f', 'equals', [true, 'A'], { cased: true }), 'mixed boolean alternatives on f'],
    ['two booleans', m('f', 'equals', [true, false]), 'mixed boolean alternatives on f'],
    ['1,025 characters', m('f', 'equals', ['a'.repeat(1011)], { cased: true }), 'the pattern is 1025 characters, over the 1024 a metric filter allows'],
  ])('%s', (_name, expr, reason) => {
    expect(refusal(() => compile(expr))).toBe(
      `rule mut-rule cannot compile to cloudwatch: ${reason}. Deploy it as an EventBridge rule instead (targets: [eventbridge]).`,
    );
  });
});
