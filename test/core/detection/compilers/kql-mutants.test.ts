/** KQL: each operator's exact text and each refusal's exact message (mutation testing). */
import { describe, expect, it } from 'vitest';
import { compileKql, type KqlTable } from '../../../../core/detection/compilers/kql.ts';
import type { Expr } from '../../../../core/detection/expr.ts';
import { and, m, not, or, refusal, rule } from './helpers.ts';

const columns: Record<string, string> = { S: 'string', N: 'int', D: 'dynamic', Arr: 'dynamic', IntArr: 'int' };
const table: KqlTable = { name: 'T', columnType: (column) => columns[column], arrays: ['Arr', 'IntArr'] };
const compile = (expr: Expr) => compileKql(rule, expr, table);

describe('KQL output', () => {
  it.each<[string, Expr, string]>([
    ['a nested key with a dash', m('D.a-b', 'equals', ['x']), 'tostring(D["a-b"]) =~ "x"'],
    ['a nested key starting with a digit', m('D.x.1abc', 'equals', ['x']), 'tostring(D.x["1abc"]) =~ "x"'],
    ['two nested keys', m('D.a.b', 'equals', ['x']), 'tostring(D.a.b) =~ "x"'],
    ['an int column', m('N', 'equals', [5]), 'tostring(N) =~ "5"'],
    ['exists: false', m('S', 'exists', [false]), 'isempty(S)'],
    ['null', m('S', 'null', []), 'isempty(S)'],
    ['an empty value list', m('S', 'equals', []), 'false'],
    ['a wildcard', m('S', 'equals', ['a*']), 'S matches regex "(?is)^a"'],
    ['a |cased wildcard', m('S', 'equals', ['a*'], { cased: true }), 'S matches regex "(?s)^a"'],
    ['startswith', m('S', 'startswith', ['a']), 'S startswith "a"'],
    ['startswith |cased', m('S', 'startswith', ['a'], { cased: true }), 'S startswith_cs "a"'],
    ['a regex', m('S', 're', ['a.b']), 'S matches regex "(?i)a.b"'],
    ['a |cased regex with a non-capturing group', m('S', 're', ['(?:a|b)'], { cased: true }), 'S matches regex "(?:a|b)"'],
    ['an IPv4 CIDR', m('S', 'cidr', ['10.0.0.0/8']), 'coalesce(ipv4_is_in_any_range(S, dynamic(["10.0.0.0/8"])), false)'],
    ['an IPv6 CIDR', m('S', 'cidr', ['2001:db8::/32']), '(S !contains "." and coalesce(ipv6_is_in_any_range(S, dynamic(["2001:db8::/32"])), false))'],
    ['all of two values', m('S', 'equals', ['a', 'b'], { all: true }), '(S =~ "a" and S =~ "b")'],
    ['contains one of two', m('S', 'contains', ['a', 'b']), '(S contains "a" or S contains "b")'],
    ['a wildcard or a value', m('S', 'equals', ['a*', 'b']), '(S matches regex "(?is)^a" or S =~ "b")'],
    ['one of two values', m('S', 'equals', ['a', 'b']), 'S in~ ("a", "b")'],
    [
      'a or (b and c)',
      or(m('S', 'equals', ['a']), and(m('N', 'equals', [1]), m('D.x', 'equals', ['y']))),
      'S =~ "a" or (tostring(N) =~ "1" and tostring(D.x) =~ "y")',
    ],
    ['not (a and b)', not(and(m('S', 'equals', ['a']), m('N', 'equals', [1]))), 'not(S =~ "a" and tostring(N) =~ "1")'],
    // Absent, null and "" inside a dynamic column: a test that holds on "" needs a value there.
    ['an empty value in a dynamic column', m('D.a', 'equals', ['']), '(isnotnull(D.a) and tostring(D.a) =~ "")'],
    ['an empty |cased value in a dynamic column', m('D.a.b', 'equals', [''], { cased: true }), '(isnotnull(D.a.b) and tostring(D.a.b) == "")'],
    ['an empty value under a key with a dash', m('D.a-b', 'equals', ['']), '(isnotnull(D["a-b"]) and tostring(D["a-b"]) =~ "")'],
    ['an empty value or another', m('D.a', 'equals', ['', 'x']), '(isnotnull(D.a) and tostring(D.a) in~ ("", "x"))'],
    ['all of an empty value and another', m('D.a', 'equals', ['', 'x'], { all: true }), '(isnotnull(D.a) and (tostring(D.a) =~ "" and tostring(D.a) =~ "x"))'],
    ['contains ""', m('D.a', 'contains', ['']), '(isnotnull(D.a) and tostring(D.a) contains "")'],
    ['startswith ""', m('D.a', 'startswith', ['']), '(isnotnull(D.a) and tostring(D.a) startswith "")'],
    ['endswith ""', m('D.a', 'endswith', [''], { cased: true }), '(isnotnull(D.a) and tostring(D.a) endswith_cs "")'],
    ['a lone * wildcard', m('D.a', 'equals', ['*']), '(isnotnull(D.a) and tostring(D.a) matches regex "(?is)")'],
    ['a regex that matches the empty text', m('D.a', 're', ['^x*$']), '(isnotnull(D.a) and tostring(D.a) matches regex "(?i)^x*$")'],
    ['a regex that does not', m('D.a', 're', ['^x+$']), 'tostring(D.a) matches regex "(?i)^x+$"'],
    ['a regex JavaScript cannot read is guarded', m('D.a', 're', ['(?P<n>x)']), '(isnotnull(D.a) and tostring(D.a) matches regex "(?i)(?P<n>x)")'],
    ['a value that cannot be empty is not guarded', m('D.a', 'contains', ['x']), 'tostring(D.a) contains "x"'],
    ['a number is not guarded', m('D.a', 'equals', [0]), 'tostring(D.a) =~ "0"'],
    ['a wildcard that needs a character is not guarded', m('D.a', 'equals', ['?*']), 'tostring(D.a) matches regex "(?is)^."'],
    ['an empty value in a string column is as before', m('S', 'equals', ['']), 'S =~ ""'],
    ['an empty value in an int column is as before', m('N', 'equals', ['']), 'tostring(N) =~ ""'],
    ['an empty value in a whole dynamic column', m('D', 'equals', ['']), '(isnotnull(D) and tostring(D) =~ "")'],
    ['exists in a dynamic column', m('D.a', 'exists', [true]), '(gettype(D) == "dictionary" and bag_has_key(D, "a"))'],
    ['exists two keys down', m('D.a.b', 'exists', [true]), '(gettype(D.a) == "dictionary" and bag_has_key(D.a, "b"))'],
    ['exists: false in a dynamic column', m('D.a-b', 'exists', [false]), 'not(gettype(D) == "dictionary" and bag_has_key(D, "a-b"))'],
    ['null in a dynamic column', m('D.a', 'null', []), 'isnull(D.a)'],
    ['exists on a whole dynamic column', m('D', 'exists', [true]), 'isnotnull(D)'],
    ['exists: false on a whole dynamic column', m('D', 'exists', [false]), 'isnull(D)'],
    ['null on a whole dynamic column', m('D', 'null', []), 'isnull(D)'],
    ['exists on a string column', m('S', 'exists', [true]), 'isnotempty(S)'],
    ['fieldref from a dynamic column', m('D.a', 'fieldref', ['D.b']), '(isnotnull(D.a) and isnotnull(D.b) and tostring(D.a) =~ tostring(D.b))'],
    ['fieldref from a string column', m('S', 'fieldref', ['D.b']), '(isnotempty(S) and S =~ tostring(D.b))'],
  ])('%s', (_name, expr, where) => {
    expect(compile(expr)).toBe(`T\n| where ${where}`);
  });

  it.each<[string, Expr, string[], string]>([
    [
      'exists in an array',
      m('Arr.x', 'exists', [true]),
      ['| mv-apply _a1_0 = Arr on (summarize _m1 = countif(gettype(_a1_0) == "dictionary" and bag_has_key(_a1_0, "x")))'],
      '_m1 > 0',
    ],
    [
      'exists: false in an array',
      m('Arr.x', 'exists', [false]),
      ['| mv-apply _a1_0 = Arr on (summarize _m1 = countif(gettype(_a1_0) == "dictionary" and bag_has_key(_a1_0, "x")))'],
      '_m1 == 0',
    ],
    ['null in an array', m('Arr.x', 'null', []), ['| mv-apply _a1_0 = Arr on (summarize _m1 = countif(isnotnull(_a1_0.x)))'], '_m1 == 0'],
    ['exists on an array element itself', m('Arr', 'exists', [true]), ['| mv-apply _a1_0 = Arr on (summarize _m1 = countif(isnotnull(_a1_0)))'], '_m1 > 0'],
    [
      'an empty value in an array',
      m('Arr.x', 'equals', ['']),
      ['| mv-apply _a1_0 = Arr on (summarize _m1 = countif((isnotnull(_a1_0.x) and tostring(_a1_0.x) =~ "")))'],
      '_m1 > 0',
    ],
    [
      'a value in a nested array',
      m('Arr.y.x', 'startswith', ['']),
      ['| mv-apply _a1_0 = Arr on (summarize _m1 = countif((isnotnull(_a1_0.y.x) and tostring(_a1_0.y.x) startswith "")))'],
      '_m1 > 0',
    ],
    [
      'one of two values in an array',
      m('Arr.x', 'contains', ['a', 'b']),
      ['| mv-apply _a1_0 = Arr on (summarize _m1 = countif((tostring(_a1_0.x) contains "a" or tostring(_a1_0.x) contains "b")))'],
      '_m1 > 0',
    ],
    [
      'all of one value in an array',
      m('Arr.x', 'contains', ['a'], { all: true }),
      ['| mv-apply _a1_0 = Arr on (summarize _m1 = countif(tostring(_a1_0.x) contains "a"))'],
      '_m1 > 0',
    ],
    [
      'all of two values in an array',
      m('Arr.x', 'contains', ['a', 'b'], { all: true }),
      [
        '| mv-apply _a1_0 = Arr on (summarize _m1 = countif(tostring(_a1_0.x) contains "a"))',
        '| mv-apply _a2_0 = Arr on (summarize _m2 = countif(tostring(_a2_0.x) contains "b"))',
      ],
      '(_m1 > 0 and _m2 > 0)',
    ],
  ])('%s', (_name, expr, applies, where) => {
    expect(compile(expr)).toBe(['T', ...applies, `| where ${where}`].join('\n'));
  });
});

describe('KQL refusals', () => {
  it.each<[string, Expr, string]>([
    ['a nested field of an int column', m('N.x', 'equals', ['a']), 'N is a int column; only dynamic columns have nested fields like N.x'],
    ['an array in an int column', m('IntArr.x', 'equals', ['a']), 'IntArr is not a dynamic column'],
    ['a lookahead', m('S', 're', ['(?=a)']), 'regex (?=a): lookaround assertions are not in RE2'],
    ['a lookbehind', m('S', 're', ['(?<!a)b']), 'regex (?<!a)b: lookaround assertions are not in RE2'],
    ['a named group', m('S', 're', ['(?<n>a)']), 'regex (?<n>a): named groups are written differently in RE2'],
    ['exists on a key bag_has_key would read as a JSONPath', m('D.$a', 'exists', [true]), 'exists on the key "$a": bag_has_key() would read it as a JSONPath'],
  ])('%s', (_name, expr, reason) => {
    expect(refusal(() => compile(expr))).toBe(`rule mut-rule cannot compile to kql: ${reason}. Use a column of T (see core/detection/targets/kql-tables.ts).`);
  });
});
