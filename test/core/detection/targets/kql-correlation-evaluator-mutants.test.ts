/**
 * The KQL correlation oracle (core/detection/targets/kql-correlation-evaluator.ts), lines 1-199: the query's
 * split into a source and `| summarize`, union and extend sources, the top-level splitter's strings and
 * brackets, summarize's group expressions and bins, the aggregations, isnotempty and the refusals of what
 * is outside the subset (each pinned by its exact message). Each group cites the learn.microsoft.com page
 * it follows; refusals pin the module header's rule: "Anything else throws, naming it".
 */
import { describe, expect, it } from 'vitest';
import { type CorrelationRow, runKqlCorrelation } from '../../../../core/detection/targets/kql-correlation-evaluator.ts';

const DOCS = 'https://learn.microsoft.com/kusto/query/';
const COLUMNS = { s: 'string', u: 'string', user: 'string', x: 'long', t: 'datetime', d: 'dynamic' } as const;
type Input = Partial<Record<keyof typeof COLUMNS, unknown>>;

/** Two rows of s = 'a' and one of s = 'c'. */
const ROWS: Input[] = [{ s: 'a' }, { s: 'a' }, { s: 'c' }];

/** The correlation query's rows over table T. */
const run = (query: string, rows: Input[] = ROWS): CorrelationRow[] => runKqlCorrelation(query, { T: { columns: COLUMNS, rows } });

/** The error message the query throws over table T (or 'no error'). */
function failure(query: string, rows: Input[] = ROWS): string {
  try {
    run(query, rows);
    return 'no error';
  } catch (e) {
    return (e as Error).message;
  }
}

const COUNT_BY_S = 'summarize n = count() by s';
const BY_S = [
  { s: 'a', n: 2 },
  { s: 'c', n: 1 },
];

describe(`the query: a source, then | summarize, then | where (${DOCS}summarize-operator, ${DOCS}where-operator)`, () => {
  // summarize is found as a whole operator, with or without spaces around the pipe, and not inside a string.
  it.each([
    [`T|${COUNT_BY_S}`, ROWS, BY_S],
    [`T | where s == "x summarize y" | ${COUNT_BY_S}`, [...ROWS, { s: 'x summarize y' }], [{ s: 'x summarize y', n: 1 }]],
    [`T | ${COUNT_BY_S} | where n >= 2`, ROWS, [{ s: 'a', n: 2 }]],
  ])('%s', (query, rows, expected) => {
    expect(run(query, rows)).toEqual(expected);
  });

  // No summarize after a source, or an operator other than summarize and where: refused by name.
  it.each([
    ['T | where s == "a"', 'KQL correlation: expected a query, then | summarize'],
    [COUNT_BY_S, 'KQL correlation: expected a query, then | summarize'],
    // An unterminated string runs to the end of the query: no summarize is left outside it.
    [`T | where s == "a | ${COUNT_BY_S}`, 'KQL correlation: expected a query, then | summarize'],
    [`T | ${COUNT_BY_S} | extend k = "a"`, 'KQL correlation: operator "extend" is outside the supported subset'],
  ])('%s is refused', (query, message) => {
    expect(failure(query)).toBe(message);
  });
});

describe(`the source: union of parenthesised queries, extend with a string (${DOCS}union-operator, ${DOCS}extend-operator)`, () => {
  // union returns the rows of each query in turn; the source may be surrounded by line breaks.
  it.each([
    [`\nunion (T), (T)\n| ${COUNT_BY_S}`, 2],
    [`union(T), (T) | ${COUNT_BY_S}`, 2],
    [`union ( union (T), (T) ), (T) | ${COUNT_BY_S}`, 3],
  ])('%s counts every row %i times', (query, times) => {
    expect(run(query)).toEqual(BY_S.map((g) => ({ ...g, n: g.n * times })));
  });

  it('a table query whose string holds "union (" is no union', () => {
    expect(run(`T | where s == "union (" | ${COUNT_BY_S}`, [{ s: 'union (' }, { s: 'a' }])).toEqual([{ s: 'union (', n: 1 }]);
  });

  // A branch that is not wholly parenthesised (here: an operator after the union) is refused.
  it.each([`union (T), (T) | where s == "a" | ${COUNT_BY_S}`, `union (T), T | where isnotempty(s) | ${COUNT_BY_S}`])('%s is refused', (query) => {
    expect(failure(query)).toBe('KQL correlation: union takes parenthesised queries here');
  });

  // extend Name = "text" adds the string to every row, with any spacing; the literal's \" is a quote
  // (https://learn.microsoft.com/kusto/query/scalar-data-types/string), and a | inside it splits nothing.
  it.each([
    ['T | extend k = "v"', 'v'],
    ['T | extend  k="v"', 'v'],
    ['T | extend k = "a|b"', 'a|b'],
    ['T | extend k = "x\\"|y"', 'x"|y'],
  ])('%s', (source, k) => {
    expect(run(`${source} | summarize n = count() by k`)).toEqual([{ k, n: 3 }]);
  });

  it('the extended value is a string: bin() of it is refused as a string', () => {
    expect(failure('T | extend k = "v" | summarize n = count() by bin(k, 1h)')).toBe(
      'KQL correlation: bin() of a string value is outside the supported subset',
    );
  });

  // Only a whole last operator `extend Name = "text"` is applied here; anything else goes to the table query.
  it.each([
    ['T | extend k = "a", j = "b"', /^KQL: tabular operator extend is outside the supported subset/],
    ['T | where s == "a" extend k = "b"', /^KQL: unexpected text after the query/],
  ])('%s is refused', (source, message) => {
    expect(failure(`${source} | summarize n = count() by k`)).toMatch(message);
  });
});

describe(`the splitter: strings, verbatim strings, parentheses and brackets (${DOCS}scalar-data-types/string)`, () => {
  // A " inside '...', a separator inside @"..." (where \ escapes nothing) or inside (...), and one after an
  // index [...] is no union branch or operator boundary. (The labels keep regex characters out of test names.)
  it.each([
    ['a double quote inside a single-quoted string', `T | where s == 'say "hi' | ${COUNT_BY_S}`, { s: 'say "hi' }, 1],
    ['a verbatim string ending in a backslash', `union (T | where s == @"C:\\"), (T) | ${COUNT_BY_S}`, { s: 'C:\\' }, 2],
    ['a pipe inside a parenthesised union branch', `union (T | where isnotempty(s)), (T) | ${COUNT_BY_S}`, { s: 'e' }, 2],
    ['a pipe after a dynamic index', `T | where d[0] == 1 | ${COUNT_BY_S}`, { s: 'e', d: [1] }, 1],
    // A property bag literal: ${DOCS}scalar-data-types/dynamic, ${DOCS}bag-has-key-function.
    ['a pipe after a property bag', `T | where bag_has_key(dynamic({"k": 1}), "k") | ${COUNT_BY_S}`, { s: 'e' }, 1],
  ])('%s', (_, query, row, n) => {
    expect(run(query, [row])).toEqual([{ s: row.s, n }]);
  });
});

describe(`summarize Name = aggregation(...) by keys (${DOCS}summarize-operator, ${DOCS}bin-function)`, () => {
  // Spacing around the name, the =, the parentheses and by is free.
  it.each(['summarize  n = count() by s', 'summarize n=count() by s', 'summarize n = count()  by s', 'summarize n = count( ) by s'])('%s', (op) => {
    expect(run(`T | ${op}`)).toEqual(BY_S);
  });

  // bin(column, size) rounds down to a multiple of size (from 1970-01-01; sizes that divide a day, 1d
  // included: the page's example) and is named after the column; spacing inside is free.
  const times: Input[] = [
    { s: 'a', t: '2026-03-01T10:20:00Z' },
    { s: 'a', t: '2026-03-01T10:40:00Z' },
  ];
  it.each([
    ['bin(t,1h)', '2026-03-01T10:00:00.000Z'],
    ['bin( t, 1h)', '2026-03-01T10:00:00.000Z'],
    ['bin(t , 1h)', '2026-03-01T10:00:00.000Z'],
    ['bin(t, 1h )', '2026-03-01T10:00:00.000Z'],
    ['bin(t, 30m)', null],
    ['bin(t, 1d)', '2026-03-01T00:00:00.000Z'],
  ])('by s, %s', (key, t) => {
    const expected =
      t === null
        ? [
            { s: 'a', t: '2026-03-01T10:00:00.000Z', n: 1 },
            { s: 'a', t: '2026-03-01T10:30:00.000Z', n: 1 },
          ]
        : [{ s: 'a', t, n: 2 }];
    expect(run(`T | summarize n = count() by s, ${key}`, times)).toEqual(expected);
  });

  // A datetime group key not binned is a value, not its text: two spellings of one instant (offset, fraction)
  // are one group, one distinct value (summarize: one row per distinct combination of values); null stays null.
  const instants: Input[] = [
    { s: 'a', t: '2026-03-01T10:20:00Z' },
    { s: 'a', t: '2026-03-01T10:20:00.000Z' },
    { s: 'a', t: '2026-03-01T12:20:00+02:00' },
    { s: 'a', t: '2026-03-01T10:20:01Z' },
    { s: 'a', t: null },
  ];
  it('by t, a datetime column: one group per instant', () => {
    expect(run('T | summarize n = count() by t', instants)).toEqual([
      { t: '2026-03-01T10:20:00.000Z', n: 3 },
      { t: '2026-03-01T10:20:01.000Z', n: 1 },
      { t: null, n: 1 },
    ]);
  });
  it(`${DOCS}count-distinct-aggregation-function: count_distinct(t) counts instants, nulls ignored`, () => {
    expect(run('T | summarize n = count_distinct(t) by s', instants)).toEqual([{ s: 'a', n: 2 }]);
  });

  // Group expressions other than a column or bin(column, size), and unknown columns, are refused.
  it.each([
    [
      'summarize count(), n = count() by s',
      'KQL correlation: summarize "count(), n = count() by s" is outside the supported subset (Name = aggregation(...) by ...)',
    ],
    ['summarize n = count() by mybin(t, 1h)', 'KQL correlation: group expression "mybin(t, 1h)" is outside the supported subset'],
    ['summarize n = count() by bin(t, 1h) + 30m', 'KQL correlation: group expression "bin(t, 1h) + 30m" is outside the supported subset'],
    ['summarize n = count() by tolower(s)', 'KQL correlation: group expression "tolower(s)" is outside the supported subset'],
    ['summarize n = count() by d.k', 'KQL correlation: group expression "d.k" is outside the supported subset'],
    ['summarize n = count() by nosuch', 'KQL correlation: no column nosuch'],
    ...['7h', '2d'].map((size) => [
      `summarize n = count() by bin(t, ${size})`,
      `KQL correlation: bin size ${size} does not divide a day; the origin of bin()'s multiples is not documented`,
    ]),
  ])('%s is refused', (op, message) => {
    expect(failure(`T | ${op}`, [{ s: 'a', t: '2026-03-01T10:20:00Z' }])).toBe(message);
  });
});

describe('the aggregations', () => {
  const users: Input[] = [
    { s: 'a', u: 'p', user: 'p', x: 1 },
    { s: 'a', u: 'p', user: 'p', x: 1 },
    { s: 'a', u: 'q', user: 'q', x: null },
    { s: 'a', u: '', user: '', x: 2 },
    { s: 'a', x: null },
  ];
  // count_distinct counts unique values, nulls ignored (${DOCS}count-distinct-aggregation-function);
  // count_distinctif only over rows where isnotempty(column) holds, false for null and ""
  // (${DOCS}count-distinctif-aggregation-function, ${DOCS}isnotempty-function).
  it.each([
    ['count_distinct(x)', 2],
    ['count_distinct(u)', 3],
    ['count_distinctif(u, isnotempty(u))', 2],
    ['count_distinctif(u, isnotempty(u ))', 2],
    ['count_distinctif(user, isnotempty( user))', 2],
    ['count_distinctif(u, isnotempty(x))', 2],
    ['count_distinctif(x, isnotempty(u))', 1],
  ])(`${DOCS}count-distinct-aggregation-function: %s is %i`, (agg, n) => {
    expect(run(`T | summarize n = ${agg} by s`, users)).toEqual([{ s: 'a', n }]);
  });

  // Other aggregations, arguments and predicates are refused (count() takes none: ${DOCS}count-aggregation-function).
  it.each([
    ['count(s)', 'KQL correlation: count() takes no argument here'],
    ['count_distinct()', 'KQL correlation: count_distinct of "undefined" is outside the supported subset (a column)'],
    ['count_distinct(d.k)', 'KQL correlation: count_distinct of "d.k" is outside the supported subset (a column)'],
    ['dcount(u)', 'KQL correlation: aggregation dcount() is outside the supported subset'],
    [
      'count_distinctif(u, isnotempty(u) and isnotempty(s))',
      'KQL correlation: count_distinctif predicate "isnotempty(u) and isnotempty(s)" is outside the supported subset (isnotempty(column))',
    ],
  ])('%s is refused', (agg, message) => {
    expect(failure(`T | summarize n = ${agg} by s`, users)).toBe(message);
  });
});
