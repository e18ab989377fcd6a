/** Sigma condition parsing at its edges: blanks, error positions and wording, names that look like keywords, `them`. */
import { describe, expect, it } from 'vitest';
import { ConditionError, parseCondition } from '../../../core/detection/condition.ts';
import { and, type Expr, type Match } from '../../../core/detection/expr.ts';

const sel = (field: string): Match => ({ kind: 'match', field, op: 'equals', values: ['x'], all: false, cased: false });
const A = sel('a');
const B = sel('b');
const selections = (names: readonly string[]): ReadonlyMap<string, Expr> => new Map(names.map((n) => [n, sel(n)]));

/** The message of the ConditionError the condition raises; fails the test if it parses. */
function problem(condition: string, names: readonly string[] = ['a', 'b']): string {
  try {
    parseCondition(condition, selections(names));
  } catch (error) {
    if (error instanceof ConditionError) return error.message;
    throw error;
  }
  throw new Error(`expected "${condition}" to be refused`);
}

describe('condition text', () => {
  it('ignores blanks after the last token', () => {
    expect(parseCondition('a   ', new Map([['a', A]]))).toBe(A);
    expect(
      parseCondition(
        ' a and b \t',
        new Map([
          ['a', A],
          ['b', B],
        ]),
      ),
    ).toEqual(and([A, B]));
  });

  it('names an unexpected character and its 1-based column', () => {
    expect(problem('a & b')).toBe('unexpected "&" at column 2');
  });
});

describe('condition errors', () => {
  it('refuses "1 of" without a pattern', () => {
    expect(problem('1 of')).toBe('"1 of" needs a selection pattern or "them"');
  });

  it('refuses a condition that starts with and, or, ")" or of', () => {
    expect(problem('and a')).toBe('unexpected "and"');
    expect(problem('or a')).toBe('unexpected "or"');
    expect(problem(')')).toBe('unexpected ")"');
    expect(problem('of a', ['a', 'of'])).toBe('unexpected "of"');
  });

  it('refuses "of" after a selection name', () => {
    expect(problem('a of b')).toBe('unexpected "of" after a complete condition');
  });

  it('matches the pattern after "1 of" literally: "(" names no selection, not even one with an empty name', () => {
    expect(problem('1 of (', ['', 'a'])).toBe('"(" matches no selection');
  });
});

describe('selection names', () => {
  it('a selection named any (or all) is used by its name when no "of" follows', () => {
    const named = new Map<string, Expr>([
      ['any', A],
      ['b', B],
    ]);
    expect(parseCondition('any and b', named)).toEqual(and([A, B]));
    expect(parseCondition('all', new Map([['all', A]]))).toBe(A);
  });

  it('them leaves out names starting with _ only', () => {
    const s = new Map<string, Expr>([
      ['a', A],
      ['_hidden', sel('_hidden')],
      ['b_', B],
    ]);
    expect(parseCondition('all of them', s)).toEqual(and([A, B]));
  });
});
