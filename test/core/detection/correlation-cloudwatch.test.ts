/**
 * Correlations compiled to CloudWatch (core/detection/compilers/cloudwatch-correlation.ts): the metric
 * filter (pattern, dimensions), the Metrics Insights query, period, threshold and operator; the refusals;
 * and an oracle of the deployed form: generated base-rule events through the independent filter-pattern
 * evaluator (targets/cloudwatch-pattern-evaluator.ts), the dimensions read from each matching event, and
 * a per-period, per-group SUM as the Metrics Insights query page defines it ("SUM calculates the sum of the
 * observations" in "each time bucket (determined by the provided period)", GROUP BY "returns ... a separate
 * time series for each unique combination" of the keys:
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch-metrics-insights-querylanguage.html),
 * judged by the alarm's operator and threshold, each group a contributor
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/multi-time-series-alarm.html).
 * It must equal the engine's tumbling window, and detect's sliding window on events inside one period;
 * a burst across a period boundary is where they differ.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileCorrelation, compileMetricCorrelation, compileRule, loadCatalogWithCorrelations } from '../../../core/detection/catalog.ts';
import { type CloudWatchCorrelation, metricsInsightsQuery } from '../../../core/detection/compilers/cloudwatch-correlation.ts';
import { CompileError } from '../../../core/detection/compilers/compile-error.ts';
import { type Correlation, evaluateCorrelations, type TimedMatch } from '../../../core/detection/correlation.ts';
import { compileCloudWatchPattern } from '../../../core/detection/targets/cloudwatch-pattern-evaluator.ts';
import { exampleModel } from '../../helpers/config.ts';
import { cloudtrailRule, correlationOver, iso, MIN, T0 } from '../../helpers/correlations.ts';
import { steeredEvents } from '../../helpers/event-generators.ts';

const { correlations } = loadCatalogWithCorrelations(exampleModel());
const bulk = correlations.find((c) => c.id === 'aws-bulk-secret-retrieval')!;
const NAMESPACE = 'CloudApiGuardrails';

const ARNS = ['arn:aws:sts::111122223333:assumed-role/app/i-0abc', 'arn:aws:iam::111122223333:user/alice', 'arn:aws:sts::111122223333:assumed-role/ci/run-7'];

/**
 * A CloudTrail record at `t` whose body is `event`, by `arn` (undefined: no userIdentity.arn). The generator
 * writes `withDecryption` as text; CloudTrail writes the request parameter as a JSON boolean
 * (https://docs.aws.amazon.com/systems-manager/latest/userguide/monitoring-cloudtrail-logs.html), which is
 * what the base rule's `IS TRUE` tests, so the text is made the boolean it spells.
 */
const at = (event: Record<string, unknown>, t: number, arn: string | undefined): Record<string, unknown> => {
  const identity = { ...((event['userIdentity'] as Record<string, unknown> | undefined) ?? {}) };
  if (arn === undefined) delete identity['arn'];
  else identity['arn'] = arn;
  const parameters = event['requestParameters'] as Record<string, unknown> | undefined;
  const decryption = parameters?.['withDecryption'];
  const typed = typeof decryption === 'string' ? { requestParameters: { ...parameters, withDecryption: decryption.toLowerCase() === 'true' } } : {};
  return { ...event, ...typed, eventTime: iso(t), userIdentity: identity };
};

const walk = (event: Record<string, unknown>, selector: string): unknown =>
  selector
    .replace(/^\$\./, '')
    .split('.')
    .reduce<unknown>((node, key) => (node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), event);

/**
 * What the deployed metric filter and alarm raise on the events: (group, period start) of every
 * contributor in ALARM. The GROUP BY keys are read back from the query text the alarm runs.
 */
function deployed(compiled: CloudWatchCorrelation, events: readonly Record<string, unknown>[]): string[] {
  const query = metricsInsightsQuery(compiled, NAMESPACE);
  const m = /^SELECT SUM\("([^"]+)"\) FROM SCHEMA\("([^"]+)"((?:, \w+)*)\)(?: GROUP BY (\w+(?:, \w+)*))?$/.exec(query);
  if (!m) throw new Error(`not a query this oracle reads: ${query}`);
  expect([m[1], m[2]]).toEqual([compiled.metricName, NAMESPACE]);
  const groupBy = m[4]?.split(', ') ?? [];
  const matches = compileCloudWatchPattern(compiled.filterPattern);
  const period = compiled.periodSeconds * 1000;
  const sums = new Map<string, number>();
  for (const e of events) {
    if (!matches(e)) continue;
    // The filter publishes metricValue 1 with each dimension's value taken from its selector.
    const dims = groupBy.map((d) => String(walk(e, compiled.dimensions[d]!)));
    const bucket = Math.floor(Date.parse(String(e['eventTime'])) / period) * period;
    const key = JSON.stringify([...dims, iso(bucket)]);
    sums.set(key, (sums.get(key) ?? 0) + 1);
  }
  const breaching = (sum: number) => (compiled.comparisonOperator === 'GreaterThanOrEqualToThreshold' ? sum >= compiled.threshold : sum > compiled.threshold);
  return [...sums]
    .filter(([, sum]) => breaching(sum))
    .map(([key]) => key)
    .sort();
}

/** What the engine finds: (group, window start) per correlation match; `sliding` window starts are reported as the period they fall in. */
function engine(c: Correlation, events: readonly Record<string, unknown>[], window: 'sliding' | 'tumbling'): string[] {
  const matches: TimedMatch[] = events.flatMap((e) =>
    c.bases.filter((b) => b.rule.matches(e)).map((b) => ({ rule: b.rule.rule.id, time: Date.parse(String(e['eventTime'])), event: e })),
  );
  const period = c.timespan.ms;
  return [
    ...new Set(
      evaluateCorrelations([c], matches, { window }).map((m) =>
        JSON.stringify([...Object.values(m.group), iso(Math.floor((window === 'tumbling' ? m.windowStart : m.last) / period) * period)]),
      ),
    ),
  ].sort();
}

const base = bulk.bases[0]!.rule;
/** Generated events of the base rule (meant to match and meant not to), with the fields filled from the catalog's vocabulary. */
const generated = steeredEvents(base.expr, 'aws');
const matching = generated.filter((e) => base.matches(at(e, T0, ARNS[0])));

describe('the catalog bulk secret retrieval in CloudWatch', () => {
  const compiled = compileMetricCorrelation(bulk, 'cloudwatch');

  it('is a metric filter on the base rule with the ARN as its one dimension, and a Metrics Insights alarm per ARN over 10-minute periods', () => {
    expect(compiled).toEqual({
      target: 'cloudwatch',
      filterPattern: `{ ${(compileRule(base, 'cloudwatch') as string).slice(2, -2)} && ($.userIdentity.arn = *) && ($.userIdentity.arn != "") }`,
      metricName: 'aws-bulk-secret-retrieval',
      dimensions: { userIdentity_arn: '$.userIdentity.arn' },
      periodSeconds: 600,
      threshold: 20,
      comparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    expect(metricsInsightsQuery(compiled, NAMESPACE)).toBe(
      'SELECT SUM("aws-bulk-secret-retrieval") FROM SCHEMA("CloudApiGuardrails", userIdentity_arn) GROUP BY userIdentity_arn',
    );
    // `guardrails rules` prints the same form.
    expect(JSON.parse(compileCorrelation(bulk, 'cloudwatch'))).toEqual(compiled);
  });

  it('counts what the engine counts, per ARN, in one period (generated events, matching and not, with and without an ARN)', () => {
    expect(matching.length).toBeGreaterThan(0);
    expect(generated.length).toBeGreaterThan(matching.length);
    // 25 matching reads by the first ARN, 19 by the second, 20 by the third, plus every generated event by each, and reads with no or an empty ARN.
    const events = [
      ...Array.from({ length: 25 }, (_, i) => at(matching[i % matching.length]!, T0 + 5_000 + i * 20_000, ARNS[0])),
      ...Array.from({ length: 19 }, (_, i) => at(matching[i % matching.length]!, T0 + 7_000 + i * 25_000, ARNS[1])),
      ...Array.from({ length: 20 }, (_, i) => at(matching[i % matching.length]!, T0 + 9 * MIN - i * 20_000, ARNS[2])),
      ...generated.filter((e) => !matching.includes(e)).flatMap((e, i) => ARNS.map((arn) => at(e, T0 + i * 1000, arn))),
      ...Array.from({ length: 25 }, (_, i) => at(matching[i % matching.length]!, T0 + i * 10_000, undefined)),
      ...Array.from({ length: 25 }, (_, i) => at(matching[i % matching.length]!, T0 + i * 10_000, '')),
    ];
    const expected = engine(bulk, events, 'tumbling');
    expect(expected).toEqual([JSON.stringify([ARNS[0], iso(T0)]), JSON.stringify([ARNS[2], iso(T0)])]);
    expect(deployed(compiled, events)).toEqual(expected);
    // Inside one period the fixed period and detect's sliding window agree.
    expect(engine(bulk, events, 'sliding')).toEqual(expected);
  });

  it('agrees with the engine on random reads inside one period (property)', () => {
    // Weighted to the first ARN and to matching events, so that some runs cross the threshold and some do not.
    const read = fc.record({
      event: fc.oneof(fc.constantFrom(...matching), fc.constantFrom(...generated)),
      arn: fc.constantFrom(ARNS[0], ARNS[0], ARNS[0], ARNS[1], undefined, ''),
      offset: fc.integer({ min: 0, max: 600_000 - 1 }),
    });
    const outcomes = { alarm: 0, quiet: 0 };
    fc.assert(
      fc.property(fc.array(read, { minLength: 15, maxLength: 80, size: 'max' }), (reads) => {
        const events = reads.map((r) => at(r.event, T0 + r.offset, r.arn));
        const expected = engine(bulk, events, 'tumbling');
        expect(deployed(compiled, events)).toEqual(expected);
        expect(engine(bulk, events, 'sliding')).toEqual(expected);
        outcomes[expected.length ? 'alarm' : 'quiet']++;
      }),
      { numRuns: 60, seed: 14 },
    );
    expect(outcomes.alarm).toBeGreaterThan(5);
    expect(outcomes.quiet).toBeGreaterThan(5);
  });

  it('misses a burst split by a period boundary that detect finds (fixed periods, not a sliding window)', () => {
    // 12 reads in the five minutes before 09:10 and 12 in the four after: 24 within ten minutes, 12 in each period.
    const burst = [
      ...Array.from({ length: 12 }, (_, i) => at(matching[0]!, T0 + 5 * MIN + i * 25_000, ARNS[1])),
      ...Array.from({ length: 12 }, (_, i) => at(matching[0]!, T0 + 10 * MIN + i * 20_000, ARNS[1])),
    ];
    expect(engine(bulk, burst, 'sliding')).toEqual([JSON.stringify([ARNS[1], iso(T0 + 10 * MIN)])]);
    expect(engine(bulk, burst, 'tumbling')).toEqual([]);
    expect(deployed(compiled, burst)).toEqual([]);
  });
});

describe('other correlations in CloudWatch', () => {
  const rule = cloudtrailRule('describe-call', 'Describe');

  it('gt is GreaterThanThreshold; the period is the timespan in seconds; no group-by is one time series', () => {
    const c = correlationOver([rule], { groupBy: [], timespan: '1h', condition: { gt: 100 } });
    const compiled = compileMetricCorrelation(c, 'cloudwatch');
    expect(compiled).toMatchObject({ periodSeconds: 3600, threshold: 100, comparisonOperator: 'GreaterThanThreshold', dimensions: {} });
    expect(compiled.filterPattern).toBe('{ ($.eventName = "Describe*") }');
    expect(metricsInsightsQuery(compiled, 'Acme')).toBe('SELECT SUM("test-correlation") FROM SCHEMA("Acme")');
  });

  it('two group-by fields are two dimensions, each required present and non-empty', () => {
    const c = correlationOver([rule], { groupBy: ['userIdentity.arn', 'sourceIPAddress'], timespan: '5m', condition: { gte: 3 } });
    const compiled = compileMetricCorrelation(c, 'cloudwatch');
    expect(compiled.dimensions).toEqual({ userIdentity_arn: '$.userIdentity.arn', sourceIPAddress: '$.sourceIPAddress' });
    expect(metricsInsightsQuery(compiled, NAMESPACE)).toBe(
      'SELECT SUM("test-correlation") FROM SCHEMA("CloudApiGuardrails", userIdentity_arn, sourceIPAddress) GROUP BY userIdentity_arn, sourceIPAddress',
    );
    const events = [
      ...Array.from({ length: 3 }, (_, i) => ({
        eventName: 'DescribeInstances',
        eventTime: iso(T0 + i * MIN),
        userIdentity: { arn: ARNS[0] },
        sourceIPAddress: '198.51.100.7',
      })),
      ...Array.from({ length: 3 }, (_, i) => ({
        eventName: 'DescribeInstances',
        eventTime: iso(T0 + i * MIN),
        userIdentity: { arn: ARNS[0] },
        sourceIPAddress: '',
      })),
      ...Array.from({ length: 2 }, (_, i) => ({
        eventName: 'DescribeVpcs',
        eventTime: iso(T0 + i * MIN),
        userIdentity: { arn: ARNS[1] },
        sourceIPAddress: '198.51.100.7',
      })),
    ];
    expect(deployed(compiled, events)).toEqual([JSON.stringify([ARNS[0], '198.51.100.7', iso(T0)])]);
    expect(deployed(compiled, events)).toEqual(engine(c, events, 'tumbling'));
  });

  it.each([
    [{ type: 'value_count' as const, field: 'eventName', condition: { gte: 3 } }, /a metric cannot count the distinct values of a field per group/],
    [{ type: 'temporal' as const, condition: { gte: 1 } }, /a metric cannot tell which base rules matched per group/],
    [{ condition: { lt: 3 } }, /only one gt or gte can be judged/],
    [{ condition: { gte: 3, lt: 10 } }, /only one gt or gte can be judged/],
    [{ timespan: '90s', condition: { gte: 3 } }, /timespan 90s is not a whole number of minutes up to 3h/],
    [{ timespan: '4h', condition: { gte: 3 } }, /timespan 4h is not a whole number of minutes up to 3h: .* the alarm reads the latest 3 hours only/],
    [
      { groupBy: ['userIdentity.arn', 'sourceIPAddress', 'userAgent', 'awsRegion'], condition: { gte: 3 } },
      /4 group-by fields, and a metric filter publishes at most 3 dimensions/,
    ],
  ])('refuses %j with the reason', (spec, message) => {
    const c = correlationOver([rule], spec);
    expect(() => compileMetricCorrelation(c, 'cloudwatch')).toThrow(CompileError);
    expect(() => compileMetricCorrelation(c, 'cloudwatch')).toThrow(message);
  });

  it('ORs the patterns of several base rules into one filter', () => {
    const other = cloudtrailRule('list-call', 'List');
    const c = correlationOver([rule, other], { timespan: '10m', condition: { gte: 5 } });
    const compiled = compileMetricCorrelation(c, 'cloudwatch');
    expect(compiled.filterPattern).toBe(
      '{ (($.eventName = "Describe*") || ($.eventName = "List*")) && ($.userIdentity.arn = *) && ($.userIdentity.arn != "") }',
    );
    const events = Array.from({ length: 6 }, (_, i) => ({
      eventName: i % 2 ? 'ListBuckets' : 'DescribeVpcs',
      eventTime: iso(T0 + i * MIN),
      userIdentity: { arn: ARNS[0] },
    }));
    expect(deployed(compiled, events)).toEqual(engine(c, events, 'tumbling'));
    expect(deployed(compiled, events)).toHaveLength(1);
  });
});
