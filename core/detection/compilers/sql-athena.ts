/**
 * Athena (Trino): the CloudTrail table of the Athena user guide (athena-cloudtrail-columns.ts). A
 * CloudTrail path maps to its lower-cased column and struct fields; `resources` is an array of structs,
 * read with any_match; paths under the JSON-text columns (requestParameters, responseElements,
 * additionalEventData, serviceEventDetails) are read with json_query in lax mode, whose member accessor
 * opens arrays on the way and whose `[*]` opens an array at the end, as the rule engine fans out.
 *
 * What the table cannot tell: a JSON null from an absent key in a typed column (both are NULL), so
 * `|exists` there reads "not NULL" and a key CloudTrail writes as null counts as absent (the rule engine
 * counts it present); under the JSON-text columns the two stay apart. Refused: a text test on a struct
 * column (`userIdentity`: the table has no JSON text of it); keywords (no whole record).
 *
 * Trino functions: any_match / transform with `x -> ...`
 * (https://trino.io/docs/current/functions/array.html), json_query with WITH ARRAY WRAPPER, json_parse,
 * json_format, json_extract_scalar, is_json_scalar (https://trino.io/docs/current/functions/json.html),
 * regexp_like / regexp_extract / regexp_extract_all / regexp_replace with `$1` (Java regex,
 * https://trino.io/docs/current/functions/regexp.html), strpos / starts_with / substr / lpad / replace
 * (https://trino.io/docs/current/functions/string.html), format (https://trino.io/docs/current/functions/conversion.html).
 */
import { ATHENA_CLOUDTRAIL_COLUMNS, ATHENA_CLOUDTRAIL_TABLE_DOC, ATHENA_JSON_TEXT_COLUMNS, type AthenaType } from './athena-cloudtrail-columns.ts';
import { SqlRefusal, type SqlPrinter } from './sql-printer.ts';

const literal = (text: string): string => `'${text.replace(/'/g, "''")}'`;

/** Where a CloudTrail path is in the table. */
type Place =
  | { readonly kind: 'value'; readonly expr: string }
  | { readonly kind: 'struct'; readonly expr: string }
  | { readonly kind: 'elements'; readonly array: string; readonly field?: string }
  | { readonly kind: 'json'; readonly column: string; readonly keys: readonly string[] };

const COLUMNS = new Map(ATHENA_CLOUDTRAIL_COLUMNS.map((c) => [c.name, c.type]));
const NOT_IN_TABLE = `Add the column to the table, or query its record text. (The table: ${ATHENA_CLOUDTRAIL_TABLE_DOC})`;

function place(field: string): Place {
  const keys = field.split('.');
  const column = keys[0]!.toLowerCase();
  const type = COLUMNS.get(column);
  if (!type) throw new SqlRefusal(`${keys[0]} is not a column of the Athena CloudTrail table`, NOT_IN_TABLE);
  if (ATHENA_JSON_TEXT_COLUMNS.has(column)) return keys.length === 1 ? { kind: 'value', expr: column } : { kind: 'json', column, keys: keys.slice(1) };
  let expr = column;
  let at: AthenaType = type;
  for (const [i, key] of keys.slice(1).entries()) {
    if (at.kind === 'array') {
      // resources.<field>: each element's field.
      const element = at.element;
      if (element.kind !== 'struct' || i !== keys.length - 2 || !element.fields[key.toLowerCase()])
        throw new SqlRefusal(`${field} is not a field of the elements of ${expr} in the Athena CloudTrail table`, NOT_IN_TABLE);
      return { kind: 'elements', array: expr, field: key.toLowerCase() };
    }
    if (at.kind === 'map') {
      if (i !== keys.length - 2) throw new SqlRefusal(`${field} goes below a map<string,string> of the Athena CloudTrail table`, NOT_IN_TABLE);
      return { kind: 'value', expr: `element_at(${expr}, ${literal(key)})` };
    }
    if (at.kind !== 'struct' || !at.fields[key.toLowerCase()]) throw new SqlRefusal(`${field} is not in the Athena CloudTrail table`, NOT_IN_TABLE);
    at = at.fields[key.toLowerCase()]!;
    expr = `${expr}.${key.toLowerCase()}`;
  }
  if (at.kind === 'array') return { kind: 'elements', array: expr };
  return at.kind === 'struct' ? { kind: 'struct', expr } : { kind: 'value', expr };
}

/** A SQL/JSON path member: `"key"` (double quotes doubled inside). */
const member = (key: string): string => `"${key.replace(/"/g, '""')}"`;

/** A JSON value's text: scalars as json_extract_scalar gives them (null as NULL), objects and arrays as their JSON text. */
const text = (v: string): string => `CASE WHEN is_json_scalar(${v}) THEN json_extract_scalar(${v}, '$') ELSE json_format(${v}) END`;

let counter = 0;
const fresh = (): number => ++counter;

export const athenaPrinter: SqlPrinter = {
  dialect: 'athena',
  products: ['aws'],
  // The table aws.hunting deploys (core/aws/hunting-names.ts HUNTING_TABLE_NAME; test/core/detection/sql checks they agree).
  table: 'cloudtrail',
  columns: '*',
  regexEngine: 'java',
  begin: () => {
    counter = 0;
  },
  some(field, given, test) {
    const at = place(field);
    // A typed column holds NULL for an absent key and for a JSON null alike: |exists reads it as "not NULL".
    const reading = given === 'presence' && at.kind !== 'json' ? 'nonnull' : given;
    if (reading !== given) return this.some(field, reading, (t) => `${t} IS NOT NULL`);
    const n = fresh();
    switch (at.kind) {
      case 'value':
        return test(at.expr);
      case 'struct':
        if (reading === 'text')
          throw new SqlRefusal(`${field} is a struct column of the Athena CloudTrail table: its JSON text is not there to compare`, 'Test a field inside it.');
        return test(at.expr);
      case 'elements': {
        if (at.field === undefined && reading === 'text')
          throw new SqlRefusal(
            `${field} is an array of structs in the Athena CloudTrail table: its JSON text is not there to compare`,
            'Test a field inside it.',
          );
        return `any_match(${at.array}, e${n} -> ${test(at.field === undefined ? `e${n}` : `e${n}.${at.field}`)})`;
      }
      case 'json': {
        // lax: member access on an array applies to each element; [*] opens a final array (or wraps a single value).
        const path = `lax $.${at.keys.map(member).join('.')}[*]`;
        const list = `CAST(json_parse(json_query(${at.column}, ${literal(path)} WITH ARRAY WRAPPER)) AS ARRAY(JSON))`;
        if (reading === 'presence') return `cardinality(${list}) > 0`;
        return `any_match(transform(${list}, x${n} -> ${text(`x${n}`)}), t${n} -> ${test(`t${n}`)})`;
      }
    }
  },
  lower: (t) => `lower(${t})`,
  contains: (t, l) => `strpos(${t}, ${literal(l)}) > 0`,
  startsWith: (t, l) => `starts_with(${t}, ${literal(l)})`,
  // Trino has no ends_with; substr from a negative start counts from the end (and is '' when the text is shorter).
  endsWith: (t, l) => `substr(${t}, -${[...l].length}) = ${literal(l)}`,
  regex: (t, pattern) => `regexp_like(${t}, ${literal(pattern)})`,
  toDouble: (t) => `TRY_CAST(${t} AS DOUBLE)`,
  literal,
  // Java's $ also matches before a final line break: \z is the very end.
  fullMatch: (t, pattern) => `regexp_like(${t}, ${literal(`^(?:${pattern})\\z`)})`,
  extract: (t, pattern) => `regexp_extract(${t}, ${literal(pattern)}, 1)`,
  replaceAll: (t, pattern, replacement) => `regexp_replace(${t}, ${literal(pattern)}, ${replacement})`,
  group1: '$1',
  matchCount: (t, pattern) => `cardinality(regexp_extract_all(${t}, ${literal(pattern)}))`,
  toInt: (t) => `TRY_CAST(${t} AS BIGINT)`,
  hexPair: (a, b) => `format('%x:%x', ${a}, ${b})`,
  bind: (value, body) => {
    const n = fresh();
    return `transform(ARRAY[${value}], b${n} -> ${body(`b${n}`)})[1]`;
  },
};
