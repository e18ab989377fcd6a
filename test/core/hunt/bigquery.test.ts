/**
 * The BigQuery engine against a hand-written fake of the documented client surface it uses
 * (BigQuery.createQueryJob, Job.getQueryResults with autoPaginate false, Job.cancel): what it submits,
 * waiting, paging, failure, timeout and missing credentials.
 */
import { describe, expect, it } from 'vitest';
import { compileSqlCondition } from '../../../core/detection/compilers/sql.ts';
import { bigqueryQuery, huntBigQuery, type BigQueryClient, type BigQueryJob, type BigQueryHuntOptions } from '../../../core/hunt/bigquery.ts';
import type { CompiledRule } from '../../../core/hunt/compile.ts';
import { HuntSetupError } from '../../../core/hunt/setup-error.ts';
import { gcpRules, recordingSink } from './hunt-fixtures.ts';

type Page = Awaited<ReturnType<BigQueryJob['getQueryResults']>>;

/** A job answering getQueryResults from `pages` in order; what it was asked is recorded. */
function fakeJob(pages: (Page | Error)[]) {
  const calls: { pageToken?: string }[] = [];
  let cancelled = 0;
  const job: BigQueryJob = {
    id: 'job-1',
    async getQueryResults(options) {
      calls.push({ ...(options.pageToken ? { pageToken: options.pageToken } : {}) });
      const next = pages.shift();
      if (!next) throw new Error('no more pages in the fake');
      if (next instanceof Error) throw next;
      return next;
    },
    async cancel() {
      cancelled++;
      return [{}];
    },
  };
  return { job, calls, cancelled: () => cancelled };
}

function fakeClient(job: BigQueryJob | Error) {
  const submitted: Parameters<BigQueryClient['createQueryJob']>[0][] = [];
  const client: BigQueryClient = {
    async createQueryJob(options) {
      submitted.push(options);
      if (job instanceof Error) throw job;
      return [job];
    },
  };
  return { client, submitted };
}

const range = { start: new Date('2026-10-31T00:00:00Z'), end: new Date('2026-11-30T00:00:00Z') };
const rules: CompiledRule[] = gcpRules().map((r) => ({ id: r.rule.id, text: compileSqlCondition(r, 'bigquery') }));
const options = (client: BigQueryClient, extra: Partial<BigQueryHuntOptions> = {}): BigQueryHuntOptions => ({
  client,
  project: 'log-project',
  dataset: 'guardrails_audit',
  range,
  rules,
  maximumBytesBilled: 10 * 1024 ** 3,
  timeoutMs: 60_000,
  ...extra,
});
const ts = (value: string) => ({ value });

describe('bigqueryQuery', () => {
  const sql = bigqueryQuery(rules, { project: 'log-project', dataset: 'guardrails_audit', range });
  it('reads _AllLogs of the linked dataset within the window on timestamp, and tags each row with the rules it matched', () => {
    expect(sql).toContain('FROM `log-project.guardrails_audit._AllLogs`');
    expect(sql).toContain(`WHERE timestamp >= TIMESTAMP('2026-10-31T00:00:00.000Z')`);
    expect(sql).toContain(`AND timestamp < TIMESTAMP('2026-11-30T00:00:00.000Z')`);
    expect(sql).toContain(`IF(${rules[0]!.text}, 'hunt-set-iam-policy', NULL)`);
    expect(sql).toContain('WHERE ARRAY_LENGTH(rules) > 0');
  });
});

describe('huntBigQuery', () => {
  it('submits with the bytes-billed cap and the job timeout, waits for the job, and reads every page', async () => {
    const { job, calls } = fakeJob([
      [[], null, { jobComplete: false }],
      [
        [
          {
            insert_id: 'i-1',
            log_name: 'organizations/1/logs/cloudaudit.googleapis.com%2Factivity',
            timestamp: ts('2026-11-01T10:00:00Z'),
            rules: ['hunt-set-iam-policy'],
          },
        ],
        { pageToken: 'p2' },
        { jobComplete: true, totalBytesProcessed: '2048' },
      ],
      [
        [{ insert_id: 'i-2', log_name: 'projects/p/logs/x', timestamp: ts('2026-11-02T10:00:00Z'), rules: ['hunt-set-iam-policy'] }],
        null,
        { jobComplete: true },
      ],
    ]);
    const { client, submitted } = fakeClient(job);
    const { sink, matches, warnings, progress } = recordingSink(true);
    const outcome = await huntBigQuery(options(client), sink);
    expect(submitted).toEqual([
      {
        query: bigqueryQuery(rules, options(client)),
        useLegacySql: false,
        maximumBytesBilled: String(10 * 1024 ** 3),
        jobTimeoutMs: 60_000,
        labels: { tool: 'cloud-api-guardrails' },
      },
    ]);
    expect(calls).toEqual([{}, {}, { pageToken: 'p2' }]);
    expect(matches).toEqual([
      {
        rules: ['hunt-set-iam-policy'],
        where: 'organizations/1/logs/cloudaudit.googleapis.com%2Factivity#i-1',
        fields: { insert_id: 'i-1', log_name: 'organizations/1/logs/cloudaudit.googleapis.com%2Factivity', timestamp: '2026-11-01T10:00:00Z' },
      },
      expect.objectContaining({ where: 'projects/p/logs/x#i-2' }),
    ]);
    expect(outcome).toEqual({ queries: 1, incomplete: 0, bytes: 2048 });
    expect(warnings).toEqual([]);
    expect(progress[0]).toMatch(/^bigquery: query 1\/1 running \d+ s$/);
  });

  it('reports a job error (the bytes-billed cap, say) as a failed query', async () => {
    const { job } = fakeJob([new Error('Query exceeded limit for bytes billed: 10737418240. 21474836480 or higher required.')]);
    const { client } = fakeClient(job);
    const { sink, warnings, matches } = recordingSink();
    const outcome = await huntBigQuery(options(client), sink);
    expect(outcome.incomplete).toBe(1);
    expect(matches).toEqual([]);
    expect(warnings).toEqual(['bigquery: query 1/1 (job-1) failed: Query exceeded limit for bytes billed: 10737418240. 21474836480 or higher required.']);
  });

  it('cancels a job still running at the timeout', async () => {
    const { job, cancelled } = fakeJob(Array.from({ length: 5 }, (): Page => [[], null, { jobComplete: false }]));
    const { client } = fakeClient(job);
    let t = 0;
    const { sink, warnings } = recordingSink();
    // getQueryResults waits for the job (the server's default wait): here each reading of the clock moves it 5 s.
    const outcome = await huntBigQuery(options(client, { timeoutMs: 25_000, now: () => (t += 5_000) }), sink);
    expect(cancelled()).toBe(1);
    expect(outcome.incomplete).toBe(1);
    expect(warnings).toEqual(['bigquery: query 1/1 (job-1) timed out after 25 s (--timeout) and was cancelled; its matches are missing']);
  });

  it('turns missing Application Default Credentials into a HuntSetupError', async () => {
    const { client } = fakeClient(
      new Error('Could not load the default credentials. Browse to https://cloud.google.com/docs/authentication/getting-started for more information.'),
    );
    const { sink } = recordingSink();
    const error = await huntBigQuery(options(client), sink).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HuntSetupError);
    expect((error as Error).message).toMatch(/gcloud auth application-default login/);
  });
});
