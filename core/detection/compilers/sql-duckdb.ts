/**
 * DuckDB: a table `events` with one JSON column `event`, each row a record as `guardrails detect` reads
 * it (an Azure record in its Log Analytics row shape). Works for every log source, since it reads the
 * record itself, as the rule engine does.
 *
 * A field's values are built as a JSON[] list the way field-path.ts reads them: from the record, each key
 * step takes the key of every object in the list (and of every object inside an array in it), an array
 * value giving its elements; a path that met an array on the way also opens arrays found at its end.
 * Functions: json_extract / json_type / json_extract_string
 * (https://duckdb.org/docs/stable/data/json/json_functions), list_transform / list_filter / flatten with
 * `lambda x: ...` (https://duckdb.org/docs/stable/sql/functions/lambda), regexp_matches /
 * regexp_full_match / regexp_extract / regexp_replace with 'g' (RE2,
 * https://duckdb.org/docs/stable/sql/functions/regular_expressions), starts_with / ends_with / contains /
 * lower / lpad / printf (https://duckdb.org/docs/stable/sql/functions/text).
 */
import { SqlRefusal, type SqlPrinter } from './sql-printer.ts';

const literal = (text: string): string => `'${text.replace(/'/g, "''")}'`;

const EMPTY = '[]::JSON[]';

/** A JSON path of one key: `$."key"`. */
function keyPath(key: string): string {
  if (/["\\]/.test(key) || key === '') throw new SqlRefusal(`the key "${key}" cannot be written in a DuckDB JSON path`, 'Rename the field.');
  return `$."${key}"`;
}

let counter = 0;
/** Lambda parameters unique within a query, so a nested `some` (|fieldref) never shadows an outer one. */
const fresh = (): number => ++counter;

/** The record's value at its top-level key. */
const root = (key: string): string => `json_extract(event, ${literal(keyPath(key))})`;

/** A JSON path of several keys: `$."a"."b"`. */
const jsonPath = (keys: readonly string[]): string => `$.${keys.map((k) => keyPath(k).slice(2)).join('.')}`;

/** A value as its elements when it is an array, else itself; none when absent. */
const open = (v: string): string => `CASE WHEN ${v} IS NULL THEN ${EMPTY} WHEN json_type(${v}) = 'ARRAY' THEN json_extract(${v}, '$[*]') ELSE [${v}] END`;

/** The value at keys[0..i] when the values on the way are objects (json_extract stops at an array). */
const plain = (keys: readonly string[], i: number): string => `json_extract(event, ${literal(jsonPath(keys.slice(0, i + 1)))})`;

/** Some value on the way to the last key is an array. */
const arrayOnTheWay = (keys: readonly string[], upTo: number): string =>
  keys
    .slice(0, upTo)
    .map((_, i) => `coalesce(json_type(${plain(keys, i)}) = 'ARRAY', FALSE)`)
    .join(' OR ');

/** The values at a dotted path (field-path.ts compilePath). */
function values(field: string): string {
  const keys = field.split('.');
  const n = fresh();
  let list = open(root(keys[0]!));
  for (const key of keys.slice(1)) {
    const path = literal(keyPath(key));
    const child = `CASE WHEN json_type(c${n}) = 'OBJECT' THEN ${open(`json_extract(c${n}, ${path})`)} ELSE ${EMPTY} END`;
    list = `flatten(list_transform(${list}, lambda n${n}: CASE json_type(n${n}) WHEN 'OBJECT' THEN ${open(`json_extract(n${n}, ${path})`)} WHEN 'ARRAY' THEN flatten(list_transform(json_extract(n${n}, '$[*]'), lambda c${n}: ${child})) ELSE ${EMPTY} END))`;
  }
  if (keys.length < 2) return list;
  // compilePath, once it met an array before the last key, also opens arrays among the final values.
  return `flatten(list_transform(${list}, lambda f${n}: CASE WHEN (${arrayOnTheWay(keys, keys.length - 1)}) AND json_type(f${n}) = 'ARRAY' THEN json_extract(f${n}, '$[*]') ELSE [f${n}] END))`;
}

/** A JSON value's text: a string unquoted, JSON null as NULL, anything else as its JSON text. */
const text = (v: string): string =>
  `CASE json_type(${v}) WHEN 'VARCHAR' THEN json_extract_string(${v}, '$') WHEN 'NULL' THEN NULL ELSE CAST(${v} AS VARCHAR) END`;

/** While the detect engine compiles its plan: the stored column (VARCHAR[], see storedTexts) holding a field's texts. */
let storedColumn: ((field: string) => string | undefined) | undefined;

/**
 * Compiles with fields read from stored columns (`guardrails detect --engine duckdb`, whose table holds
 * each field's texts computed once per event by storedTexts) instead of from `event`; `lookup` names the
 * column of a field, or undefined to read it from the record. Other callers see the plain printer.
 */
export function withStoredColumns<T>(lookup: (field: string) => string | undefined, compile: () => T): T {
  storedColumn = lookup;
  try {
    return compile();
  } finally {
    storedColumn = undefined;
  }
}

/**
 * The texts of a field's values (what `some` tests: VARCHAR, NULL for a JSON null) as one list, for a
 * column computed once per event from two parses of the record with a list of paths each (json_type
 * and json_extract_string, https://duckdb.org/docs/stable/data/json/json_functions): `typeAt(path)` is
 * the JSON type at a path (NULL when absent), `stringAt(path)` its text (a string unquoted, a JSON null
 * as NULL, anything else as its JSON text, as text() gives). When no value on the way nor at the end is
 * an array, values() holds the value at the full path alone (none when absent), so its text is the
 * list; otherwise values() itself is read. Throws SqlRefusal for a key a JSON path cannot spell.
 */
export function storedTexts(field: string, typeAt: (path: string) => string, stringAt: (path: string) => string): string {
  const paths = storedPaths(field);
  const full = paths.at(-1)!;
  const arrays = paths.map((path) => `${typeAt(path)} = 'ARRAY'`).join(' OR ');
  const n = fresh();
  return `CASE WHEN coalesce(${arrays}, FALSE) THEN list_transform(${values(field)}, lambda x${n}: ${text(`x${n}`)})
    WHEN ${typeAt(full)} IS NULL THEN []::VARCHAR[] ELSE [${stringAt(full)}] END`;
}

/** The JSON paths on the way to a field, its own last. */
function storedPaths(field: string): string[] {
  const keys = field.split('.');
  for (const key of keys) keyPath(key);
  return keys.map((_, i) => jsonPath(keys.slice(0, i + 1)));
}

export const duckdbPrinter: SqlPrinter = {
  dialect: 'duckdb',
  products: ['aws', 'azure', 'gcp'],
  table: 'events',
  columns: 'event',
  regexEngine: 're2',
  begin: () => {
    counter = 0;
  },
  some(field, reading, test) {
    const stored = storedColumn?.(field);
    if (stored !== undefined) {
      if (reading === 'presence') return `len(${stored}) > 0`;
      const n = fresh();
      return `len(list_filter(${stored}, lambda t${n}: ${test(`t${n}`)})) > 0`;
    }
    const list = values(field);
    if (reading === 'presence') return `len(${list}) > 0`;
    const n = fresh();
    return `len(list_filter(list_transform(${list}, lambda x${n}: ${text(`x${n}`)}), lambda t${n}: ${test(`t${n}`)})) > 0`;
  },
  strings(test) {
    const n = fresh();
    // Every JSON string token of the record that is not followed by a colon (a key), decoded.
    const tokens = `regexp_extract_all(CAST(event AS VARCHAR), ${literal(String.raw`"(?:[^"\\]|\\.)*"(?:\s*:)?`)})`;
    const decoded = `list_transform(list_filter(${tokens}, lambda k${n}: NOT ends_with(k${n}, ':')), lambda k${n}: json_extract_string(CAST(k${n} AS JSON), '$'))`;
    return `len(list_filter(${decoded}, lambda s${n}: ${test(`s${n}`)})) > 0`;
  },
  lower: (t) => `lower(${t})`,
  contains: (t, l) => `contains(${t}, ${literal(l)})`,
  startsWith: (t, l) => `starts_with(${t}, ${literal(l)})`,
  endsWith: (t, l) => `ends_with(${t}, ${literal(l)})`,
  regex: (t, pattern) => `regexp_matches(${t}, ${literal(pattern)})`,
  toDouble: (t) => `TRY_CAST(${t} AS DOUBLE)`,
  literal,
  fullMatch: (t, pattern) => `regexp_full_match(${t}, ${literal(pattern)})`,
  extract: (t, pattern) => `regexp_extract(${t}, ${literal(pattern)}, 1)`,
  replaceAll: (t, pattern, replacement) => `regexp_replace(${t}, ${literal(pattern)}, ${replacement}, 'g')`,
  group1: '\\1',
  matchCount: (t, pattern) => `len(regexp_extract_all(${t}, ${literal(pattern)}))`,
  toInt: (t) => `TRY_CAST(${t} AS BIGINT)`,
  hexPair: (a, b) => `printf('%x:%x', ${a}, ${b})`,
  bind: (value, body) => {
    const n = fresh();
    return `list_transform([${value}], lambda b${n}: ${body(`b${n}`)})[1]`;
  },
};
