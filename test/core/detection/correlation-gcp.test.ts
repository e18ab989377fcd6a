/**
 * Correlations compiled to Google Cloud (core/detection/compilers/gcp-correlation.ts): the log-based
 * metric (filter, label extractors) and the alert condition (alignment, reducer, group-by, comparison),
 * the refusals, and an oracle of the deployed form: generated base-rule entries through the independent
 * Logging query evaluator (targets/gcp-query-evaluator.ts), each counted with its label values as
 * EXTRACT(field) gives them ("" when the extraction fails: LogMetric label_extractors,
 * https://cloud.google.com/logging/docs/reference/v2/rest/v2/projects.metrics), per one-minute sample (a
 * log-based metric is a DELTA counter); then, at each minute's evaluation, ALIGN_SUM over the look-back
 * alignment period ("at 1:00 PM, the alignment period contains the samples received between 12:55 PM and
 * 1:00 PM": https://cloud.google.com/monitoring/alerts/concepts-indepth), REDUCE_SUM per groupByFields
 * label, and the comparison with the threshold. It must equal detect's sliding window on events inside
 * one period and on a burst across a fixed boundary; it differs from it by the minute resolution.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileCorrelation, compileMetricCorrelation, compileRule, loadCatalogWithCorrelations } from '../../../core/detection/catalog.ts';
import { CompileError } from '../../../core/detection/compilers/compile-error.ts';
import { type GcpCorrelation, labelKey } from '../../../core/detection/compilers/gcp-correlation.ts';
import { type Correlation, evaluateCorrelations, type TimedMatch } from '../../../core/detection/correlation.ts';
import { compileGcpQuery } from '../../../core/detection/targets/gcp-query-evaluator.ts';
import { exampleModel } from '../../helpers/config.ts';
import { iso, MIN, T0 } from '../../helpers/correlations.ts';
import { steeredEvents } from '../../helpers/event-generators.ts';

const { correlations } = loadCatalogWithCorrelations(exampleModel());
const bulk = correlations.find((c) => c.id === 'gcp-bulk-secret-access')!;
const base = bulk.bases[0]!.rule;

const PRINCIPALS = ['app@acme-prod.iam.gserviceaccount.com', 'alice@acme.example', 'ci@acme-build.iam.gserviceaccount.com'];

/** A LogEntry at `t` whose body is `entry`, by `principal` (undefined: no principalEmail). */
const at = (entry: Record<string, unknown>, t: number, principal: string | undefined): Record<string, unknown> => {
  const payload = { ...((entry['protoPayload'] as Record<string, unknown> | undefined) ?? {}) };
  const authentication = { ...((payload['authenticationInfo'] as Record<string, unknown> | undefined) ?? {}) };
  if (principal === undefined) delete authentication['principalEmail'];
  else authentication['principalEmail'] = principal;
  return { ...entry, timestamp: iso(t), protoPayload: { ...payload, authenticationInfo: authentication } };
};

const walk = (entry: Record<string, unknown>, path: string): unknown =>
  path.split('.').reduce<unknown>((node, key) => (node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), entry);

/** EXTRACT(field): the field's value as text; a failed extraction is a string label's default, "". */
const extract = (entry: Record<string, unknown>, extractor: string): string => {
  const m = /^EXTRACT\(([\w.]+)\)$/.exec(extractor);
  if (!m) throw new Error(`not an extractor this oracle reads: ${extractor}`);
  const value = walk(entry, m[1]!);
  return value === undefined || value === null || typeof value === 'object' ? '' : String(value);
};

/** The groups (label values) the alert policy opens an incident for, evaluated at the end of every minute of the entries. */
function deployed(compiled: GcpCorrelation, entries: readonly Record<string, unknown>[]): string[] {
  const [aggregation] = compiled.condition.aggregations;
  expect(compiled.condition.filter).toBe(`metric.type="logging.googleapis.com/user/${compiled.metricName}"`);
  expect([aggregation!.perSeriesAligner, aggregation!.crossSeriesReducer, compiled.condition.comparison]).toEqual(['ALIGN_SUM', 'REDUCE_SUM', 'COMPARISON_GT']);
  const period = Number(/^(\d+)s$/.exec(aggregation!.alignmentPeriod)![1]) * 1000;
  const keys = aggregation!.groupByFields.map((f) => /^metric\.label\.(\w+)$/.exec(f)![1]!);
  const extractors = keys.map((k) => compiled.labels.find((l) => l.key === k)!.extractor);
  const matches = compileGcpQuery(compiled.filter);
  // One-minute samples of the counter, per label set.
  const samples: { minute: number; group: string }[] = entries
    .filter((e) => matches(e))
    .map((e) => ({ minute: Math.floor(Date.parse(String(e['timestamp'])) / MIN) * MIN, group: JSON.stringify(extractors.map((x) => extract(e, x))) }));
  const found = new Set<string>();
  const minutes = [...new Set(samples.map((s) => s.minute))];
  for (const now of minutes.flatMap((m) => Array.from({ length: period / MIN }, (_, k) => m + (k + 1) * MIN))) {
    const sums = new Map<string, number>();
    for (const s of samples) if (s.minute >= now - period && s.minute < now) sums.set(s.group, (sums.get(s.group) ?? 0) + 1);
    for (const [group, sum] of sums) if (sum > compiled.condition.thresholdValue) found.add(group);
  }
  return [...found].sort();
}

/** The groups detect reports (sliding window). */
function engine(c: Correlation, entries: readonly Record<string, unknown>[]): string[] {
  const matches: TimedMatch[] = entries.flatMap((e) =>
    c.bases.filter((b) => b.rule.matches(e)).map((b) => ({ rule: b.rule.rule.id, time: Date.parse(String(e['timestamp'])), event: e })),
  );
  return [...new Set(evaluateCorrelations([c], matches).map((m) => JSON.stringify(Object.values(m.group))))].sort();
}

const generated = steeredEvents(base.expr, 'gcp');
const matching = generated.filter((e) => base.matches(at(e, T0, PRINCIPALS[0])));

describe('the catalog bulk secret access in Google Cloud', () => {
  const compiled = compileMetricCorrelation(bulk, 'gcp');

  it('is a counter on the base rule labelled with the principal, and a threshold per principal over a 10-minute alignment period', () => {
    expect(compiled).toEqual({
      target: 'gcp',
      metricName: 'gcp-bulk-secret-access',
      filter: `(${compileRule(base, 'gcp') as string}) AND protoPayload.authenticationInfo.principalEmail:* AND NOT protoPayload.authenticationInfo.principalEmail=""`,
      labels: [
        {
          key: 'principal_email',
          field: 'protoPayload.authenticationInfo.principalEmail',
          extractor: 'EXTRACT(protoPayload.authenticationInfo.principalEmail)',
        },
      ],
      condition: {
        filter: 'metric.type="logging.googleapis.com/user/gcp-bulk-secret-access"',
        aggregations: [
          { alignmentPeriod: '600s', perSeriesAligner: 'ALIGN_SUM', crossSeriesReducer: 'REDUCE_SUM', groupByFields: ['metric.label.principal_email'] },
        ],
        // gte 20 on whole counts: the API takes COMPARISON_GT only (and LT), so > 19.
        comparison: 'COMPARISON_GT',
        thresholdValue: 19,
        duration: '0s',
        trigger: { count: 1 },
      },
    });
    expect(JSON.parse(compileCorrelation(bulk, 'gcp'))).toEqual(compiled);
  });

  it('reads the secret accesses the example config logs: secretmanager.googleapis.com is a Data Access service', () => {
    expect(exampleModel().gcp!.dataAccessServices).toContain('secretmanager.googleapis.com');
  });

  it('alerts on the principals detect reports, on entries in one period (generated entries, matching and not, with and without a principal)', () => {
    expect(matching.length).toBeGreaterThan(0);
    expect(generated.length).toBeGreaterThan(matching.length);
    const entries = [
      ...Array.from({ length: 21 }, (_, i) => at(matching[i % matching.length]!, T0 + 5_000 + i * 20_000, PRINCIPALS[0])),
      ...Array.from({ length: 19 }, (_, i) => at(matching[i % matching.length]!, T0 + 7_000 + i * 25_000, PRINCIPALS[1])),
      ...Array.from({ length: 20 }, (_, i) => at(matching[i % matching.length]!, T0 + 9 * MIN - i * 20_000, PRINCIPALS[2])),
      ...generated.filter((e) => !matching.includes(e)).flatMap((e, i) => PRINCIPALS.map((p) => at(e, T0 + i * 1000, p))),
      ...Array.from({ length: 25 }, (_, i) => at(matching[i % matching.length]!, T0 + i * 10_000, undefined)),
      ...Array.from({ length: 25 }, (_, i) => at(matching[i % matching.length]!, T0 + i * 10_000, '')),
    ];
    const expected = engine(bulk, entries);
    expect(expected).toEqual([JSON.stringify([PRINCIPALS[0]]), JSON.stringify([PRINCIPALS[2]])]);
    expect(deployed(compiled, entries)).toEqual(expected);
  });

  it('agrees with detect on random accesses inside one period (property)', () => {
    // Weighted to the first principal and to matching entries, so that some runs cross the threshold and some do not.
    const read = fc.record({
      entry: fc.oneof(fc.constantFrom(...matching), fc.constantFrom(...generated)),
      principal: fc.constantFrom(PRINCIPALS[0], PRINCIPALS[0], PRINCIPALS[0], PRINCIPALS[1], undefined, ''),
      offset: fc.integer({ min: 0, max: 600_000 - 1 }),
    });
    const outcomes = { alert: 0, quiet: 0 };
    fc.assert(
      fc.property(fc.array(read, { minLength: 15, maxLength: 80, size: 'max' }), (reads) => {
        const entries = reads.map((r) => at(r.entry, T0 + r.offset, r.principal));
        const found = engine(bulk, entries);
        expect(deployed(compiled, entries)).toEqual(found);
        outcomes[found.length ? 'alert' : 'quiet']++;
      }),
      { numRuns: 60, seed: 14 },
    );
    expect(outcomes.alert).toBeGreaterThan(5);
    expect(outcomes.quiet).toBeGreaterThan(5);
  });

  it('finds a burst split by a fixed 10-minute boundary, as detect does (the look-back window slides)', () => {
    const burst = [
      ...Array.from({ length: 12 }, (_, i) => at(matching[0]!, T0 + 5 * MIN + i * 25_000, PRINCIPALS[1])),
      ...Array.from({ length: 12 }, (_, i) => at(matching[0]!, T0 + 10 * MIN + i * 20_000, PRINCIPALS[1])),
    ];
    expect(engine(bulk, burst)).toEqual([JSON.stringify([PRINCIPALS[1]])]);
    expect(deployed(compiled, burst)).toEqual([JSON.stringify([PRINCIPALS[1]])]);
  });

  it('misses a burst of 20 in 9m50s that spans 11 one-minute samples (the metric resolution), which detect finds', () => {
    // 09:00:50, then 18 reads through 09:09:59, then 09:10:40: no 10-minute look-back window of whole samples holds all 20.
    const burst = [
      at(matching[0]!, T0 + 50_000, PRINCIPALS[0]),
      ...Array.from({ length: 18 }, (_, i) => at(matching[0]!, T0 + MIN + i * 30_000, PRINCIPALS[0])),
      at(matching[0]!, T0 + 10 * MIN + 40_000, PRINCIPALS[0]),
    ];
    expect(engine(bulk, burst)).toEqual([JSON.stringify([PRINCIPALS[0]])]);
    expect(deployed(compiled, burst)).toEqual([]);
  });
});

describe('other correlations in Google Cloud', () => {
  const with_ = (spec: Partial<Correlation>): Correlation => ({ ...bulk, ...spec });

  it('gt N is COMPARISON_GT N; two group-by fields are two labels summed together', () => {
    const c = with_({
      condition: { gt: 5 },
      bases: [{ ...bulk.bases[0]!, groupBy: ['protoPayload.authenticationInfo.principalEmail', 'protoPayload.requestMetadata.callerIp'] }],
    });
    const compiled = compileMetricCorrelation(c, 'gcp');
    expect(compiled.condition).toMatchObject({ comparison: 'COMPARISON_GT', thresholdValue: 5 });
    expect(compiled.labels.map((l) => [l.key, l.extractor])).toEqual([
      ['principal_email', 'EXTRACT(protoPayload.authenticationInfo.principalEmail)'],
      ['caller_ip', 'EXTRACT(protoPayload.requestMetadata.callerIp)'],
    ]);
    expect(compiled.condition.aggregations[0]!.groupByFields).toEqual(['metric.label.principal_email', 'metric.label.caller_ip']);
  });

  it('label keys are the last path segment in snake case', () => {
    expect(labelKey('protoPayload.authenticationInfo.principalEmail')).toBe('principal_email');
    expect(labelKey('resource.labels.project_id')).toBe('project_id');
  });

  it.each([
    [{ type: 'value_count' as const, field: 'protoPayload.resourceName' }, /cannot count the distinct values of a field per group/],
    [{ type: 'temporal' as const }, /cannot tell which base rules matched per group/],
    [{ condition: { lte: 3 } }, /only one gt or gte can be judged/],
    [{ condition: { gt: 3, lt: 9 } }, /only one gt or gte can be judged/],
    [{ timespan: { text: '30s', ms: 30_000 } }, /timespan 30s is not an alignment period an alerting policy takes \(whole seconds from 60 to 90000\)/],
    [{ timespan: { text: '2d', ms: 172_800_000 } }, /timespan 2d is not an alignment period/],
  ])('refuses %j with the reason', (spec, message) => {
    expect(() => compileMetricCorrelation(with_(spec), 'gcp')).toThrow(CompileError);
    expect(() => compileMetricCorrelation(with_(spec), 'gcp')).toThrow(message);
  });
});
