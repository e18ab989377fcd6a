/**
 * `guardrails hunt` end to end in-process, each engine's client replaced (HuntClients): the detect-format
 * output, the summary, skipped rules, exit codes (0, 1, 2, 3 and 3 over 1), missing SDKs and credentials,
 * the progress line on a TTY, and the usage errors.
 */
import * as athenaSdk from '@aws-sdk/client-athena';
import { AthenaClient, GetQueryExecutionCommand, GetQueryResultsCommand, StartQueryExecutionCommand } from '@aws-sdk/client-athena';
import { CredentialsProviderError } from '@smithy/core/config';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { CLOUDTRAIL_TABLE_NAME } from '../../../constructs/aws/cloudtrail-hunting.ts';
import { HUNT_OPTIONS, UsageError } from '../../../core/cli/args.ts';
import { COMMAND_HELP } from '../../../core/cli/help.ts';
import { HUNT_ENGINES, runHunt, type HuntDeps } from '../../../core/cli/hunt.ts';
import type { HuntClients } from '../../../core/hunt/sdk-clients.ts';
import { runCli } from '../../../core/cli/main.ts';
import type { CatalogRule } from '../../../core/detection/catalog.ts';
import type { LogsClient } from '../../../core/hunt/loganalytics.ts';
import { HUNT_EXIT_CODES } from '../../../core/hunt/outcome.ts';
import { HuntSetupError, loadSdk } from '../../../core/hunt/setup-error.ts';
import { exampleModel } from '../../helpers/config.ts';
import { awsRules, azureRules, capture, catalogRule, gcpRules, model } from './hunt-fixtures.ts';

const client = new AthenaClient({ region: 'eu-west-1', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' } });
const athena = mockClient(client);
afterEach(() => athena.reset());

const NOW = new Date('2026-11-30T12:00:00Z');
const unused = async () => {
  throw new Error('this engine was not expected to run');
};
const clients = (over: Partial<HuntClients>): HuntClients => ({ athena: unused, bigquery: unused, loganalytics: unused, ...over });
const athenaClients = clients({ athena: async () => ({ client, sdk: athenaSdk }) });
const fastPolls: HuntDeps['athena'] = { pollMs: { first: 1, max: 1 }, sleep: async () => {} };

/** A keyword search: Athena's table has no whole record to search, so the SQL compiler refuses it. */
const keywordRule = catalogRule('hunt-keyword', { keywords: ['ExfiltrateEverything'], condition: 'keywords' }, { product: 'aws', service: 'cloudtrail' });
const everyRule = (): CatalogRule[] => [...awsRules(), keywordRule, ...gcpRules(), ...azureRules()];

async function hunt(args: Record<string, string | true>, deps: Partial<HuntDeps> = {}, tty = false) {
  const out = capture();
  const err = capture(tty);
  const code = await runHunt(
    args,
    { out, err, env: {}, cwd: process.cwd() },
    { load: async () => ({ model, rules: everyRule() }), now: NOW, athena: fastPolls, ...deps },
  );
  return { code, out: out.text(), err: err.text() };
}

const ATHENA = { engine: 'athena', workgroup: 'guardrails-hunting', accounts: '111111111111', since: '30d' } as const;
const s3 = 's3://trail-bucket/AWSLogs/o-abc123/111111111111/CloudTrail/eu-west-1/2026/11/01/f.json.gz';

function athenaAnswers(state: 'SUCCEEDED' | 'FAILED', matchedRules = 'hunt-stop-logging') {
  athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-1' });
  athena
    .on(GetQueryExecutionCommand)
    .resolves({ QueryExecution: { Status: { State: state, StateChangeReason: 'HIVE_BAD_DATA: boom' }, Statistics: { DataScannedInBytes: 3 * 1024 ** 2 } } });
  const names = ['file', 'eventid', 'eventtime', 'account', 'region', 'eventsource', 'eventname', 'rules'];
  const values = [s3, 'ev-1', '2026-11-01T10:00:00Z', '111111111111', 'eu-west-1', 'cloudtrail.amazonaws.com', 'StopLogging', matchedRules];
  athena.on(GetQueryResultsCommand).resolves({
    ResultSet: {
      ResultSetMetadata: { ColumnInfo: names.map((Name) => ({ Name, Type: 'varchar' })) },
      Rows: [names, values].map((r) => ({ Data: r.map((VarCharValue) => ({ VarCharValue })) })),
    },
  });
}

describe('guardrails hunt --engine athena', () => {
  it("prints matches in detect's table, skips the rules that cannot compile, and exits 0", async () => {
    athenaAnswers('SUCCEEDED', 'hunt-stop-logging,hunt-delete-trail');
    const { code, out, err } = await hunt(ATHENA, { clients: athenaClients });
    expect(code).toBe(0);
    expect(out).toBe(
      [
        `${'RULE'.padEnd(44)} ${'LEVEL'.padEnd(13)} EVENT`,
        `${'hunt-stop-logging'.padEnd(44)} ${'low'.padEnd(13)} ${s3}#ev-1  Title of hunt-stop-logging`,
        `${'hunt-delete-trail'.padEnd(44)} ${'low'.padEnd(13)} ${s3}#ev-1  Title of hunt-delete-trail`,
        '',
      ].join('\n'),
    );
    // Only the AWS rules are compiled; the keyword rule is named on stderr and left out of the query.
    const query = athena.commandCalls(StartQueryExecutionCommand)[0]!.args[0].input.QueryString!;
    expect(query).toContain(`'hunt-stop-logging'`);
    expect(query).not.toContain('hunt-keyword');
    expect(query).not.toContain('hunt-set-iam-policy');
    expect(err).toMatch(/^skipped: rule hunt-keyword cannot compile to athena: /m);
    expect(err).toContain('athena: 2026-10-31T12:00:00.000Z to 2026-11-30T12:00:00.000Z; 2 match(es) of 2 rules in 1 query; 3.0 MB scanned');
    expect(err).toContain('1 rule(s) skipped: they cannot compile for athena');
  });

  it('exits 1 on a match with --fail-on-match, and prints NDJSON with the record fields', async () => {
    athenaAnswers('SUCCEEDED');
    const { code, out } = await hunt({ ...ATHENA, 'fail-on-match': true, format: 'ndjson' }, { clients: athenaClients });
    expect(code).toBe(1);
    expect(
      out
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l)),
    ).toEqual([
      {
        rule: 'hunt-stop-logging',
        title: 'Title of hunt-stop-logging',
        level: 'low',
        file: s3,
        eventid: 'ev-1',
        eventtime: '2026-11-01T10:00:00Z',
        account: '111111111111',
        region: 'eu-west-1',
        eventsource: 'cloudtrail.amazonaws.com',
        eventname: 'StopLogging',
      },
    ]);
  });

  it('exits 0 without a match even with --fail-on-match', async () => {
    athenaAnswers('SUCCEEDED', '');
    athena
      .on(GetQueryResultsCommand)
      .resolves({ ResultSet: { ResultSetMetadata: { ColumnInfo: [{ Name: 'file', Type: 'varchar' }] }, Rows: [{ Data: [{ VarCharValue: 'file' }] }] } });
    const { code, out } = await hunt({ ...ATHENA, 'fail-on-match': true }, { clients: athenaClients });
    expect(code).toBe(0);
    expect(out.trim().split('\n')).toHaveLength(1);
  });

  it('exits 3 when the query failed, with its reason on stderr', async () => {
    athenaAnswers('FAILED');
    const { code, err } = await hunt({ ...ATHENA, 'fail-on-match': true }, { clients: athenaClients });
    expect(code).toBe(3);
    expect(err).toContain('athena: query 1/1 (q-1) FAILED: HIVE_BAD_DATA: boom');
    expect(err).toContain('1 query failed, timed out or returned truncated results (listed above): the result is incomplete');
  });

  it('exits 2 with one line when there are no credentials', async () => {
    athena.on(StartQueryExecutionCommand).rejects(new CredentialsProviderError('Could not load credentials from any providers', { tryNextLink: false }));
    const { code, out, err } = await hunt(ATHENA, { clients: athenaClients });
    expect(code).toBe(2);
    const lines = err.split('\n').filter((l) => l && !l.startsWith('skipped:'));
    expect(lines).toEqual([expect.stringMatching(/^error: no AWS credentials \(Could not load credentials from any providers\): set AWS_PROFILE/)]);
    expect(out).toBe(`${'RULE'.padEnd(44)} ${'LEVEL'.padEnd(13)} EVENT\n`);
  });

  it('exits 2 with "install <package>" when the SDK is not installed', async () => {
    const missing = '@guardrails-test/not-installed';
    const notInstalled = clients({ athena: () => loadSdk('@aws-sdk/client-athena', 'athena', () => import('@aws-sdk/client-athena-missing' as string)) });
    const viaMissing = clients({ athena: () => loadSdk(missing, 'athena', () => import(missing)) });
    const { code, err } = await hunt(ATHENA, { clients: viaMissing });
    expect(code).toBe(2);
    expect(err.split('\n').filter((l) => l.startsWith('error:'))).toEqual([`error: install ${missing} to use --engine athena`]);
    // A module missing under another name is not this package missing: it is thrown as it is.
    await expect(hunt(ATHENA, { clients: notInstalled })).rejects.toThrow(/Cannot find (package|module)/);
  });

  it('draws a progress line on a TTY and ends it before the next stderr line', async () => {
    athenaAnswers('FAILED');
    const { err } = await hunt(ATHENA, { clients: athenaClients }, true);
    expect(err).toContain('\rathena: query 1/1 FAILED 0 s, 3.0 MB scanned\u001b[K\nathena: query 1/1 (q-1) FAILED: HIVE_BAD_DATA: boom\n');
  });

  it('draws no progress line off a TTY', async () => {
    athenaAnswers('FAILED');
    const { err } = await hunt(ATHENA, { clients: athenaClients });
    expect(err).not.toContain('\r');
  });

  it('exits 2 when no rule compiles for the engine', async () => {
    const { code, err } = await hunt(ATHENA, { clients: athenaClients, load: async () => ({ model, rules: [keywordRule] }) });
    expect(code).toBe(2);
    expect(err).toContain('error: no aws rule compiles for --engine athena (1 skipped): nothing to hunt');
    expect(athena.commandCalls(StartQueryExecutionCommand)).toHaveLength(0);
  });
});

describe('guardrails hunt --engine loganalytics and bigquery', () => {
  it('exits 3 over 1: a failed query makes the run incomplete even with matches and --fail-on-match', async () => {
    const rules = [
      ...azureRules(),
      catalogRule('hunt-second', { selection: { OperationNameValue: 'X' }, condition: 'selection' }, { product: 'azure', service: 'azureactivity' }),
    ];
    let call = 0;
    const logs: LogsClient = {
      async queryWorkspace() {
        if (call++ === 0)
          return {
            status: 'Success',
            tables: [{ columnDescriptors: [{ name: 'TimeGenerated' }, { name: '_ItemId' }, { name: 'Type' }], rows: [['t', 'item-1', 'AzureActivity']] }],
          };
        throw new Error('Gateway timeout');
      },
    };
    const { code, out, err } = await hunt(
      { engine: 'loganalytics', workspace: 'w', since: '7d', 'fail-on-match': true },
      { clients: clients({ loganalytics: async () => logs }), load: async () => ({ model, rules }) },
    );
    expect(code).toBe(3);
    expect(out).toContain('AzureActivity#item-1  Title of hunt-list-keys');
    expect(err).toContain('loganalytics: query 2/2 (hunt-second) failed: Gateway timeout');
  });

  it('passes --project to the BigQuery client and queries the dataset of the config default', async () => {
    const projects: string[] = [];
    const queries: string[] = [];
    const bigquery = async (project: string) => {
      projects.push(project);
      return {
        async createQueryJob(options: { query: string }) {
          queries.push(options.query);
          return [{ id: 'j', getQueryResults: async () => [[], null, { jobComplete: true, totalBytesProcessed: '0' }], cancel: async () => [] }];
        },
      } as never;
    };
    const { code } = await hunt({ engine: 'bigquery', project: 'log-project', since: '1d' }, { clients: clients({ bigquery }) });
    expect(code).toBe(0);
    expect(projects).toEqual(['log-project']);
    expect(queries[0]).toContain('`log-project.guardrails_audit._AllLogs`');
  });
});

describe('guardrails hunt usage', () => {
  it.each([
    [{ since: '30d' }, /hunt needs --engine \(athena, bigquery, loganalytics\)/],
    [{ engine: 'splunk', since: '30d' }, /--engine must be one of athena, bigquery, loganalytics/],
    [{ engine: 'bigquery', project: 'p', workgroup: 'w', since: '30d' }, /--workgroup is an option of --engine athena, not bigquery/],
    [{ ...ATHENA, since: undefined }, /hunt needs --since/],
    [{ ...ATHENA, since: 'last month' }, /--since last month: expected a duration/],
    [{ ...ATHENA, since: '2026-11-01T00:00:00' }, /--since 2026-11-01T00:00:00: expected/],
    [{ ...ATHENA, until: '40d' }, /--since \(.*\) must be before --until/],
    [{ ...ATHENA, timeout: '0m' }, /--timeout 0m: expected a positive duration/],
    [{ ...ATHENA, accounts: undefined }, /--engine athena needs --accounts/],
    [{ ...ATHENA, accounts: '1234' }, /--accounts: 1234 is not a 12-digit AWS account id/],
    [{ ...ATHENA, regions: 'mars' }, /--regions: mars is not an AWS region name/],
    [{ ...ATHENA, workgroup: undefined }, /--engine athena needs --workgroup/],
    [{ engine: 'bigquery', since: '30d' }, /--engine bigquery needs --project/],
    [{ engine: 'loganalytics', since: '30d' }, /--engine loganalytics needs --workspace/],
    [{ engine: 'bigquery', project: 'p', 'max-gb': 'lots', since: '30d' }, /--max-gb lots: expected a number of GiB/],
  ])('%o', async (args, message) => {
    const defined = Object.fromEntries(Object.entries(args).filter(([, v]) => v !== undefined)) as Record<string, string>;
    const error = await hunt(defined, { clients: clients({}) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toMatch(message);
  });

  it('takes the workgroup and database from aws.hunting when the config has it', async () => {
    athenaAnswers('SUCCEEDED', '');
    const withHunting = {
      ...model,
      aws: { ...model.aws!, hunting: { ...model.aws!.hunting!, workgroupName: 'from-config', databaseName: 'config_db' } },
    } as typeof model;
    const { workgroup: _, ...withoutWorkgroup } = ATHENA;
    const { code } = await hunt(withoutWorkgroup, { clients: athenaClients, load: async () => ({ model: withHunting, rules: awsRules() }) });
    expect(code).toBe(0);
    const input = athena.commandCalls(StartQueryExecutionCommand)[0]!.args[0].input;
    expect(input.WorkGroup).toBe('from-config');
    expect(input.QueryExecutionContext).toEqual({ Database: 'config_db' });
  });

  it('defaults to the names the aws.hunting construct deploys, without --database and --table', async () => {
    athenaAnswers('SUCCEEDED', '');
    const deployed = exampleModel((c) => {
      c.aws.hunting = { enabled: true };
    });
    const { workgroup: _, ...withoutWorkgroup } = ATHENA;
    expect(await hunt(withoutWorkgroup, { clients: athenaClients, load: async () => ({ model: deployed, rules: awsRules() }) })).toMatchObject({ code: 0 });
    const input = athena.commandCalls(StartQueryExecutionCommand)[0]!.args[0].input;
    expect(input.WorkGroup).toBe(deployed.aws!.hunting!.workgroupName);
    expect(input.QueryExecutionContext).toEqual({ Database: deployed.aws!.hunting!.databaseName });
    expect(input.QueryString).toContain(`FROM "${deployed.aws!.hunting!.databaseName}"."${CLOUDTRAIL_TABLE_NAME}"`);
  });

  it('through the command line: a usage error is one line and the usage, exit 2; --help prints the exit codes', async () => {
    const out = capture();
    const err = capture();
    const io = { out, err, env: {}, cwd: process.cwd() };
    expect(await runCli(['hunt', '--engine', 'athena'], io)).toBe(2);
    expect(err.text()).toBe(
      'error: hunt needs --since (e.g. --since 30d): the window bounds what the engine scans and bills\nusage: guardrails hunt --engine athena|bigquery|loganalytics --since 30d [--until T] [options]\n',
    );
    expect(await runCli(['hunt', '--help'], io)).toBe(0);
    for (const line of HUNT_EXIT_CODES) expect(out.text()).toContain(line);
    expect(await runCli(['hunt', 'extra', '--engine', 'athena'], io)).toBe(2);
    expect(err.text()).toContain('error: hunt takes no arguments (got extra)');
  });
});

describe('guardrails hunt --help', () => {
  it('documents every option the parser accepts and every engine', () => {
    // The help text is written by hand; this keeps it in step with the parser's list.
    for (const name of Object.keys(HUNT_OPTIONS)) expect(COMMAND_HELP.hunt).toContain(`--${name}`);
    for (const engine of HUNT_ENGINES) expect(COMMAND_HELP.hunt).toContain(`--engine ${engine}`);
  });
});

describe('HuntSetupError', () => {
  it('is what a missing package becomes, and only for that package', async () => {
    await expect(loadSdk('@guardrails-test/absent', 'bigquery', () => import('@guardrails-test/absent' as string))).rejects.toEqual(
      new HuntSetupError('install @guardrails-test/absent to use --engine bigquery'),
    );
  });
});
