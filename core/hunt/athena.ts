/**
 * `guardrails hunt --engine athena`: the AWS rules, compiled to Athena SQL (compilers/sql.ts), run over
 * the organization trail's Glue table (constructs/aws/cloudtrail-hunting.ts) with the AWS SDK v3.
 *
 * One query per batch of rules, not one per rule, nor a UNION ALL of per-rule SELECTs: the table is
 * JSON, which Athena reads whole whatever columns a query names, and it bills the bytes each query
 * scans with a 10 MB minimum per query (https://aws.amazon.com/athena/pricing/). N queries, or a UNION
 * ALL of N scans of the table, would read the window N times; one query that evaluates every rule on
 * each record reads it once. Each row carries the ids of the rules it matched. Rules are batched only
 * to keep each query under StartQueryExecution's 262,144-byte QueryString limit
 * (https://docs.aws.amazon.com/athena/latest/APIReference/API_StartQueryExecution.html).
 *
 * The scan is bounded by the projected partition keys
 * (https://docs.aws.amazon.com/athena/latest/ug/create-cloudtrail-table-partition-projection.html):
 * `account IN (...)` (an injected key: Athena requires literal values for it,
 * https://docs.aws.amazon.com/athena/latest/ug/partition-projection-dynamic-id-partitioning.html),
 * `region IN (...)` when given, and the days of the window on `timestamp` (yyyy/MM/dd). A log file sits
 * under the day it was delivered, which can be the day after its events' (CloudTrail delivers about
 * every 5 minutes), so the day range reaches one day past the window and eventtime (ISO 8601 UTC text,
 * compared as text) cuts the window exactly.
 *
 * The run: StartQueryExecution in the workgroup (whose enforced settings put and encrypt the results),
 * GetQueryExecution polled with backoff until SUCCEEDED, FAILED or CANCELLED (QueryExecutionStatus,
 * https://docs.aws.amazon.com/athena/latest/APIReference/API_QueryExecutionStatus.html), GetQueryResults
 * paged with NextToken, its first row the column labels
 * (https://docs.aws.amazon.com/athena/latest/APIReference/API_GetQueryResults.html). A query past the
 * timeout is stopped (StopQueryExecution), so it scans and bills no further.
 */
import { batches, type CompiledRule } from './compile.ts';
import type { HuntOutcome, HuntSink } from './outcome.ts';
import { formatBytes } from './progress.ts';
import { missingCredentials } from './setup-error.ts';
import { daysOf, type TimeRange } from './time-range.ts';

/**
 * The part of @aws-sdk/client-athena this engine uses, typed here so that core/ imports no cloud SDK
 * (sdk-clients.ts loads it): the four commands' constructors and a client's send.
 * Field names and shapes are the Athena API reference's.
 */
export interface AthenaSdk {
  readonly StartQueryExecutionCommand: new (input: { QueryString: string; WorkGroup: string; QueryExecutionContext: { Database: string } }) => object;
  readonly GetQueryExecutionCommand: new (input: { QueryExecutionId: string }) => object;
  readonly GetQueryResultsCommand: new (input: { QueryExecutionId: string; NextToken?: string; MaxResults: number }) => object;
  readonly StopQueryExecutionCommand: new (input: { QueryExecutionId: string }) => object;
}
export interface AthenaSend {
  send(command: object): Promise<unknown>;
}

interface StartQueryExecutionOutput {
  readonly QueryExecutionId?: string;
}
interface GetQueryExecutionOutput {
  readonly QueryExecution?: {
    readonly Status?: { readonly State?: string; readonly StateChangeReason?: string; readonly AthenaError?: { readonly ErrorMessage?: string } };
    readonly Statistics?: { readonly DataScannedInBytes?: number };
  };
}
interface GetQueryResultsOutput {
  readonly ResultSet?: {
    readonly Rows?: readonly { readonly Data?: readonly { readonly VarCharValue?: string }[] }[];
    readonly ResultSetMetadata?: { readonly ColumnInfo?: readonly { readonly Name?: string }[] };
  };
  readonly NextToken?: string;
}

/** StartQueryExecution's QueryString maximum, in bytes. */
export const ATHENA_MAX_QUERY_BYTES = 262_144;

export interface AthenaTarget {
  readonly database: string;
  readonly table: string;
  readonly range: TimeRange;
  /** The accounts to read (the injected partition key needs at least one). */
  readonly accounts: readonly string[];
  /** The regions to read; absent: every region the table projects. */
  readonly regions?: readonly string[];
}

export interface AthenaHuntOptions extends AthenaTarget {
  readonly client: AthenaSend;
  readonly sdk: AthenaSdk;
  readonly workgroup: string;
  readonly rules: readonly CompiledRule[];
  /** Each query's limit, from submission, in ms. */
  readonly timeoutMs: number;
  /** The first wait between GetQueryExecution calls and the longest; doubled each time. Default 500 ms to 5 s. */
  readonly pollMs?: { readonly first: number; readonly max: number };
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
}

const text = (value: string): string => `'${value.replace(/'/g, "''")}'`;
const identifier = (name: string): string => `"${name.replace(/"/g, '""')}"`;
/** ISO 8601 to the second, as CloudTrail writes eventTime (2014-03-06T21:22:54Z); `up` rounds a fraction up. */
const second = (d: Date, up: boolean): string => {
  const ms = d.getTime();
  const rounded = up ? Math.ceil(ms / 1000) * 1000 : Math.floor(ms / 1000) * 1000;
  return new Date(rounded).toISOString().replace(/\.000Z$/, 'Z');
};

/** The SELECT of one batch: the matching records, each with the ids of the rules it matched. */
export function athenaQuery(rules: readonly CompiledRule[], target: AthenaTarget): string {
  const { first, last } = daysOf(target.range, 1);
  const where = [
    `account IN (${target.accounts.map(text).join(', ')})`,
    ...(target.regions?.length ? [`region IN (${target.regions.map(text).join(', ')})`] : []),
    `"timestamp" BETWEEN ${text(first)} AND ${text(last)}`,
    `eventtime >= ${text(second(target.range.start, false))}`,
    `eventtime < ${text(second(target.range.end, true))}`,
  ];
  // if(condition, id) is NULL when the condition does not hold; filter() drops those.
  const ids = rules.map((r) => `if(${r.text}, ${text(r.id)})`).join(',\n    ');
  return [
    `SELECT file, eventid, eventtime, account, region, eventsource, eventname, array_join(rules, ',') AS rules`,
    'FROM (',
    `  SELECT "$path" AS file, eventid, eventtime, account, region, eventsource, eventname,`,
    `    filter(ARRAY[\n    ${ids}], matched -> matched IS NOT NULL) AS rules`,
    `  FROM ${identifier(target.database)}.${identifier(target.table)}`,
    `  WHERE ${where.join('\n    AND ')}`,
    ')',
    'WHERE cardinality(rules) > 0',
  ].join('\n');
}

export async function huntAthena(options: AthenaHuntOptions, sink: HuntSink): Promise<HuntOutcome> {
  const { client, sdk } = options;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const poll = options.pollMs ?? { first: 500, max: 5_000 };
  const { batches: groups, tooLong } = batches(options.rules, (b) => Buffer.byteLength(athenaQuery(b, options)), ATHENA_MAX_QUERY_BYTES);
  for (const r of tooLong) sink.warn(`skipped: ${r.id}: its Athena query is over ${ATHENA_MAX_QUERY_BYTES} bytes (StartQueryExecution's limit)`);
  let incomplete = 0;
  let bytes = 0;
  /** Any SDK error: missing credentials stop the hunt (exit 2); anything else fails this query only. */
  const failed = (label: string, error: unknown) => {
    const setup = missingCredentials(error);
    if (setup) throw setup;
    incomplete++;
    sink.warn(`athena: ${label} failed: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
  };
  for (const [i, group] of groups.entries()) {
    const label = `query ${i + 1}/${groups.length}`;
    let id: string | undefined;
    try {
      const started = (await client.send(
        new sdk.StartQueryExecutionCommand({
          QueryString: athenaQuery(group, options),
          WorkGroup: options.workgroup,
          QueryExecutionContext: { Database: options.database },
        }),
      )) as StartQueryExecutionOutput;
      id = started.QueryExecutionId;
      if (!id) throw new Error('StartQueryExecution returned no QueryExecutionId');
    } catch (error) {
      failed(label, error);
      continue;
    }
    const submitted = now();
    let delay = poll.first;
    let outcome: 'SUCCEEDED' | 'stopped' | undefined;
    try {
      for (;;) {
        const { QueryExecution: q } = (await client.send(new sdk.GetQueryExecutionCommand({ QueryExecutionId: id }))) as GetQueryExecutionOutput;
        const state = q?.Status?.State;
        const scanned = q?.Statistics?.DataScannedInBytes ?? 0;
        sink.progress?.(`athena: ${label} ${state ?? 'UNKNOWN'} ${Math.round((now() - submitted) / 1000)} s, ${formatBytes(scanned)} scanned`);
        if (state === 'SUCCEEDED') {
          bytes += scanned;
          outcome = 'SUCCEEDED';
          break;
        }
        if (state === 'FAILED' || state === 'CANCELLED') {
          bytes += scanned;
          incomplete++;
          const reason = q?.Status?.StateChangeReason ?? q?.Status?.AthenaError?.ErrorMessage ?? 'no reason given';
          sink.warn(`athena: ${label} (${id}) ${state}: ${reason}`);
          break;
        }
        if (now() - submitted >= options.timeoutMs) {
          await client.send(new sdk.StopQueryExecutionCommand({ QueryExecutionId: id }));
          bytes += scanned;
          incomplete++;
          outcome = 'stopped';
          sink.warn(`athena: ${label} (${id}) timed out after ${Math.round(options.timeoutMs / 1000)} s (--timeout) and was stopped; its matches are missing`);
          break;
        }
        await sleep(delay);
        delay = Math.min(delay * 2, poll.max);
      }
      if (outcome === 'SUCCEEDED') await readResults(options, id, sink);
    } catch (error) {
      failed(`${label} (${id})`, error);
    }
  }
  return { queries: groups.length, incomplete, bytes };
}

async function readResults({ client, sdk }: AthenaHuntOptions, id: string, sink: HuntSink): Promise<void> {
  let token: string | undefined;
  let first = true;
  do {
    const page = (await client.send(new sdk.GetQueryResultsCommand({ QueryExecutionId: id, NextToken: token, MaxResults: 1000 }))) as GetQueryResultsOutput;
    const names = (page.ResultSet?.ResultSetMetadata?.ColumnInfo ?? []).map((c) => c.Name ?? '');
    const rows = (page.ResultSet?.Rows ?? []).map((row) => (row.Data ?? []).map((d) => d.VarCharValue ?? null));
    // The first row of a SELECT's results is the column labels.
    const data = first && rows[0]?.every((v, i) => v === names[i]) ? rows.slice(1) : rows;
    first = false;
    for (const values of data) {
      const fields = Object.fromEntries(names.map((n, i) => [n, values[i] ?? null]));
      const rules = (fields['rules'] ?? '').split(',').filter(Boolean);
      const { rules: _, ...record } = fields;
      sink.onMatch({ rules, where: `${fields['file'] ?? '?'}#${fields['eventid'] ?? '?'}`, fields: record });
    }
    token = page.NextToken;
  } while (token);
}
