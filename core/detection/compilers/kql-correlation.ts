/**
 * Correlation -> KQL for Log Analytics: the base rules' queries (each compiled by kql.ts), their union
 * when there are several, then a count per group and time bin, and a `where` on the count:
 *
 *   SigninLogs
 *   | where ResultType in~ ("50126", "50053")
 *   | where isnotempty(IPAddress)
 *   | summarize value_count = count_distinctif(UserPrincipalName, isnotempty(UserPrincipalName)) by IPAddress, bin(TimeGenerated, 30m)
 *   | where value_count >= 10
 *
 * As pySigma's query backends do (pySigma-backend-splunk: `| bin _time span=15m | stats count as event_count
 * by _time ...`), and in Microsoft's reference:
 * - summarize ... by, bin(): https://learn.microsoft.com/kusto/query/summarize-operator,
 *   https://learn.microsoft.com/kusto/query/bin-function ("rounds values down to an integer multiple of a
 *   given bin size"; its datetime example bins 1970-05-11 13:45:07 by 1d to midnight). The bins are
 *   tumbling: a burst across a boundary is split (the specification's "Compatibility" section warns of
 *   exactly this). The engine's `tumbling` window (correlation.ts) is the same bins; this compiler
 *   refuses a timespan that does not divide a day, so the boundaries are multiples of it from midnight
 *   whatever origin bin() counts from.
 * - count(): https://learn.microsoft.com/kusto/query/count-aggregation-function; count_distinctif(), exact
 *   where dcount() estimates: https://learn.microsoft.com/kusto/query/count-distinctif-aggregation-function.
 *   A value that is empty is no value (Log Analytics stores an absent string as empty), as in the engine.
 * - union of the base rules' queries: https://learn.microsoft.com/kusto/query/union-operator; temporal
 *   tags each with its rule id (extend: https://learn.microsoft.com/kusto/query/extend-operator) and counts
 *   the distinct ids.
 * - A group-by field is tested with isnotempty() first: an event without it belongs to no group, as in
 *   the engine.
 * Group-by and counted fields must be string columns of every base rule's table: a dynamic path or a
 * typed column would need a conversion the engine's text comparison does not make the same way.
 *
 * `scheduledCorrelationQuery` is what an Azure Monitor scheduled query rule runs: the same query, kept to
 * the last complete bin, evaluated once per timespan over two timespans of data.
 */
import type { Correlation, CountOperator } from '../correlation.ts';
import { CompileError } from './compile-error.ts';
import type { KqlTable } from './kql.ts';

const OPERATOR: Readonly<Record<CountOperator, string>> = { gt: '>', gte: '>=', lt: '<', lte: '<=', eq: '==' };
const DAY_MS = 86_400_000;

/** A KQL timespan literal (https://learn.microsoft.com/kusto/query/scalar-data-types/timespan): 30m, 1h, 1d, 90s. */
export function kqlTimespan(ms: number): string {
  for (const [unit, size] of [
    ['d', DAY_MS],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ] as const) {
    if (ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

/** The column each count is written to (pySigma's names). */
export const COUNT_COLUMN = { event_count: 'event_count', value_count: 'value_count', temporal: 'rule_count' } as const;
/** temporal: the column that tags each row with its base rule's id. */
export const RULE_ID_COLUMN = 'rule_id';

/** The base rules' compiled queries, each with the table it reads, in the order of `correlation.bases`. */
export function compileKqlCorrelation(correlation: Correlation, bases: readonly { readonly query: string; readonly table: KqlTable }[]): string {
  const fail = (reason: string, suggestion: string) => new CompileError(correlation.id, 'kql', reason, suggestion);
  const span = correlation.timespan.ms;
  if (span > DAY_MS || DAY_MS % span !== 0)
    throw fail(
      `timespan ${correlation.timespan.text} does not divide a day: bin() rounds down to a multiple of the bin size, and only a size that divides a day gives boundaries that do not depend on the origin it counts from`,
      'Use a timespan such as 1m, 5m, 10m, 15m, 30m, 1h, 2h, 6h, 12h or 1d.',
    );
  const stringColumn = (table: KqlTable, field: string, what: string): string => {
    const type = table.columnType(field);
    if (type !== 'string')
      throw fail(
        type === undefined
          ? `${what} ${field} is not a column of ${table.name}`
          : `${what} ${field} is a ${type} column of ${table.name}; correlations group and count string columns only`,
        `Use a string column of ${table.name} (core/detection/targets/kql-tables.ts).`,
      );
    return field;
  };
  const branches = correlation.bases.map((base, i) => {
    const { query, table } = bases[i]!;
    const groups = base.groupBy.map((g) => stringColumn(table, g, 'group-by field'));
    if (base.field !== undefined) stringColumn(table, base.field, 'counted field');
    const lines = [query];
    if (groups.length) lines.push(`| where ${groups.map((g) => `isnotempty(${g})`).join(' and ')}`);
    if (correlation.type === 'temporal') lines.push(`| extend ${RULE_ID_COLUMN} = ${JSON.stringify(base.rule.rule.id)}`);
    return lines.join('\n');
  });
  // Every base rule names the fields alike (they are one column of the union).
  for (const base of correlation.bases.slice(1)) {
    const first = correlation.bases[0]!;
    if (base.groupBy.join() !== first.groupBy.join() || base.field !== first.field)
      throw fail(
        `base rules ${first.rule.rule.id} and ${base.rule.rule.id} name the correlation's fields differently (${first.groupBy.join(', ')} / ${base.groupBy.join(', ')})`,
        'Give the base rules the same field names.',
      );
  }
  const source = branches.length === 1 ? branches[0]! : `union\n${branches.map((b) => `(${b})`).join(',\n')}`;
  const first = correlation.bases[0]!;
  const column = COUNT_COLUMN[correlation.type];
  const aggregate =
    correlation.type === 'event_count'
      ? 'count()'
      : correlation.type === 'value_count'
        ? `count_distinctif(${first.field}, isnotempty(${first.field}))`
        : `count_distinct(${RULE_ID_COLUMN})`;
  const by = [...first.groupBy, `bin(TimeGenerated, ${kqlTimespan(span)})`].join(', ');
  const where = Object.entries(correlation.condition)
    .map(([op, n]) => `${column} ${OPERATOR[op as CountOperator]} ${n}`)
    .join(' and ');
  return [source, `| summarize ${column} = ${aggregate} by ${by}`, `| where ${where}`].join('\n');
}

/** ISO 8601 duration of a whole number of minutes: PT5M, PT1H, P1D. */
export function isoDuration(ms: number): string {
  if (ms % DAY_MS === 0) return `P${ms / DAY_MS}D`;
  if (ms % 3_600_000 === 0) return `PT${ms / 3_600_000}H`;
  if (ms % 60_000 === 0) return `PT${ms / 60_000}M`;
  return `PT${ms / 1000}S`;
}

export interface ScheduledCorrelationQuery {
  readonly query: string;
  /** How often it runs, and the window it is said to cover: the timespan. */
  readonly evaluationFrequency: string;
  readonly windowSize: string;
  /** The data it reads: two timespans, so the last complete bin is always inside it. */
  readonly overrideQueryTimeRange: string;
}

/**
 * An Azure Monitor scheduled query rule for a compiled correlation: every timespan it reads the last two
 * timespans of data (overrideQueryTimeRange: "If specified then overrides the query time range (default
 * is WindowSize*NumberOfEvaluationPeriods)", https://learn.microsoft.com/azure/templates/microsoft.insights/scheduledqueryrules)
 * and keeps the last bin that has closed, [bin(now()) - timespan, bin(now())), which that range always
 * holds whole. So each bin is judged once, complete, and exactly as `compileKqlCorrelation` counts it
 * (and the engine's tumbling window). Rows that arrive in the workspace after their bin was judged
 * (ingestion delay) are not seen by it. A timespan under a minute is refused: evaluationFrequency is
 * whole minutes.
 */
export function scheduledCorrelationQuery(correlation: Correlation, compiled: string): ScheduledCorrelationQuery {
  const span = correlation.timespan.ms;
  if (span < 60_000 || span % 60_000 !== 0)
    throw new CompileError(
      correlation.id,
      'kql',
      `timespan ${correlation.timespan.text} is not a whole number of minutes, and an Azure Monitor scheduled query rule runs every whole number of minutes`,
      'Use a timespan of 1m or more, in minutes, hours or days.',
    );
  const t = kqlTimespan(span);
  return {
    query: `${compiled}\n| where TimeGenerated == bin(now(), ${t}) - ${t}`,
    evaluationFrequency: isoDuration(span),
    windowSize: isoDuration(span),
    overrideQueryTimeRange: isoDuration(2 * span),
  };
}
