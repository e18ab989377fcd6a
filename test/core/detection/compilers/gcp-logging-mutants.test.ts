/** Cloud Logging queries: each operator's exact text and each refusal's exact message (mutation testing). */
import { describe, expect, it } from 'vitest';
import { compileGcpQuery } from '../../../../core/detection/compilers/gcp-logging.ts';
import type { Expr } from '../../../../core/detection/expr.ts';
import { and, m, not, or, refusal, rule } from './helpers.ts';

const compile = (expr: Expr) => compileGcpQuery(rule, expr);
const a = m('a', 'exists', [true]);
const b = m('b', 'exists', [true]);
const c = m('c', 'exists', [true]);

describe('Cloud Logging query output', () => {
  it.each<[string, Expr, string]>([
    ['a key with a dash is quoted', m('protoPayload.a-b', 'equals', ['x']), 'protoPayload."a-b"="x"'],
    ['a key starting with a digit is quoted', m('x.1abc', 'equals', ['x']), 'x."1abc"="x"'],
    ['case-insensitive text', m('f', 'equals', ['StopLogging']), 'f="StopLogging"'],
    ['|cased text without letters', m('f', 'equals', ['123'], { cased: true }), 'f="123"'],
    ['|cased text', m('f', 'equals', ['Root'], { cased: true }), 'f=~"^Root$"'],
    ['|cased text with an escaped star (Sigma: a literal *)', m('f', 'equals', [String.raw`A\*b`], { cased: true }), String.raw`f=~"^A\\*b$"`],
    ['a wildcard (under (?s): a Sigma * matches line breaks too)', m('f', 'equals', ['Get*']), 'f=~"(?is)^Get"'],
    ['contains', m('f', 'contains', ['a.b'], { cased: true }), String.raw`f=~"a\\.b"`],
    ['contains regex syntax', m('f', 'contains', [String.raw`(\?=x`], { cased: true }), String.raw`f=~"\\(\\?=x"`],
    ['contains a ? wildcard: one character', m('f', 'contains', ['(?=x'], { cased: true }), String.raw`f=~"(?s)\\(.=x"`],
    ['startswith', m('f', 'startswith', ['Ab'], { cased: true }), 'f=~"^Ab"'],
    ['startswith, any case', m('f', 'startswith', ['ab']), 'f=~"(?i)^ab"'],
    ['endswith', m('f', 'endswith', ['Ab'], { cased: true }), 'f=~"Ab$"'],
    ['a regex', m('f', 're', ['a.b']), 'f=~"(?i)a.b"'],
    ['a |cased regex with a non-capturing group', m('f', 're', ['(?:a|b)'], { cased: true }), 'f=~"(?:a|b)"'],
    ['exists', m('f', 'exists', [true]), 'f:*'],
    ['exists: false', m('f', 'exists', [false]), 'NOT f:*'],
    ['null', m('f', 'null', []), '(NOT f:* OR f=NULL_VALUE)'],
    ['a number', m('f', 'equals', [5]), 'f=5'],
    ['a boolean', m('f', 'equals', [true]), 'f=true'],
    ['contains a number', m('f', 'contains', [5]), 'f=~"(?i)5"'],
    ['not (a and b)', not(and(a, b)), 'NOT (a:* AND b:*)'],
    ['a or b', or(a, b), 'a:* OR b:*'],
    ['a and (b or c)', and(a, or(b, c)), 'a:* AND (b:* OR c:*)'],
  ])('%s', (_name, expr, expected) => {
    expect(compile(expr)).toBe(expected);
  });
});

describe('Cloud Logging refusals', () => {
  it.each<[string, Expr, string]>([
    ['a lookahead', m('f', 're', ['(?=x)']), 'regex (?=x): lookaround assertions are not in RE2'],
    ['a lookbehind', m('f', 're', ['(?<!x)b']), 'regex (?<!x)b: lookaround assertions are not in RE2'],
    ['a named group', m('f', 're', ['(?<n>x)']), 'regex (?<n>x): named groups are written differently in RE2'],
    ['a backreference', m('f', 're', [String.raw`(a)\1`]), String.raw`regex (a)\1: backreferences are not in RE2`],
    ['an empty value list', m('f', 'equals', []), 'f has an empty value list (an empty placeholder?)'],
  ])('%s', (_name, expr, reason) => {
    expect(refusal(() => compile(expr))).toBe(`rule mut-rule cannot compile to gcp: ${reason}. Rewrite the selection without it.`);
  });
});
