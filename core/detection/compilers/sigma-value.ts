/**
 * A Sigma string value as the compilers lay it out: the wildcard pieces of expr.ts (`*` any run, `?` one
 * character, `\*` `\?` `\\` literal), with the text a modifier adds around them (contains is `*v*`,
 * startswith `v*`, endswith `*v`, a keyword `*v*`). Sigma specification, "Wildcards" and "Escaping":
 * https://github.com/SigmaHQ/sigma-specification/blob/main/specification/sigma-rules-specification.md
 */
import { parseWildcards, type WildcardPart } from '../expr.ts';

export type Piece = WildcardPart;

type TextOp = 'equals' | 'contains' | 'startswith' | 'endswith' | 'keyword';

/** The whole pattern a value stands for under `op`; `**` is one `*` (EventBridge refuses two in a row). */
export function modifierPieces(op: TextOp, value: string): Piece[] {
  const any: Piece = { kind: 'any' };
  const open = op === 'contains' || op === 'endswith' || op === 'keyword';
  const close = op === 'contains' || op === 'startswith' || op === 'keyword';
  const all = [...(open ? [any] : []), ...parseWildcards(value), ...(close ? [any] : [])];
  return all.filter((p, i) => !(p.kind === 'any' && all[i - 1]?.kind === 'any'));
}

/** The literal text of a value without wildcards (escapes resolved), or undefined if it has one. */
export function plainText(value: string): string | undefined {
  const pieces = parseWildcards(value);
  return pieces.every((p) => p.kind === 'text') ? pieces.map((p) => (p.kind === 'text' ? p.text : '')).join('') : undefined;
}
