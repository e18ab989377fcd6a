/** The Expr IR helpers: double negation, backslashes in values, merging text runs, star-split parts. */
import { describe, expect, it } from 'vitest';
import { formatWildcards, type Match, not, parseWildcards, wildcardParts } from '../../../core/detection/expr.ts';

describe('Expr helpers', () => {
  it('not of a not is the expression itself', () => {
    const m: Match = { kind: 'match', field: 'f', op: 'equals', values: ['x'], all: false, cased: false };
    expect(not(not(m))).toBe(m);
  });

  it('a backslash before an ordinary character or at the end is a plain backslash', () => {
    expect(parseWildcards('C:\\Windows\\')).toEqual([{ kind: 'text', text: 'C:\\Windows\\' }]);
  });

  it('three adjacent text runs format as one, so a backslash before a literal star in a later run is escaped', () => {
    const written = formatWildcards([
      { kind: 'text', text: 'x' },
      { kind: 'text', text: 'a\\' },
      { kind: 'text', text: '*' },
    ]);
    expect(written).toBe('xa\\\\\\*');
    expect(parseWildcards(written)).toEqual([{ kind: 'text', text: 'xa\\*' }]);
  });

  it('wildcardParts keeps ? in the text runs between stars', () => {
    expect(wildcardParts('a?b*c')).toEqual(['a?b', 'c']);
  });
});
