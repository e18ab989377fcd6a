/**
 * Regular-expression text for literal strings and Sigma wildcard values, shared by the KQL and GCP compilers
 * (both RE2: https://github.com/google/re2/wiki/Syntax). A wildcard regex carries the `s` flag, since a Sigma
 * `*` or `?` matches a line break too, and `i` unless the match is |cased.
 */
import type { Match } from '../expr.ts';
import type { Piece } from './sigma-value.ts';

export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Pieces -> an RE2 body: `^` and `$` where the pattern is anchored, none where it starts or ends with `*`. */
export function piecesRegex(pieces: readonly Piece[]): string {
  const body = pieces.map((p) => (p.kind === 'text' ? escapeRegex(p.text) : p.kind === 'one' ? '.' : '.*'));
  const first = pieces[0];
  const last = pieces[pieces.length - 1];
  const start = first?.kind === 'any' ? body.slice(1) : ['^', ...body];
  const whole = last?.kind === 'any' && pieces.length > 0 ? start.slice(0, -1) : [...start, '$'];
  return whole.join('');
}

/** Leading RE2 flags: `i` unless |cased, `m` for Sigma's |m, `s` for |s or for a wildcard pattern. */
export function regexFlags(m: Pick<Match, 'cased' | 'multiline' | 'dotAll'>, wildcard: boolean): string {
  const flags = `${m.cased ? '' : 'i'}${m.multiline ? 'm' : ''}${m.dotAll || wildcard ? 's' : ''}`;
  return flags === '' ? '' : `(?${flags})`;
}

/** RE2 and JS agree on this subset; lookarounds, backreferences and named groups differ or are missing. */
export function re2Problem(pattern: string): string | undefined {
  // (?= (?! lookahead, (?<= (?<! lookbehind; (?<name> is a named group, told apart by what follows the <.
  if (/\(\?(?:[=!]|<[=!])/.test(pattern)) return 'lookaround assertions are not in RE2';
  if (/\\[1-9]/.test(pattern)) return 'backreferences are not in RE2';
  if (/\(\?</.test(pattern)) return 'named groups are written differently in RE2';
  return undefined;
}
