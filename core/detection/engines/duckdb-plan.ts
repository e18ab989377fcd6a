/**
 * The SQL of `guardrails detect --engine duckdb`: every rule as a column expression
 * (compileSqlCondition, DuckDB dialect, over a column `event` holding each raw record as text; DuckDB's
 * JSON functions read VARCHAR as JSON, and a JSON-typed column would parse each record once more to
 * validate it), all of them evaluated in one SELECT per file, as the file streams through.
 *
 * Each record is parsed with lists of paths (json_type and json_extract_string with a list parse the
 * record once for all of them: https://duckdb.org/docs/stable/data/json/json_functions): first for
 * whether a line is a CloudTrail file (`Records`), the log source (detect-source.ts's tests for
 * CloudTrail and GCP audit entries; anything else is classified by detect-source.ts itself, in Node,
 * which normalises Azure diagnostic records) and the field each rule's index guard reads
 * (rule-index.ts); then, for its log source only, for every field that source's rules read, each stored
 * as the list of its texts (storedTexts in sql-duckdb.ts), which the rules test. JSON text is never built
 * for a value (json_extract would serialise every object it returns), and nothing is stored per event.
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
   * One query over an NDJSON file (gzip by its .gz name or not), its path the parameter $1: a row per
   * record with a hit, per record DuckDB could not classify (src 0, with its text), per blank line
   * (src -1) and for the file's last record. Columns: n (the line), sub (the position in its Records),
   * ct (a CloudTrail-file line), idx (NULL: the caller numbers around blank lines), src, hits (the
   * matching column numbers), text (the record, only where Node must see it), c (the records up to this
   * row, blank lines not counted: the file's count on its last row), last (true on the last row only: a
   * streamed result that ends without it was cut short by an error).
   */
  ndjson(maxLineBytes: number): string;
  /**
   * The records of an NDJSON file ($1, as ndjson), every one, blank lines included, without the rules:
   * n, sub, ct, src, event. Cheap to plan, for small files, whose records are then evaluated in batches.
   */
  records(maxLineBytes: number): string;
  /**
   * A row per record of a table (f, n, sub, ct, idx, src, event) of records read before, in ndjson's
   * columns after f, hits empty where none (c is 0: they were counted when read).
   */
  staged(table: string): string;
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

/** The paths detect-source.ts's classification reads; `Records` first (tt[1]). */
const CLASSIFY_PATHS = ['$."Records"', '$."eventSource"', '$."eventName"', '$."eventVersion"', '$."userIdentity"', '$."protoPayload"'];

/** A top-level key DuckDB's JSON path can spell (`$."key"`): a guard read exactly. */
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
  // The paths every record is parsed for (classification, guards): one list for json_type (tt), one
  // for json_extract_string (ss); 1-based positions.
  const typePaths: string[] = [];
  const stringPaths: string[] = [];
  const at = (list: string[], path: string): number => (list.includes(path) ? list.indexOf(path) : list.push(path) - 1) + 1;
  // Per log source, the paths of the fields its rules read (ft<src>, fs<src>): parsed only for its
  // events, as a path costs per event (json_type with 126 paths took 4 times as long as with 10).
  const fieldTypes = new Map<number, string[]>();
  const fieldStrings = new Map<number, string[]>();
  const listOf = (lists: Map<number, string[]>, src: number): string[] => {
    if (!lists.has(src)) lists.set(src, []);
    return lists.get(src)!;
  };
  const typeAt = (path: string) => `tt[${at(typePaths, path)}]`;
  const stringAt = (path: string) => `ss[${at(stringPaths, path)}]`;
  for (const path of CLASSIFY_PATHS) typeAt(path);
  // Every field a rule reads is computed once per event of the rule's log source as the texts of its
  // values (v<i>, storedTexts; NULL for the events of other sources, whose rules never look), so the
  // rules test those lists instead of re-parsing the record per field. A key a JSON path cannot spell
  // stays with the printer, which refuses it.
  const fields = new Map<string, { src: number; field: string; column: string }>();
  const storedOf =
    (src: number) =>
    (field: string): string | undefined => {
      if (!storable(field)) return undefined;
      const key = `${src} ${field}`;
      if (!fields.has(key)) fields.set(key, { src, field, column: `v${fields.size + 1}` });
      return fields.get(key)!.column;
    };
  const guardAt = new Map<string, number>();
  const guardOfField = (field: string): number => {
    if (!guardAt.has(field)) guardAt.set(field, guardAt.size + 1);
    return guardAt.get(field)!;
  };
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
    if (found && !loose) {
      // The guard column (g<at>, a<at>) and the values (lowercased) that let the rule run.
      const at = guardOfField(found.field);
      const values = [...new Set(found.values.map((v) => unescapeWildcards(String(v)).toLowerCase()))];
      // list_contains, not IN: DuckDB plans an IN list of constants outside a lambda as a join of its own
      // (a hash table each, a few MB per thread: 530 MB against 109 MB at the start of the catalog's query).
      when += ` AND (list_contains([${values.map(literal).join(', ')}], g${at}) OR a${at})`;
    }
    // '*' marks a hit whose event Node must see: a correlation base, or a guard only Node can apply.
    const mark = role.base || loose ? '*' : '';
    const stored = storedOf(sources.indexOf(source) + 1);
    const sql = `CASE WHEN ${when} THEN CASE WHEN ${withStoredColumns(stored, () => compileSqlCondition(rule, 'duckdb'))} THEN '${i}${mark}' END END`;
    return { rule, source, ...role, loose, sql, rank: ranks.get(rule) ?? 0 };
  });
  const guardColumns = [...guardAt].flatMap(([field, g]) => {
    const path = `$."${field}"`;
    return [`CASE WHEN ${typeAt(path)} = 'VARCHAR' THEN lower(${stringAt(path)}) END AS g${g}`, `coalesce(${typeAt(path)} = 'ARRAY', FALSE) AS a${g}`];
  });
  // An event whose guard field holds an array goes to Node too: the rule index reads each element.
  const listColumns = [...fields.values()].map(
    ({ src, field, column }) =>
      `CASE WHEN src = ${src} THEN ${storedTexts(
        field,
        (path) => `ft${src}[${at(listOf(fieldTypes, src), path)}]`,
        (path) => `fs${src}[${at(listOf(fieldStrings, src), path)}]`,
      )} END AS ${column}`,
  );
  const odd = [...guardAt.values()].map((g) => `a${g}`).join(' OR ') || 'FALSE';
  const awsId = sources.indexOf(AWS_SOURCE) + 1;
  const gcpId = sources.indexOf(GCP_SOURCE) + 1;
  const t = (path: string) => typeAt(path);
  // detect-source.ts: CloudTrail has eventSource and eventName, and eventVersion or userIdentity (a key
  // holding null counts: json_type gives 'NULL', not SQL NULL); a Cloud Audit Logs entry has a
  // protoPayload naming AuditLog, a cloudaudit logName, or methodName and serviceName. Anything else
  // (Azure, odd shapes) is left to detect-source.ts in Node (src 0).
  const classification = `CASE WHEN event IS NULL THEN -1 WHEN tt IS NULL THEN 0
    WHEN ${t('$."eventSource"')} IS NOT NULL AND ${t('$."eventName"')} IS NOT NULL AND (${t('$."eventVersion"')} IS NOT NULL OR ${t('$."userIdentity"')} IS NOT NULL) THEN ${awsId}
    WHEN ${t('$."protoPayload"')} = 'OBJECT' AND (
      coalesce(${t('$."protoPayload"."@type"')} = 'VARCHAR' AND contains(${stringAt('$."protoPayload"."@type"')}, 'AuditLog'), FALSE)
      OR coalesce(${t('$."logName"')} = 'VARCHAR' AND contains(${stringAt('$."logName"')}, 'cloudaudit.googleapis.com'), FALSE)
      OR (${t('$."protoPayload"."methodName"')} IS NOT NULL AND ${t('$."protoPayload"."serviceName"')} IS NOT NULL)) THEN ${gcpId}
    ELSE 0 END`;
  // Every path is known now (the lists above were filled while compiling).
  const list = (paths: readonly string[]) => `[${paths.map(literal).join(', ')}]`;
  const types = list(typePaths);
  const strings = list(stringPaths.length > 0 ? stringPaths : ['$."eventName"']);
  const rulesSql = columns.map((c) => c.sql);
  /** From a relation with n, sub, ct, idx, src, event, tt and ss (and f): its rows with hits, text where Node needs it. */
  const fieldParses = [...fieldTypes.keys()].flatMap((src) => [
    `CASE WHEN src = ${src} THEN json_type(event, ${list(fieldTypes.get(src)!)}) END AS ft${src}`,
    `CASE WHEN src = ${src} THEN json_extract_string(event, ${list(fieldStrings.get(src)!)}) END AS fs${src}`,
  ]);
  const hitRows = (relation: string, f = '') => {
    const parsed = fieldParses.length ? `(SELECT *, ${fieldParses.join(', ')} FROM ${relation})` : relation;
    const evaluated = `SELECT ${f}n, sub, ct, idx, src, event, ${odd} AS odd, concat_ws(',', ${rulesSql.length ? rulesSql.join(',\n') : 'NULL'}) AS hits FROM (SELECT *${[...guardColumns, ...listColumns].map((g) => `, ${g}`).join('')} FROM ${parsed})`;
    return `SELECT ${f}n, sub, ct, idx, src, hits, CASE WHEN src = 0 OR contains(hits, '*') OR odd THEN event END AS text FROM (${evaluated})`;
  };
  /** The records of the NDJSON file $1: n, sub, ct, idx (NULL), event, tt, ss and src (classified). */
  const classified = (maxLineBytes: number): string => {
    // Each line as text: read_csv with a delimiter JSON never holds unescaped and no quoting
    // (https://duckdb.org/docs/stable/data/csv/overview; compression 'auto' goes by the .gz name),
    // numbered WITH ORDINALITY; a blank line keeps its row (src -1) so the caller can number around
    // it. A line that is not JSON fails json_type, and with it the query: the caller then reads the
    // file in Node, which reports it.
    const read = `read_csv($1, columns = {'line': 'VARCHAR'}, header = false, delim = chr(1), quote = '', escape = '', auto_detect = false, compression = 'auto', new_line = '\\n', strict_mode = false, max_line_size = ${maxLineBytes}, buffer_size = ${Math.max(maxLineBytes * 2, 16 << 20)})`;
    // Lines end at \n (a \r before it is whitespace to JSON and to the blank test, as in read-events.ts).
    // trim() reads every character: only a short line can be blank (a long blank one fails json_type).
    const lines = `SELECT ordinality AS n, CASE WHEN strlen(line) > 64 OR trim(line, ' ' || chr(9) || chr(13)) <> '' THEN line END AS line FROM ${read} WITH ORDINALITY`;
    // A line is parsed for every path; a CloudTrail-file line is then opened into its Records (unnest,
    // in parallel with their positions) and each record parsed the same way. One chain of subqueries:
    // a CTE read twice would be materialised whole.
    const parsed = `SELECT n, line, json_type(line, ${types}) AS tt0, json_extract_string(line, ${strings}) AS ss0 FROM (${lines})`;
    const ct = `coalesce(tt0[1] = 'ARRAY', FALSE)`;
    const opened = `SELECT n, ${ct} AS ct, tt0, ss0,
      unnest(CASE WHEN ${ct} THEN json_extract(line, '$."Records"[*]')::VARCHAR[] ELSE [line] END) AS event,
      unnest(CASE WHEN ${ct} THEN range(json_array_length(line, '$."Records"')::BIGINT) ELSE [0::BIGINT] END) AS sub FROM (${parsed})`;
    const records = `SELECT n, sub, ct, NULL::BIGINT AS idx, event,
      CASE WHEN ct THEN json_type(event, ${types}) ELSE tt0 END AS tt,
      CASE WHEN ct THEN json_extract_string(event, ${strings}) ELSE ss0 END AS ss FROM (${opened})`;
    return `(SELECT *, ${classification} AS src FROM (${records}))`;
  };
  return {
    sources,
    columns,
    ndjson(maxLineBytes) {
      // Only the rows the caller needs leave DuckDB, as they are evaluated: nothing is grouped or held. c counts
      // the records so far and the last row is kept for it (https://duckdb.org/docs/stable/sql/functions/window_functions;
      // EXPLAIN shows both as STREAMING_WINDOW: computed as the rows pass, none held). A GROUP BY that counted
      // the others held every kept row until the file's end (2 GB of hit-dense input: 809 MB).
      const counted = `SELECT *, sum((src >= 0)::INTEGER) OVER (ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS c,
        lead(n) OVER () IS NULL AS last FROM (${hitRows(classified(maxLineBytes))})`;
      return `SELECT n, sub, ct, NULL::BIGINT AS idx, src, hits, text, c, last FROM (${counted}) WHERE hits <> '' OR src <= 0 OR last`;
    },
    records(maxLineBytes) {
      return `SELECT n, sub, ct, src, event FROM ${classified(maxLineBytes)}`;
    },
    staged(table) {
      const parsed = `(SELECT f, n, sub, ct, idx, src, event, json_type(event, ${types}) AS tt, json_extract_string(event, ${strings}) AS ss FROM ${table} WHERE src > 0)`;
      // Every row, hit or not (the caller reads only hits): a WHERE on hits would be pushed down into a
      // copy of the whole rules expression, which DuckDB then sets up twice (1.5 s against 0.35 s for a
      // batch of four records).
      return `SELECT f, n, sub, ct, idx, src, hits, text, 0 AS c FROM (${hitRows(parsed, 'f, ')})`;
    },
  };
}
