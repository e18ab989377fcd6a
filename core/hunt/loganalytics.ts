/**
 * `guardrails hunt --engine loganalytics`: the Azure rules' KQL (compileRule(rule, 'kql'), the queries
 * the alert rules deploy) run over a Log Analytics workspace with @azure/monitor-query-logs
 * (LogsQueryClient.queryWorkspace, https://learn.microsoft.com/javascript/api/@azure/monitor-query-logs/logsqueryclient).
 *
 * One query per rule: each rule's KQL is a whole query over its own table, and Log Analytics does not
 * bill queries of Analytics tables by volume. They run one after another, within the documented
 * throttling of 5 concurrent queries and 200 per 30 s per user
 * (https://learn.microsoft.com/azure/azure-monitor/fundamentals/service-limits#log-queries-and-language).
 * The window is the query's timespan; the server timeout is --timeout, at most the 10 minutes the API
 * allows (https://learn.microsoft.com/azure/azure-monitor/logs/api/timeouts). The Query API returns at
 * most 500,000 records and ~100 MiB per query
 * (https://learn.microsoft.com/azure/azure-monitor/fundamentals/service-limits#la-query-api): a result
 * that reaches the row limit, or a partial result (LogsQueryResultStatus.PartialFailure, e.g. over the
 * size limit), is reported as truncated and the run as incomplete.
 *
 * Each query ends with `project TimeGenerated, _ItemId, Type`: the standard columns every table has,
 * _ItemId the record's unique id (https://learn.microsoft.com/azure/azure-monitor/logs/log-standard-columns).
 */
import type { CompiledRule } from './compile.ts';
import type { HuntOutcome, HuntSink } from './outcome.ts';
import { missingCredentials } from './setup-error.ts';
import type { TimeRange } from './time-range.ts';

/** The part of a LogsTable this engine reads. */
export interface LogsTableLike {
  readonly columnDescriptors: readonly { readonly name?: string }[];
  readonly rows: readonly (readonly unknown[])[];
}

/** The part of LogsQueryClient this engine uses, with the documented result shapes. */
export interface LogsClient {
  queryWorkspace(
    workspaceId: string,
    query: string,
    timespan: { startTime: Date; endTime: Date },
    options?: { serverTimeoutInSeconds?: number },
  ): Promise<
    | { status: 'Success'; tables: LogsTableLike[] }
    | { status: 'PartialFailure'; partialTables: LogsTableLike[]; partialError: { code?: string; message?: string } }
  >;
}

/** The Query API's row limit per query. */
export const LOG_ANALYTICS_MAX_ROWS = 500_000;
/** The API's longest server timeout, in seconds. */
export const LOG_ANALYTICS_MAX_TIMEOUT_S = 600;

export interface LogAnalyticsHuntOptions {
  readonly client: LogsClient;
  readonly workspace: string;
  readonly rules: readonly CompiledRule[];
  readonly range: TimeRange;
  readonly timeoutMs: number;
  /** The row limit to report truncation at; default LOG_ANALYTICS_MAX_ROWS. */
  readonly maxRows?: number;
}

export const logAnalyticsQuery = (rule: CompiledRule): string => `${rule.text}\n| project TimeGenerated, _ItemId, Type`;

function textOf(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return value instanceof Date ? value.toISOString() : String(value);
}

export async function huntLogAnalytics(options: LogAnalyticsHuntOptions, sink: HuntSink): Promise<HuntOutcome> {
  const serverTimeoutInSeconds = Math.min(Math.max(1, Math.round(options.timeoutMs / 1000)), LOG_ANALYTICS_MAX_TIMEOUT_S);
  let incomplete = 0;
  for (const [i, rule] of options.rules.entries()) {
    const label = `query ${i + 1}/${options.rules.length} (${rule.id})`;
    sink.progress?.(`loganalytics: ${label}`);
    let tables: readonly LogsTableLike[];
    try {
      const result = await options.client.queryWorkspace(
        options.workspace,
        logAnalyticsQuery(rule),
        { startTime: options.range.start, endTime: options.range.end },
        { serverTimeoutInSeconds },
      );
      if (result.status === 'PartialFailure') {
        incomplete++;
        sink.warn(
          `loganalytics: ${label} returned partial results, truncated: ${result.partialError.code ?? 'error'}: ${result.partialError.message ?? 'no message'}`,
        );
        tables = result.partialTables;
      } else tables = result.tables;
    } catch (error) {
      const setup = missingCredentials(error);
      if (setup) throw setup;
      incomplete++;
      sink.warn(`loganalytics: ${label} failed: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
      continue;
    }
    let rows = 0;
    for (const table of tables) {
      const names = table.columnDescriptors.map((c) => c.name ?? '');
      for (const row of table.rows) {
        rows++;
        const fields = Object.fromEntries(names.map((n, j) => [n, textOf(row[j])]));
        sink.onMatch({ rules: [rule.id], where: `${fields['Type'] ?? '?'}#${fields['_ItemId'] ?? '?'}`, fields });
      }
    }
    if (rows >= (options.maxRows ?? LOG_ANALYTICS_MAX_ROWS)) {
      incomplete++;
      sink.warn(`loganalytics: ${label} returned ${rows} rows, the Query API's limit: the results are truncated; narrow --since/--until`);
    }
  }
  return { queries: options.rules.length, incomplete };
}
