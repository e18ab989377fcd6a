/** Regular-expression text for literal strings and Sigma wildcards, shared by the KQL and GCP compilers (both RE2). */
import { wildcardParts } from '../expr.ts';

export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** `a*b` -> `^a.*b$` (anchored), literal parts escaped. */
export function wildcardRegex(value: string): string {
  return `^${wildcardParts(value).map(escapeRegex).join('.*')}$`;
}

/** RE2 and JS agree on this subset; lookarounds, backreferences and named groups differ or are missing. */
export function re2Problem(pattern: string): string | undefined {
  // (?= (?! lookahead, (?<= (?<! lookbehind; (?<name> is a named group, told apart by what follows the <.
  if (/\(\?(?:[=!]|<[=!])/.test(pattern)) return 'lookaround assertions are not in RE2';
  if (/\\[1-9]/.test(pattern)) return 'backreferences are not in RE2';
  if (/\(\?</.test(pattern)) return 'named groups are written differently in RE2';
  return undefined;
}
