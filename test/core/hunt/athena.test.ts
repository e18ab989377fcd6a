/**
 * The Athena engine against a mocked AthenaClient (aws-sdk-client-mock on one client instance): what it
 * submits, polling with backoff, paging, failure, timeout and missing credentials.
 */
import * as athenaSdk from '@aws-sdk/client-athena';
import { AthenaClient, GetQueryExecutionCommand, GetQueryResultsCommand, StartQueryExecutionCommand, StopQueryExecutionCommand } from '@aws-sdk/client-athena';
import { CredentialsProviderError } from '@smithy/core/config';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { compileSqlCondition } from '../../../core/detection/compilers/sql.ts';
import { athenaQuery, huntAthena, type AthenaHuntOptions } from '../../../core/hunt/athena.ts';
import type { CompiledRule } from '../../../core/hunt/compile.ts';
import { HuntSetupError } from '../../../core/hunt/setup-error.ts';
import { awsRules, recordingSink } from './hunt-fixtures.ts';

const client = new AthenaClient({ region: 'eu-west-1', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' } });
const athena = mockClient(client);
afterEach(() => athena.reset());

const range = { start: new Date('2026-10-31T15:41:07.250Z'), end: new Date('2026-11-30T15:41:07.250Z') };
const rules: CompiledRule[] = awsRules().map((r) => ({ id: r.rule.id, text: compileSqlCondition(r, 'athena') }));

/** A clock that moves only when the engine sleeps, and the sleeps it asked for. */
function fakeTime() {
  let t = 0;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => t,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      t += ms;
    },
  };
}

function options(extra: Partial<AthenaHuntOptions> = {}): AthenaHuntOptions {
  const time = fakeTime();
  return {
    client,
    sdk: athenaSdk,
    workgroup: 'guardrails-hunting',
    database: 'guardrails_hunting',
    table: 'cloudtrail',
    accounts: ['111111111111', '222222222222'],
    regions: ['eu-west-1'],
    range,
    rules,
    timeoutMs: 60_000,
    now: time.now,
    sleep: time.sleep,
    ...extra,
  };
}

const COLUMNS = ['file', 'eventid', 'eventtime', 'account', 'region', 'eventsource', 'eventname', 'rules'];
const row = (values: (string | undefined)[]) => ({ Data: values.map((v) => (v === undefined ? {} : { VarCharValue: v })) });
const metadata = { ColumnInfo: COLUMNS.map((Name) => ({ Name, Type: 'varchar' })) };
const s3 = (n: number) => `s3://trail-bucket/AWSLogs/o-abc123/111111111111/CloudTrail/eu-west-1/2026/11/0${n}/file${n}.json.gz`;

describe('athenaQuery', () => {
  const sql = athenaQuery(rules, options());

  it('bounds the scan by every partition key: accounts, regions and the days of the window plus the delivery day after', () => {
    expect(sql).toContain(`account IN ('111111111111', '222222222222')`);
    expect(sql).toContain(`region IN ('eu-west-1')`);
    expect(sql).toContain(`"timestamp" BETWEEN '2026/10/31' AND '2026/12/01'`);
    // eventtime cuts the window to the second, the start rounded down and the exclusive end up.
    expect(sql).toContain(`eventtime >= '2026-10-31T15:41:07Z'`);
    expect(sql).toContain(`eventtime < '2026-11-30T15:41:08Z'`);
    expect(sql).toContain('FROM "guardrails_hunting"."cloudtrail"');
  });

  it('evaluates every rule of the batch in one scan, each tagged with its id', () => {
    for (const r of rules) expect(sql).toContain(`if(${r.text}, '${r.id}')`);
    expect(sql.match(/FROM "guardrails_hunting"/g)).toHaveLength(1);
    expect(sql).toContain('WHERE cardinality(rules) > 0');
  });

  it('reads every region without --regions, and escapes quotes in names and values', () => {
    const other = athenaQuery(rules, { ...options(), regions: undefined, database: 'd"b', accounts: ["1'1"] });
    expect(other).not.toContain('region IN');
    expect(other).toContain('FROM "d""b"."cloudtrail"');
    expect(other).toContain(`account IN ('1''1')`);
  });

  it('ends the day range one delivery day after the last day the window touches (an end at midnight does not touch that day)', () => {
    const sql2 = athenaQuery(rules, { ...options(), range: { start: new Date('2026-11-01T00:00:00Z'), end: new Date('2026-11-03T00:00:00Z') } });
    expect(sql2).toContain(`"timestamp" BETWEEN '2026/11/01' AND '2026/11/03'`);
  });
});

describe('huntAthena', () => {
  it('submits in the workgroup and database, polls with backoff to SUCCEEDED, and reads every page', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-1' });
    athena
      .on(GetQueryExecutionCommand)
      .resolvesOnce({ QueryExecution: { Status: { State: 'QUEUED' } } })
      .resolvesOnce({ QueryExecution: { Status: { State: 'RUNNING' }, Statistics: { DataScannedInBytes: 1024 } } })
      .resolvesOnce({ QueryExecution: { Status: { State: 'RUNNING' }, Statistics: { DataScannedInBytes: 4096 } } })
      .resolves({ QueryExecution: { Status: { State: 'SUCCEEDED' }, Statistics: { DataScannedInBytes: 5 * 1024 ** 3 } } });
    athena
      .on(GetQueryResultsCommand, { QueryExecutionId: 'q-1', NextToken: undefined })
      .resolves({
        ResultSet: {
          ResultSetMetadata: metadata,
          Rows: [
            row(COLUMNS),
            row([s3(1), 'ev-1', '2026-11-01T10:00:00Z', '111111111111', 'eu-west-1', 'cloudtrail.amazonaws.com', 'StopLogging', 'hunt-stop-logging']),
          ],
        },
        NextToken: 'page-2',
      })
      .on(GetQueryResultsCommand, { QueryExecutionId: 'q-1', NextToken: 'page-2' })
      .resolves({
        ResultSet: {
          ResultSetMetadata: metadata,
          Rows: [
            row([
              s3(2),
              'ev-2',
              '2026-11-02T10:00:00Z',
              '111111111111',
              'eu-west-1',
              'cloudtrail.amazonaws.com',
              'DeleteTrail',
              'hunt-stop-logging,hunt-delete-trail',
            ]),
          ],
        },
      });
    const time = fakeTime();
    const { sink, matches, warnings, progress } = recordingSink(true);
    const outcome = await huntAthena(options({ now: time.now, sleep: time.sleep, pollMs: { first: 500, max: 1500 } }), sink);

    const [start] = athena.commandCalls(StartQueryExecutionCommand);
    expect(start!.args[0].input).toMatchObject({ WorkGroup: 'guardrails-hunting', QueryExecutionContext: { Database: 'guardrails_hunting' } });
    expect(start!.args[0].input.QueryString).toBe(athenaQuery(rules, options()));
    // Waits double up to the maximum.
    expect(time.sleeps).toEqual([500, 1000, 1500]);
    expect(athena.commandCalls(GetQueryResultsCommand).map((c) => c.args[0].input.NextToken)).toEqual([undefined, 'page-2']);
    // The header row of the first page is not a match; the second page has none.
    expect(matches).toEqual([
      {
        rules: ['hunt-stop-logging'],
        where: `${s3(1)}#ev-1`,
        fields: {
          file: s3(1),
          eventid: 'ev-1',
          eventtime: '2026-11-01T10:00:00Z',
          account: '111111111111',
          region: 'eu-west-1',
          eventsource: 'cloudtrail.amazonaws.com',
          eventname: 'StopLogging',
        },
      },
      expect.objectContaining({ rules: ['hunt-stop-logging', 'hunt-delete-trail'], where: `${s3(2)}#ev-2` }),
    ]);
    expect(outcome).toEqual({ queries: 1, incomplete: 0, bytes: 5 * 1024 ** 3 });
    expect(warnings).toEqual([]);
    expect(progress).toEqual([
      'athena: query 1/1 QUEUED 0 s, 0 B scanned',
      'athena: query 1/1 RUNNING 1 s, 1.0 KB scanned',
      'athena: query 1/1 RUNNING 2 s, 4.0 KB scanned',
      'athena: query 1/1 SUCCEEDED 3 s, 5.0 GB scanned',
    ]);
  });

  it('reports FAILED with its StateChangeReason, reads no results, and counts the query incomplete', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-2' });
    athena.on(GetQueryExecutionCommand).resolves({
      QueryExecution: { Status: { State: 'FAILED', StateChangeReason: 'CONSTRAINT_VIOLATION: For the injected projected partition column account, ...' } },
    });
    const { sink, matches, warnings } = recordingSink();
    const outcome = await huntAthena(options(), sink);
    expect(outcome.incomplete).toBe(1);
    expect(warnings).toEqual(['athena: query 1/1 (q-2) FAILED: CONSTRAINT_VIOLATION: For the injected projected partition column account, ...']);
    expect(athena.commandCalls(GetQueryResultsCommand)).toHaveLength(0);
    expect(matches).toEqual([]);
  });

  it('reports CANCELLED the same way', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-3' });
    athena.on(GetQueryExecutionCommand).resolves({ QueryExecution: { Status: { State: 'CANCELLED', StateChangeReason: 'Query was cancelled by user' } } });
    const { sink, warnings } = recordingSink();
    expect((await huntAthena(options(), sink)).incomplete).toBe(1);
    expect(warnings).toEqual(['athena: query 1/1 (q-3) CANCELLED: Query was cancelled by user']);
  });

  it('stops a query still running at the timeout, so it bills no further', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-4' });
    athena.on(GetQueryExecutionCommand).resolves({ QueryExecution: { Status: { State: 'RUNNING' } } });
    athena.on(StopQueryExecutionCommand).resolves({});
    const time = fakeTime();
    const { sink, warnings } = recordingSink();
    const outcome = await huntAthena(options({ timeoutMs: 10_000, now: time.now, sleep: time.sleep }), sink);
    expect(athena.commandCalls(StopQueryExecutionCommand).map((c) => c.args[0].input)).toEqual([{ QueryExecutionId: 'q-4' }]);
    expect(time.now()).toBeGreaterThanOrEqual(10_000);
    expect(time.now()).toBeLessThan(20_000);
    expect(outcome.incomplete).toBe(1);
    expect(warnings).toEqual(['athena: query 1/1 (q-4) timed out after 10 s (--timeout) and was stopped; its matches are missing']);
    expect(athena.commandCalls(GetQueryResultsCommand)).toHaveLength(0);
  });

  it('turns the credential chain finding nothing into a HuntSetupError naming what to set', async () => {
    athena.on(StartQueryExecutionCommand).rejects(new CredentialsProviderError('Could not load credentials from any providers', { tryNextLink: false }));
    const { sink } = recordingSink();
    const error = await huntAthena(options(), sink).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HuntSetupError);
    expect((error as Error).message).toMatch(/^no AWS credentials \(Could not load credentials from any providers\): set AWS_PROFILE/);
  });

  it('counts any other submission error as a failed query and goes on', async () => {
    athena
      .on(StartQueryExecutionCommand)
      .rejects(Object.assign(new Error('User is not authorized to perform: athena:StartQueryExecution'), { name: 'AccessDeniedException' }));
    const { sink, warnings } = recordingSink();
    const outcome = await huntAthena(options(), sink);
    expect(outcome).toEqual({ queries: 1, incomplete: 1, bytes: 0 });
    expect(warnings).toEqual(['athena: query 1/1 failed: AccessDeniedException: User is not authorized to perform: athena:StartQueryExecution']);
  });
});
