/**
 * The SQL of `guardrails detect --engine duckdb`: every rule as a column expression
 * (compileSqlCondition, DuckDB dialect, over a column `event` holding each raw record as text; DuckDB's
 * JSON functions read VARCHAR as JSON, and a JSON-typed column would parse each record once more to
 * validate it). The engine runs them over a table of stored events, one rule per query.
 *
 * Each record is parsed once on loading for the fields the plan itself needs (json_extract with a list
 * of paths: https://duckdb.org/docs/stable/data/json/json_functions): whether a line is a CloudTrail file
 * (`Records`), the log source (detect-source.ts's tests for CloudTrail and GCP audit entries; anything
 * else is classified by detect-source.ts itself, in Node, which normalises Azure diagnostic records), and
 * the field each rule's index guard reads (rule-index.ts). Every field the rules of a log source read is
 * then stored as a column of its texts (storedTexts in sql-duckdb.ts), from one json_type and one
 * json_extract_string parse per event with the list of that source's paths, and the rules read those
 * columns: before, each rule re-parsed the record per field through JSON list lambdas, which made
 * binding and running the catalog several times slower than the js engine (bench/detect-engines.md).
 * A rule's condition is evaluated only on events of its source that pass its guard (a CASE evaluates
 * its THEN branch only for the rows its WHEN selected), as the js engine's index offers a rule only the
 * events it could match.
 */
import type { CatalogRule } from '../catalog.ts';
import { storedTexts, withStoredColumns } from '../compilers/sql-duckdb.ts';
import { compileSqlCondition } from '../compilers/sql.ts';
import { hasWildcard, unescapeWildcards, type Expr, type Match } from '../expr.ts';

/** One rule as a column: reported (a rule of the run), a correlation's base, or both. */
export interface PlanColumn {
  readonly rule: CatalogRule;
  /** The log source key (`product/service`) the rule reads. */
  readonly source: string;
  reported: boolean;
  base: boolean;
  /**
   * The guard cannot be read exactly in SQL (a dotted field, or no guard field a rule index shares): a
   * hit sends the event to Node, which keeps it only if the rule index would have offered the rule.
   */
  readonly loose: boolean;
  /** The stored guard column (g<at>, a<at>) and the values (lowercased) that let the rule run. */
  readonly guard?: { readonly at: number; readonly values: readonly string[] };
  /** `CASE WHEN <source and guard> THEN CASE WHEN <condition> THEN '<column number>[*]' END END` */
  readonly sql: string;
  /**
   * Where the js engine's index (rule-index.ts) lists this rule among the hits on one event whose guard
   * fields hold single strings: the unguarded rules first, then per guard field in the order the rules
   * first name it, each in rule order.
   */
  readonly rank: number;
}

export interface DetectPlan {
  /** Log source keys; a row's `src` is the position here plus one (0: unclassified, -1: a blank line). */
  readonly sources: readonly string[];
  readonly columns: readonly PlanColumn[];
  /**
   * The rows to store for the events of an NDJSON file (gzip or not) read by DuckDB: n, sub (the line
   * and the position in its Records), ct, idx, src (classified), event and the rules' guard fields.
   */
  ndjson(file: string, gzip: boolean, maxLineBytes: number): string;
  /** The column definitions of those rows (CREATE TABLE), so the table needs no binding of the load SQL. */
  readonly schema: string;
  /** The same rows for a table (n, sub, idx, src, event) of events Node read or classified. */
  table(name: string): string;
  /**
   * The hit rows of one log source in a table of stored rows (with a file number f), for the given
   * columns: f, n, sub, idx, src, hits (the matching column numbers), need (Node must see the event).
   * The event's text is left out: the caller joins it for the few hits that need it, so a rule's query
   * does not carry every record along.
   */
  select(table: string, source: string, columns: readonly number[]): string;
  /** The guard column numbers (`at`) of the plan. */
  readonly guards: readonly number[];
}

export const AWS_SOURCE = 'aws/cloudtrail';
export const GCP_SOURCE = 'gcp/gcp.audit';

/** The index guard of rule-index.ts (requiredEquality): a positive equality every match must satisfy. */
export function guardOf(expr: Expr): Match | undefined {
  if (expr.kind === 'match') {
    const exact = expr.op === 'equals' && !expr.all && expr.values.length > 0 && expr.values.every((v) => typeof v === 'string' && !hasWildcard(v));
    return exact ? expr : undefined;
  }
  if (expr.kind === 'and') {
    const found = expr.items.map(guardOf).filter((m): m is Match => m !== undefined);
    return found.find((m) => m.field === 'eventName') ?? found[0];
  }
  return undefined;
}

const literal = (text: string): string => `'${text.replace(/'/g, "''")}'`;

/** Paths read from every record in one parse; 1-based positions in the list `k`. */
const FIXED_PATHS = ['$."Records"', '$."eventSource"', '$."eventName"', '$."eventVersion"', '$."userIdentity"', '$."protoPayload"', '$."logName"'];

/** A top-level key DuckDB's JSON path can spell (`$."key"`). */
const plainKey = (field: string): boolean => field !== '' && !/[."\\]/.test(field);

/** A dotted field whose every key a DuckDB JSON path can spell, so its texts can be stored. */
const storable = (field: string): boolean => field.split('.').every((key) => key !== '' && !/["\\]/.test(key));

/**
 * The plan for the rules of a run and the bases of its correlations, both already filtered to the
 * cloud asked for. Throws the compiler's error for a rule DuckDB cannot express.
 */
export function planDetect(rules: readonly CatalogRule[], bases: readonly CatalogRule[]): DetectPlan {
  const roles = new Map<CatalogRule, { reported: boolean; base: boolean }>();
  for (const r of rules) roles.set(r, { reported: true, base: false });
  for (const r of bases) roles.set(r, { reported: roles.get(r)?.reported ?? false, base: true });
  const sourceOf = (r: CatalogRule) => `${r.rule.logsource.product}/${r.rule.logsource.service}`;
  const sources = [...new Set([AWS_SOURCE, GCP_SOURCE, ...[...roles.keys()].map(sourceOf)])];
  const paths = [...FIXED_PATHS];
  const pathIndex = (field: string): number => {
    const path = `$."${field}"`;
    if (!paths.includes(path)) paths.push(path);
    return paths.indexOf(path) + 1;
  };
  // Every field a rule reads is stored once per event of the rule's log source as the texts of its
  // values (v<i>; NULL for the events of other sources, whose rules never look), so the rules test
  // those lists instead of re-parsing the record per field. The fields are found by compiling once with
  // none stored; a key a JSON path cannot spell stays with the printer, which refuses it.
  const fields = new Map<string, { src: number; field: string; column: string }>();
  const stored = (src: number, field: string) => fields.get(`${src} ${field}`)?.column;
  for (const rule of roles.keys()) {
    const src = sources.indexOf(sourceOf(rule)) + 1;
    const note = (field: string): undefined => {
      const key = `${src} ${field}`;
      if (storable(field) && !fields.has(key)) fields.set(key, { src, field, column: `v${fields.size + 1}` });
      return undefined;
    };
    withStoredColumns(note, () => compileSqlCondition(rule, 'duckdb'));
  }
  // Per source, the JSON types of every path on the way to its stored fields (tt<src>) and the texts at
  // their ends (ss<src>): one parse each, of that source's events only (a path costs per event).
  const typePaths = new Map<number, string[]>();
  const stringPaths = new Map<number, string[]>();
  const at = (lists: Map<number, string[]>, src: number, path: string): number => {
    const list = lists.get(src) ?? [];
    lists.set(src, list);
    return (list.includes(path) ? list.indexOf(path) : list.push(path) - 1) + 1;
  };
  const fieldColumns = [...fields.values()].map(({ src, field, column }) => {
    const texts = storedTexts(
      field,
      (path) => `tt${src}[${at(typePaths, src, path)}]`,
      (path) => `ss${src}[${at(stringPaths, src, path)}]`,
    );
    return `CASE WHEN src = ${src} THEN ${texts} END AS ${column}`;
  });
  const guards = new Set<number>();
  const fieldRank = new Map<string, number>();
  const rankOf = (rule: CatalogRule, position: number): number => {
    const field = guardOf(rule.expr)?.field;
    if (field === undefined) return position;
    const key = `${sourceOf(rule)} ${field}`;
    if (!fieldRank.has(key)) fieldRank.set(key, fieldRank.size + 1);
    return fieldRank.get(key)! * 1e6 + position;
  };
  const ranks = new Map(rules.map((r, i) => [r, rankOf(r, i)]));
  const columns: PlanColumn[] = [...roles].map(([rule, role], i) => {
    const source = sourceOf(rule);
    const found = guardOf(rule.expr);
    const loose = !!found && !plainKey(found.field);
    let when = `src = ${sources.indexOf(source) + 1}`;
    let guard: PlanColumn['guard'];
    if (found && !loose) {
      guard = { at: pathIndex(found.field), values: [...new Set(found.values.map((v) => unescapeWildcards(String(v)).toLowerCase()))] };
      guards.add(guard.at);
      when += ` AND (g${guard.at} IN (${guard.values.map(literal).join(', ')}) OR a${guard.at})`;
    }
    // '*' marks a hit whose event Node must see: a correlation base, or a guard only Node can apply.
    const mark = role.base || loose ? '*' : '';
    const sql = `CASE WHEN ${when} THEN CASE WHEN ${withStoredColumns(
      (field) => stored(sources.indexOf(source) + 1, field),
      () => compileSqlCondition(rule, 'duckdb'),
    )} THEN '${i}${mark}' END END`;
    return { rule, source, ...role, loose, ...(guard ? { guard } : {}), sql, rank: ranks.get(rule) ?? 0 };
  });
  const guardColumns = [...guards].flatMap((at) => [
    `CASE WHEN json_type(k[${at}]) = 'VARCHAR' THEN lower(k[${at}] ->> '$') END AS g${at}`,
    `coalesce(json_type(k[${at}]) = 'ARRAY', FALSE) AS a${at}`,
  ]);
  // An event whose guard field holds an array goes to Node too: the rule index reads each element.
  const odd = [...guards].map((at) => `a${at}`).join(' OR ') || 'FALSE';
  const awsId = sources.indexOf(AWS_SOURCE) + 1;
  const gcpId = sources.indexOf(GCP_SOURCE) + 1;
  // detect-source.ts: CloudTrail has eventSource and eventName, and eventVersion or userIdentity (a key
  // holding null counts: json_extract gives JSON null, not SQL NULL); a Cloud Audit Logs entry has a
  // protoPayload naming AuditLog, a cloudaudit logName, or methodName and serviceName. Anything else
  // (Azure, odd shapes) is left to detect-source.ts in Node (src 0).
  const classification = `CASE WHEN event IS NULL THEN -1 WHEN k IS NULL THEN 0
    WHEN k[2] IS NOT NULL AND k[3] IS NOT NULL AND (k[4] IS NOT NULL OR k[5] IS NOT NULL) THEN ${awsId}
    WHEN json_type(k[6]) = 'OBJECT' AND (
      coalesce(json_type(k[6], '$."@type"') = 'VARCHAR' AND contains(k[6] ->> '$."@type"', 'AuditLog'), FALSE)
      OR coalesce(json_type(k[7]) = 'VARCHAR' AND contains(k[7] ->> '$', 'cloudaudit.googleapis.com'), FALSE)
      OR (json_extract(k[6], '$."methodName"') IS NOT NULL AND json_extract(k[6], '$."serviceName"') IS NOT NULL)) THEN ${gcpId}
    ELSE 0 END`;
  const pathList = `[${paths.map(literal).join(', ')}]`;
  /** The stored columns of an event row, from a relation with n, sub, ct, idx, event, k and src. */
  const parsedLists = [...typePaths.keys()].flatMap((src) => [
    `CASE WHEN src = ${src} THEN json_type(event, [${typePaths.get(src)!.map(literal).join(', ')}]) END AS tt${src}`,
    `CASE WHEN src = ${src} THEN json_extract_string(event, [${stringPaths.get(src)!.map(literal).join(', ')}]) END AS ss${src}`,
  ]);
  const parsed = (relation: string) => (parsedLists.length === 0 ? relation : `(SELECT *, ${parsedLists.join(', ')} FROM ${relation})`);
  const storedRow = (relation: string) =>
    `SELECT n, sub, ct, idx, src, event${[...guardColumns, ...fieldColumns].map((g) => `, ${g}`).join('')} FROM ${parsed(relation)}`;
  const schema = [
    'n BIGINT, sub BIGINT, ct BOOLEAN, idx BIGINT, src INTEGER, event VARCHAR',
    ...[...guards].map((at) => `g${at} VARCHAR, a${at} BOOLEAN`),
    ...[...fields.values()].map(({ column }) => `${column} VARCHAR[]`),
  ].join(', ');
  return {
    sources,
    columns,
    schema,
    ndjson(file, gzip, maxLineBytes) {
      // Each line as text: read_csv with a delimiter JSON never holds unescaped and no quoting
      // (https://duckdb.org/docs/stable/data/csv/overview), numbered WITH ORDINALITY; a blank line keeps
      // its row (src -1) so the caller can renumber around it. A line that is not JSON fails
      // json_extract, and with it the query: the caller then reads the file in Node, which reports it.
      const read = `read_csv(${literal(file)}, columns = {'line': 'VARCHAR'}, header = false, delim = chr(1), quote = '', escape = '', auto_detect = false, compression = '${gzip ? 'gzip' : 'none'}', new_line = '\\n', strict_mode = false, max_line_size = ${maxLineBytes}, buffer_size = ${Math.max(maxLineBytes * 2, 16 << 20)})`;
      // One chain of subqueries (a CTE read twice would be materialised whole): a CloudTrail file
      // line is opened into its Records (unnest, in parallel with their positions) and each record
      // parsed for the plan's fields; any other line keeps the fields read from it.
      // Lines end at \n (a \r before it is whitespace to JSON and to the blank test, as in read-events.ts).
      // trim() reads every character: only a short line can be blank (a long blank one fails json_extract).
      const lines = `SELECT CASE WHEN strlen(line) > 64 OR trim(line, ' ' || chr(9) || chr(13)) <> '' THEN line END AS event, ordinality AS n FROM ${read} WITH ORDINALITY`;
      const keyed = `SELECT n, event, k, coalesce(json_type(k[1]) = 'ARRAY', FALSE) AS ct FROM (SELECT n, event, json_extract(event, ${pathList}) AS k FROM (${lines}))`;
      const opened = `SELECT n, ct, k AS k0,
    unnest(CASE WHEN ct THEN json_extract(event, '$."Records"[*]')::VARCHAR[] ELSE [event] END) AS event,
    unnest(CASE WHEN ct THEN range(json_array_length(k[1])::BIGINT) ELSE [0::BIGINT] END) AS sub FROM (${keyed})`;
      const records = `SELECT n, sub, ct, CASE WHEN ct THEN sub ELSE n - 1 END AS idx, event, CASE WHEN ct THEN json_extract(event, ${pathList}) ELSE k0 END AS k FROM (${opened})`;
      return storedRow(`(SELECT *, ${classification} AS src FROM (${records}))`);
    },
    table(name) {
      return storedRow(`(SELECT n, sub, FALSE AS ct, idx, event, json_extract(event, ${pathList}) AS k, src FROM ${name})`);
    },
    guards: [...guards],
    select(table, source, wanted) {
      const sql = wanted.map((i) => columns[i]!.sql);
      const hits = `SELECT f, n, sub, idx, src, ${odd} AS odd, concat_ws(',', ${sql.length ? sql.join(',\n') : 'NULL'}) AS hits FROM ${table} WHERE src = ${sources.indexOf(source) + 1}`;
      return `SELECT f, n, sub, idx, src, hits, contains(hits, '*') OR odd AS need FROM (${hits}) WHERE hits <> ''`;
    },
  };
}
