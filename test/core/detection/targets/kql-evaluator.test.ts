/**
 * The KQL evaluator on examples from Microsoft's KQL reference. Each case names its page; the query is
 * the page's example recast as `T | where ...` over the example's input rows, with the rows the page
 * says come back.
 */
import { describe, expect, it } from 'vitest';
import { runKql, type KqlColumnType } from '../../../../core/detection/targets/kql-evaluator.ts';

const DOCS = 'https://learn.microsoft.com/kusto/query/';

function run(query: string, columns: Record<string, KqlColumnType>, rows: Record<string, unknown>[]): number[] {
  const withId = rows.map((r, i) => ({ ...r, id: i }));
  return runKql(query, { T: { columns: { ...columns, id: 'long' }, rows: withId } }).map((r) => r.get('id')!.v as number);
}

const S = { s: 'string' } as const;
const one = (s: string) => [{ s }];

describe('string operators (datatypes-string-operators)', () => {
  // Each row of the page's table: "<lhs>" <op> "<rhs>" yields true.
  it.each([
    ['aBc', '==', 'aBc'],
    ['abc', '!=', 'ABC'],
    ['abc', '=~', 'ABC'],
    ['aBc', '!~', 'xyz'],
    ['FabriKam', 'contains', 'BRik'],
    ['Fabrikam', '!contains', 'xyz'],
    ['FabriKam', 'contains_cs', 'Kam'],
    ['Fabrikam', '!contains_cs', 'Kam'],
    ['Fabrikam', 'endswith', 'Kam'],
    ['Fabrikam', '!endswith', 'brik'],
    ['Fabrikam', 'endswith_cs', 'kam'],
    ['Fabrikam', '!endswith_cs', 'brik'],
    ['North America', 'has', 'america'],
    ['North America', '!has', 'amer'],
    ['North America', 'has_cs', 'America'],
    ['North America', '!has_cs', 'amer'],
    ['Fabrikam', 'startswith', 'fab'],
    ['Fabrikam', '!startswith', 'kam'],
    ['Fabrikam', 'startswith_cs', 'Fab'],
    ['Fabrikam', '!startswith_cs', 'fab'],
    ['Fabrikam', 'matches regex', 'b.*k'],
  ])(`${DOCS}datatypes-string-operators: "%s" %s "%s" is true`, (lhs, op, rhs) => {
    expect(run(`T | where s ${op} ${JSON.stringify(rhs)}`, S, one(lhs))).toEqual([0]);
    expect(run(`T | where not(s ${op} ${JSON.stringify(rhs)})`, S, one(lhs))).toEqual([]);
  });

  it(`${DOCS}datatypes-string-operators: has is term-based, contains is not ("What is a term?")`, () => {
    const value = 'Kusto: ad67d136-c1db-4f9f-88ef-d94f3b6b0b5a;KustoExplorerQueryRun';
    expect(run('T | where s has "Explorer"', S, one('KustoExplorerQueryRun'))).toEqual([]);
    expect(run('T | where s contains "Explorer"', S, one('KustoExplorerQueryRun'))).toEqual([0]);
    for (const term of ['Kusto', 'KustoExplorerQueryRun', 'ad67d136', 'c1db', '4f9f', '88ef', 'd94f3b6b0b5a']) {
      expect(run(`T | where s has "${term.toUpperCase()}"`, S, one(value)), term).toEqual([0]);
      expect(run(`T | where s has_cs "${term.toUpperCase()}"`, S, one(value)), term).toEqual(term === term.toUpperCase() ? [0] : []);
    }
    expect(run('T | where s has "d94f3b"', S, one(value))).toEqual([]);
  });
});

describe('in operators (in-operator, in-cs-operator)', () => {
  it(`${DOCS}in-operator: in~ ignores case, in does not, !in~ negates`, () => {
    const rows = [{ s: 'Texas' }, { s: 'TEXAS' }, { s: 'Ohio' }];
    expect(run('T | where s in ("Texas", "Florida")', S, rows)).toEqual([0]);
    expect(run('T | where s in~ ("texas", "florida")', S, rows)).toEqual([0, 1]);
    expect(run('T | where s !in~ ("texas", "florida")', S, rows)).toEqual([2]);
    expect(run('T | where s !in ("Texas")', S, rows)).toEqual([1, 2]);
  });
});

describe('empty and null (isempty-function, null-values)', () => {
  const D = { d: 'dynamic', s: 'string' } as const;
  // isempty page: "" true, "x" false, parsejson("") true, parsejson("[]") false, parsejson("{}") false.
  it(`${DOCS}isempty-function: the example table`, () => {
    const rows = [{ s: '' }, { s: 'x' }, { d: null }, { d: [] }, { d: {} }];
    expect(run('T | where isempty(s)', S, rows.slice(0, 2))).toEqual([0]);
    expect(run('T | where isnotempty(s)', S, rows.slice(0, 2))).toEqual([1]);
    expect(
      run(
        'T | where isempty(d)',
        D,
        rows.slice(2).map((r) => ({ ...r, s: 'x' })),
      ),
    ).toEqual([0]);
    expect(
      run(
        'T | where isnotempty(d)',
        D,
        rows.slice(2).map((r) => ({ ...r, s: 'x' })),
      ),
    ).toEqual([1, 2]);
  });

  it(`${DOCS}scalar-data-types/null-values: strings have no null; a missing dynamic property is null`, () => {
    const rows = [{}, { d: { a: 'x' } }, { d: { a: null } }, { d: { b: 1 } }, { d: { a: '' } }];
    expect(run('T | where isnull(s)', D, rows)).toEqual([]);
    expect(run('T | where isnull(d.a)', D, rows)).toEqual([0, 2, 3]);
    expect(run('T | where isempty(tostring(d.a))', D, rows)).toEqual([0, 2, 3, 4]);
    expect(run('T | where isnotempty(tostring(d["a"]))', D, rows)).toEqual([1]);
    expect(run('T | where tostring(d.a) == ""', D, rows)).toEqual([0, 2, 3, 4]);
  });

  it(`${DOCS}logical-operators: null and false is false, null or true is true, where drops null`, () => {
    const R = { ip: 'string' } as const;
    const rows = [{ ip: 'not an ip' }];
    expect(run('T | where ipv4_is_in_any_range(ip, "10.0.0.0/8") or true', R, rows)).toEqual([0]);
    expect(run('T | where not(ipv4_is_in_any_range(ip, "10.0.0.0/8"))', R, rows)).toEqual([]);
    expect(run('T | where not(ipv4_is_in_any_range(ip, "10.0.0.0/8") and false)', R, rows)).toEqual([0]);
  });
});

describe('absent, null and "" inside a dynamic value (isnull-function, gettype-function, bag-has-key-function)', () => {
  const D = { d: 'dynamic', s: 'string' } as const;

  it(`${DOCS}isnull-function: the example table ("" and "x" false, null true, [] and {} false)`, () => {
    // As values of a dynamic column and of a string column; parse_json("") is the dynamic null.
    const rows = [{ d: '' }, { d: 'x' }, { d: null }, { d: [] }, { d: {} }, { s: '' }];
    expect(run('T | where isnull(d)', D, rows)).toEqual([2, 5]);
    expect(run('T | where isnotnull(d)', D, rows)).toEqual([0, 1, 3, 4]);
    expect(run('T | where isnull(s)', D, rows)).toEqual([]);
    // isempty, by contrast, holds for "" and null alike.
    expect(run('T | where isempty(d)', D, rows)).toEqual([0, 2, 5]);
  });

  it(`${DOCS}isnull-function: a key holding "" is not null; an absent key and a key holding null are`, () => {
    const rows = [{}, { d: {} }, { d: { k: null } }, { d: { k: '' } }, { d: { k: 'v' } }, { d: '' }];
    expect(run('T | where isnull(d.k)', D, rows)).toEqual([0, 1, 2, 5]);
    expect(run('T | where isnotnull(d.k) and tostring(d.k) == ""', D, rows)).toEqual([3]);
    // tostring-function: null becomes "", so this alone holds for the absent key and null too.
    expect(run('T | where tostring(d.k) == ""', D, rows)).toEqual([0, 1, 2, 3, 5]);
  });

  it(`${DOCS}gettype-function: a property bag is "dictionary", an array "array", null "null", a string "string", 1 "int"`, () => {
    const rows = [{ d: { abc: 1 } }, { d: [1, 2, 3] }, { d: null }, { d: 'abc' }, { d: 1 }, { d: true }, { s: 'a' }];
    const of = (type: string) => run(`T | where gettype(d) == "${type}"`, D, rows);
    expect([of('dictionary'), of('array'), of('null'), of('string'), of('int'), of('bool')]).toEqual([[0], [1], [2, 6], [3], [4], [5]]);
    expect(run('T | where gettype(s) == "string"', D, rows)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(() => run('T | where gettype(n) == "long"', { n: 'long' }, [{}])).toThrow(/gettype\(\) of a null long/);
  });

  it(`${DOCS}bag-has-key-function: the example (key2 in the first bag, not the second); a key holding null is there`, () => {
    const rows = [{ d: { key1: 123, key2: 'abc' } }, { d: { key1: 123, key3: 'abc' } }, { d: { key2: null } }, { d: { key2: '' } }];
    expect(run("T | where bag_has_key(d, 'key2')", D, rows)).toEqual([0, 2, 3]);
    expect(run("T | where not(bag_has_key(d, 'key2'))", D, rows)).toEqual([1]);
  });

  it('bag_has_key: what the page leaves out throws (no property bag, a JSONPath key); behind a false guard it is not evaluated', () => {
    const rows = [{ d: 'text' }, {}, { d: [] }, { d: { a: 1 } }];
    for (const row of rows.slice(0, 3)) expect(() => run('T | where bag_has_key(d, "a")', D, [row]), JSON.stringify(row)).toThrow(/no property bag/);
    expect(() => run('T | where bag_has_key(d, "$.a")', D, [{ d: { a: 1 } }])).toThrow(/JSONPath/);
    // logical-operators: false and x is false whatever x is, true or x is true.
    expect(run('T | where gettype(d) == "dictionary" and bag_has_key(d, "a")', D, rows)).toEqual([3]);
    expect(run('T | where gettype(d) != "dictionary" or bag_has_key(d, "a")', D, rows)).toEqual([0, 1, 2, 3]);
  });
});

describe('tostring and dynamic access (tostring-function, scalar-data-types/dynamic)', () => {
  const D = { d: 'dynamic' } as const;
  it(`${DOCS}tostring-function: numbers, bools and bags become text`, () => {
    const rows = [{ d: { n: 123 } }, { d: { n: true } }, { d: { n: { a: 1 } } }, { d: { n: 'x' } }];
    expect(run('T | where tostring(d.n) == "123"', D, rows)).toEqual([0]);
    expect(run('T | where tostring(d.n) == "true"', D, rows)).toEqual([1]);
    expect(run('T | where tostring(d.n) == "{\\"a\\":1}"', D, rows)).toEqual([2]);
    expect(run("T | where tostring(d['n']) == 'x'", D, rows)).toEqual([3]);
  });
});

describe('ip ranges (ipv4-is-in-any-range-function, ipv6-is-in-any-range-function)', () => {
  const R = { IP: 'string' } as const;
  it(`${DOCS}ipv4-is-in-any-range-function: LocalNetworks example`, () => {
    const rows = ['10.1.2.3', '192.168.1.5', '123.1.11.21', '1.1.1.1'].map((IP) => ({ IP }));
    expect(run('T | where ipv4_is_in_any_range(IP, dynamic(["192.168.1.1/16", "127.0.0.1/8", "10.0.0.1/8"]))', R, rows)).toEqual([0, 1]);
    expect(run("T | where ipv4_is_in_any_range(IP, '192.168.1.1/24', '10.0.0.1/8', '127.1.0.1/16')", R, [{ IP: '192.168.1.6' }])).toEqual([0]);
    expect(run('T | where ipv4_is_in_any_range(IP, dynamic(["127.0.0.1", "192.168.1.1"]))', R, [{ IP: '127.0.0.1' }])).toEqual([0]);
  });
  it(`${DOCS}ipv6-is-in-any-range-function: LocalNetworks example`, () => {
    const rows = [
      'a5e:f127:8a9d:146d:e102:b5d3:c755:abcd',
      'a5e:f127:8a9d:146d:e102:b5d3:c755:abce',
      'a5e:f127:8a9d:146d:e102:b5d3:c755:abcf',
      'a5e:f127:8a9d:146d:e102:b5d3:c756:abd1',
    ].map((IP) => ({ IP }));
    expect(run('T | where ipv6_is_in_any_range(IP, dynamic(["a5e:f127:8a9d:146d:e102:b5d3:c755:f6cd/112", "0:0:0:0:0:ffff:c0a8:ac/60"]))', R, rows)).toEqual([
      0, 1, 2,
    ]);
  });
});

describe('mv-apply and summarize (mv-apply-operator, mv-expand-operator, summarize-operator)', () => {
  const A = { a: 'dynamic' } as const;
  it(`${DOCS}mv-expand-operator: an empty array gives no record, so countif over it is 0 (one row per summarize)`, () => {
    const rows = [{ a: [] }, { a: [{ x: 'hit' }, { x: 'miss' }] }, { a: [{ x: 'miss' }] }, {}];
    const q = 'T | mv-apply e = a on (summarize n = countif(tostring(e.x) == "hit")) | where n > 0';
    expect(run(q, A, rows)).toEqual([1]);
    expect(run('T | mv-apply e = a on (summarize n = countif(tostring(e.x) == "hit")) | where n == 0', A, rows)).toEqual([0, 2, 3]);
    expect(run('T | mv-apply e = a on (summarize n = count()) | where n == 0', A, rows)).toEqual([0]);
  });
  it(`${DOCS}mv-apply-operator: nested mv-apply summed per row`, () => {
    const rows = [{ a: [{ p: [{ v: 'x' }] }, { p: [{ v: 'y' }, { v: 'x' }] }] }, { a: [{ p: [] }] }];
    const q = 'T | mv-apply o = a on (mv-apply i = o.p on (summarize n = countif(tostring(i.v) == "x")) | summarize n = sum(n)) | where n == 2';
    expect(run(q, A, rows)).toEqual([0]);
  });
});

describe('every column, todouble(), column comparisons and RE2 flags (search-operator, todouble-function, where-operator, re2)', () => {
  const ROW = { s: 'string', n: 'long', d: 'dynamic', b: 'bool' } as const;
  const rows = [{ s: 'a cow here', n: 7 }, { s: 'x', d: { animal: 'cow' } }, { s: 'Cowboy' }, { s: 'none', n: 70, b: true }];

  it(`${DOCS}search-operator: "where * has" / "where * contains" / "where * matches regex" test every column`, () => {
    expect(run('T | where * has "cow"', ROW, rows)).toEqual([0, 1]);
    expect(run('T | where * contains "cow"', ROW, rows)).toEqual([0, 1, 2]);
    expect(run('T | where * contains_cs "cow"', ROW, rows)).toEqual([0, 1]);
    expect(run('T | where * matches regex "^Cow"', ROW, rows)).toEqual([2]);
    // Other columns as their text: a number, a bool, a dynamic value's JSON (its keys too).
    expect(run('T | where * contains "70"', ROW, rows)).toEqual([3]);
    expect(run('T | where * contains "animal"', ROW, rows)).toEqual([1]);
    expect(run('T | where not(* contains "cow")', ROW, rows)).toEqual([3]);
  });

  it('reads * only before a string operator or matches regex, and only in its documented positive forms', () => {
    expect(() => run('T | where * == "x"', ROW, rows)).toThrow(/\* \(every column\)/);
    expect(() => run('T | where * !contains "x"', ROW, rows)).toThrow(/\* \(every column\)/);
    expect(() => run('T | where tostring(*) == "x"', ROW, rows)).toThrow(/\* \(every column\)/);
  });

  it(`${DOCS}todouble-function: a number converts, text that is no decimal number is null, and null compares as null`, () => {
    const N = { t: 'string', d: 'dynamic', n: 'long' } as const;
    const values = [{ t: '123.4' }, { t: '-1e3' }, { t: 'abc' }, { t: '' }, { d: 500 }, { d: '500' }, { d: { x: 1 } }, { n: 200 }];
    expect(run('T | where todouble(t) == 123.4', N, values)).toEqual([0]);
    expect(run('T | where toreal(t) < 0', N, values)).toEqual([1]);
    expect(run('T | where todouble(tostring(d)) > 100', N, values)).toEqual([4, 5]);
    expect(run('T | where todouble(n) >= 200', N, values)).toEqual([7]);
    // null > 1 is null: where drops it, not() keeps it null; coalesce() makes it false.
    expect(run('T | where not(todouble(t) > 1)', N, values)).toEqual([1]);
    expect(run('T | where not(coalesce(todouble(t) > 1, false))', N, values)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it(`${DOCS}where-operator: two columns compared ("BeginLocation != EndLocation")`, () => {
    const L = { a: 'string', b: 'string' } as const;
    const pairs = [
      { a: 'X', b: 'x' },
      { a: 'x', b: 'x' },
      { a: 'x', b: 'y' },
    ];
    expect(run('T | where a != b', L, pairs)).toEqual([0, 2]);
    expect(run('T | where a =~ b', L, pairs)).toEqual([0, 1]);
  });

  it(`${DOCS}re2: (?m) lets ^ and $ match at "\\n" only, . never matches "\\n" without (?s), flags combine`, () => {
    const lines = [{ s: 'a\nb' }, { s: 'a\rb' }, { s: 'b' }];
    expect(run('T | where s matches regex "(?m)^b$"', S, lines)).toEqual([0, 2]);
    expect(run('T | where s matches regex "^b$"', S, lines)).toEqual([2]);
    expect(run('T | where s matches regex "a.b"', S, lines)).toEqual([1]);
    expect(run('T | where s matches regex "(?s)a.b"', S, lines)).toEqual([0, 1]);
    expect(run('T | where s matches regex "(?ims)^A.B$"', S, lines)).toEqual([0, 1]);
    expect(run('T | where s matches regex "a[.]b"', S, [{ s: 'a.b' }, { s: 'a\nb' }])).toEqual([0]);
    expect(() => run('T | where s matches regex "(?U)a+"', S, lines)).toThrow(/outside the supported subset/);
  });
});
