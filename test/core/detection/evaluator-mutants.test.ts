/**
 * The evaluator on hand-built Matches: empty value lists, `|all` on every operator, values that are not
 * text (null, absent, BigInt), bounds and networks that are not what their operator takes, keyword search.
 */
import { describe, expect, it } from 'vitest';
import { compileExpr } from '../../../core/detection/evaluator.ts';
import type { Match, MatchKind, Scalar } from '../../../core/detection/expr.ts';

const match = (op: MatchKind, values: readonly Scalar[], extra: Partial<Match> = {}): Match => ({
  kind: 'match',
  field: op === 'keyword' ? '' : 'f',
  op,
  values,
  all: false,
  cased: false,
  ...extra,
});
const verdicts = (m: Match, events: readonly unknown[]) => {
  const p = compileExpr(m);
  return events.map((e) => p(e));
};

describe('cidr', () => {
  it('with |all, a value that is not a network is left out rather than failing every event', () => {
    expect(verdicts(match('cidr', ['10.0.0.0/8', 'not-a-network'], { all: true }), [{ f: '10.1.2.3' }, { f: '192.0.2.1' }])).toEqual([true, false]);
  });

  it('matches nothing when no value is a network, even with |all', () => {
    expect(verdicts(match('cidr', ['not-a-network'], { all: true }), [{ f: '10.1.2.3' }])).toStrictEqual([false]);
    expect(verdicts(match('cidr', [], { all: true }), [{ f: '10.1.2.3' }])).toStrictEqual([false]);
  });
});

describe('text comparisons', () => {
  it('an empty value list matches nothing, even with |all', () => {
    expect(verdicts(match('equals', [], { all: true }), [{ f: 'x' }, {}])).toEqual([false, false]);
    expect(verdicts(match('re', [], { all: true }), [{ f: 'x' }])).toEqual([false]);
  });

  it('a value that is only * matches any text, but not an absent or null field', () => {
    expect(verdicts(match('contains', ['*']), [{ f: '' }, { f: 'abc' }, {}, { f: null }])).toEqual([true, true, false, false]);
    expect(verdicts(match('contains', ['*'], { cased: true }), [{ f: null }, { f: 'x' }])).toEqual([false, true]);
  });

  it('plain equals with * is a wildcard, not the empty text', () => {
    expect(verdicts(match('equals', ['*']), [{ f: 'abc' }, { f: '' }])).toEqual([true, true]);
  });

  it('a regex never matches a null field, even .*', () => {
    expect(verdicts(match('re', ['.*']), [{ f: null }, { f: [null] }, { f: '' }])).toEqual([false, false, true]);
  });

  it('equals |all needs every value equal to some element, not just one', () => {
    expect(verdicts(match('equals', ['a', 'b'], { all: true }), [{ f: ['a'] }, { f: ['b', 'a'] }])).toEqual([false, true]);
  });

  it('equals |all compares whole values, not prefixes or parts', () => {
    expect(verdicts(match('equals', ['admin'], { all: true }), [{ f: 'administrator' }, { f: 'the admin' }, { f: 'ADMIN' }])).toEqual([false, false, true]);
  });

  it('a value that is neither text, number, boolean nor object (a BigInt) is no text and does not throw', () => {
    expect(verdicts(match('contains', ['*']), [{ f: 10n }])).toEqual([false]);
  });
});

describe('gt, gte, lt, lte', () => {
  it('booleans, null, empty or non-numeric text and objects are not numbers', () => {
    expect(verdicts(match('gte', [0]), [{ f: true }, { f: null }, { f: '' }, { f: 'abc' }, { f: {} }, { f: '0' }])).toEqual([
      false,
      false,
      false,
      false,
      false,
      true,
    ]);
  });

  it('an array inside an array is not a number, even holding one numeric text', () => {
    expect(verdicts(match('gte', [0]), [{ f: [['5']] }, { f: ['5'] }])).toEqual([false, true]);
  });

  it('a bound that is not a number is left out, so with none left nothing matches', () => {
    expect(verdicts(match('gt', ['5']), [{ f: 10 }])).toStrictEqual([false]);
    expect(verdicts(match('gt', ['5'], { all: true }), [{ f: 10 }])).toStrictEqual([false]);
    expect(verdicts(match('gt', [], { all: true }), [{ f: 10 }])).toStrictEqual([false]);
  });

  it('several bounds: any one by default, every one with |all', () => {
    expect(verdicts(match('gt', [1, 100]), [{ f: 50 }, { f: 0 }])).toEqual([true, false]);
    expect(verdicts(match('gt', [1, 100], { all: true }), [{ f: 50 }, { f: 150 }])).toEqual([false, true]);
  });
});

describe('fieldref', () => {
  it('folds case by lower-casing, as the other text comparisons do (ß is not ss)', () => {
    expect(
      verdicts(match('fieldref', ['g']), [
        { f: 'ABC', g: 'abc' },
        { f: 'straße', g: 'STRASSE' },
      ]),
    ).toEqual([true, false]);
  });

  it('an empty list of referenced fields matches nothing, even with |all', () => {
    expect(verdicts(match('fieldref', [], { all: true }), [{ f: 'x' }])).toStrictEqual([false]);
  });

  it('several referenced fields: any one by default, every one with |all', () => {
    const events = [
      { f: 'x', a: 'x', b: 'y' },
      { f: 'x', a: 'x', b: 'x' },
    ];
    expect(verdicts(match('fieldref', ['a', 'b']), events)).toEqual([true, true]);
    expect(verdicts(match('fieldref', ['a', 'b'], { all: true }), events)).toEqual([false, true]);
  });
});

describe('keywords', () => {
  it('search past null and undefined values', () => {
    expect(verdicts(match('keyword', ['x']), [{ a: null, b: 'x' }, { a: undefined, b: ['x'] }, { a: null }])).toEqual([true, true, false]);
  });

  it('an empty keyword list matches nothing, even with |all', () => {
    expect(verdicts(match('keyword', [], { all: true }), [{ a: 'x' }])).toStrictEqual([false]);
  });

  it('|cased keywords match only the same case', () => {
    expect(verdicts(match('keyword', ['Admin'], { cased: true }), [{ a: 'the Admin' }, { a: 'the admin' }])).toEqual([true, false]);
  });

  it('fold case by lower-casing (ß is not ss)', () => {
    expect(verdicts(match('keyword', ['STRASSE']), [{ a: 'straße' }, { a: 'Strasse' }])).toEqual([false, true]);
  });

  it('* finds nothing in an event without string values', () => {
    expect(verdicts(match('keyword', ['*']), [{ n: 5 }, {}, { s: '' }])).toEqual([false, false, true]);
  });
});
