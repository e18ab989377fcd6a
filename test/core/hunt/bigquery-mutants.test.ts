/**
 * The BigQuery engine's edges, against a hand-written fake of the client surface it uses: literal
 * escaping (GoogleSQL escapes ' and \ with a backslash,
 * https://cloud.google.com/bigquery/docs/reference/standard-sql/lexical#string_and_bytes_literals),
 * row values of every type the client returns, a response left out, bytes counted once per job, and
 * failures before the job exists. Every query is built inside its test.
 */
import { describe, expect, it } from 'vitest';
import {
  BIGQUERY_MAX_QUERY_BYTES,
  type BigQueryClient,
  type BigQueryHuntOptions,
  type BigQueryJob,
  bigqueryQuery,
  huntBigQuery,
} from '../../../core/hunt/bigquery.ts';
import { recordingSink } from './hunt-fixtures.ts';

type Page = Awaited<ReturnType<BigQueryJob['getQueryResults']>>;
type Asked = Parameters<BigQueryJob['getQueryResults']>[0];

/** A job answering from `pages` in order (an Error is thrown); what it was asked is recorded. */
function fakeJob(pages: (Page | Error)[], id: string | null = 'job-1') {
  const asked: Asked[] = [];
  const job: BigQueryJob = {
    ...(id ? { id } : {}),
    async getQueryResults(options) {
      asked.push(options);
      const next = pages.shift();
      if (!next) throw new Error('no more pages in the fake');
      if (next instanceof Error) throw next;
      return next;
    },
    async cancel() {
      return [{}];
    },
  };
  return { job, asked };
}

const clientOf = (job: BigQueryJob | Error): BigQueryClient => ({
  async createQueryJob() {
    if (job instanceof Error) throw job;
    return [job];
  },
});

const rule = { id: 'r-1', text: "protopayload_auditlog.methodName = 'SetIamPolicy'" };
const range = { start: new Date('2026-10-31T00:00:00Z'), end: new Date('2026-11-30T00:00:00Z') };
const options = (client: BigQueryClient, extra: Partial<BigQueryHuntOptions> = {}): BigQueryHuntOptions => ({
  client,
  project: 'p',
  dataset: 'd',
  range,
  rules: [rule],
  maximumBytesBilled: 1024,
  timeoutMs: 60_000,
  ...extra,
});

describe('bigqueryQuery', () => {
  it("escapes only ' and \\ in a rule id, each with a backslash", () => {
    const sql = bigqueryQuery([{ id: "a'b\\c-d", text: 'TRUE' }], options(clientOf(new Error('unused'))));
    expect(sql).toContain(`IF(TRUE, 'a\\'b\\\\c-d', NULL)`);
  });

  it('is one line per clause: the rule ids kept when not NULL, the exclusive end, and only the rows that matched a rule', () => {
    const lines = bigqueryQuery([rule], options(clientOf(new Error('unused')))).split('\n');
    expect(lines).toContain('    ARRAY(SELECT id FROM UNNEST([');
    expect(lines).toContain(`      IF(${rule.text}, 'r-1', NULL)]) AS id WHERE id IS NOT NULL) AS rules`);
    expect(lines).toContain(`    AND timestamp < TIMESTAMP('2026-11-30T00:00:00.000Z')`);
    expect(lines.at(-1)).toBe('WHERE ARRAY_LENGTH(rules) > 0');
  });
});

describe('huntBigQuery', () => {
  it('skips a rule whose query alone is over the query length limit, with one line naming it', async () => {
    const huge = { id: 'huge', text: `'${'x'.repeat(BIGQUERY_MAX_QUERY_BYTES)}' = ''` };
    const { job } = fakeJob([[[], null, { jobComplete: true }]]);
    const { sink, warnings } = recordingSink();
    const outcome = await huntBigQuery(options(clientOf(job), { rules: [huge, rule] }), sink);
    expect(warnings).toEqual([`skipped: huge: its BigQuery query is over ${BIGQUERY_MAX_QUERY_BYTES} bytes (the query length limit)`]);
    expect(outcome.queries).toBe(1);
  });

  it('reads one page at a time, and a page with no response object as complete', async () => {
    const { job, asked } = fakeJob([[[], null]]);
    const { sink, warnings } = recordingSink();
    const outcome = await huntBigQuery(options(clientOf(job)), sink);
    expect(asked).toEqual([{ autoPaginate: false, maxResults: 1000 }]);
    expect(warnings).toEqual([]);
    expect(outcome).toEqual({ queries: 1, incomplete: 0, bytes: 0 });
  });

  it('counts the bytes processed once, from the first page, and says so on the progress line', async () => {
    const { job } = fakeJob([
      [[], { pageToken: 't2' }, { jobComplete: true, totalBytesProcessed: '2048' }],
      [[], null, { jobComplete: true, totalBytesProcessed: '2048' }],
    ]);
    const { sink, progress } = recordingSink(true);
    const outcome = await huntBigQuery(options(clientOf(job)), sink);
    expect(outcome.bytes).toBe(2048);
    expect(progress).toEqual(['bigquery: query 1/1 done, 2.0 KB processed']);
  });

  it('counts no bytes when the response does not say', async () => {
    const { job } = fakeJob([[[], null, { jobComplete: true }]]);
    const { sink } = recordingSink();
    expect((await huntBigQuery(options(clientOf(job)), sink)).bytes).toBe(0);
  });

  it('shows the seconds since submission while the job runs, and writes ? for a timed-out job without an id', async () => {
    let t = 5_000_000;
    const now = () => {
      t += 2_000;
      return t;
    };
    const running: Page = [[], null, { jobComplete: false }];
    const { job } = fakeJob([running, running], null);
    const { sink, progress, warnings } = recordingSink(true);
    await huntBigQuery(options(clientOf(job), { now, timeoutMs: 5_000 }), sink);
    expect(progress).toEqual(['bigquery: query 1/1 running 2 s', 'bigquery: query 1/1 running 6 s']);
    expect(warnings).toEqual(['bigquery: query 1/1 (?) timed out after 5 s (--timeout) and was cancelled; its matches are missing']);
  });

  it('reads each value as text: NULL and absent as null, a Date and a TIMESTAMP object as ISO text, anything else as String() writes it', async () => {
    const rows = [
      { insert_id: null, log_name: 'projects/p/logs/a', timestamp: new Date('2026-11-01T10:00:00Z'), rules: ['r-1'] },
      { log_name: ['projects/p/logs/b'], insert_id: { value: 7 }, timestamp: { value: '2026-11-01T10:00:01Z' }, rules: 'r-1' },
      { insert_id: 42, timestamp: {} },
    ];
    const { job } = fakeJob([[rows, null, { jobComplete: true }]]);
    const { sink, matches } = recordingSink();
    await huntBigQuery(options(clientOf(job)), sink);
    expect(matches).toEqual([
      { rules: ['r-1'], where: 'projects/p/logs/a#?', fields: { insert_id: null, log_name: 'projects/p/logs/a', timestamp: '2026-11-01T10:00:00.000Z' } },
      {
        rules: [],
        where: 'projects/p/logs/b#[object Object]',
        fields: { insert_id: '[object Object]', log_name: 'projects/p/logs/b', timestamp: '2026-11-01T10:00:01Z' },
      },
      { rules: [], where: '?#42', fields: { insert_id: '42', log_name: null, timestamp: '[object Object]' } },
    ]);
  });

  it('reports a job that could not be created as a failed query, without a job id', async () => {
    const { sink, warnings } = recordingSink();
    const outcome = await huntBigQuery(options(clientOf(new Error('Access Denied: Project p'))), sink);
    expect(warnings).toEqual(['bigquery: query 1/1 failed: Access Denied: Project p']);
    expect(outcome.incomplete).toBe(1);
  });

  it('reports a failed job without an id with no id in the line', async () => {
    const { job } = fakeJob([new Error('Query exceeded limit for bytes billed: 1024.')], null);
    const { sink, warnings } = recordingSink();
    await huntBigQuery(options(clientOf(job)), sink);
    expect(warnings).toEqual(['bigquery: query 1/1 failed: Query exceeded limit for bytes billed: 1024.']);
  });
});
