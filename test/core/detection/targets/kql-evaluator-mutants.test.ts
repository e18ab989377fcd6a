/**
 * The KQL oracle (core/detection/targets/kql-evaluator.ts) on the constructs its mutation run left
 * unchecked: ingestion of JSON rows into typed columns, the lexer's literals and comments, the parser's
 * refusals, three-valued logic, null comparisons, number boundaries, the ip range functions' null cases,
 * RE2 translation and the tabular operators. Each case names the learn.microsoft.com page it follows;
 * where the reference is silent, the case pins the choice the module's header documents.
 */
import { describe, expect, it } from 'vitest';
import { compileKqlQuery, type KqlColumnType, type KqlRow, parseKql, runKql, toKqlRow } from '../../../../core/detection/targets/kql-evaluator.ts';

const DOCS = 'https://learn.microsoft.com/kusto/query/';

/** The ids (row positions) of the rows the query returns over table T. */
function ids(query: string, columns: Record<string, KqlColumnType>, rows: Record<string, unknown>[]): number[] {
  const withId = rows.map((r, i) => ({ ...r, id: i }));
  return runKql(query, { T: { columns: { ...columns, id: 'long' }, rows: withId } }).map((r) => r.get('id')!.v as number);
}

/** The error message the query throws over table T (or 'no error'). */
function failure(query: string, columns: Record<string, KqlColumnType> = { s: 'string' }, rows: Record<string, unknown>[] = [{}]): string {
  try {
    runKql(query, { T: { columns, rows } });
    return 'no error';
  } catch (e) {
    return (e as Error).message;
  }
}

/** The plain values of a row, column by column. */
const plain = (row: KqlRow): Record<string, unknown> => Object.fromEntries([...row].map(([k, v]) => [k, v.v]));

describe('toKqlRow: JSON rows as typed columns (scalar-data-types/null-values, scalar-data-types/dynamic)', () => {
  it(`${DOCS}scalar-data-types/null-values: a string column has no null; numbers, bools and objects are stored as text`, () => {
    const columns = { a: 'string', b: 'string', c: 'string', d: 'string', e: 'string', f: 'string', g: 'string' } as const;
    const row = toKqlRow(columns, { a: undefined, b: null, c: 'x', d: 12, e: true, f: { k: 1 }, g: [1, 'y'] });
    expect([...row.values()].map((v) => v.t)).toEqual(['string', 'string', 'string', 'string', 'string', 'string', 'string']);
    expect(plain(row)).toEqual({ a: '', b: '', c: 'x', d: '12', e: 'true', f: '{"k":1}', g: '[1,"y"]' });
  });

  it('a bool column takes a JSON bool or its text (true/True/false/False); anything else is null', () => {
    const values = [true, false, 'true', 'True', 'false', 'False', 'TRUE', 'yes', 1, 0, undefined, null];
    const got = values.map((b) => toKqlRow({ b: 'bool' }, { b }).get('b'));
    expect(got).toEqual([true, false, true, true, false, false, null, null, null, null, null, null].map((v) => ({ t: 'bool', v })));
  });

  it('int, long and real columns take a number or a numeric string; blank, non-numeric and non-finite text is null', () => {
    const columns = { i: 'int', l: 'long', r: 'real' } as const;
    expect(toKqlRow(columns, { i: 3, l: '42', r: '1.5' })).toEqual(
      new Map([
        ['i', { t: 'int', v: 3 }],
        ['l', { t: 'long', v: 42 }],
        ['r', { t: 'real', v: 1.5 }],
      ]),
    );
    const of = (l: unknown) => toKqlRow({ l: 'long' }, { l }).get('l')!.v;
    expect([' 7 ', '', ' ', 'abc', 'Infinity', true, null, undefined].map(of)).toEqual([7, null, null, null, null, null, null, null]);
  });

  it('datetime and guid columns hold a non-empty string, otherwise null; a dynamic column holds the JSON value or null', () => {
    const columns = { t: 'datetime', g: 'guid', x: 'dynamic' } as const;
    expect(toKqlRow(columns, { t: '2024-01-02T03:04:05Z', g: 'ad67d136-c1db-4f9f-88ef-d94f3b6b0b5a', x: { a: [1] } })).toEqual(
      new Map<string, unknown>([
        ['t', { t: 'datetime', v: '2024-01-02T03:04:05Z' }],
        ['g', { t: 'guid', v: 'ad67d136-c1db-4f9f-88ef-d94f3b6b0b5a' }],
        ['x', { t: 'dynamic', v: { a: [1] } }],
      ]),
    );
    expect(plain(toKqlRow(columns, { t: '', g: 5 }))).toEqual({ t: null, g: null, x: null });
  });
});

describe('lexer: comments and string literals (scalar-data-types/string)', () => {
  const S = { s: 'string' } as const;

  it('// starts a comment that runs to the end of the line, also at the end of the query', () => {
    expect(ids('T // the table\n| where s == "a" // no newline after this', S, [{ s: 'a' }, { s: 'b' }])).toEqual([0]);
    expect(ids('T | where s == "a"\n// only a comment\n| where s != "b"', S, [{ s: 'a' }, { s: 'b' }])).toEqual([0]);
  });

  it(`${DOCS}scalar-data-types/string: a verbatim literal (@"..." or @'...') keeps backslashes; a doubled quote is a quote`, () => {
    const rows = [{ s: 'C:\\dir\\n' }, { s: 'say "hi"' }, { s: "it's" }, { s: 'plain' }];
    expect(ids('T | where s == @"C:\\dir\\n"', S, rows)).toEqual([0]);
    expect(ids('T | where s == @"say ""hi"""', S, rows)).toEqual([1]);
    expect(ids("T | where s == @'it''s'", S, rows)).toEqual([2]);
    expect(ids('T | where s == @\'plain\' or s == @""', S, rows)).toEqual([3]);
    expect(failure('T | where s == @"open')).toBe('KQL: unterminated verbatim string at offset 21');
  });

  it(`${DOCS}scalar-data-types/string: \\t \\n \\r \\\\ \\' \\" are the escapes; anything else is refused`, () => {
    const rows = [{ s: 'a\tb' }, { s: 'a\nb' }, { s: 'a\rb' }, { s: 'a\\b' }, { s: "a'b" }, { s: 'a"b' }];
    const escapes = ['\\t', '\\n', '\\r', '\\\\', "\\'", '\\"'];
    expect(escapes.map((e) => ids(`T | where s == "a${e}b"`, S, rows))).toEqual([[0], [1], [2], [3], [4], [5]]);
    expect(ids("T | where s == 'a\\'b'", S, rows)).toEqual([4]);
    expect(failure('T | where s == "a\\qb"')).toBe('KQL: escape \\q is not one the string reference documents at offset 17');
    expect(failure('T | where s == "a\\')).toBe('KQL: escape \\ is not one the string reference documents at offset 17');
    expect(failure('T | where s == "open')).toBe('KQL: unterminated string at offset 20');
    expect(failure('T | where s == "a\nb"')).toBe('KQL: newline inside a string literal at offset 17');
    expect(failure('T | where s == "a\rb"')).toBe('KQL: newline inside a string literal at offset 17');
  });

  it('numbers with a fraction, names that merely start with "mv", and characters outside the language', () => {
    const N = { t: 'string', mv: 'string' } as const;
    expect(ids('T | where todouble(t) == 1.25', N, [{ t: '1.25' }, { t: '1.2' }])).toEqual([0]);
    expect(ids('T | where mv == "x"', N, [{ mv: 'x' }, { mv: 'y' }])).toEqual([0]);
    expect(failure('T | where s == "a" # x')).toBe('KQL: unexpected character "#" at offset 19');
  });
});

describe('parser: the supported subset, and what it refuses', () => {
  const S = { s: 'string' } as const;

  it('a query ending where an operand is due names the end; text after the query is refused', () => {
    expect(failure('T | where')).toBe('KQL: unexpected "" at offset 9');
    expect(failure('T | where )')).toBe('KQL: unexpected ")" at offset 11');
    expect(failure('T | where s matches')).toBe('KQL: unexpected text after the query at offset 12');
    expect(failure('T | where s == "a" s')).toBe('KQL: unexpected text after the query at offset 19');
    expect(failure('| where s == "a"')).toBe('KQL: expected a name at offset 2');
  });

  it('tabular operators and aggregations outside the subset are refused by name', () => {
    expect(failure('T | project s')).toBe('KQL: tabular operator project is outside the supported subset at offset 12');
    expect(failure('T | summarize n = avg(s)')).toBe('KQL: aggregation avg is outside the supported subset at offset 21');
    expect(failure('T | summarize n = count() by s')).toBe('KQL: summarize ... by is outside the supported subset at offset 26');
    expect(failure('T | summarize n count()')).toBe('KQL: expected "=" at offset 16');
    expect(failure('T | where s !matches regex "a"')).toBe('KQL: operator !matches is outside the supported subset at offset 13');
  });

  it('operators are tokens, not strings that spell them; a word other than an operator ends the expression', () => {
    expect(failure('T | where s "matches" regex "a"')).toBe('KQL: unexpected text after the query at offset 12');
    expect(failure('T | where s x regex "a"')).toBe('KQL: unexpected text after the query at offset 12');
    expect(failure('T | where s ! "x"')).toBe('KQL: unexpected text after the query at offset 12');
    expect(failure('T | where * foo "x"')).toBe('KQL: * (every column) is supported only before a string operator or matches regex at offset 12');
    expect(failure('T | where * matches "x"')).toBe('KQL: * (every column) is supported only before a string operator or matches regex at offset 12');
    expect(ids('T | where tostring(dynamic(["]", "["])) == s', { s: 'string' }, [{ s: '["]","["]' }])).toEqual([0]);
  });

  it(`${DOCS}mv-apply-operator: the item name is optional for a column, required for an expression, and "on (" follows`, () => {
    const A = { a: 'dynamic' } as const;
    expect(failure('T | mv-apply a.b on (summarize n = count())', A)).toBe('KQL: mv-apply of an expression needs a name at offset 17');
    expect(failure('T | mv-apply e = a where true', A)).toBe('KQL: expected "on" at offset 19');
    expect(failure('T | mv-apply e = a on summarize n = count()', A)).toBe('KQL: expected "(" at offset 22');
    expect(failure('T | mv-apply e = a on (summarize n = count()', A)).toBe('KQL: expected ")" at offset 44');
    expect(parseKql('T | mv-apply a on (where isnotnull(a))').ops).toEqual([
      {
        op: 'mv-apply',
        name: 'a',
        array: { e: 'col', name: 'a' },
        sub: [{ op: 'where', predicate: { e: 'call', fn: 'isnotnull', args: [{ e: 'col', name: 'a' }] } }],
      },
    ]);
  });

  it('index access: a string key or a whole number; anything else is refused', () => {
    expect(parseKql('T | where isnull(d[0]["k"])').ops).toEqual([
      {
        op: 'where',
        predicate: { e: 'call', fn: 'isnull', args: [{ e: 'member', of: { e: 'member', of: { e: 'col', name: 'd' }, key: 0 }, key: 'k' }] },
      },
    ]);
    expect(failure('T | where isnull(d[1.5])', { d: 'dynamic' })).toBe('KQL: expected a string or an index at offset 22');
    expect(failure('T | where isnull(d[k])', { d: 'dynamic' })).toBe('KQL: expected a string or an index at offset 20');
    expect(failure('T | where isnull(d[0)', { d: 'dynamic' })).toBe('KQL: expected "]" at offset 20');
  });

  it('literals: negative and fractional numbers, true/false, parentheses', () => {
    expect(parseKql('T | where n > -5 and r < -1.5 and (b == true or b == false)').ops).toEqual([
      {
        op: 'where',
        predicate: {
          e: 'and',
          left: {
            e: 'and',
            left: { e: 'cmp', op: '>', left: { e: 'col', name: 'n' }, right: { e: 'lit', value: { t: 'long', v: -5 } } },
            right: { e: 'cmp', op: '<', left: { e: 'col', name: 'r' }, right: { e: 'lit', value: { t: 'real', v: -1.5 } } },
          },
          right: {
            e: 'or',
            left: { e: 'cmp', op: '==', left: { e: 'col', name: 'b' }, right: { e: 'lit', value: { t: 'bool', v: true } } },
            right: { e: 'cmp', op: '==', left: { e: 'col', name: 'b' }, right: { e: 'lit', value: { t: 'bool', v: false } } },
          },
        },
      },
    ]);
    expect(parseKql('T | where x == 2').ops).toEqual([
      { op: 'where', predicate: { e: 'cmp', op: '==', left: { e: 'col', name: 'x' }, right: { e: 'lit', value: { t: 'long', v: 2 } } } },
    ]);
    expect(parseKql('T | where x == 2.5').ops).toEqual([
      { op: 'where', predicate: { e: 'cmp', op: '==', left: { e: 'col', name: 'x' }, right: { e: 'lit', value: { t: 'real', v: 2.5 } } } },
    ]);
    expect(failure('T | where n > - x', { n: 'long' })).toBe('KQL: unexpected "-" at offset 16');
  });

  it(`${DOCS}scalar-data-types/dynamic: dynamic() literals (arrays, property bags, strings, numbers, true, false, null)`, () => {
    const S2 = { s: 'string' } as const;
    const q = 'T | where tostring(dynamic({"a": -1, "b": [true, false, null], "c": "x", "d": {}, "e": [], "f": 2.5})) == s';
    expect(ids(q, S2, [{ s: '{"a":-1,"b":[true,false,null],"c":"x","d":{},"e":[],"f":2.5}' }, { s: '{}' }])).toEqual([0]);
    expect(ids('T | where gettype(dynamic(null)) == "null" and tostring(dynamic([-2])) == "[-2]"', S2, [{ s: '' }])).toEqual([0]);
    expect(ids('T | where tostring(dynamic("q")) == "q"', S2, [{ s: '' }])).toEqual([0]);
    expect(failure('T | where isnull(dynamic(x))')).toBe('KQL: expected a dynamic literal at offset 26');
    expect(failure('T | where isnull(dynamic({a: 1}))')).toBe('KQL: expected a property name at offset 27');
    expect(failure('T | where isnull(dynamic({"a" 1}))')).toBe('KQL: expected ":" at offset 30');
    expect(failure('T | where isnull(dynamic([1 2]))')).toBe('KQL: expected "]" at offset 28');
    expect(failure('T | where isnull(dynamic({"a": 1 "b": 2}))')).toBe('KQL: expected "}" at offset 33');
  });

  it(`${DOCS}in-operator: an empty list holds nothing; a dynamic array in the list counts element by element`, () => {
    const rows = [{ s: 'a' }, { s: 'b' }, { s: 'c' }, { s: 'C' }];
    expect(ids('T | where s in ()', S, rows)).toEqual([]);
    expect(ids('T | where s !in ()', S, rows)).toEqual([0, 1, 2, 3]);
    expect(ids('T | where s in (dynamic(["a", "b"]), "c")', S, rows)).toEqual([0, 1, 2]);
    expect(ids('T | where s !in (dynamic(["a", "b"]))', S, rows)).toEqual([2, 3]);
    expect(ids('T | where s in~ (dynamic(["A"]), "c")', S, rows)).toEqual([0, 2, 3]);
  });

  it('a bare bool or dynamic bool column is a predicate; other types are refused', () => {
    const B = { b: 'bool', d: 'dynamic', s: 'string' } as const;
    const rows = [{ b: true, d: { f: true } }, { b: false, d: { f: false } }, { d: {} }];
    expect(ids('T | where b', B, rows)).toEqual([0]);
    expect(ids('T | where d.f', B, rows)).toEqual([0]);
    expect(ids('T | where b and d.f or b', B, rows)).toEqual([0]);
    expect(failure('T | where s', B, [{ s: 'x' }])).toBe('KQL: where needs a bool, got string');
    expect(failure('T | where d', B, [{ d: 'x' }])).toBe('KQL: where needs a bool, got dynamic');
    expect(failure('T | where not(s)', B, [{ s: 'x' }])).toBe('KQL: not() needs a bool, got string');
    expect(failure('T | where s or b', B, [{ s: 'x' }])).toBe('KQL: or needs a bool, got string');
  });
});

describe('scalar evaluation', () => {
  it('an unknown column, property access on a non-dynamic value, and an unknown table are errors', () => {
    expect(failure('T | where isnull(nope)')).toBe('KQL: unknown column nope');
    expect(failure('T | where isnull(s.k)')).toBe('KQL: property access on a string value');
    expect(() => runKql('U | where true', { T: { columns: {}, rows: [] } })).toThrow(/^KQL: unknown table U$/);
    expect(() => compileKqlQuery('U | where true', { T: {} })).toThrow(/^KQL: unknown table U$/);
  });

  it(`${DOCS}scalar-data-types/dynamic: an index reads an array element; a missing element or property is null`, () => {
    const D = { d: 'dynamic' } as const;
    const rows = [{ d: ['x', 'y'] }, { d: 'text' }, { d: { k: 'v' } }];
    expect(ids('T | where tostring(d[1]) == "y"', D, rows)).toEqual([0]);
    expect(ids('T | where isnull(d[5])', D, rows)).toEqual([0, 1, 2]);
    expect(ids('T | where isnull(d.length)', D, rows)).toEqual([0, 1, 2]);
    expect(ids('T | where isnull(d.k)', D, rows)).toEqual([0, 1]);
  });

  it(`${DOCS}logical-operators: three-valued and / or (null-values: a comparison with null is null)`, () => {
    const N = { t: 'string' } as const;
    const rows = [{ t: 'abc' }, { t: '5' }];
    // todouble("abc") is null (todouble-function), so todouble(t) > 1 is null on row 0 and true on row 1.
    const X = 'todouble(t) > 1';
    expect(ids(`T | where isnull(${X})`, N, rows)).toEqual([0]);
    expect(ids(`T | where isnull(${X} and true)`, N, rows)).toEqual([0]);
    expect(ids(`T | where isnull(true and ${X})`, N, rows)).toEqual([0]);
    expect(ids(`T | where isnull(${X} and ${X})`, N, rows)).toEqual([0]);
    expect(ids(`T | where not(${X} and false)`, N, rows)).toEqual([0, 1]);
    expect(ids(`T | where isnull(${X} or false)`, N, rows)).toEqual([0]);
    expect(ids(`T | where isnull(false or ${X})`, N, rows)).toEqual([0]);
    expect(ids(`T | where isnull(${X} or ${X})`, N, rows)).toEqual([0]);
    expect(ids(`T | where ${X} or true`, N, rows)).toEqual([0, 1]);
    expect(ids(`T | where false or ${X}`, N, rows)).toEqual([1]);
    expect(ids(`T | where true and ${X}`, N, rows)).toEqual([1]);
  });

  it(`${DOCS}scalar-data-types/null-values: == of two nulls is null, of null and a value false; != of null and a value true`, () => {
    const L = { n: 'long', m: 'long' } as const;
    const rows = [{}, { n: 5 }, { n: 5, m: 5 }, { n: 5, m: 6 }, { m: 5 }];
    expect(ids('T | where isnull(n == m)', L, rows)).toEqual([0]);
    expect(ids('T | where isnull(n != m)', L, rows)).toEqual([0]);
    expect(ids('T | where n == m', L, rows)).toEqual([2]);
    expect(ids('T | where n != m', L, rows)).toEqual([1, 3, 4]);
    expect(ids('T | where n == 5', L, rows)).toEqual([1, 2, 3]);
    expect(ids('T | where n != 5', L, rows)).toEqual([0, 4]);
    expect(ids('T | where not(n == 6)', L, rows)).toEqual([0, 1, 2, 3, 4]);
  });

  it(`${DOCS}numerical-operators: < <= > >= at the boundary, null compares as null, non-numbers are refused`, () => {
    const L = { n: 'long', s: 'string' } as const;
    const rows = [{ n: 6 }, { n: 7 }, { n: 8 }, {}];
    expect(['<', '<=', '>', '>='].map((op) => ids(`T | where n ${op} 7`, L, rows))).toEqual([[0], [0, 1], [2], [1, 2]]);
    expect(ids('T | where isnull(n < 7)', L, rows)).toEqual([3]);
    expect(ids('T | where todouble(s) <= 7', L, [{ s: 'x' }, { s: '7' }])).toEqual([1]);
    expect(failure('T | where s < 7', L, [{ s: '1' }])).toBe('KQL: < on string');
    expect(failure('T | where n has "7"', L, [{ n: 7 }])).toBe('KQL: has on a long operand is outside the supported subset');
  });

  it('a null number is no bool, and == / =~ with a string on one side and a number on the other are refused, not guessed', () => {
    const L = { n: 'long', m: 'long', s: 'string' } as const;
    expect(failure('T | where n', L, [{}])).toBe('KQL: where needs a bool, got long');
    expect(failure('T | where n =~ m', L, [{ n: 5, m: 5 }])).toBe('KQL: =~ on a long operand is outside the supported subset');
    expect(failure('T | where s == n', L, [{ s: '5', n: 5 }])).toBe('KQL: == on a long operand is outside the supported subset');
    expect(failure('T | where n != "5"', L, [{ n: 5 }])).toBe('KQL: != on a long operand is outside the supported subset');
  });

  it(`${DOCS}matches-regex-operator: the pattern must be a string`, () => {
    expect(failure('T | where s matches regex d', { s: 'string', d: 'dynamic' }, [{ s: 'a', d: 'a' }])).toBe(
      'KQL: matches regex needs a string literal pattern',
    );
  });

  it(`${DOCS}tostring-function: a bool, a number, a guid and a dynamic scalar as text; null as ""; a datetime is refused`, () => {
    const C = { b: 'bool', r: 'real', g: 'guid', d: 'dynamic', t: 'datetime' } as const;
    const rows = [{ b: true, r: 1.5, g: 'ad67d136-c1db-4f9f-88ef-d94f3b6b0b5a', d: 5 }, { d: false }];
    expect(ids('T | where tostring(b) == "true" and tostring(r) == "1.5"', C, rows)).toEqual([0]);
    expect(ids('T | where tostring(g) == "ad67d136-c1db-4f9f-88ef-d94f3b6b0b5a" and tostring(d) == "5"', C, rows)).toEqual([0]);
    expect(ids('T | where tostring(b) == "" and tostring(r) == "" and tostring(g) == "" and tostring(t) == ""', C, rows)).toEqual([1]);
    expect(ids('T | where tostring(d) == "false"', C, rows)).toEqual([1]);
    expect(failure('T | where tostring(t) == ""', C, [{ t: '2024-01-01T00:00:00Z' }])).toBe(
      'KQL: tostring(datetime) formatting is outside the supported subset',
    );
    expect(failure('T | where tostring(s, s) == ""')).toBe('KQL: tostring() takes one argument');
    expect(failure('T | where isempty()')).toBe('KQL: isempty() takes one argument');
  });

  it(`${DOCS}todouble-function: a number stays a number (as real), text converts, other types are refused`, () => {
    const C = { n: 'long', i: 'int', r: 'real', b: 'bool', d: 'dynamic', t: 'datetime' } as const;
    expect(ids('T | where todouble(n) == 3 and gettype(todouble(n)) == "real"', C, [{ n: 3 }, { n: 4 }])).toEqual([0]);
    expect(ids('T | where todouble(i) == 3 and toreal(r) == 0.5', C, [{ i: 3, r: 0.5 }, { i: 3 }])).toEqual([0]);
    expect(ids('T | where gettype(todouble(d)) == "real" and gettype(todouble(tostring(d))) == "real"', C, [{ d: '1' }])).toEqual([0]);
    expect(ids('T | where toreal(d) == 2.5', C, [{ d: '2.5' }, { d: 2.5 }, { d: 'x' }])).toEqual([0, 1]);
    expect(failure('T | where todouble(b) > 0', C, [{ b: true }])).toBe('KQL: todouble() of a bool is outside the supported subset');
    expect(failure('T | where toreal(t) > 0', C, [{}])).toBe('KQL: toreal() of a datetime is outside the supported subset');
  });

  it(`${DOCS}isempty-function: a number is not empty, a null number is`, () => {
    const L = { n: 'long' } as const;
    expect(ids('T | where isempty(n)', L, [{ n: 5 }, {}, { n: 0 }])).toEqual([1]);
    expect(ids('T | where isnotempty(n)', L, [{ n: 5 }, {}, { n: 0 }])).toEqual([0, 2]);
  });

  it(`${DOCS}gettype-function: "real" for a fractional number, and the column type for typed columns`, () => {
    const C = { d: 'dynamic', b: 'bool', n: 'long', i: 'int', r: 'real', g: 'guid', t: 'datetime', s: 'string' } as const;
    const row = { d: 1.5, b: false, n: 1, i: 2, r: 3, g: 'ad67d136-c1db-4f9f-88ef-d94f3b6b0b5a', t: '2024-01-01T00:00:00Z', s: '' };
    const q = Object.keys(C).map((c) => `gettype(${c}) == "${c === 'd' ? 'real' : C[c as keyof typeof C]}"`);
    expect(ids(`T | where ${q.join(' and ')}`, C, [row])).toEqual([0]);
    expect(ids('T | where gettype(d) == "int"', C, [row, { d: 2 }])).toEqual([1]);
    expect(failure('T | where gettype(b) == "bool"', C, [{}])).toBe('KQL: gettype() of a null bool is not documented');
  });

  it(`${DOCS}bag-has-key-function: a bag and a string key`, () => {
    const D = { d: 'dynamic' } as const;
    expect(failure('T | where bag_has_key(d)', D, [{ d: {} }])).toBe('KQL: bag_has_key() takes a bag and a key');
    expect(failure('T | where bag_has_key(d, 1)', D, [{ d: {} }])).toBe('KQL: bag_has_key() needs a string key');
    expect(failure('T | where bag_has_key(d, "a")', D, [{ d: 'x' }])).toBe('KQL: bag_has_key() of a value that is no property bag is not documented');
  });

  it(`${DOCS}coalesce-function: the first non-null, non-empty-string argument, else the last`, () => {
    const C = { a: 'string', b: 'string', t: 'string' } as const;
    const rows = [
      { a: '', b: 'x' },
      { a: 'y', b: 'x' },
      { a: '', b: '' },
    ];
    expect(ids('T | where coalesce(a, b) == "x"', C, rows)).toEqual([0]);
    expect(ids('T | where coalesce(a, b) == "y"', C, rows)).toEqual([1]);
    expect(ids('T | where coalesce(a, b) == ""', C, rows)).toEqual([2]);
    expect(ids('T | where isnull(coalesce(todouble(t), todouble(t)))', C, [{ t: 'x' }, { t: '1' }])).toEqual([0]);
    expect(ids('T | where coalesce(todouble(t), 2.5) == 2.5', C, [{ t: 'x' }, { t: '1' }])).toEqual([0]);
    expect(failure('T | where isnull(coalesce(s))')).toBe('KQL: coalesce() needs at least two arguments');
  });

  it('functions outside the subset and ip functions without ranges are refused', () => {
    expect(failure('T | where strlen(s) > 0')).toBe('KQL: function strlen() is outside the supported subset');
    expect(failure('T | where ipv4_is_in_any_range(s)')).toBe('KQL: ipv4_is_in_any_range() needs an address and ranges');
    expect(failure('T | where ipv6_is_in_any_range(s)')).toBe('KQL: ipv6_is_in_any_range() needs an address and ranges');
    expect(failure('T | where ipv4_is_in_any_range(n, "10.0.0.0/8")', { n: 'long' }, [{ n: 1 }])).toBe(
      'KQL: ipv4_is_in_any_range on a long operand is outside the supported subset',
    );
  });
});

describe('has: terms (datatypes-string-operators, "What is a term?")', () => {
  it(`${DOCS}datatypes-string-operators: has needs the term to start on a term boundary as well as end on one`, () => {
    const S = { s: 'string' } as const;
    const rows = [{ s: 'KustoExplorer' }, { s: 'Kusto Explorer' }, { s: 'Explorers' }];
    expect(ids('T | where s has "Explorer"', S, rows)).toEqual([1]);
    expect(ids('T | where s has_cs "explorer"', S, rows)).toEqual([]);
    expect(ids('T | where s !has "explorer"', S, rows)).toEqual([0, 2]);
  });
});

describe('ip ranges: null when a conversion fails (ipv4-is-in-any-range-function, ipv6-is-in-any-range-function)', () => {
  const R = { IP: 'string', d: 'dynamic' } as const;
  /** The verdict of fn(IP, range) for each address: true, false, or null (a failed conversion). */
  function verdicts(fn: string, addresses: string[], range: string): (boolean | null)[] {
    const rows = addresses.map((IP) => ({ IP }));
    const t = ids(`T | where ${fn}(IP, "${range}")`, R, rows);
    const n = ids(`T | where isnull(${fn}(IP, "${range}"))`, R, rows);
    return rows.map((_, i) => (t.includes(i) ? true : n.includes(i) ? null : false));
  }

  it(`${DOCS}ipv4-is-in-any-range-function: an address that is no IPv4 address gives null`, () => {
    const bad = ['10.0.0', '10.0.0.0.1', '10.0.0.x', 'x1.0.0.1', '1x.0.0.1', '0001.0.0.1', '256.0.0.1', '10.0.0.1:80'];
    expect(verdicts('ipv4_is_in_any_range', bad, '0.0.0.0/0')).toEqual(bad.map(() => null));
    expect(verdicts('ipv4_is_in_any_range', ['255.255.255.255', '254.0.0.1', '10.0.0.1'], '255.0.0.0/8')).toEqual([true, false, false]);
  });

  it(`${DOCS}ipv4-is-in-any-range-function: a range with a bad prefix or base gives null; /0 holds every address, no prefix means /32`, () => {
    const a = ['10.1.2.3', '192.168.0.1'];
    for (const range of ['10.0.0.0/33', '10.0.0.0/-1', '10.0.0.0/8/1', '10.0.0.0/ 8', '10.0.0.0/8 ', '10.0.0.0/x', 'ten/8', '10.0.0/8'])
      expect(verdicts('ipv4_is_in_any_range', a, range), range).toEqual([null, null]);
    expect(verdicts('ipv4_is_in_any_range', a, '10.0.0.0/0')).toEqual([true, true]);
    expect(verdicts('ipv4_is_in_any_range', a, '10.0.0.0/32')).toEqual([false, false]);
    expect(verdicts('ipv4_is_in_any_range', a, '10.1.2.3')).toEqual([true, false]);
    expect(verdicts('ipv4_is_in_any_range', a, '10.1.2.0/24')).toEqual([true, false]);
  });

  it(`${DOCS}ipv4-is-in-any-range-function: a range held in a dynamic value, scalar or array`, () => {
    const rows = [
      { IP: '10.1.2.3', d: '10.0.0.0/8' },
      { IP: '10.1.2.3', d: ['192.168.0.0/16', '10.0.0.0/8'] },
      { IP: '11.1.2.3', d: '10.0.0.0/8' },
    ];
    expect(ids('T | where ipv4_is_in_any_range(IP, d)', R, rows)).toEqual([0, 1]);
  });

  it(`${DOCS}ipv6-is-in-any-range-function: "::" compression, an embedded IPv4 tail, and what is no IPv6 address`, () => {
    expect(verdicts('ipv6_is_in_any_range', ['fe80::1', 'fe80:0:0:0:0:0:0:1', 'fe81::1', '1:2:3:4:5:6:7::'], 'fe80::/16')).toEqual([true, true, false, false]);
    expect(verdicts('ipv6_is_in_any_range', ['1::', '::1', '0:0:0:0:0:0:0:1'], '::1/128')).toEqual([false, true, true]);
    expect(verdicts('ipv6_is_in_any_range', ['::ffff:192.168.10.172', '::ffff:c0a8:aac', '::ffff:192.168.10.171'], '::ffff:c0a8:aac/128')).toEqual([
      true,
      true,
      false,
    ]);
    const bad = [
      '10.0.0.1',
      '1:2:3:4:5:6:7',
      '1:2:3:4:5:6:7:8:9',
      '1::2::3',
      '12345::1',
      'xa::1',
      'g::1',
      '::ffff:300.1.1.1',
      '::ffff:192.168.10.17x',
      '1:2:3:4:5:6:7:8::',
    ];
    expect(verdicts('ipv6_is_in_any_range', bad, '::/0')).toEqual(bad.map(() => null));
    expect(verdicts('ipv6_is_in_any_range', ['::1'], '::/129')).toEqual([null]);
  });
});

describe('RE2 translation (re2, matches-regex-operator)', () => {
  const S = { s: 'string' } as const;
  const m = (pattern: string, values: string[]) =>
    ids(
      `T | where s matches regex ${JSON.stringify(pattern)}`,
      S,
      values.map((s) => ({ s })),
    );

  it(`${DOCS}re2: escapes stay escapes (\\. is a dot, \\d a digit); \\A \\z \\C \\pN are refused`, () => {
    expect(m('a\\.b', ['a.b', 'axb'])).toEqual([0]);
    expect(m('^\\d+$', ['123', '12a'])).toEqual([0]);
    expect(m('a\\$', ['a$', 'a'])).toEqual([0]);
    for (const p of ['\\Aa', 'a\\z', '\\C', '\\pN', '\\PN', '\\Qa\\E'])
      expect(failure(`T | where s matches regex ${JSON.stringify(p)}`, S, [{ s: 'a' }]), p).toBe(
        `KQL: RE2 syntax in ${JSON.stringify(p)} is outside the supported subset`,
      );
  });

  it(`${DOCS}re2: flags only as a leading (?flags) group; i, m and s each do only their own thing`, () => {
    expect(m('^A$', ['a', 'A'])).toEqual([1]);
    expect(m('(?i)^A$', ['a', 'A'])).toEqual([0, 1]);
    expect(m('(?i)a.b', ['A\nB', 'AxB'])).toEqual([1]);
    expect(m('(?i)^b', ['a\nb', 'B'])).toEqual([1]);
    expect(m('(?m)a$', ['a\nb', 'ba'])).toEqual([0, 1]);
    expect(m('a$', ['a\nb', 'ba'])).toEqual([1]);
    expect(failure('T | where s matches regex "a(?i)b"', S, [{ s: 'ab' }])).toBe('KQL: RE2 syntax in "a(?i)b" is outside the supported subset');
    expect(failure('T | where s matches regex "(?P<x>a)"', S, [{ s: 'a' }])).toBe('KQL: RE2 syntax in "(?P<x>a)" is outside the supported subset');
    expect(failure('T | where s matches regex "a(?"', S, [{ s: 'a' }])).toBe('KQL: RE2 syntax in "a(?" is outside the supported subset');
    expect(m('(?:ab)+$', ['abab', 'aba'])).toEqual([0]);
  });

  it(`${DOCS}re2: "." is one character (UTF-8 aware), and inside a class . ^ $ are literal`, () => {
    expect(m('^.$', ['😀', 'ab'])).toEqual([0]);
    expect(m('x[a.]', ['x.', 'xb', 'x\n'])).toEqual([0]);
    expect(m('(?m)[a]$', ['a\nb', 'b'])).toEqual([0]);
    expect(m('^[^a]$', ['b', 'a', '^'])).toEqual([0, 2]);
    expect(m('[$]', ['$', 'a'])).toEqual([0]);
    expect(failure('T | where s matches regex "[[:alpha:]]"', S, [{ s: 'a' }])).toBe('KQL: RE2 syntax in "[[:alpha:]]" is outside the supported subset');
  });

  it(`${DOCS}re2: "]" first in a class (after "[" or "[^") is a literal, as RE2's parser reads it ("] is okay as first char in class")`, () => {
    // Was a bug: the "]" went to JavaScript as written, where "[]" is an empty class and the pattern a SyntaxError.
    expect(m('[]a]', [']', 'a', 'b'])).toEqual([0, 1]);
    expect(m('^[^]a]$', [']', 'a', 'b'])).toEqual([2]);
    expect(m('x[]]y', ['x]y', 'xy'])).toEqual([0]);
  });
});

describe('* (search-operator): every column', () => {
  it(`${DOCS}search-operator: a null datetime is skipped; a datetime value throws only for a needle its text could hold`, () => {
    const C = { s: 'string', t: 'datetime' } as const;
    const rows = [{ s: 'a cow' }, { s: 'none', t: '2024-01-01T00:00:00Z' }];
    expect(ids('T | where * has "cow"', C, rows)).toEqual([0]);
    expect(ids('T | where * has "12"', C, [{ s: 'x 12' }])).toEqual([0]);
    const refused = 'KQL: * over a datetime value: tostring(datetime) formatting is outside the supported subset';
    expect(failure('T | where * has "12"', C, rows)).toBe(refused);
    expect(failure('T | where * matches regex "cow"', C, rows)).toBe(refused);
    expect(failure('T | where * has 12', C, rows)).toBe('KQL: * has needs a string literal');
  });
});

describe('tabular operators (summarize-operator, mv-apply-operator, mv-expand-operator)', () => {
  it(`${DOCS}summarize-operator: several aggregations in one summarize; sum ignores nulls (null-values)`, () => {
    const C = { b: 'bool', n: 'long' } as const;
    const out = runKql('T | summarize c = count(), k = countif(b), t = sum(n)', {
      T: { columns: C, rows: [{ b: true, n: 5 }, { b: false, n: 7 }, { n: null }, { b: true }] },
    });
    expect(out.map(plain)).toEqual([{ c: 4, k: 2, t: 12 }]);
    expect([...out[0]!.values()].map((v) => v.t)).toEqual(['long', 'long', 'long']);
    expect(() => runKql('T | summarize k = countif(s)', { T: { columns: { s: 'string' }, rows: [{ s: 'x' }] } })).toThrow(
      /^KQL: countif needs a bool, got string$/,
    );
  });

  it(`${DOCS}mv-expand-operator: a property bag expands to one single-key bag per property`, () => {
    const D = { d: 'dynamic' } as const;
    const rows = [{ d: { k: 'v', j: '' } }, { d: {} }];
    expect(ids('T | mv-apply p = d on (where isnotempty(tostring(p.k)))', D, rows)).toEqual([0]);
    expect(ids('T | mv-apply p = d on (summarize n = count()) | where n == 2', D, rows)).toEqual([0]);
    const out = runKql('T | mv-apply p = d on (where isnotnull(p.j))', { T: { columns: D, rows } });
    expect(out.map(plain)).toEqual([{ d: { k: 'v', j: '' }, p: { j: '' } }]);
  });

  it("mv-apply: a scalar dynamic value is one record (the module's stated choice); a non-dynamic value is refused", () => {
    const C = { d: 'dynamic', s: 'string' } as const;
    expect(ids('T | mv-apply e = d on (summarize n = count()) | where n == 1', C, [{ d: 'abc' }, { d: 3 }])).toEqual([0, 1]);
    expect(failure('T | mv-apply e = s on (summarize n = count())', C, [{ s: 'x' }])).toBe('KQL: mv-apply expands dynamic values only');
  });

  it(`${DOCS}mv-apply-operator: an expanded column is not in the subquery's input; without a name the item takes the column's name`, () => {
    const A = { a: 'dynamic' } as const;
    expect(failure('T | mv-apply e = a on (where isnotnull(a))', A, [{ a: [1] }])).toBe('KQL: unknown column a');
    const out = runKql('T | mv-apply a on (where tostring(a) != "y")', { T: { columns: A, rows: [{ a: ['x', 'y', 'z'] }] } });
    expect(out.map(plain)).toEqual([{ a: 'x' }, { a: 'z' }]);
    expect(ids('T | mv-apply e = a.p on (where isnotnull(a))', A, [{ a: { p: [1, 2] } }])).toEqual([0, 0]);
  });

  it('compileKqlQuery: does the query return the row', () => {
    const pred = compileKqlQuery('T | where s has "cow"', { T: { s: 'string' } });
    expect([pred({ s: 'a cow' }), pred({ s: 'cows' }), pred({})]).toEqual([true, false, false]);
  });
});

describe('second mutation round: token kinds, literals and RE2 edges', () => {
  const S = { s: 'string' } as const;
  const m = (pattern: string, values: string[]) =>
    ids(
      `T | where s matches regex ${JSON.stringify(pattern)}`,
      S,
      values.map((s) => ({ s })),
    );

  // Operators, parentheses, `*` and `-` are punctuation or word tokens: a string literal spelling one is a value.
  it.each([
    ['T | where s "==" "a"', 'KQL: unexpected text after the query at offset 12'],
    ['T | where s "has" "a"', 'KQL: unexpected text after the query at offset 12'],
    ['T | where s "in" ("a")', 'KQL: unexpected text after the query at offset 12'],
    ['T | where s-x == "a"', 'KQL: unexpected text after the query at offset 11'],
    ['T | where s == @x"a"x', 'KQL: unexpected character "@" at offset 15'],
    ['T | where n > ,5', 'KQL: unexpected "," at offset 15'],
    ['T | where n > x 5', 'KQL: unexpected text after the query at offset 16'],
    ['T | mv-apply "x" = a on (summarize n = count())', 'KQL: mv-apply of an expression needs a name at offset 17'],
    ['T | where isnull(dynamic(-x))', 'KQL: expected a dynamic literal at offset 26'],
    ['T | where isnull(dynamic(,))', 'KQL: expected a dynamic literal at offset 26'],
    ['T | where isnull(dynamic([1 2]))', 'KQL: expected "]" at offset 28'],
    ['T | where n in (1)', 'KQL: in on a long operand is outside the supported subset'],
    ['T | where * "has" "x"', 'KQL: * (every column) is supported only before a string operator or matches regex at offset 12'],
    ['T | where * foo regex "x"', 'KQL: * (every column) is supported only before a string operator or matches regex at offset 12'],
  ])('%s is refused: %s', (query, message) => {
    expect(failure(query, { s: 'string', n: 'long', x: 'long', a: 'dynamic' }, [{ s: 'a', n: 1, x: 2 }])).toBe(message);
  });

  it(`${DOCS}scalar-data-types/string: a string literal "(" or "*" is a value, not a group or every column`, () => {
    expect(ids('T | where s == "(" or s == "*"', S, [{ s: '(' }, { s: '*' }, { s: 'x' }])).toEqual([0, 1]);
    expect(ids('T | where tostring(dynamic([1, 2])) == "[1,2]"', S, [{ s: '' }])).toEqual([0]);
  });

  it(`${DOCS}scalar-data-types/dynamic: an index of several digits reads that element`, () => {
    const D = { d: 'dynamic' } as const;
    expect(ids('T | where tostring(d[10]) == "k"', D, [{ d: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 'k'] }, { d: ['k'] }])).toEqual([0]);
  });

  it(`${DOCS}tostring-function: an int column's text (int, long and real alike), also under * has`, () => {
    const I = { i: 'int', s: 'string' } as const;
    expect(ids('T | where tostring(i) == "3"', I, [{ i: 3 }, { i: 4 }])).toEqual([0]);
    expect(
      ids('T | where * has "3"', I, [
        { i: 3, s: 'a' },
        { i: 4, s: 'b' },
      ]),
    ).toEqual([0]);
  });

  it(`${DOCS}in-operator: a dynamic scalar in the list is one value (only an array counts element by element)`, () => {
    expect(
      ids('T | where s in (d)', { s: 'string', d: 'dynamic' }, [
        { s: 'a', d: 'a' },
        { s: 'b', d: 'a' },
      ]),
    ).toEqual([0]);
  });

  it(`${DOCS}coalesce-function: "non-empty" applies to the string type; a dynamic "" is not null and is returned`, () => {
    const D = { d: 'dynamic', e: 'dynamic' } as const;
    expect(ids('T | where tostring(coalesce(d, e)) == ""', D, [{ d: '', e: 'x' }, { e: 'x' }])).toEqual([0]);
  });

  it(`${DOCS}datatypes-string-operators: has "" (the reference is silent): the empty needle is found, as with contains`, () => {
    expect(ids('T | where s has ""', S, [{ s: 'x' }, { s: '' }])).toEqual([0, 1]);
  });

  it(`${DOCS}re2: (?m) and (?s) alone leave case sensitive; (?m) $ still ends a line; groups (...) are plain groups`, () => {
    expect(m('(?m)^A', ['a', 'A'])).toEqual([1]);
    expect(m('(?s)A.B', ['a\nb', 'A\nB'])).toEqual([1]);
    expect(m('(?m)a$', ['ab', 'a\nb', 'ba'])).toEqual([1, 2]);
    expect(m('^(ab)+$', ['abab', 'aba'])).toEqual([0]);
    expect(m('^[a]', ['a', 'b'])).toEqual([0]);
  });

  it(`${DOCS}re2: a trailing backslash is no pattern (RE2: "trailing \\\\"); it throws rather than matching`, () => {
    expect(() => runKql('T | where s matches regex "a\\\\"', { T: { columns: S, rows: [{ s: 'a' }] } })).toThrow(SyntaxError);
  });
});
