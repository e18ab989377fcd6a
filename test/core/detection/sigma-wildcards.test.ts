/**
 * Sigma's wildcard text (core/detection/expr.ts): how a value splits into literal runs, `*` and `?`, as
 * pySigma's SigmaString reads it (sigma/types.py: `*` and `?` special, a backslash escapes `*`, `?` and a
 * backslash and is literal before anything else or at the end), and the canonical form expand.ts writes
 * into the Expr, which must read back as the same parts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatWildcards, hasWildcard, parseWildcards, unescapeWildcards, wildcardParts, type WildcardPart } from '../../../core/detection/expr.ts';

const t = (text: string): WildcardPart => ({ kind: 'text', text });
const ANY: WildcardPart = { kind: 'any' };
const ONE: WildcardPart = { kind: 'one' };

describe('parseWildcards', () => {
  it.each<[string, WildcardPart[]]>([
    ['GetObject', [t('GetObject')]],
    ['Get*', [t('Get'), ANY]],
    ['Get?bject', [t('Get'), ONE, t('bject')]],
    ['*:\\*', [ANY, t(':*')]],
    ['why\\?', [t('why?')]],
    ['dom\\\\*', [t('dom\\'), ANY]],
    ['C:\\Windows\\System32', [t('C:\\Windows\\System32')]],
    ['trailing\\', [t('trailing\\')]],
    ['', []],
    ['**', [ANY, ANY]],
  ])('%j', (value, parts) => {
    expect(parseWildcards(value)).toEqual(parts);
  });
});

describe('hasWildcard and unescapeWildcards', () => {
  it.each<[string, boolean, string]>([
    ['s3:\\*', false, 's3:*'],
    ['s3:*', true, 's3:*'],
    ['a?c', true, 'a?c'],
    ['a\\?c', false, 'a?c'],
    ['a\\\\?', true, 'a\\?'],
    ['C:\\Temp', false, 'C:\\Temp'],
  ])('%j', (value, wildcard, literal) => {
    expect([hasWildcard(value), unescapeWildcards(value)]).toEqual([wildcard, literal]);
  });
});

describe('formatWildcards: the canonical text', () => {
  it('a value without wildcards, stars, question marks or escaping backslashes is its literal text', () => {
    for (const literal of ['GetObject', 'C:\\Windows\\cmd.exe', 'arn:aws:iam::111122223333:role/x', 'trailing\\']) {
      expect(formatWildcards(parseWildcards(literal))).toBe(literal);
    }
  });
  it('escapes literal * and ?, and a backslash only where it would escape', () => {
    expect(formatWildcards([t('s3:*')])).toBe('s3:\\*');
    expect(formatWildcards([t('why?')])).toBe('why\\?');
    expect(formatWildcards([t('dom\\'), ANY])).toBe('dom\\\\*');
    expect(formatWildcards([t('a\\\\b')])).toBe('a\\\\\\b');
  });
  it('reads back as the same parts, for any parts', () => {
    const part = fc.oneof(
      fc.string({ unit: fc.constantFrom('a', 'B', '\\', '*', '?', ':', ' '), minLength: 1, maxLength: 6 }).map(t),
      fc.constant(ANY),
      fc.constant(ONE),
    );
    fc.assert(
      fc.property(fc.array(part, { maxLength: 6 }), (parts) => {
        // Adjacent text runs are one run once written.
        const merged = parts.reduce<WildcardPart[]>((out, p) => {
          const last = out[out.length - 1];
          if (p.kind === 'text' && last?.kind === 'text') out[out.length - 1] = t(last.text + p.text);
          else out.push(p);
          return out;
        }, []);
        expect(parseWildcards(formatWildcards(parts))).toEqual(merged);
      }),
    );
  });
});

describe('wildcardParts (star-only, for the compilers that know only *)', () => {
  it('splits at unescaped stars with escapes resolved', () => {
    expect(wildcardParts('*:\\*')).toEqual(['', ':*']);
    expect(wildcardParts('a*b*')).toEqual(['a', 'b', '']);
    expect(wildcardParts('dom\\\\*x')).toEqual(['dom\\', 'x']);
  });
});
