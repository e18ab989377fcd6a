/**
 * The KQL correlation oracle (core/detection/targets/kql-correlation-evaluator.ts) on what its mutation run
 * left unchecked in its second half: timespan literals, ISO 8601 datetimes read for bin(), and the where
 * clause after summarize (its tokens, parser and evaluator: now(), bin(), datetime - timespan, comparisons,
 * and/or, nulls), with each refusal's message. Each group names the learn.microsoft.com page it follows.
 */
import { describe, expect, it } from 'vitest';
import { type CorrelationRow, runKqlCorrelation } from '../../../../core/detection/targets/kql-correlation-evaluator.ts';

const DOCS = 'https://learn.microsoft.com/kusto/query/';
const MIN = 60_000;
const T0 = Date.parse('2024-05-01T09:00:00Z');
const iso = (t: number): string => new Date(t).toISOString();
const COLUMNS = { k: 'string', ts: 'datetime', code: 'int', score: 'real' } as const;

function run(query: string, rows: Record<string, unknown>[], now?: number): CorrelationRow[] {
  return runKqlCorrelation(`T\n| ${query}`, { T: { columns: COLUMNS, rows } }, now === undefined ? {} : { now });
}

/** The error message of the query over T (or 'no error'); now() is T0 unless `now` is null. */
function failure(query: string, rows: Record<string, unknown>[] = [{ k: 'a', ts: iso(T0), code: 1 }], now: number | null = T0): string {
  try {
    run(query, rows, now ?? undefined);
    return 'no error';
  } catch (e) {
    return (e as Error).message;
  }
}

/** Groups a, b, c with 1, 2 and 3 rows; each row at T0 + 10 minutes. */
const ABC = ['a', 'b', 'b', 'c', 'c', 'c'].map((k) => ({ k, ts: iso(T0 + 10 * MIN) }));
/** The groups k that `where` keeps of count() by k over ABC. */
const kept = (where: string, rows = ABC, now: number | undefined = T0): unknown[] =>
  run(`summarize n = count() by k\n| where ${where}`, rows, now).map((r) => r['k']);

describe(`comparisons of counts (${DOCS}numerical-operators) and their and / or (${DOCS}logical-operators)`, () => {
  // Each operator at the boundary: below, equal to and above 2.
  it.each([
    ['n == 2', ['b']],
    ['n != 2', ['a', 'c']],
    ['n > 2', ['c']],
    ['n >= 2', ['b', 'c']],
    ['n < 2', ['a']],
    ['n <= 2', ['a', 'b']],
    ['2 < n', ['c']],
  ])('where %s', (where, expected) => {
    expect(kept(where)).toEqual(expected);
  });

  // or is true when either side is (a: left only, b: neither, c: right only); and when both are; parentheses group.
  it.each([
    ['n < 2 or n > 2', ['a', 'c']],
    ['n > 2 or n < 2', ['a', 'c']],
    ['n == 1 or n == 2 or n == 3', ['a', 'b', 'c']],
    ['n >= 2 and n <= 2', ['b']],
    ['n >= 2 and n != 2', ['c']],
    ['(n < 2 or n > 2) and n != 3', ['a']],
    ['n != 3 and (n < 2 or n > 2)', ['a']],
    ['((n == 2))', ['b']],
  ])('where %s', (where, expected) => {
    expect(kept(where)).toEqual(expected);
  });

  // An identifier that ends like a timespan (1h) or a number (2) is a column name.
  it('column names that end in digits or a timespan unit are columns', () => {
    expect(run('summarize events_1h = count() by k\n| where events_1h >= 2', ABC).map((r) => r['k'])).toEqual(['b', 'c']);
    expect(run('summarize c2 = count() by k\n| where c2 >= 2', ABC).map((r) => r['k'])).toEqual(['b', 'c']);
  });

  // int and real group columns compare as numbers; a null number compares as null, which where drops.
  it(`${DOCS}scalar-data-types/null-values: int and real columns, and null numbers`, () => {
    const rows = [{ code: 503 }, { code: 200 }, {}];
    expect(run('summarize n = count() by code\n| where code >= 500', rows)).toEqual([{ code: 503, n: 1 }]);
    expect(run('summarize n = count() by code\n| where code != 200', rows)).toEqual([{ code: 503, n: 1 }]);
    expect(run('summarize n = count() by code\n| where 200 != code', rows)).toEqual([{ code: 503, n: 1 }]);
    expect(run('summarize n = count() by score\n| where score > 0', [{ score: 0.5 }, { score: -1 }])).toEqual([{ score: 0.5, n: 1 }]);
  });
});

describe(`datetimes in where: now() (${DOCS}now-function), bin() (${DOCS}bin-function), ${DOCS}datetime-timespan-arithmetic`, () => {
  const now = T0 + 90 * MIN;
  const rows = [
    { k: 'a', ts: iso(T0 + 10 * MIN) },
    { k: 'b', ts: iso(T0 + 70 * MIN) },
    { k: 'c', ts: iso(T0 - 50 * MIN) },
  ];
  // The last complete bin before now(): bin(now(), 1h) is T0 + 1h, less 1h is T0.
  it('where TimeGenerated == bin(now(), span) - span keeps the bin before the current one', () => {
    expect(run('summarize n = count() by k, bin(ts, 1h)\n| where ts == bin(now(), 1h) - 1h', rows, now)).toEqual([{ k: 'a', ts: iso(T0), n: 1 }]);
    expect(run('summarize n = count() by k, bin(ts, 1d)\n| where ts == bin(now(), 1d)', rows, now).map((r) => r['k'])).toEqual(['a', 'b', 'c']);
    expect(run('summarize n = count() by k, bin(ts, 1h)\n| where ts >= now() - 2h and ts < bin(now(), 1h)', rows, now).map((r) => r['k'])).toEqual(['a']);
  });

  // 100ms is milliseconds, not 100 minutes; the datetime column read from its ISO text.
  it(`${DOCS}scalar-data-types/timespan: a 100ms literal`, () => {
    const close = [
      { k: 'a', ts: iso(now - 50) },
      { k: 'b', ts: iso(now - 150) },
    ];
    expect(run('summarize n = count() by k, ts\n| where ts > now() - 100ms', close, now)).toEqual([{ k: 'a', ts: iso(now - 50), n: 1 }]);
    expect(run('summarize n = count() by k, bin(ts, 100ms)', close, now).map((r) => r['ts'])).toEqual([iso(now - 100), iso(now - 200)]);
  });

  // A null datetime: its bin is null; comparisons and arithmetic with it are null, which where drops,
  // and null or true is true (scalar-data-types/null-values, logical-operators).
  it(`${DOCS}scalar-data-types/null-values: a null datetime`, () => {
    const none = [{ k: 'z' }];
    expect(run('summarize n = count() by k, bin(ts, 1h)', none)).toEqual([{ k: 'z', ts: null, n: 1 }]);
    expect(run('summarize n = count() by k, ts\n| where bin(ts, 1h) < now()', none, now)).toEqual([]);
    for (const where of ['ts < now()', 'now() > ts', 'ts - 1h < now()', 'ts == ts']) {
      expect(run(`summarize n = count() by k, bin(ts, 1h)\n| where ${where}`, none, now)).toEqual([]);
    }
    expect(run('summarize n = count() by k, bin(ts, 1h)\n| where ts < now() or n >= 1', none, now)).toEqual([{ k: 'z', ts: null, n: 1 }]);
    expect(run('summarize n = count() by k, bin(ts, 1h)\n| where n >= 1 and now() > ts', none, now)).toEqual([]);
  });
});

describe(`datetime text read for bin() (${DOCS}scalar-data-types/datetime: ISO 8601, in UTC)`, () => {
  const binned = (ts: unknown, span = '1h'): unknown => run(`summarize n = count() by bin(ts, ${span})`, [{ ts }])[0]!['ts'];

  // With or without a fraction, T or a space, Z, an offset or none (UTC); surrounding blanks are read past.
  it.each([
    ['2024-05-01T09:10:00Z', '1h', '2024-05-01T09:00:00.000Z'],
    ['2024-05-01 09:10:00', '1h', '2024-05-01T09:00:00.000Z'],
    ['2024-05-01T11:10:00+02:00', '1h', '2024-05-01T09:00:00.000Z'],
    ['2024-05-01T07:10:00-02:00', '1h', '2024-05-01T09:00:00.000Z'],
    ['2024-05-01T09:10:00.25Z', '100ms', '2024-05-01T09:10:00.200Z'],
    ['2024-05-01T09:10:00.1234567Z', '1ms', '2024-05-01T09:10:00.123Z'],
    ['2024-05-01T09:10:00.5', '1ms', '2024-05-01T09:10:00.500Z'],
    [' 2024-05-01T09:10:00Z ', '1h', '2024-05-01T09:00:00.000Z'],
  ])('bin(%j, %s) is %s', (ts, span, expected) => {
    expect(binned(ts, span)).toBe(expected);
  });

  // A datetime without an offset is UTC, whatever the time zone of the process.
  it('reads a datetime without an offset as UTC in another local time zone', () => {
    const zone = process.env['TZ'];
    process.env['TZ'] = 'America/New_York';
    try {
      expect(binned('2024-05-01 09:10:00')).toBe('2024-05-01T09:00:00.000Z');
      expect(binned('2024-05-01T09:10:00.5', '1ms')).toBe('2024-05-01T09:10:00.500Z');
    } finally {
      if (zone === undefined) delete process.env['TZ'];
      else process.env['TZ'] = zone;
    }
  });

  // Text that is not such a datetime, or bin() of a column that is not a datetime, is refused.
  it.each([
    ['yesterday', 'KQL correlation: datetime "yesterday" is outside the supported subset'],
    ['12024-05-01T09:10:00Z', 'KQL correlation: datetime "12024-05-01T09:10:00Z" is outside the supported subset'],
    ['2024-05-01T09:10:00Zjunk', 'KQL correlation: datetime "2024-05-01T09:10:00Zjunk" is outside the supported subset'],
    ['2024-05-01T09:10:00+2:00', 'KQL correlation: datetime "2024-05-01T09:10:00+2:00" is outside the supported subset'],
  ])('refuses %j', (ts, message) => {
    expect(failure('summarize n = count() by bin(ts, 1h)', [{ ts }])).toBe(message);
  });

  it('refuses bin() of a string column', () => {
    expect(failure('summarize n = count() by bin(k, 1h)')).toBe('KQL correlation: bin() of a string value is outside the supported subset');
  });
});

describe('where clauses outside the subset: each refusal names what it refuses', () => {
  // Tokens, the parser, then types and functions the evaluator does not take.
  it.each([
    ['k == "bad"', 'KQL correlation: """" in a where clause is outside the supported subset'],
    ['n > 1 2', 'KQL correlation: unexpected "2"'],
    ['n >', 'KQL correlation: a where clause ends too early'],
    ['(n > 1', 'KQL correlation: missing ")"'],
    ['n > )', 'KQL correlation: unexpected ")"'],
    ['n == ,', 'KQL correlation: unexpected ","'],
    ['ts < bin(now() 1h)', 'KQL correlation: expected ","'],
    ['k == k', 'KQL correlation: a string column in a where clause is outside the supported subset'],
    ['ts < foo()', 'KQL correlation: function foo() is outside the supported subset'],
    ['ts < now(1d)', 'KQL correlation: function now() is outside the supported subset'],
    ['ts == bin(ts)', 'KQL correlation: function bin() is outside the supported subset'],
    ['n == max_of(n, 3)', 'KQL correlation: function max_of() is outside the supported subset'],
    ['not(n > 1)', 'KQL correlation: function not() is outside the supported subset'],
    ['ts == bin(n, 1h)', 'KQL correlation: bin() of a datetime by a timespan only'],
    ['ts == bin(ts, 5)', 'KQL correlation: bin() of a datetime by a timespan only'],
    ['ts == bin(ts, 7m)', 'KQL correlation: bin size does not divide a day'],
    ['ts == bin(ts, 2d)', 'KQL correlation: bin size does not divide a day'],
    ['n and n > 1', 'KQL correlation: and of non-booleans'],
    ['n > 1 and n', 'KQL correlation: and of non-booleans'],
    ['n > 1 or n', 'KQL correlation: or of non-booleans'],
    ['ts > n - 1h', 'KQL correlation: only datetime - timespan is supported'],
    ['ts > ts - 5', 'KQL correlation: only datetime - timespan is supported'],
    ['ts > 5', 'KQL correlation: datetime > long is outside the supported subset'],
    ['(n > 1) == (n > 2)', 'KQL correlation: bool == bool is outside the supported subset'],
    ['1h > 30m', 'KQL correlation: timespan > timespan is outside the supported subset'],
  ])('where %s', (where, message) => {
    expect(failure(`summarize n = count() by k, bin(ts, 1h)\n| where ${where}`)).toBe(message);
  });

  it(`${DOCS}now-function: now() needs the time the query runs`, () => {
    expect(failure('summarize n = count() by k, bin(ts, 1h)\n| where ts < now()', undefined, null)).toBe(
      'KQL correlation: now() needs the time the query runs (options.now)',
    );
  });
});
