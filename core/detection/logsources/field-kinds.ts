/**
 * How a log source's fields are declared in the registry (registry.ts): each documented path, what its
 * value is, and the page that documents it. The kinds are what the compilers need to know: whether a
 * path below a field can exist, and whether a string test on the field itself can ever see text.
 */

/**
 * - `scalar`: text, a number or a boolean; nothing below it.
 * - `object`: an object whose keys are documented (declared as further paths).
 * - `open`: an object whose keys are not documented (a request body, a dynamic column): any path below
 *   it is accepted.
 * - `scalars`: an array of scalars (a match on it holds when one element matches).
 * - `objects`: an array of objects whose keys are declared as further paths.
 * - `open-objects`: an array of objects with undocumented keys.
 */
export type FieldKind = 'scalar' | 'object' | 'open' | 'scalars' | 'objects' | 'open-objects';

export interface DocumentedField {
  readonly kind: FieldKind;
  /** The vendor page that documents the field. */
  readonly source: string;
}

export type FieldTable = Readonly<Record<string, DocumentedField>>;

/** Kinds whose value is an object (or objects): a string operator sees no text there except as JSON. */
export const OBJECT_KINDS: ReadonlySet<FieldKind> = new Set(['object', 'open', 'objects', 'open-objects']);

/** Kinds below which any path is allowed. */
export const OPEN_KINDS: ReadonlySet<FieldKind> = new Set(['open', 'open-objects']);

/** Kinds that are arrays (the KQL compiler expands them with mv-apply). */
export const ARRAY_KINDS: ReadonlySet<FieldKind> = new Set(['scalars', 'objects', 'open-objects']);

/** Declares every path of `kinds` with one source page. */
export function fieldsFrom(source: string, kinds: Readonly<Record<string, FieldKind>>): FieldTable {
  return Object.fromEntries(Object.entries(kinds).map(([path, kind]) => [path, { kind, source }]));
}
