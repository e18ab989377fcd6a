/**
 * Sigma's newer modifiers on every target: what each compiler writes for numeric comparisons (|gt |gte |lt
 * |lte), |fieldref, keywords, the `?` wildcard with Sigma's escapes, and |re with its |i |m |s flags, and the
 * exact one-line reason of every refusal. That each written query means what the rule engine means is
 * held by the target oracles in test/core/detection/conformance.test.ts; here a few hand-written events pin
 * the oracles' reading of the new constructs too.
 */
import { describe, expect, it } from 'vitest';
import { CLOUDTRAIL_DETAIL_TYPES, compileEventPattern } from '../../../core/detection/compilers/eventbridge.ts';
import { compileCloudWatchPattern } from '../../../core/detection/compilers/cloudwatch.ts';
import { compileGcpQuery } from '../../../core/detection/compilers/gcp-logging.ts';
import { compileKql, type KqlTable } from '../../../core/detection/compilers/kql.ts';
import type { Expr } from '../../../core/detection/expr.ts';
import { compileCloudWatchPattern as cloudwatchOracle } from '../../../core/detection/targets/cloudwatch-pattern-evaluator.ts';
import { matchesEventPattern } from '../../../core/detection/targets/eventbridge-pattern-evaluator.ts';
import { compileGcpQuery as gcpOracle } from '../../../core/detection/targets/gcp-query-evaluator.ts';
import { compileKqlQuery } from '../../../core/detection/targets/kql-evaluator.ts';
import { checkKql } from '../../../core/detection/targets/kql-check.ts';
import { bindRules, compileRule } from '../../../core/detection/catalog.ts';
import { CompileError } from '../../../core/detection/compilers/compile-error.ts';
import { generatedRule, type Target } from '../../../core/detection/rule.ts';
import { exampleModel } from '../../helpers/config.ts';
import { and, m, not, refusal, rule } from './compilers/helpers.ts';

const columns = { S: 'string', N: 'int', D: 'dynamic', Arr: 'dynamic', When: 'datetime' } as const;
const table: KqlTable = { name: 'T', columnType: (column) => (columns as Record<string, string>)[column], arrays: ['Arr'] };
const kql = (expr: Expr) => compileKql(rule, expr, table);
const kqlWhere = (expr: Expr) => kql(expr).replace(/^T\n\| where /, '');
const kqlRuns = (expr: Expr) => compileKqlQuery(kql(expr), { T: columns });
const cloudwatch = (expr: Expr) => compileCloudWatchPattern(rule, expr);
const eventbridge = (expr: Expr) => compileEventPattern(rule, expr)['detail'];
const gcp = (expr: Expr) => compileGcpQuery(rule, expr);

const refusedBy = (target: string, suggestion: string) => (compile: () => unknown, reason: string) =>
  expect(refusal(compile)).toBe(`rule mut-rule cannot compile to ${target}: ${reason}. ${suggestion}`);
const cloudwatchRefuses = refusedBy('cloudwatch', 'Deploy it as an EventBridge rule instead (targets: [eventbridge]).');
const eventbridgeRefuses = refusedBy('eventbridge', 'Simplify the condition or split the rule.');
const kqlRefuses = refusedBy('kql', 'Use a column of T (see core/detection/targets/kql-tables.ts).');
const gcpRefuses = refusedBy('gcp', 'Rewrite the selection without it.');

const keyword = (values: string[], options: { all?: boolean; cased?: boolean } = {}) => m('', 'keyword', values, options);

describe('CloudWatch filter patterns', () => {
  it.each<[string, Expr, string]>([
    ['gt', m('f', 'gt', [5]), '{ ($.f > 5) }'],
    ['gte a fraction', m('f', 'gte', [1.5]), '{ ($.f >= 1.5) }'],
    ['lt a negative number', m('f', 'lt', [-2]), '{ ($.f < -2) }'],
    ['lte', m('f', 'lte', [0]), '{ ($.f <= 0) }'],
    ['gt either of two', m('f', 'gt', [1, 10]), '{ (($.f > 1) || ($.f > 10)) }'],
    ['gt both of two (|all)', m('f', 'gt', [1, 10], { all: true }), '{ (($.f > 1) && ($.f > 10)) }'],
    ['a leading * wildcard', m('f', 'equals', ['*Trail'], { cased: true }), '{ ($.f = "*Trail") }'],
    ['startswith ending in *, as one *', m('f', 'startswith', ['Get*'], { cased: true }), '{ ($.f = "Get*") }'],
    ['gt beside a text test', and(m('e', 'equals', ['X'], { cased: true }), m('f', 'gt', [5])), '{ (($.e = "X") && ($.f > 5)) }'],
  ])('%s', (_name, expr, pattern) => {
    expect(cloudwatch(expr)).toBe(pattern);
  });

  it.each<[string, Expr, string]>([
    ['not gt', not(m('f', 'gt', [5])), 'not f|gt also holds on text, booleans and objects, which a filter pattern cannot tell from numbers'],
    ['gt on text', m('f', 'gt', ['5']), '|gt takes a number, not "5"'],
    ['|fieldref', m('f', 'fieldref', ['g']), '|fieldref compares f with another field, and a filter pattern compares a selector with a value only'],
    [
      'a keyword',
      keyword(['x']),
      'a Sigma keyword (a case-insensitive search of the whole event) has no filter-pattern form: free-text terms are case-sensitive and cannot join JSON conditions',
    ],
    [
      'the ? wildcard',
      m('f', 'equals', ['a?c'], { cased: true }),
      'the ? wildcard (one character) in a?c has no filter-pattern form (only * is a wildcard there)',
    ],
    [
      'a trailing ? wildcard',
      m('f', 'startswith', ['ab?'], { cased: true }),
      'the ? wildcard (one character) in ab? has no filter-pattern form (only * is a wildcard there)',
    ],
    ['an inner * in startswith', m('f', 'startswith', ['a*b'], { cased: true }), 'wildcards are only allowed at the start or end of a value (a*b)'],
    [
      'an escaped backslash (a literal one)',
      m('f', 'equals', [String.raw`a\\b`], { cased: true }),
      String.raw`value a\\b contains a quote or backslash, which filter patterns cannot escape`,
    ],
    ['a case-sensitive |re', m('f', 're', ['^a'], { cased: true }), 'filter pattern regexes are a small subset; use contains/startswith/endswith'],
    ['contains a number (it compiled to equality before)', m('f', 'contains', [5], { cased: true }), '|contains on a non-string value'],
  ])('refuses %s', (_name, expr, reason) => {
    cloudwatchRefuses(() => cloudwatch(expr), reason);
  });

  it('compiles comparisons the oracle reads as AWS documents them: numbers only, an object or array never', () => {
    const matches = cloudwatchOracle(cloudwatch(m('latency', 'gt', [500])));
    expect([600, 500, 499.5, true, null, { v: 600 }, [600]].map((latency) => matches({ latency }))).toEqual([true, false, false, false, false, false, false]);
    expect(matches({})).toBe(false);
  });
});

describe('EventBridge event patterns', () => {
  const complement = (op: string, n: number) => [{ exists: false }, null, true, false, { wildcard: '*' }, { numeric: [op, n] }];
  it.each<[string, Expr, unknown]>([
    ['gt', m('f', 'gt', [5]), { f: [{ numeric: ['>', 5] }] }],
    ['gte', m('f', 'gte', [-1.5]), { f: [{ numeric: ['>=', -1.5] }] }],
    ['lt either of two', m('f', 'lt', [0, 10]), { f: [{ numeric: ['<', 0] }, { numeric: ['<', 10] }] }],
    ['lte the numeric limit', m('f', 'lte', [5e9]), { f: [{ numeric: ['<=', 5e9] }] }],
    ['not gt: everything but a number above', not(m('f', 'gt', [5])), { f: complement('<=', 5) }],
    ['not gte', not(m('f', 'gte', [5])), { f: complement('<', 5) }],
    ['not lt', not(m('f', 'lt', [5])), { f: complement('>=', 5) }],
    ['not lte', not(m('f', 'lte', [5])), { f: complement('>', 5) }],
    ['startswith with an inner *', m('f', 'startswith', ['a*b'], { cased: true }), { f: [{ wildcard: 'a*b*' }] }],
    ['endswith with an inner *', m('f', 'endswith', ['a*b'], { cased: true }), { f: [{ wildcard: '*a*b' }] }],
    ['an escaped backslash before a *', m('f', 'equals', [String.raw`C:\\*`], { cased: true }), { f: [{ wildcard: String.raw`C:\\*` }] }],
    ['an escaped ?: plain text', m('f', 'equals', [String.raw`a\?`], { cased: true }), { f: ['a?'] }],
    ['** is one *', m('f', 'equals', ['**a'], { cased: true }), { f: [{ wildcard: '*a' }] }],
    [
      'not startswith with an inner *',
      not(m('f', 'startswith', ['a*b'], { cased: true })),
      { f: [{ exists: false }, { 'anything-but': { wildcard: 'a*b*' } }] },
    ],
  ])('%s', (_name, expr, detail) => {
    expect(eventbridge(expr)).toEqual(detail);
  });

  it.each<[string, Expr, string]>([
    [
      'the ? wildcard',
      m('f', 'equals', ['a?'], { cased: true }),
      'the ? wildcard (one character) in f value a? has no event-pattern form (the only wildcard is *)',
    ],
    [
      'a ? in contains',
      m('f', 'contains', ['a?b'], { cased: true }),
      'the ? wildcard (one character) in f value a?b has no event-pattern form (the only wildcard is *)',
    ],
    ['gt on text', m('f', 'gt', ['5']), '|gt takes a number, not "5"'],
    ['gt beyond the numeric limit', m('f', 'gt', [6e9]), 'f|gt 6000000000: numeric matching is limited to -5.0e9..+5.0e9'],
    ['not gt of two values', not(m('f', 'gt', [1, 2])), 'not f|gt with several values needs several numeric conditions on one field'],
    ['|fieldref', m('f', 'fieldref', ['g']), '|fieldref compares f with another field, and an event pattern compares a field with listed values only'],
    ['a keyword', keyword(['x']), 'a Sigma keyword searches the whole event, and an event pattern tests named fields only'],
    [
      'startswith with a wildcard, any case',
      m('f', 'startswith', ['a*b']),
      'f|startswith with a wildcard compiles to a wildcard, which is case-sensitive in EventBridge; mark f |cased',
    ],
    [
      'endswith with a wildcard, any case',
      m('f', 'endswith', ['a*b']),
      'f|endswith with a wildcard compiles to a wildcard, which is case-sensitive in EventBridge; mark f |cased',
    ],
    [
      'not startswith with a wildcard, any case',
      not(m('f', 'startswith', ['a*b'])),
      'not f|startswith with a wildcard must be a |cased value (anything-but wildcard)',
    ],
    ['|re', m('f', 're', ['a'], { cased: true }), 'event patterns have no regular expressions'],
  ])('refuses %s', (_name, expr, reason) => {
    eventbridgeRefuses(() => eventbridge(expr), reason);
  });

  it('numeric matching and its complement, as the oracle reads the AWS pages', () => {
    const event = (f: unknown) => ({ 'detail-type': CLOUDTRAIL_DETAIL_TYPES[0], detail: f === undefined ? {} : { f } });
    const positive = compileEventPattern(rule, m('f', 'gt', [5]));
    const negative = compileEventPattern(rule, not(m('f', 'gt', [5])));
    const values = [6, 5, -1, '10', 'x', true, null, { a: 6 }, undefined];
    expect(values.map((f) => matchesEventPattern(positive, event(f)))).toEqual([true, false, false, false, false, false, false, false, false]);
    expect(values.map((f) => matchesEventPattern(negative, event(f)))).toEqual([false, true, true, true, true, true, true, true, true]);
  });
});

describe('KQL', () => {
  it.each<[string, Expr, string]>([
    ['gt on a string column', m('S', 'gt', [5]), 'coalesce(todouble(S) > 5, false)'],
    ['gte on an int column', m('N', 'gte', [1.5]), 'coalesce(todouble(tostring(N)) >= 1.5, false)'],
    ['lt inside a dynamic column', m('D.x', 'lt', [-2]), 'coalesce(todouble(tostring(D.x)) < -2, false)'],
    ['lte either of two', m('S', 'lte', [1, 2]), '(coalesce(todouble(S) <= 1, false) or coalesce(todouble(S) <= 2, false))'],
    ['not gt', not(m('S', 'gt', [5])), 'not(coalesce(todouble(S) > 5, false))'],
    ['fieldref', m('S', 'fieldref', ['D.x']), '(isnotempty(S) and S =~ tostring(D.x))'],
    ['fieldref |cased', m('D.x', 'fieldref', ['S'], { cased: true }), '(isnotnull(D.x) and isnotempty(S) and tostring(D.x) == S)'],
    ['fieldref to either of two', m('S', 'fieldref', ['D.x', 'D.y']), '((isnotempty(S) and S =~ tostring(D.x)) or (isnotempty(S) and S =~ tostring(D.y)))'],
    ['a keyword', keyword(['evil']), '* contains "evil"'],
    ['a |cased keyword', keyword(['Evil'], { cased: true }), '* contains_cs "Evil"'],
    ['keywords, any of two', keyword(['a', 'b']), '(* contains "a" or * contains "b")'],
    ['keywords, all of two', keyword(['a', 'b'], { all: true }), '(* contains "a" and * contains "b")'],
    ['a keyword with wildcards', keyword(['ev?l*x']), '* matches regex "(?is)ev.l.*x"'],
    ['a keyword with an escaped ?', keyword([String.raw`what\?`]), '* contains "what?"'],
    ['the ? wildcard', m('S', 'equals', ['a?c']), 'S matches regex "(?is)^a.c$"'],
    ['contains with an inner *', m('S', 'contains', ['a*b']), 'S matches regex "(?is)a.*b"'],
    ['startswith with a ?', m('S', 'startswith', ['a?'], { cased: true }), 'S matches regex "(?s)^a."'],
    ['endswith with a *', m('S', 'endswith', ['a*b']), 'S matches regex "(?is)a.*b$"'],
    ['startswith an escaped *', m('S', 'startswith', [String.raw`a\*`]), 'S startswith "a*"'],
    ['equals with an escaped backslash', m('S', 'equals', [String.raw`C:\\Windows`]), String.raw`S =~ "C:\\Windows"`],
    ['one of two values, escapes resolved', m('S', 'equals', [String.raw`a\?`, 'b']), 'S in~ ("a?", "b")'],
    ['a plain (case-sensitive) |re', m('S', 're', ['^a.b$'], { cased: true }), 'S matches regex "^a.b$"'],
    ['|re|i', m('S', 're', ['^a']), 'S matches regex "(?i)^a"'],
    ['|re|m|s', m('S', 're', ['^a.b$'], { cased: true, multiline: true, dotAll: true }), 'S matches regex "(?ms)^a.b$"'],
    ['|re|i|m', m('S', 're', ['^a$'], { multiline: true }), 'S matches regex "(?im)^a$"'],
  ])('%s', (_name, expr, where) => {
    expect(kqlWhere(expr)).toBe(where);
  });

  it('compares inside arrays with one mv-apply count per comparison', () => {
    expect(kql(m('Arr.n', 'gt', [5]))).toBe(
      ['T', '| mv-apply _a1_0 = Arr on (summarize _m1 = countif(coalesce(todouble(tostring(_a1_0.n)) > 5, false)))', '| where _m1 > 0'].join('\n'),
    );
  });

  it.each<[string, Expr, string]>([
    ['a number in exponent form', m('S', 'gt', [1e21]), '|gt takes a plain decimal number, not 1e+21'],
    ['gt on text', m('S', 'gt', ['5']), '|gt takes a plain decimal number, not "5"'],
    [
      'fieldref from inside an array',
      m('Arr.x', 'fieldref', ['S']),
      '|fieldref on Arr.x, which is inside an array, would need one mv-apply per field with elements paired up',
    ],
    [
      'fieldref to inside an array',
      m('S', 'fieldref', ['Arr.x']),
      '|fieldref on Arr.x, which is inside an array, would need one mv-apply per field with elements paired up',
    ],
    ['fieldref to an unknown column', m('S', 'fieldref', ['Nope']), 'T has no column "Nope"'],
  ])('refuses %s', (_name, expr, reason) => {
    kqlRefuses(() => kql(expr), reason);
  });

  it('writes queries that Kusto.Language parses and binds', () => {
    const rule = { id: 'mut-rule' } as never;
    const signin: KqlTable = {
      name: 'SigninLogs',
      columnType: (c) => (c === 'LocationDetails' ? 'dynamic' : c === 'DurationMs' ? 'long' : 'string'),
      arrays: [],
    };
    for (const expr of [
      m('ResultType', 'gt', [50000]),
      not(m('DurationMs', 'lte', [10.5])),
      m('UserPrincipalName', 'fieldref', ['LocationDetails.city']),
      keyword(['adele', 'x?y*z']),
      m('AppDisplayName', 're', ['^a.b$'], { multiline: true, dotAll: true }),
      m('AppDisplayName', 'equals', ['Az?re*']),
    ]) {
      expect(checkKql(compileKql(rule, expr, signin)), JSON.stringify(expr)).toEqual([]);
    }
  });

  it('numeric comparisons read numbers and decimal text, and a negation holds where todouble() gives null', () => {
    const gt = kqlRuns(m('D.n', 'gt', [5]));
    const notGt = kqlRuns(not(m('D.n', 'gt', [5])));
    const values = [6, '6', '1e3', 5, 'x', true, null, { a: 6 }];
    expect(values.map((n) => gt({ D: { n } }))).toEqual([true, true, true, false, false, false, false, false]);
    expect(values.map((n) => notGt({ D: { n } }))).toEqual([false, false, false, true, true, true, true, true]);
  });

  it('fieldref compares two columns as text, ignoring case, never two empty values', () => {
    const ref = kqlRuns(m('S', 'fieldref', ['D.x']));
    expect(ref({ S: 'Alice', D: { x: 'alice' } })).toBe(true);
    expect(ref({ S: '5', D: { x: 5 } })).toBe(true);
    expect(ref({ S: 'a', D: { x: 'b' } })).toBe(false);
    expect(ref({ D: {} })).toBe(false);
    // An object compares as its compact JSON text on both sides.
    expect(ref({ S: '{"k":1}', D: { x: { k: 1 } } })).toBe(true);
  });

  it('keywords search every column, a dynamic one as its JSON text', () => {
    const evil = kqlRuns(keyword(['EVIL']));
    expect(evil({ S: 'an evil thing' })).toBe(true);
    expect(evil({ D: { note: 'evil' } })).toBe(true);
    expect(evil({ S: 'good' })).toBe(false);
    // Where KQL and the rule engine part: `*` sees a dynamic column's keys (the engine searches string values only).
    expect(evil({ D: { evil: 'no' } })).toBe(true);
    const wild = kqlRuns(keyword(['ev?l']));
    expect(wild({ S: 'an EVAL' })).toBe(true);
    expect(wild({ S: 'an evl' })).toBe(false);
  });

  it('a keyword over a row with a datetime value: decided only where no rendering of a date could hold it', () => {
    expect(kqlRuns(keyword(['evil']))({ When: '2024-01-01T00:00:00Z', S: 'evil' })).toBe(true);
    expect(kqlRuns(keyword(['evil']))({ When: '2024-01-01T00:00:00Z', S: 'good' })).toBe(false);
    expect(() => kqlRuns(keyword(['2024']))({ When: '2024-01-01T00:00:00Z' })).toThrow(/tostring\(datetime\)/);
    expect(() => kqlRuns(keyword(['e?il']))({ When: '2024-01-01T00:00:00Z' })).toThrow(/tostring\(datetime\)/);
  });

  it('regex flags: (?m) lines end at \\n only, . stops at \\n unless (?s), (?i) folds case', () => {
    const lines = kqlRuns(m('S', 're', ['^b$'], { cased: true, multiline: true }));
    expect(lines({ S: 'a\nb\nc' })).toBe(true);
    expect(lines({ S: 'a\rb\rc' })).toBe(false);
    expect(kqlRuns(m('S', 're', ['^b$'], { cased: true }))({ S: 'a\nb' })).toBe(false);
    expect(kqlRuns(m('S', 're', ['a.b'], { cased: true }))({ S: 'a\nb' })).toBe(false);
    expect(kqlRuns(m('S', 're', ['a.b'], { cased: true }))({ S: 'a\rb' })).toBe(true);
    expect(kqlRuns(m('S', 're', ['a.b'], { cased: true, dotAll: true }))({ S: 'a\nb' })).toBe(true);
    expect(kqlRuns(m('S', 're', ['^A[.]b'], { multiline: true }))({ S: 'x\na.B' })).toBe(true);
  });
});

describe('Cloud Logging queries', () => {
  it.each<[string, Expr, string]>([
    ['gt, on JSON numbers only', m('f', 'gt', [5]), '(f:* AND f>5 AND NOT f=~"^")'],
    ['lte a negative fraction', m('f', 'lte', [-1.5]), '(f:* AND f<=-1.5 AND NOT f=~"^")'],
    ['not gte', not(m('f', 'gte', [5])), 'NOT ((f:* AND f>=5 AND NOT f=~"^"))'],
    ['lt either of two', m('f', 'lt', [1, 2]), '((f:* AND f<1 AND NOT f=~"^") OR (f:* AND f<2 AND NOT f=~"^"))'],
    ['the ? wildcard', m('f', 'equals', ['a?c']), 'f=~"(?is)^a.c$"'],
    ['contains with an inner *, |cased', m('f', 'contains', ['a*b'], { cased: true }), 'f=~"(?s)a.*b"'],
    ['endswith without wildcards', m('f', 'endswith', ['.b'], { cased: true }), String.raw`f=~"\\.b$"`],
    ['equals with an escaped ?', m('f', 'equals', [String.raw`a\?`]), 'f="a?"'],
    ['a plain (case-sensitive) |re', m('f', 're', ['^a'], { cased: true }), 'f=~"^a"'],
    ['|re|i|m|s', m('f', 're', ['^a.b$'], { multiline: true, dotAll: true }), 'f=~"(?ims)^a.b$"'],
  ])('%s', (_name, expr, query) => {
    expect(gcp(expr)).toBe(query);
  });

  it.each<[string, Expr, string]>([
    [
      'a keyword',
      keyword(['x']),
      'a Sigma keyword searches the whole event, and a Logging global restriction searches fields by rules the reference does not pin down; name the field (field|contains)',
    ],
    ['|fieldref', m('f', 'fieldref', ['g']), '|fieldref compares f with another field, and a Logging comparison takes a value, never a field'],
    ['gt on text', m('f', 'gt', ['5']), '|gt takes a number, not "5"'],
  ])('refuses %s', (_name, expr, reason) => {
    gcpRefuses(() => gcp(expr), reason);
  });

  it('a comparison holds on JSON numbers only: text compares as text in Logging, so it is kept out', () => {
    const gt = gcpOracle(gcp(m('jsonPayload.n', 'gt', [5])));
    const notGt = gcpOracle(gcp(not(m('jsonPayload.n', 'gt', [5]))));
    const values = [6, 5, 'abc', '6', true, null, { a: 6 }, undefined];
    expect(values.map((n) => gt({ jsonPayload: n === undefined ? {} : { n } }))).toEqual([true, false, false, false, false, false, false, false]);
    expect(values.map((n) => notGt({ jsonPayload: n === undefined ? {} : { n } }))).toEqual([false, true, true, true, true, true, true, true]);
  });

  it('an absent LogEntry field is no value, not its default 0', () => {
    const below = gcpOracle(gcp(m('httpRequest.status', 'lt', [400])));
    expect([{ httpRequest: { status: 200 } }, { httpRequest: { status: 404 } }, { httpRequest: {} }, {}].map(below)).toEqual([true, false, false, false]);
    // Without the presence test Logging would read the absent status as 0 < 400.
    expect(gcpOracle('httpRequest.status<400')({})).toBe(true);
  });
});

describe('a string test on an object-valued field', () => {
  // One meaning everywhere: the object's compact JSON text. KQL's tostring() gives it (conformance.test.ts
  // holds sigma-kql-objects to the rule engine); the other targets cannot see an object as text, and the
  // log-source registry, which knows which fields hold objects, refuses before their compilers run.
  const bound = (product: 'aws' | 'azure' | 'gcp', service: string, detection: Record<string, unknown>, targets: Target[]) =>
    bindRules(
      [
        generatedRule(
          {
            id: 'object-text-probe',
            title: 'Object text probe',
            description: 'A string test on a field that holds an object.',
            level: 'low',
            tags: ['attack.t1078'],
            logsource: { product, service },
            detection: detection as unknown as Record<string, string>,
            targets,
          },
          'sigma-targets.test.ts',
        ),
      ],
      exampleModel(),
    )[0]!;

  it('compiles to KQL as tostring() of the column', () => {
    const r = bound('azure', 'signinlogs', { s: { 'LocationDetails|contains': '"city":"Redmond"' }, condition: 's' }, ['kql']);
    expect(compileRule(r, 'kql')).toBe('SigninLogs\n| where tostring(LocationDetails) contains "\\"city\\":\\"Redmond\\""');
  });

  it.each<[string, 'aws' | 'gcp', string, string, Target]>([
    ['CloudWatch', 'aws', 'cloudtrail', 'requestParameters', 'cloudwatch'],
    ['EventBridge', 'aws', 'cloudtrail', 'requestParameters', 'eventbridge'],
    ['Cloud Logging', 'gcp', 'gcp.audit', 'protoPayload.request', 'gcp'],
  ])('is refused for %s before compiling', (_name, product, service, field, target) => {
    const r = bound(product, service, { s: { [`${field}|contains`]: 'x' }, condition: 's' }, []);
    expect(() => compileRule(r, target)).toThrow(CompileError);
    expect(() => compileRule(r, target)).toThrow(/holds an object/);
  });
});
