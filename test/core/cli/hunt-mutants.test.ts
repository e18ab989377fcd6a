/**
 * `guardrails hunt` in-process (runHunt), each engine's client replaced: the exact stderr summary (queries,
 * bytes scanned or processed, skipped rules, incomplete queries, per-rule counts, busiest first), the option
 * plumbing (--timeout, --max-gb, --dataset, --database, --table, --accounts, --regions) as the engine
 * receives it, configs without the cloud's section, and each usage error's exact line and command.
 */
import * as athenaSdk from '@aws-sdk/client-athena';
import { AthenaClient, GetQueryExecutionCommand, GetQueryResultsCommand, StartQueryExecutionCommand } from '@aws-sdk/client-athena';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { UsageError } from '../../../core/cli/args.ts';
import { runHunt, type HuntDeps } from '../../../core/cli/hunt.ts';
import type { CatalogRule } from '../../../core/detection/catalog.ts';
import { compileSqlCondition } from '../../../core/detection/compilers/sql.ts';
import type { LogsClient } from '../../../core/hunt/loganalytics.ts';
import type { HuntClients } from '../../../core/hunt/sdk-clients.ts';
import { awsRules, azureRules, capture, catalogRule, gcpRules, model } from '../hunt/hunt-fixtures.ts';

const client = new AthenaClient({ region: 'eu-west-1', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' } });
const athena = mockClient(client);
afterEach(() => athena.reset());

const NOW = new Date('2026-11-30T12:00:00Z');
const WINDOW = '2026-11-29T12:00:00.000Z to 2026-11-30T12:00:00.000Z';
const unused = async () => {
  throw new Error('this engine was not expected to run');
};
const clients = (over: Partial<HuntClients>): HuntClients => ({ athena: unused, bigquery: unused, loganalytics: unused, ...over });
const athenaClients = clients({ athena: async () => ({ client, sdk: athenaSdk }) });

async function hunt(args: Record<string, string | true>, deps: Partial<HuntDeps> = {}) {
  const out = capture();
  const err = capture();
  const code = await runHunt(
    { since: '1d', ...args },
    { out, err, env: {}, cwd: process.cwd() },
    {
      load: async () => ({ model, rules: [...awsRules(), ...gcpRules(), ...azureRules()] }),
      now: NOW,
      athena: { pollMs: { first: 1, max: 1 }, sleep: async () => {} },
      ...deps,
    },
  );
  return { code, out: out.text(), err: err.text() };
}
const usage = async (args: Record<string, string | true>, deps: Partial<HuntDeps> = {}) => {
  const error = await hunt(args, { clients: clients({}), ...deps }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(UsageError);
  return { message: (error as UsageError).message, command: (error as UsageError).command };
};

// ---- BigQuery: a client that records the job options and answers with the given rows.
interface Job {
  query: string;
  maximumBytesBilled: string;
  jobTimeoutMs: number;
}
function bigquery(rows: { rules: string[]; insert_id: string }[], bytes = '2048') {
  const jobs: Job[] = [];
  const projects: string[] = [];
  const factory = async (project: string) => {
    projects.push(project);
    return {
      async createQueryJob(options: Job) {
        jobs.push(options);
        return [
          {
            id: 'j',
            getQueryResults: async () => [rows.map((r) => ({ ...r, log_name: 'log' })), null, { jobComplete: true, totalBytesProcessed: bytes }],
            cancel: async () => [],
          },
        ];
      },
    } as never;
  };
  return { jobs, projects, clients: clients({ bigquery: factory }) };
}
const gcpTwo = (): CatalogRule[] => [
  ...gcpRules(),
  catalogRule(
    'hunt-delete-bucket',
    { selection: { 'protoPayload.methodName': 'storage.buckets.delete' }, condition: 'selection' },
    { product: 'gcp', service: 'gcp.audit' },
  ),
];

describe('hunt: the summary on stderr', () => {
  it('counts each rule, the busiest first, and says what BigQuery processed in one query', async () => {
    const bq = bigquery([
      { rules: ['hunt-set-iam-policy'], insert_id: 'a' },
      { rules: ['hunt-delete-bucket'], insert_id: 'b' },
      { rules: ['hunt-delete-bucket'], insert_id: 'c' },
    ]);
    const rules = [...gcpTwo(), ...awsRules()];
    const { code, err } = await hunt({ engine: 'bigquery', project: 'p' }, { clients: bq.clients, load: async () => ({ model, rules }) });
    expect(code).toBe(0);
    expect(err).toBe(`bigquery: ${WINDOW}; 3 match(es) of 2 rules in 1 query; 2.0 KB processed\n  hunt-delete-bucket: 2\n  hunt-set-iam-policy: 1\n`);
    // The rule's condition, compiled for BigQuery, is in the query.
    expect(bq.jobs[0]!.query).toContain(compileSqlCondition(gcpTwo()[1]!, 'bigquery'));
  });

  it('has no bytes for Log Analytics, counts its queries in the plural, and lists incomplete ones in the plural', async () => {
    const rules = [
      ...azureRules(),
      catalogRule('hunt-second', { selection: { OperationNameValue: 'X' }, condition: 'selection' }, { product: 'azure', service: 'azureactivity' }),
    ];
    const queries: string[] = [];
    const failing: LogsClient = {
      async queryWorkspace(_workspace, query) {
        queries.push(query);
        throw new Error('Gateway timeout');
      },
    };
    const { code, err } = await hunt(
      { engine: 'loganalytics', workspace: 'w' },
      { clients: clients({ loganalytics: async () => failing }), load: async () => ({ model, rules }) },
    );
    expect(code).toBe(3);
    expect(err).toBe(
      [
        'loganalytics: query 1/2 (hunt-list-keys) failed: Gateway timeout',
        'loganalytics: query 2/2 (hunt-second) failed: Gateway timeout',
        `loganalytics: ${WINDOW}; 0 match(es) of 2 rules in 2 queries`,
        '2 queries failed, timed out or returned truncated results (listed above): the result is incomplete',
        '',
      ].join('\n'),
    );
    expect(queries[0]).toContain(`OperationNameValue`);
    expect(queries[0]).toContain('MICROSOFT.STORAGE/STORAGEACCOUNTS/LISTKEYS/ACTION');
  });

  it('lists one incomplete query in the singular, after the skipped rules', async () => {
    const keyword = catalogRule('hunt-keyword', { keywords: ['Exfil'], condition: 'keywords' }, { product: 'gcp', service: 'gcp.audit' });
    const failing = clients({
      bigquery: async () =>
        ({
          async createQueryJob() {
            throw new Error('quota');
          },
        }) as never,
    });
    const { err } = await hunt({ engine: 'bigquery', project: 'p' }, { clients: failing, load: async () => ({ model, rules: [...gcpRules(), keyword] }) });
    const lines = err.split('\n');
    expect(lines.slice(-4)).toEqual([
      `bigquery: ${WINDOW}; 0 match(es) of 1 rules in 1 query; 0 B processed`,
      '1 rule(s) skipped: they cannot compile for bigquery (listed above; guardrails detect runs them over files)',
      '1 query failed, timed out or returned truncated results (listed above): the result is incomplete',
      '',
    ]);
  });
});

describe('hunt --engine bigquery options', () => {
  it('bills at most --max-gb GiB (default 1024), and passes --timeout in milliseconds', async () => {
    const bq = bigquery([]);
    await hunt({ engine: 'bigquery', project: 'p', 'max-gb': '2', timeout: '90s' }, { clients: bq.clients });
    await hunt({ engine: 'bigquery', project: 'p', 'max-gb': '0.5', timeout: '2m' }, { clients: bq.clients });
    await hunt({ engine: 'bigquery', project: 'p', timeout: '1h' }, { clients: bq.clients });
    await hunt({ engine: 'bigquery', project: 'p' }, { clients: bq.clients });
    expect(bq.jobs.map((j) => [j.maximumBytesBilled, j.jobTimeoutMs])).toEqual([
      [String(2 * 1024 ** 3), 90_000],
      [String(0.5 * 1024 ** 3), 120_000],
      [String(1024 * 1024 ** 3), 3_600_000],
      [String(1024 * 1024 ** 3), 600_000],
    ]);
  });

  it('queries --dataset when given, and the default dataset for a config without a gcp section', async () => {
    const bq = bigquery([]);
    await hunt({ engine: 'bigquery', project: 'p', dataset: 'mine' }, { clients: bq.clients });
    const { gcp: _, ...noGcp } = model;
    await hunt({ engine: 'bigquery', project: 'p' }, { clients: bq.clients, load: async () => ({ model: noGcp as typeof model, rules: gcpRules() }) });
    expect(bq.jobs.map((j) => /FROM `([^`]+)`/.exec(j.query)![1])).toEqual(['p.mine._AllLogs', 'p.guardrails_audit._AllLogs']);
  });
});

describe('hunt --engine athena options', () => {
  function answer() {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-1' });
    athena.on(GetQueryExecutionCommand).resolves({ QueryExecution: { Status: { State: 'SUCCEEDED' }, Statistics: { DataScannedInBytes: 1024 } } });
    athena
      .on(GetQueryResultsCommand)
      .resolves({ ResultSet: { ResultSetMetadata: { ColumnInfo: [{ Name: 'file', Type: 'varchar' }] }, Rows: [{ Data: [{ VarCharValue: 'file' }] }] } });
  }
  const input = () => athena.commandCalls(StartQueryExecutionCommand)[0]!.args[0].input;

  it('reads the accounts and regions given (spaces and empty items dropped), --database and --table, and says what it scanned', async () => {
    answer();
    const { code, err } = await hunt(
      {
        engine: 'athena',
        workgroup: 'wg',
        accounts: '111111111111, ,222222222222,',
        regions: 'eu-west-1, us-gov-west-1,ap-southeast-12',
        database: 'db',
        table: 'tbl',
      },
      { clients: athenaClients },
    );
    expect(code).toBe(0);
    expect(err).toBe(`athena: ${WINDOW}; 0 match(es) of 2 rules in 1 query; 1.0 KB scanned\n`);
    expect(input().WorkGroup).toBe('wg');
    expect(input().QueryExecutionContext).toEqual({ Database: 'db' });
    expect(input().QueryString).toContain('FROM "db"."tbl"');
    expect(input().QueryString).toContain(`account IN ('111111111111', '222222222222')`);
    expect(input().QueryString).toContain(`region IN ('eu-west-1', 'us-gov-west-1', 'ap-southeast-12')`);
  });

  it('runs with --workgroup for a config without an aws section', async () => {
    answer();
    const { aws: _, ...noAws } = model;
    const { code } = await hunt(
      { engine: 'athena', workgroup: 'wg', accounts: '111111111111' },
      { clients: athenaClients, load: async () => ({ model: noAws as typeof model, rules: awsRules() }) },
    );
    expect(code).toBe(0);
  });
});

describe('hunt usage errors: the exact line, thrown for the hunt command (whose usage line follows it)', () => {
  const ATHENA = { engine: 'athena', workgroup: 'wg', accounts: '111111111111' };
  it.each([
    [{ engine: 'athena', since: true }, '--since needs a value'],
    [{ engine: 'splunk' }, '--engine must be one of athena, bigquery, loganalytics'],
    [{}, 'hunt needs --engine (athena, bigquery, loganalytics)'],
    [{ engine: 'bigquery', project: 'p', workgroup: 'w' }, '--workgroup is an option of --engine athena, not bigquery'],
    [{ ...ATHENA, format: 'csv' }, '--format must be one of table, ndjson'],
    [{ ...ATHENA, timeout: 'x90s' }, '--timeout x90s: expected a positive duration such as 90s, 10m or 1h'],
    [{ ...ATHENA, timeout: '90sx' }, '--timeout 90sx: expected a positive duration such as 90s, 10m or 1h'],
    [{ ...ATHENA, timeout: '0s' }, '--timeout 0s: expected a positive duration such as 90s, 10m or 1h'],
    [{ engine: 'bigquery', project: 'p', 'max-gb': 'x1' }, '--max-gb x1: expected a number of GiB, e.g. 100'],
    [{ engine: 'bigquery', project: 'p', 'max-gb': '1x' }, '--max-gb 1x: expected a number of GiB, e.g. 100'],
    [{ engine: 'bigquery', project: 'p', 'max-gb': '1.' }, '--max-gb 1.: expected a number of GiB, e.g. 100'],
    [{ engine: 'bigquery', project: 'p', 'max-gb': '1.x' }, '--max-gb 1.x: expected a number of GiB, e.g. 100'],
    [{ engine: 'athena', accounts: '111111111111' }, '--engine athena needs --workgroup (or aws.hunting in the config, whose workgroupName is the default)'],
    [
      { engine: 'athena', workgroup: 'wg', accounts: ' , ' },
      '--engine athena needs --accounts (comma-separated account ids): the table reads only the accounts a query names',
    ],
    [{ ...ATHENA, accounts: '1111111111112' }, '--accounts: 1111111111112 is not a 12-digit AWS account id'],
    [{ ...ATHENA, accounts: 'x111111111111' }, '--accounts: x111111111111 is not a 12-digit AWS account id'],
    [{ ...ATHENA, regions: '1eu-west-1' }, '--regions: 1eu-west-1 is not an AWS region name (e.g. eu-west-1)'],
    [{ ...ATHENA, regions: 'eu-west-1x' }, '--regions: eu-west-1x is not an AWS region name (e.g. eu-west-1)'],
    [{ engine: 'bigquery' }, '--engine bigquery needs --project (the project of the linked dataset; default: gcp.logProjectId when gcp.hunting is set)'],
    [{ engine: 'loganalytics' }, '--engine loganalytics needs --workspace (the workspace id, a GUID)'],
  ])('%o', async (args, line) => {
    expect(await usage(args as Record<string, string | true>)).toEqual({ message: line, command: 'hunt' });
  });

  it.each([
    ['workgroup', 'athena', 'bigquery'],
    ['database', 'athena', 'bigquery'],
    ['table', 'athena', 'loganalytics'],
    ['accounts', 'athena', 'bigquery'],
    ['regions', 'athena', 'loganalytics'],
    ['project', 'bigquery', 'athena'],
    ['dataset', 'bigquery', 'loganalytics'],
    ['max-gb', 'bigquery', 'athena'],
    ['workspace', 'loganalytics', 'athena'],
  ])('refuses --%s, an option of --engine %s, with --engine %s', async (name, owner, engine) => {
    expect(await usage({ engine, [name]: 'x' })).toEqual({ message: `--${name} is an option of --engine ${owner}, not ${engine}`, command: 'hunt' });
  });

  it('asks for --project when the config has no gcp section', async () => {
    const { gcp: _, ...noGcp } = model;
    expect(await usage({ engine: 'bigquery' }, { load: async () => ({ model: noGcp as typeof model, rules: gcpRules() }) })).toEqual({
      message: '--engine bigquery needs --project (the project of the linked dataset; default: gcp.logProjectId when gcp.hunting is set)',
      command: 'hunt',
    });
  });

  it('accepts a whole-number --max-gb and one with decimals, and a multi-digit --timeout', async () => {
    const bq = bigquery([]);
    for (const maxGb of ['10', '1.25'])
      expect((await hunt({ engine: 'bigquery', project: 'p', 'max-gb': maxGb, timeout: '15m' }, { clients: bq.clients })).code).toBe(0);
    expect(bq.jobs.map((j) => [j.maximumBytesBilled, j.jobTimeoutMs])).toEqual([
      [String(10 * 1024 ** 3), 900_000],
      [String(1.25 * 1024 ** 3), 900_000],
    ]);
  });
});
