/**
 * `guardrails hunt --engine bigquery`: the GCP rules, compiled to GoogleSQL (compilers/sql.ts), run over
 * the `_AllLogs` view of the log bucket's linked dataset (gcp.hunting; "Query a linked BigQuery dataset",
 * https://cloud.google.com/logging/docs/analyze/query-linked-dataset) with @google-cloud/bigquery.
 *
 * As for Athena (athena.ts), one query evaluates a batch of rules on each row and returns the ids of
 * those that matched: BigQuery bills the bytes of the columns a query reads
 * (https://cloud.google.com/bigquery/pricing#on_demand_pricing), so one query reading the union of the
 * rules' columns costs at most what per-rule queries would, and usually far less. Batches stay under
 * the 1,024 KB limit of an unresolved GoogleSQL query (https://cloud.google.com/bigquery/quotas#query_jobs).
 * The window bounds `timestamp`, the view's time column; maximumBytesBilled makes a query that would
 * bill more fail without charge, and jobTimeoutMs has BigQuery cancel a job that runs too long
 * (JobConfiguration, https://cloud.google.com/bigquery/docs/reference/rest/v2/Job#JobConfiguration).
 *
 * The client surface used is the documented one: BigQuery.createQueryJob, Job.getQueryResults with
 * autoPaginate false (each call waits for the job up to the server's default and returns its state,
 * then one page and the next page's query; jobs.getQueryResults,
 * https://cloud.google.com/bigquery/docs/reference/rest/v2/jobs/getQueryResults), and Job.cancel.
 */
import { batches, type CompiledRule } from './compile.ts';
import type { HuntOutcome, HuntSink } from './outcome.ts';
import { formatBytes } from './progress.ts';
import { missingCredentials } from './setup-error.ts';
import type { TimeRange } from './time-range.ts';

/** The part of Job this engine uses. */
export interface BigQueryJob {
  readonly id?: string;
  getQueryResults(options: {
    autoPaginate: false;
    maxResults?: number;
    pageToken?: string;
  }): Promise<[rows: Record<string, unknown>[], next?: { pageToken?: string } | null, response?: { jobComplete?: boolean; totalBytesProcessed?: string }]>;
  cancel(): Promise<unknown>;
}

/** The part of BigQuery this engine uses. */
export interface BigQueryClient {
  createQueryJob(options: {
    query: string;
    useLegacySql: false;
    maximumBytesBilled: string;
    jobTimeoutMs: number;
    labels?: Record<string, string>;
  }): Promise<[BigQueryJob, ...unknown[]]>;
}

/** The maximum length of an unresolved GoogleSQL query, in bytes. */
export const BIGQUERY_MAX_QUERY_BYTES = 1_024_000;

export interface BigQueryTarget {
  readonly project: string;
  readonly dataset: string;
  readonly range: TimeRange;
}

export interface BigQueryHuntOptions extends BigQueryTarget {
  readonly client: BigQueryClient;
  readonly rules: readonly CompiledRule[];
  readonly maximumBytesBilled: number;
  readonly timeoutMs: number;
  readonly now?: () => number;
}

const literal = (text: string): string => `'${text.replace(/[\\']/g, '\\$&')}'`;

export function bigqueryQuery(rules: readonly CompiledRule[], target: BigQueryTarget): string {
  const ids = rules.map((r) => `IF(${r.text}, ${literal(r.id)}, NULL)`).join(',\n      ');
  return [
    'SELECT insert_id, log_name, timestamp, rules',
    'FROM (',
    '  SELECT insert_id, log_name, timestamp,',
    // An ARRAY in the results cannot hold NULL: the ids of the rules that did not match are dropped here.
    `    ARRAY(SELECT id FROM UNNEST([\n      ${ids}]) AS id WHERE id IS NOT NULL) AS rules`,
    `  FROM \`${target.project}.${target.dataset}._AllLogs\``,
    `  WHERE timestamp >= TIMESTAMP(${literal(target.range.start.toISOString())})`,
    `    AND timestamp < TIMESTAMP(${literal(target.range.end.toISOString())})`,
    ')',
    'WHERE ARRAY_LENGTH(rules) > 0',
  ].join('\n');
}

/** A value of a result row as text: TIMESTAMP values come as objects with their text in `value`. */
function textOf(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object' && typeof (value as { value?: unknown }).value === 'string') return (value as { value: string }).value;
  return String(value);
}

export async function huntBigQuery(options: BigQueryHuntOptions, sink: HuntSink): Promise<HuntOutcome> {
  const now = options.now ?? Date.now;
  const { batches: groups, tooLong } = batches(options.rules, (b) => Buffer.byteLength(bigqueryQuery(b, options)), BIGQUERY_MAX_QUERY_BYTES);
  for (const r of tooLong) sink.warn(`skipped: ${r.id}: its BigQuery query is over ${BIGQUERY_MAX_QUERY_BYTES} bytes (the query length limit)`);
  let incomplete = 0;
  let bytes = 0;
  for (const [i, group] of groups.entries()) {
    const label = `query ${i + 1}/${groups.length}`;
    let job: BigQueryJob | undefined;
    try {
      [job] = await options.client.createQueryJob({
        query: bigqueryQuery(group, options),
        useLegacySql: false,
        maximumBytesBilled: String(options.maximumBytesBilled),
        jobTimeoutMs: options.timeoutMs,
        labels: { tool: 'cloud-api-guardrails' },
      });
      const submitted = now();
      let pageToken: string | undefined;
      for (;;) {
        const [rows, next, response] = await job.getQueryResults({ autoPaginate: false, maxResults: 1000, ...(pageToken ? { pageToken } : {}) });
        if (response?.jobComplete === false) {
          sink.progress?.(`bigquery: ${label} running ${Math.round((now() - submitted) / 1000)} s`);
          if (now() - submitted >= options.timeoutMs) {
            await job.cancel();
            incomplete++;
            sink.warn(
              `bigquery: ${label} (${job.id ?? '?'}) timed out after ${Math.round(options.timeoutMs / 1000)} s (--timeout) and was cancelled; its matches are missing`,
            );
            break;
          }
          continue;
        }
        if (response?.totalBytesProcessed && !pageToken) {
          bytes += Number(response.totalBytesProcessed);
          sink.progress?.(`bigquery: ${label} done, ${formatBytes(bytes)} processed`);
        }
        for (const row of rows) {
          const fields = { insert_id: textOf(row['insert_id']), log_name: textOf(row['log_name']), timestamp: textOf(row['timestamp']) };
          const rules = Array.isArray(row['rules']) ? row['rules'].map(String) : [];
          sink.onMatch({ rules, where: `${fields.log_name ?? '?'}#${fields.insert_id ?? '?'}`, fields });
        }
        pageToken = next?.pageToken;
        if (!pageToken) break;
      }
    } catch (error) {
      const setup = missingCredentials(error);
      if (setup) throw setup;
      incomplete++;
      sink.warn(`bigquery: ${label}${job?.id ? ` (${job.id})` : ''} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return { queries: groups.length, incomplete, bytes };
}
