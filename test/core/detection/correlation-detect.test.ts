/**
 * `guardrails detect` with correlations (core/cli/detect.ts): the catalog's correlations run beside its
 * rules; base rules that run only inside a correlation are not reported alone; correlation matches are
 * printed after the per-event matches, as table rows and NDJSON records with the group, the count and the
 * window; matches without a time, and matches that come too late to be put in order, are counted on
 * stderr; --cloud and --fail-on-match apply to them.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { detectExitCode, runDetect, type DetectOptions } from '../../../core/cli/detect.ts';
import { loadCatalogWithCorrelations } from '../../../core/detection/catalog.ts';
import { exampleModel } from '../../helpers/config.ts';
import { CORPUS_DIR } from '../../helpers/corpus.ts';
import { iso, MIN, T0 } from '../../helpers/correlations.ts';

const { rules, correlations } = loadCatalogWithCorrelations(exampleModel());
const dir = mkdtempSync(join(tmpdir(), 'correlation-detect-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ARN = 'arn:aws:sts::111122223333:assumed-role/ci/stolen-session';

/** A CloudTrail record of `eventName` by `arn` at `t`. */
const trail = (t: number, eventName: string, arn = ARN, extra: Record<string, unknown> = {}) => ({
  eventVersion: '1.09',
  userIdentity: { type: 'AssumedRole', arn, accountId: '111122223333' },
  eventTime: new Date(t).toISOString().replace('.000Z', 'Z'),
  eventSource: 'iam.amazonaws.com',
  eventName,
  awsRegion: 'us-east-1',
  sourceIPAddress: '203.0.113.50',
  userAgent: 'aws-cli/2.15.0',
  readOnly: true,
  ...extra,
});

const RECON = [
  'ListUsers',
  'ListRoles',
  'ListPolicies',
  'GetAccountAuthorizationDetails',
  'ListBuckets',
  'DescribeInstances',
  'DescribeVpcs',
  'DescribeSubnets',
  'DescribeSecurityGroups',
  'ListFunctions20150331',
  'DescribeDBInstances',
  'ListKeys',
  'ListSecrets',
  'DescribeTrails',
  'GetCallerIdentity',
  'ListAccessKeys',
  'ListGroups',
  'ListAttachedRolePolicies',
  'GetAccountSummary',
  'ListTopics',
  'ListQueues',
  'DescribeLogGroups',
  'ListClusters',
  'DescribeRepositories',
  'ListStacks',
  'DescribeKeyPairs',
  'DescribeSnapshots',
  'DescribeVolumes',
  'ListHostedZones',
  'ListDistributions',
];

/** NDJSON file of these records. */
function file(name: string, records: readonly unknown[]): string {
  const path = join(dir, name);
  writeFileSync(path, `${records.map((r) => JSON.stringify(r)).join('\n')}\n`);
  return path;
}

async function detect(paths: string[], options: Partial<DetectOptions> = {}) {
  let out = '';
  let err = '';
  const o = new PassThrough().on('data', (c: Buffer) => (out += c.toString()));
  const e = new PassThrough().on('data', (c: Buffer) => (err += c.toString()));
  const summary = await runDetect({ paths, rules, correlations, format: 'table', out: o, err: e, ...options });
  return { summary, out, err };
}

// 30 distinct read-only calls by one role in 7.5 minutes (each twice), another role's few, and a CreateUser.
const reconFile = file('recon.ndjson', [
  ...RECON.flatMap((name, i) => [trail(T0 + i * 15_000, name), trail(T0 + i * 15_000 + 1000, name)]),
  ...RECON.slice(0, 5).map((name, i) => trail(T0 + i * 1000, name, 'arn:aws:iam::111122223333:user/admin')),
  trail(T0 + 8 * MIN, 'CreateUser', ARN, { readOnly: false }),
]);

// 20 secret reads by one role in 4 minutes; decrypted parameters count, plain ones do not.
const secretsFile = file('secrets.ndjson', [
  ...Array.from({ length: 15 }, (_, i) =>
    trail(T0 + i * 10_000, 'GetSecretValue', 'arn:aws:sts::111122223333:assumed-role/app/harvest', {
      eventSource: 'secretsmanager.amazonaws.com',
      requestParameters: { secretId: `prod/db${i}` },
    }),
  ),
  ...Array.from({ length: 5 }, (_, i) =>
    trail(T0 + 3 * MIN + i * 10_000, 'GetParameter', 'arn:aws:sts::111122223333:assumed-role/app/harvest', {
      eventSource: 'ssm.amazonaws.com',
      requestParameters: { name: `/prod/p${i}`, withDecryption: true },
    }),
  ),
  ...Array.from({ length: 5 }, (_, i) =>
    trail(T0 + 3 * MIN + i * 10_000, 'GetParameter', 'arn:aws:sts::111122223333:assumed-role/app/other', {
      eventSource: 'ssm.amazonaws.com',
      requestParameters: { name: `/prod/q${i}` },
    }),
  ),
]);

describe('guardrails detect with correlations', () => {
  it('prints the correlation matches after the per-event matches, and never the base rules alone', async () => {
    const { out, err, summary } = await detect([reconFile, secretsFile]);
    const lines = out.trim().split('\n');
    expect(lines[0]).toMatch(/^RULE\s+LEVEL\s+EVENT$/);
    expect(out).not.toMatch(/aws-read-only-api-call|aws-secret-value-read/);
    const correlated = lines.filter((l) => /^aws-(recon-burst|bulk-secret-retrieval) /.test(l));
    expect(correlated).toEqual([
      expect.stringMatching(
        new RegExp(
          `^aws-bulk-secret-retrieval\\s+high\\s+.*secrets\\.ndjson#19  AWS bulk secret retrieval \\(many secret reads by one identity\\) \\(userIdentity\\.arn=arn:aws:sts::111122223333:assumed-role/app/harvest: 20 matches within 10m, ${iso(T0)} to ${iso(T0 + 3 * MIN + 40_000)}\\)$`,
        ),
      ),
      expect.stringMatching(
        new RegExp(
          `^aws-recon-burst\\s+medium\\s+.*recon\\.ndjson#58  AWS reconnaissance burst \\(many distinct read-only calls by one identity\\) \\(userIdentity\\.arn=${ARN}: 30 distinct eventName within 10m, ${iso(T0 + 1000)} to ${iso(T0 + 29 * 15_000)}\\)$`,
        ),
      ),
    ]);
    // The per-event rows come first.
    expect(lines.findIndex((l) => l.startsWith('aws-bulk-secret-retrieval'))).toBeGreaterThan(
      lines.findLastIndex((l) => / .*\.ndjson#\d+ {2}/.test(l) && !/^aws-(recon|bulk)/.test(l)),
    );
    expect(summary.correlated).toBe(2);
    expect(summary.byRule.get('aws-recon-burst')).toBe(1);
    expect(err).toMatch(/; \d+ match\(es\) of \d+ rules; 2 correlation match\(es\) of 4 correlations\n/);
  });

  it('writes one NDJSON record per correlation match: correlation, group, count, field, window and the event it fired at', async () => {
    const { out } = await detect([reconFile], { format: 'ndjson' });
    const records = out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((r) => 'correlation' in r);
    expect(records).toEqual([
      {
        correlation: 'aws-recon-burst',
        title: 'AWS reconnaissance burst (many distinct read-only calls by one identity)',
        level: 'medium',
        type: 'value_count',
        group: { 'userIdentity.arn': ARN },
        count: 30,
        field: 'eventName',
        timespan: '10m',
        window: 'sliding',
        // A value is held at its latest sighting: ListUsers at 09:00:00 and 09:00:01 is held at 09:00:01.
        first: iso(T0 + 1000),
        last: iso(T0 + 29 * 15_000),
        file: reconFile,
        index: 58,
      },
    ]);
  });

  it('finds a password spray across a 30-minute boundary that the deployed KQL bins would split', async () => {
    const rows = Array.from({ length: 12 }, (_, i) => ({
      Type: 'SigninLogs',
      TimeGenerated: iso(T0 + 24 * MIN + i * MIN),
      ResultType: '50126',
      UserPrincipalName: `user${i}@contoso.com`,
      IPAddress: '198.51.100.9',
      AppId: 'c44b4083-3bb0-49c1-b47d-974e53cbdf3c',
    }));
    const { out, summary } = await detect([file('spray.ndjson', rows)], { format: 'ndjson' });
    const records = out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records).toEqual([
      expect.objectContaining({ correlation: 'azure-password-spray', group: { IPAddress: '198.51.100.9' }, count: 10, window: 'sliding', index: 9 }),
    ]);
    expect(summary.correlated).toBe(1);
  });

  it('restricts correlations to --cloud, and counts them for --fail-on-match', async () => {
    const azure = await detect([reconFile], { cloud: 'azure' });
    expect(azure.summary.correlated).toBe(0);
    expect(azure.err).toMatch(/; 0 correlation match\(es\) of 1 correlations\n/);
    const aws = await detect([reconFile], { cloud: 'aws' });
    expect(aws.summary.matched).toBe(0);
    expect(detectExitCode(aws.summary, true)).toBe(1);
    expect(detectExitCode(aws.summary, false)).toBe(0);
  });

  it('counts base-rule matches without a readable time, and those that come too late to be put in order, on stderr', async () => {
    const untimed = file('untimed.ndjson', [{ ...trail(T0, 'ListUsers'), eventTime: 'yesterday' }]);
    const { err } = await detect([untimed]);
    expect(err).toContain('1 base-rule match(es) had no readable event time (eventTime, timestamp, receiveTimestamp, TimeGenerated) and were not correlated');
    const later = file('later.ndjson', [trail(T0 + 60 * MIN, 'ListUsers')]);
    const earlier = file('earlier.ndjson', [trail(T0, 'ListRoles')]);
    const late = await detect([later, earlier], { correlationLateness: MIN });
    // Nothing was released before earlier.ndjson's match came (no match a minute newer than later.ndjson's):
    // it is put in order.
    expect(late.err).not.toContain('behind the newest');
    const third = file('third.ndjson', [trail(T0 + 62 * MIN, 'ListGroups')]);
    const out = await detect([later, third, earlier], { correlationLateness: MIN });
    expect(out.err).toContain('1 base-rule match(es) came more than 1 min behind the newest one read and were not correlated: give the inputs in time order');
  });

  it('keeps the corpus run as it was: no correlation matches there, and no base rule reported alone', async () => {
    const { out, summary } = await detect([CORPUS_DIR], { format: 'ndjson' });
    expect(summary.correlated).toBe(0);
    expect(out).not.toMatch(/aws-read-only-api-call|aws-secret-value-read|azure-signin-bad-password/);
  });
});
