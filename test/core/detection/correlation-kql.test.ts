/**
 * Correlations compiled to KQL (core/detection/compilers/kql-correlation.ts): the query text, its parse and
 * bind by Microsoft's Kusto.Language (kql-check.ts), and its results run by the independent KQL evaluator
 * (targets/kql-correlation-evaluator.ts over targets/kql-evaluator.ts), which must equal the engine's
 * tumbling window (correlation.ts) on the same rows: the KQL deployed counts fixed bins, as pySigma's
 * backends do, where the specification's window slides (correlation-evaluation.test.ts pins the
 * difference). Then what the Azure alert deploys (the last complete bin, once per timespan), and the
 * targets that cannot count, each refusing with its reason.
 */
import { describe, expect, it } from 'vitest';
import { compileCorrelation, compileCorrelationForDeployment, loadCatalogWithCorrelations } from '../../../core/detection/catalog.ts';
import { CompileError } from '../../../core/detection/compilers/compile-error.ts';
import { scheduledCorrelationQuery } from '../../../core/detection/compilers/kql-correlation.ts';
import { evaluateCorrelations, type Correlation, type TimedMatch } from '../../../core/detection/correlation.ts';
import { checkKql } from '../../../core/detection/targets/kql-check.ts';
import { runKqlCorrelation } from '../../../core/detection/targets/kql-correlation-evaluator.ts';
import { KQL_TABLES } from '../../../core/detection/targets/kql-tables.ts';
import { azureKqlCorrelationAlerts } from '../../../stacks/azure/program.ts';
import { exampleModel } from '../../helpers/config.ts';
import { correlationOver, iso, MIN, signinRule, T0 } from '../../helpers/correlations.ts';

const { correlations } = loadCatalogWithCorrelations(exampleModel());
const spray = correlations.find((c) => c.id === 'azure-password-spray')!;

/** A SigninLogs row as Log Analytics holds it. */
const row = (t: number, user: string, ip: string, resultType = '50126'): Record<string, unknown> => ({
  TimeGenerated: iso(t),
  ResultType: resultType,
  UserPrincipalName: user,
  IPAddress: ip,
  AppDisplayName: 'Azure Portal',
});

/** What the engine's tumbling window finds on the rows: (group, bin start, count), sorted. */
function reference(c: Correlation, rows: readonly Record<string, unknown>[]): string[] {
  const matches: TimedMatch[] = rows.flatMap((r) =>
    c.bases.filter((b) => b.rule.matches(r)).map((b) => ({ rule: b.rule.rule.id, time: Date.parse(String(r['TimeGenerated'])), event: r })),
  );
  return evaluateCorrelations([c], matches, { window: 'tumbling' })
    .map((m) => JSON.stringify([...Object.values(m.group), iso(m.windowStart), m.count]))
    .sort();
}

/**
 * What the compiled KQL returns on the rows, in the same shape. The engine keeps at most (largest threshold
 * + 1) matches or values per group, so its counts saturate there; KQL's are exact: compared up to that.
 */
function deployed(c: Correlation, rows: readonly Record<string, unknown>[], query = compileCorrelation(c, 'kql'), now?: number): string[] {
  const column = { event_count: 'event_count', value_count: 'value_count', temporal: 'rule_count' }[c.type];
  const cap = Math.max(...Object.values(c.condition)) + 1;
  return runKqlCorrelation(query, { SigninLogs: { columns: KQL_TABLES.SigninLogs, rows: [...rows] } }, now === undefined ? {} : { now })
    .map((r) => JSON.stringify([...c.bases[0]!.groupBy.map((g) => r[g]), r['TimeGenerated'], Math.min(Number(r[column]), cap)]))
    .sort();
}

/** Spray-like rows: `users` distinct users from `ip`, one a minute from `start`. */
const spraying = (start: number, users: number, ip: string, prefix = 'user') =>
  Array.from({ length: users }, (_, i) => row(start + i * MIN, `${prefix}${i}@contoso.com`, ip));

describe('the catalog password spray in KQL', () => {
  it('compiles to the base rule query, a count of distinct users per IP and 30-minute bin, and a where on the count', () => {
    expect(compileCorrelation(spray, 'kql')).toBe(
      [
        'SigninLogs',
        '| where ResultType in~ ("50126", "50053")',
        '| where isnotempty(IPAddress)',
        '| summarize value_count = count_distinctif(UserPrincipalName, isnotempty(UserPrincipalName)) by IPAddress, bin(TimeGenerated, 30m)',
        '| where value_count >= 10',
      ].join('\n'),
    );
  });

  it('parses and binds against the SigninLogs schema (Kusto.Language)', () => {
    const query = compileCorrelation(spray, 'kql');
    expect(checkKql(query)).toEqual([]);
    expect(checkKql(scheduledCorrelationQuery(spray, query).query)).toEqual([]);
  });

  it('finds in Log Analytics what the engine finds with tumbling windows', () => {
    const rows = [
      ...spraying(T0 + 5 * MIN, 12, '203.0.113.7'),
      // A spray across the 09:30 boundary: 6 users before it, 6 after; neither bin has 10.
      ...spraying(T0 + 24 * MIN, 12, '198.51.100.9', 'other'),
      // The same user many times is one value; a success is no base-rule match; an empty user is no value.
      ...Array.from({ length: 15 }, (_, i) => row(T0 + i * MIN, 'alice@contoso.com', '192.0.2.1')),
      ...spraying(T0, 12, '192.0.2.2').map((r) => ({ ...r, ResultType: '0' })),
      ...Array.from({ length: 12 }, (_, i) => row(T0 + i * MIN, '', '192.0.2.3')),
      // No IP address: no group.
      ...spraying(T0, 12, ''),
      // Lock-outs (50053) count with wrong passwords.
      ...spraying(T0 + 60 * MIN, 5, '192.0.2.4').concat(spraying(T0 + 70 * MIN, 5, '192.0.2.4', 'locked').map((r) => ({ ...r, ResultType: '50053' }))),
    ];
    const expected = reference(spray, rows);
    // 12 distinct users at 203.0.113.7: the engine stops counting at 11 (the threshold is 10).
    expect(expected).toEqual([JSON.stringify(['192.0.2.4', iso(T0 + 60 * MIN), 10]), JSON.stringify(['203.0.113.7', iso(T0), 11])]);
    expect(runKqlCorrelation(compileCorrelation(spray, 'kql'), { SigninLogs: { columns: KQL_TABLES.SigninLogs, rows } }).map((r) => r['value_count'])).toEqual([
      12, 10,
    ]);
    expect(deployed(spray, rows)).toEqual(expected);
  });

  it('deploys as a scheduled query rule that judges the last complete bin, once per timespan', () => {
    const query = compileCorrelation(spray, 'kql');
    const scheduled = scheduledCorrelationQuery(spray, query);
    expect(scheduled).toEqual({
      query: `${query}\n| where TimeGenerated == bin(now(), 30m) - 30m`,
      evaluationFrequency: 'PT30M',
      windowSize: 'PT30M',
      overrideQueryTimeRange: 'PT1H',
    });
    const rows = [...spraying(T0 + 5 * MIN, 12, '203.0.113.7'), ...spraying(T0 + 62 * MIN, 11, '198.51.100.9')];
    // Evaluations every 30 minutes, at an arbitrary phase, each reading the hour before it.
    const alerts = Array.from({ length: 8 }, (_, k) => T0 + 7 * MIN + k * 30 * MIN).flatMap((now) =>
      deployed(
        spray,
        rows.filter((r) => Date.parse(String(r['TimeGenerated'])) >= now - 60 * MIN && Date.parse(String(r['TimeGenerated'])) < now),
        scheduled.query,
        now,
      ),
    );
    expect(alerts.sort()).toEqual(reference(spray, rows));
  });

  it('is what the Azure program deploys: one scheduled query rule with the timespan as frequency and window', () => {
    expect(azureKqlCorrelationAlerts(correlations)).toEqual([
      {
        id: 'azure-password-spray',
        title: spray.title,
        level: 'high',
        query: scheduledCorrelationQuery(spray, compileCorrelation(spray, 'kql')).query,
        schedule: { evaluationFrequency: 'PT30M', windowSize: 'PT30M', overrideQueryTimeRange: 'PT1H' },
      },
    ]);
  });
});

describe('other correlations in KQL', () => {
  const failed = signinRule('failed-password', ['50126']);
  const locked = signinRule('locked-out', ['50053']);

  it('event_count: count() per group and bin, a range condition ANDed', () => {
    const c = correlationOver([failed], { groupBy: ['UserPrincipalName'], timespan: '10m', condition: { gte: 3, lt: 6 } });
    const query = compileCorrelation(c, 'kql');
    expect(query.split('\n').slice(-2)).toEqual([
      '| summarize event_count = count() by UserPrincipalName, bin(TimeGenerated, 10m)',
      '| where event_count >= 3 and event_count < 6',
    ]);
    expect(checkKql(query)).toEqual([]);
    const rows = [
      ...Array.from({ length: 4 }, (_, i) => row(T0 + i * MIN, 'alice@contoso.com', `192.0.2.${i}`)),
      ...Array.from({ length: 8 }, (_, i) => row(T0 + i * MIN, 'bob@contoso.com', '192.0.2.1')),
      ...Array.from({ length: 3 }, (_, i) => row(T0 + 9 * MIN + i * MIN, 'carol@contoso.com', '192.0.2.1')),
    ];
    expect(reference(c, rows)).toEqual([JSON.stringify(['alice@contoso.com', iso(T0), 4])]);
    expect(deployed(c, rows)).toEqual(reference(c, rows));
  });

  it('several base rules: the union of their queries, counted together', () => {
    const c = correlationOver([failed, locked], { groupBy: ['IPAddress'], timespan: '15m', condition: { gte: 4 } });
    const query = compileCorrelation(c, 'kql');
    expect(query.startsWith('union\n(SigninLogs\n| where ResultType =~ "50126"\n| where isnotempty(IPAddress)),\n(SigninLogs\n')).toBe(true);
    expect(checkKql(query)).toEqual([]);
    const rows = [
      ...Array.from({ length: 2 }, (_, i) => row(T0 + i * MIN, `a${i}@contoso.com`, '192.0.2.1')),
      ...Array.from({ length: 2 }, (_, i) => row(T0 + (5 + i) * MIN, `b${i}@contoso.com`, '192.0.2.1', '50053')),
      ...Array.from({ length: 3 }, (_, i) => row(T0 + i * MIN, `c${i}@contoso.com`, '192.0.2.2', '50053')),
    ];
    expect(reference(c, rows)).toEqual([JSON.stringify(['192.0.2.1', iso(T0), 4])]);
    expect(deployed(c, rows)).toEqual(reference(c, rows));
  });

  it('temporal: each base rule tags its rows with its id, and the distinct ids are counted', () => {
    const c = correlationOver([failed, locked], { type: 'temporal', groupBy: ['UserPrincipalName'], timespan: '1h', condition: { gte: 2 } });
    const query = compileCorrelation(c, 'kql');
    expect(query).toContain('| extend rule_id = "failed-password"');
    expect(query).toContain('| summarize rule_count = count_distinct(rule_id) by UserPrincipalName, bin(TimeGenerated, 1h)');
    expect(checkKql(query)).toEqual([]);
    const rows = [
      row(T0, 'alice@contoso.com', '192.0.2.1'),
      row(T0 + 50 * MIN, 'alice@contoso.com', '192.0.2.1', '50053'),
      row(T0, 'bob@contoso.com', '192.0.2.1'),
      row(T0 + 5 * MIN, 'bob@contoso.com', '192.0.2.1'),
    ];
    expect(reference(c, rows)).toEqual([JSON.stringify(['alice@contoso.com', iso(T0), 2])]);
    expect(deployed(c, rows)).toEqual(reference(c, rows));
  });

  it('refuses what KQL bins cannot hold as the engine does: a timespan that does not divide a day, a field that is not a string column', () => {
    const reason = (c: Correlation) => {
      try {
        compileCorrelation(c, 'kql');
      } catch (error) {
        if (error instanceof CompileError) return error.reason;
        throw error;
      }
      return 'compiled';
    };
    expect(reason(correlationOver([failed], { groupBy: ['IPAddress'], timespan: '7m', condition: { gte: 2 } }))).toMatch(/^timespan 7m does not divide a day/);
    expect(reason(correlationOver([failed], { groupBy: ['IPAddress'], timespan: '2d', condition: { gte: 2 } }))).toMatch(/^timespan 2d does not divide a day/);
    expect(reason(correlationOver([failed], { groupBy: ['IsInteractive'], condition: { gte: 2 } }))).toBe(
      'group-by field IsInteractive is a bool column of SigninLogs; correlations group and count string columns only',
    );
    expect(reason(correlationOver([failed], { groupBy: ['LocationDetails.city'], condition: { gte: 2 } }))).toBe(
      'group-by field LocationDetails.city is not a column of SigninLogs',
    );
  });

  it('refuses to deploy a timespan under a minute: a scheduled query rule runs every whole number of minutes', () => {
    const c = correlationOver([failed], { groupBy: ['IPAddress'], timespan: '30s', condition: { gte: 2 }, targets: ['kql'] });
    expect(checkKql(compileCorrelation(c, 'kql'))).toEqual([]);
    expect(() => azureKqlCorrelationAlerts([c])).toThrow(
      /correlation test-correlation \(test-correlation\.yml\): cannot be deployed as a scheduled query rule: timespan 30s is not a whole number of minutes/,
    );
  });
});

describe('targets that cannot count', () => {
  const recon = correlations.find((c) => c.id === 'aws-recon-burst')!;

  it.each([
    [
      'cloudwatch',
      /a metric filter publishes a number per matching event, and a metric cannot count the distinct values of a field per group\. Run it with guardrails detect/,
    ],
    ['eventbridge', /an EventBridge event pattern matches one event at a time and keeps nothing between events, so it cannot count them/],
  ] as const)('%s refuses the AWS recon burst (value_count) with the reason', (target, message) => {
    expect(() => compileCorrelation(recon, target)).toThrow(CompileError);
    expect(() => compileCorrelation(recon, target)).toThrow(message);
  });

  it('gcp refuses a value_count GCP correlation with the reason, and a target that does not read the logs says so first', () => {
    const bulk = correlations.find((c) => c.id === 'gcp-bulk-secret-access')!;
    const distinct: Correlation = { ...bulk, type: 'value_count', field: 'protoPayload.resourceName' };
    expect(() => compileCorrelation(distinct, 'gcp')).toThrow(
      /a log-based counter metric counts entries, and cannot count the distinct values of a field per group/,
    );
    expect(() => compileCorrelation(recon, 'kql')).toThrow(/kql does not read aws logs \(base rule aws-read-only-api-call\)/);
    expect(() => compileCorrelation(spray, 'cloudwatch')).toThrow(/cloudwatch does not read azure logs/);
  });

  it('a deployment that lists a target it cannot compile to is a one-line config error', () => {
    expect(() => compileCorrelationForDeployment({ ...recon, targets: ['eventbridge'] }, 'eventbridge')).toThrow(
      /^correlation aws-recon-burst \(detections\/aws\/aws-recon-burst\.yml\): cannot compile to eventbridge with this config: an EventBridge event pattern/,
    );
  });
});
