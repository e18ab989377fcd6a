/**
 * The Athena engine's edges, against a hand-written fake of the four commands it sends: the query's
 * window to the second, response fields the API may leave out (every output member of
 * GetQueryExecution and GetQueryResults is optional,
 * https://docs.aws.amazon.com/athena/latest/APIReference/API_GetQueryResults.html), the header row
 * (only on the first page), bytes counted on every end state, and the timeout's exact boundary.
 * Every query is built inside its test, so the code under test runs while the test does.
 */
import { describe, expect, it } from 'vitest';
import { ATHENA_MAX_QUERY_BYTES, type AthenaHuntOptions, type AthenaSdk, athenaQuery, huntAthena } from '../../../core/hunt/athena.ts';
import { recordingSink } from './hunt-fixtures.ts';

type Sent = { readonly type: string; readonly input: Record<string, unknown> };
const command = (type: string) =>
  class {
    readonly type = type;
    constructor(readonly input: Record<string, unknown>) {}
  };
const sdk = {
  StartQueryExecutionCommand: command('start'),
  GetQueryExecutionCommand: command('status'),
  GetQueryResultsCommand: command('results'),
  StopQueryExecutionCommand: command('stop'),
} as unknown as AthenaSdk;

/** A client answering each command type from its queue (the last answer repeats); an Error is thrown. */
function fakeClient(answers: Record<string, unknown[]>) {
  const sent: Sent[] = [];
  const client = {
    send: async (c: object) => {
      const { type, input } = c as Sent;
      sent.push({ type, input });
      const queue = answers[type] ?? [{}];
      const answer = queue.length > 1 ? queue.shift() : queue[0];
      if (answer instanceof Error) throw answer;
      return answer;
    },
  };
  return { client, sent, count: (type: string) => sent.filter((s) => s.type === type).length };
}

/** A clock that starts far from zero and moves only when the engine sleeps. */
function fakeTime(start = 1_000_000) {
  let t = start;
  return { now: () => t, sleep: async (ms: number) => void (t += ms) };
}

const range = { start: new Date('2026-10-31T15:41:07.250Z'), end: new Date('2026-11-30T15:41:07.250Z') };
const rule = { id: 'r-1', text: "eventname = 'StopLogging'" };
const COLUMNS = ['file', 'eventid', 'rules'];
const metadata = { ColumnInfo: COLUMNS.map((Name) => ({ Name })) };
const row = (values: (string | undefined)[]) => ({ Data: values.map((v) => (v === undefined ? {} : { VarCharValue: v })) });
const succeeded = { QueryExecution: { Status: { State: 'SUCCEEDED' } } };

function options(client: AthenaHuntOptions['client'], extra: Partial<AthenaHuntOptions> = {}): AthenaHuntOptions {
  const time = fakeTime();
  return {
    client,
    sdk,
    workgroup: 'wg',
    database: 'db',
    table: 'cloudtrail',
    accounts: ['111111111111'],
    range,
    rules: [rule],
    timeoutMs: 60_000,
    now: time.now,
    sleep: time.sleep,
    ...extra,
  };
}

/** The conditions of the inner WHERE, one per entry. */
const whereOf = (sql: string) => sql.split('\n  WHERE ')[1]!.split('\n)')[0]!.split('\n    AND ');

describe('athenaQuery bounds', () => {
  it('cuts the window to whole seconds: the start rounded down, the exclusive end rounded up, both written as CloudTrail writes eventTime', () => {
    const where = whereOf(athenaQuery([rule], options(fakeClient({}).client)));
    expect(where).toContain(`eventtime >= '2026-10-31T15:41:07Z'`);
    expect(where).toContain(`eventtime < '2026-11-30T15:41:08Z'`);
  });

  it('lists every account and every region as literals, comma separated', () => {
    const where = whereOf(athenaQuery([rule], { ...options(fakeClient({}).client), accounts: ['1', '2'], regions: ['eu-west-1', 'us-east-1'] }));
    expect(where[0]).toBe(`account IN ('1', '2')`);
    expect(where[1]).toBe(`region IN ('eu-west-1', 'us-east-1')`);
  });

  it('has no region condition without regions, so the WHERE is accounts, days and the two eventtime bounds', () => {
    const where = whereOf(athenaQuery([rule], options(fakeClient({}).client)));
    expect(where).toHaveLength(4);
    expect(where[1]).toMatch(/^"timestamp" BETWEEN /);
  });

  it('keeps only the records that matched a rule', () => {
    const lines = athenaQuery([rule], options(fakeClient({}).client)).split('\n');
    expect(lines.at(-1)).toBe('WHERE cardinality(rules) > 0');
  });
});

describe('huntAthena batching', () => {
  it("skips a rule whose query alone is over StartQueryExecution's limit, with one line naming it, and runs the others", async () => {
    const huge = { id: 'huge', text: `eventname = '${'x'.repeat(ATHENA_MAX_QUERY_BYTES)}'` };
    const fake = fakeClient({ start: [{ QueryExecutionId: 'q' }], status: [succeeded], results: [{}] });
    const { sink, warnings } = recordingSink();
    const outcome = await huntAthena(options(fake.client, { rules: [huge, rule] }), sink);
    expect(warnings).toEqual([`skipped: huge: its Athena query is over ${ATHENA_MAX_QUERY_BYTES} bytes (StartQueryExecution's limit)`]);
    expect(outcome.queries).toBe(1);
    expect(String(fake.sent[0]!.input['QueryString'])).not.toContain("'huge'");
  });
});

describe('huntAthena responses with members left out', () => {
  it('fails the query without polling when StartQueryExecution returns no QueryExecutionId', async () => {
    const fake = fakeClient({ start: [{}] });
    const { sink, warnings } = recordingSink();
    const outcome = await huntAthena(options(fake.client), sink);
    expect(warnings).toEqual(['athena: query 1/1 failed: Error: StartQueryExecution returned no QueryExecutionId']);
    expect(fake.count('status')).toBe(0);
    expect(outcome.incomplete).toBe(1);
  });

  it('keeps polling through a status with no QueryExecution, Status or Statistics, shown as UNKNOWN', async () => {
    const fake = fakeClient({ start: [{ QueryExecutionId: 'q' }], status: [{}, { QueryExecution: {} }, succeeded], results: [{}] });
    const { sink, warnings, progress } = recordingSink(true);
    const outcome = await huntAthena(options(fake.client), sink);
    expect(warnings).toEqual([]);
    expect(progress.slice(0, 2)).toEqual(['athena: query 1/1 UNKNOWN 0 s, 0 B scanned', 'athena: query 1/1 UNKNOWN 1 s, 0 B scanned']);
    expect(outcome).toEqual({ queries: 1, incomplete: 0, bytes: 0 });
  });

  it('reports a FAILED query by its AthenaError message when there is no StateChangeReason, and counts its scanned bytes', async () => {
    const failed = {
      QueryExecution: { Status: { State: 'FAILED', AthenaError: { ErrorMessage: 'TABLE_NOT_FOUND' } }, Statistics: { DataScannedInBytes: 2048 } },
    };
    const fake = fakeClient({ start: [{ QueryExecutionId: 'q' }], status: [failed] });
    const { sink, warnings } = recordingSink();
    const outcome = await huntAthena(options(fake.client), sink);
    expect(warnings).toEqual(['athena: query 1/1 (q) FAILED: TABLE_NOT_FOUND']);
    expect(outcome).toEqual({ queries: 1, incomplete: 1, bytes: 2048 });
  });

  it('says "no reason given" for a FAILED query with neither reason nor AthenaError', async () => {
    const fake = fakeClient({ start: [{ QueryExecutionId: 'q' }], status: [{ QueryExecution: { Status: { State: 'FAILED' } } }] });
    const { sink, warnings } = recordingSink();
    await huntAthena(options(fake.client), sink);
    expect(warnings).toEqual(['athena: query 1/1 (q) FAILED: no reason given']);
  });

  it('counts a GetQueryExecution error as a failed query, naming the query id, and reads no results', async () => {
    const fake = fakeClient({ start: [{ QueryExecutionId: 'q' }], status: [Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' })] });
    const { sink, warnings } = recordingSink();
    const outcome = await huntAthena(options(fake.client), sink);
    expect(warnings).toEqual(['athena: query 1/1 (q) failed: ThrottlingException: Rate exceeded']);
    expect(outcome.incomplete).toBe(1);
    expect(fake.count('results')).toBe(0);
  });
});

describe('huntAthena timeout', () => {
  it('stops the query at the poll that reaches the timeout exactly, and counts the bytes scanned until then', async () => {
    const running = { QueryExecution: { Status: { State: 'RUNNING' }, Statistics: { DataScannedInBytes: 4096 } } };
    const fake = fakeClient({ start: [{ QueryExecutionId: 'q' }], status: [running], stop: [{}] });
    const { sink } = recordingSink();
    const outcome = await huntAthena(options(fake.client, { timeoutMs: 1000, pollMs: { first: 1000, max: 1000 } }), sink);
    // Polls at 0 s and 1 s; the second is at the timeout, so it stops there.
    expect(fake.count('status')).toBe(2);
    expect(fake.count('stop')).toBe(1);
    expect(outcome).toEqual({ queries: 1, incomplete: 1, bytes: 4096 });
  });

  it('waits between polls in real time when no sleep is injected', async () => {
    const fake = fakeClient({ start: [{ QueryExecutionId: 'q' }], status: [{ QueryExecution: { Status: { State: 'RUNNING' } } }, succeeded], results: [{}] });
    const { sink } = recordingSink();
    const before = Date.now();
    await huntAthena({ ...options(fake.client, { pollMs: { first: 40, max: 40 } }), sleep: undefined, now: undefined }, sink);
    expect(Date.now() - before).toBeGreaterThanOrEqual(35);
  });
});

describe('huntAthena results', () => {
  async function results(pages: unknown[]) {
    const fake = fakeClient({ start: [{ QueryExecutionId: 'q' }], status: [succeeded], results: pages });
    const recorded = recordingSink();
    const outcome = await huntAthena(options(fake.client), recorded.sink);
    return { ...recorded, outcome };
  }
  const page = (rows: unknown[], NextToken?: string) => ({ ResultSet: { ResultSetMetadata: metadata, Rows: rows }, ...(NextToken ? { NextToken } : {}) });

  it('reads an empty page, one without a ResultSet, and one without metadata as no matches, not as an error', async () => {
    for (const empty of [page([]), {}, { ResultSet: { Rows: [] } }]) {
      const { matches, warnings, outcome } = await results([empty]);
      expect(matches).toEqual([]);
      expect(warnings).toEqual([]);
      expect(outcome.incomplete).toBe(0);
    }
  });

  it('keeps the first row of the first page when it is not the column labels, even if one value equals its label', async () => {
    const { matches } = await results([page([row(['file', 'ev-1', 'r-1'])])]);
    expect(matches).toEqual([{ rules: ['r-1'], where: 'file#ev-1', fields: { file: 'file', eventid: 'ev-1' } }]);
  });

  it('takes only the first page for the labels: a later row equal to them is a record', async () => {
    const { matches } = await results([page([row(COLUMNS)], 'p2'), page([row(COLUMNS)])]);
    expect(matches).toEqual([{ rules: ['rules'], where: 'file#eventid', fields: { file: 'file', eventid: 'eventid' } }]);
  });

  it('treats a first row without Data as the (empty) labels, and a later page without Rows as no records', async () => {
    const { matches } = await results([
      { ResultSet: { ResultSetMetadata: { ColumnInfo: [] }, Rows: [{}] }, NextToken: 'p2' },
      { ResultSet: { ResultSetMetadata: metadata } },
    ]);
    expect(matches).toEqual([]);
  });

  it('writes ? for a missing file or event id, gives no rule for a missing rules value, and names an unnamed column ""', async () => {
    const { matches } = await results([
      {
        ResultSet: {
          ResultSetMetadata: { ColumnInfo: [...metadata.ColumnInfo, {}] },
          Rows: [row([...COLUMNS, '']), row([undefined, undefined, undefined, 'x'])],
        },
      },
    ]);
    expect(matches).toEqual([{ rules: [], where: '?#?', fields: { file: null, eventid: null, '': 'x' } }]);
  });

  it('maps no column when the page has rows but no metadata', async () => {
    const { matches } = await results([{ ResultSet: { Rows: [row([]), row(['a'])] } }]);
    expect(matches).toEqual([{ rules: [], where: '?#?', fields: {} }]);
  });
});
