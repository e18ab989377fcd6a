/**
 * The detection IR: what a rule means once its selections, modifiers, placeholders and condition are
 * resolved. The evaluator and every compiler work from this, so they cannot disagree about parsing.
 */
export type Scalar = string | number | boolean;

/**
 * `exists`: the key is present (even holding null). `null`: the key is absent or holds null (Sigma's `field: null`).
 * `gt`/`gte`/`lt`/`lte`: a numeric comparison (values are numbers). `fieldref`: equal to the value of the
 * field named in `values` (Sigma's `|fieldref`). `keyword`: a field-less Sigma keyword, matched anywhere in
 * the event (`field` is empty).
 */
export type MatchKind =
  | 'equals'
  | 'contains'
  | 'startswith'
  | 'endswith'
  | 're'
  | 'cidr'
  | 'exists'
  | 'null'
  | 'gt'
  | 'gte'
  | 'lt'
  | 'lte'
  | 'fieldref'
  | 'keyword';

export interface Match {
  readonly kind: 'match';
  /** Dotted path: arrays along the way match if any element matches. */
  readonly field: string;
  readonly op: MatchKind;
  /** Alternatives (OR), or all required with `all`. For `exists`: [true] or [false]; for `null`: []. Empty = matches nothing. */
  readonly values: readonly Scalar[];
  readonly all: boolean;
  /**
   * Case-sensitive comparison (`|cased`); the default is case-insensitive, as in Sigma. A regex (`re`) is
   * case-sensitive, as in Sigma, unless it has Sigma's `|i` flag: then `cased` is false.
   */
  readonly cased: boolean;
  /** `re` only: Sigma's `|m` (multi-line: ^ and $ match at line breaks) and `|s` (dot matches newlines). */
  readonly multiline?: boolean;
  readonly dotAll?: boolean;
}

export type Expr =
  | { readonly kind: 'and'; readonly items: readonly Expr[] }
  | { readonly kind: 'or'; readonly items: readonly Expr[] }
  | { readonly kind: 'not'; readonly item: Expr }
  | Match;

export const and = (items: readonly Expr[]): Expr => (items.length === 1 ? items[0]! : { kind: 'and', items });
export const or = (items: readonly Expr[]): Expr => (items.length === 1 ? items[0]! : { kind: 'or', items });
export const not = (item: Expr): Expr => (item.kind === 'not' ? item.item : { kind: 'not', item });

/**
 * Sigma wildcards, in the values of plain (equals), contains, startswith, endswith and keyword matches:
 * `*` is any run of characters (the empty run included), `?` exactly one character. A backslash escapes
 * the next character only when that is `*`, `?` or a backslash (`\*`, `\?`, `\\`); before any other character,
 * and at the end of the value, it is a plain backslash, so Windows paths need no doubling. That is pySigma's
 * reading, sigma/types.py `SigmaString.__init__` (char_mapping `*` WILDCARD_MULTI, `?` WILDCARD_SINGLE,
 * escape_char `\\`), and the specification's "Wildcards" and "Escaping" sections
 * (https://sigmahq.io/docs/basics/rules.html, sigma-specification specification/sigma-rules-specification.md).
 *
 * In the Expr IR such values are kept in this escaped form. expand.ts writes them canonically
 * (`formatWildcards(parseWildcards(v))`): a backslash is doubled only where it would otherwise escape, so a
 * value without wildcards or literal `*` and `?` reads the same as its literal text.
 */
export type WildcardPart = { readonly kind: 'text'; readonly text: string } | { readonly kind: 'any' } | { readonly kind: 'one' };

const SPECIAL = new Set(['*', '?', '\\']);

/** A Sigma value as literal text runs and wildcards (adjacent text merged). */
export function parseWildcards(value: string): WildcardPart[] {
  const parts: WildcardPart[] = [];
  let text = '';
  const flush = () => {
    if (text !== '') parts.push({ kind: 'text', text });
    text = '';
  };
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (c === '\\') {
      const next = value[i + 1];
      if (next !== undefined && SPECIAL.has(next)) {
        text += next;
        i++;
      } else text += c;
    } else if (c === '*' || c === '?') {
      flush();
      parts.push({ kind: c === '*' ? 'any' : 'one' });
    } else text += c;
  }
  flush();
  return parts;
}

/** The canonical Sigma text of parts: `*`, `?` and a backslash before them (or before another backslash) escaped. */
export function formatWildcards(written: readonly WildcardPart[]): string {
  // Adjacent text runs first become one, so a backslash ending one run sees what starts the next.
  const parts = written.reduce<WildcardPart[]>((out, part) => {
    const last = out[out.length - 1];
    if (part.kind === 'text' && last?.kind === 'text') out[out.length - 1] = { kind: 'text', text: last.text + part.text };
    else out.push(part);
    return out;
  }, []);
  return parts
    .map((part, i) => {
      if (part.kind === 'any') return '*';
      if (part.kind === 'one') return '?';
      // A backslash is literal unless a special character follows it, here or at the start of the next part.
      const following = parts[i + 1]?.kind === 'any' || parts[i + 1]?.kind === 'one';
      return part.text.replace(/[*?]|\\(?=[*?\\]|$)/g, (c, offset: number) => {
        if (c !== '\\') return `\\${c}`;
        return offset + 1 === part.text.length && !following ? c : '\\\\';
      });
    })
    .join('');
}

/** The value has an unescaped `*` or `?`. */
export function hasWildcard(value: string): boolean {
  return parseWildcards(value).some((p) => p.kind !== 'text');
}

/** The literal text of a value without wildcards, escapes resolved (`s3:\*` -> `s3:*`). */
export function unescapeWildcards(value: string): string {
  return parseWildcards(value)
    .map((p) => (p.kind === 'text' ? p.text : p.kind === 'any' ? '*' : '?'))
    .join('');
}

/**
 * Literal runs between unescaped stars, escapes resolved. Knows only `*`: a value with a `?` wildcard needs
 * parseWildcards.
 */
export function wildcardParts(value: string): string[] {
  const pieces: string[] = [''];
  for (const part of parseWildcards(value)) {
    if (part.kind === 'any') pieces.push('');
    else pieces[pieces.length - 1] += part.kind === 'text' ? part.text : '?';
  }
  return pieces;
}
