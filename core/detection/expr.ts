/**
 * The detection IR: what a rule means once its selections, modifiers, placeholders and condition are
 * resolved. The evaluator and every compiler work from this, so they cannot disagree about parsing.
 */
export type Scalar = string | number | boolean;

/** `exists`: the key is present (even holding null). `null`: the key is absent or holds null (Sigma's `field: null`). */
export type MatchKind = 'equals' | 'contains' | 'startswith' | 'endswith' | 're' | 'cidr' | 'exists' | 'null';

export interface Match {
  readonly kind: 'match';
  /** Dotted path: arrays along the way match if any element matches. */
  readonly field: string;
  readonly op: MatchKind;
  /** Alternatives (OR), or all required with `all`. For `exists`: [true] or [false]; for `null`: []. Empty = matches nothing. */
  readonly values: readonly Scalar[];
  readonly all: boolean;
  /** Case-sensitive comparison (`|cased`); the default is case-insensitive, as in Sigma. */
  readonly cased: boolean;
}

export type Expr =
  | { readonly kind: 'and'; readonly items: readonly Expr[] }
  | { readonly kind: 'or'; readonly items: readonly Expr[] }
  | { readonly kind: 'not'; readonly item: Expr }
  | Match;

export const and = (items: readonly Expr[]): Expr => (items.length === 1 ? items[0]! : { kind: 'and', items });
export const or = (items: readonly Expr[]): Expr => (items.length === 1 ? items[0]! : { kind: 'or', items });
export const not = (item: Expr): Expr => (item.kind === 'not' ? item.item : { kind: 'not', item });

/** `*` in an equals value is a wildcard (Sigma); `\*` is a literal star. */
export function hasWildcard(value: string): boolean {
  return /(^|[^\\])\*/.test(value);
}

/** Pieces of a wildcard value: literal runs between unescaped stars. */
export function wildcardParts(value: string): string[] {
  return value.split(/(?<!\\)\*/).map((part) => part.replace(/\\\*/g, '*'));
}
