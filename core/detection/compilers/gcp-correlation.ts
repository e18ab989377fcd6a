/**
 * Correlation -> Google Cloud: a log-based counter metric on the base rules' query, with one label per
 * group-by field extracted from the entry, and a Cloud Monitoring metric-threshold condition that sums
 * the metric per label over the timespan and compares each group with the threshold.
 *
 *   metric:    filter (<base query>) AND protoPayload.authenticationInfo.principalEmail:* AND NOT ...=""
 *              label principal_email = EXTRACT(protoPayload.authenticationInfo.principalEmail)
 *   condition: metric.type="logging.googleapis.com/user/gcp-bulk-secret-access"
 *              alignmentPeriod 600s, ALIGN_SUM, REDUCE_SUM by metric.label.principal_email, COMPARISON_GT 19
 *
 * From Google's references:
 * - Labels: "Labels let log-based metrics contain multiple time series—one for each combination of label
 *   values"; a label's value is "the entire contents of a named field in the LogEntry object"; up to 10
 *   user-defined labels per metric; "Each log-based metric is limited to about 30,000 active time series"
 *   (https://cloud.google.com/logging/docs/logs-based-metrics/labels). `EXTRACT(field)` is the extractor
 *   syntax, and an extraction that fails gives a string label the default value "" (LogMetric
 *   label_extractors / value_extractor, https://cloud.google.com/logging/docs/reference/v2/rest/v2/projects.metrics).
 *   The metric's filter requires the field present and non-empty, so no entry is counted under "": a
 *   match without a group-by value belongs to no group (correlation.ts).
 * - Label keys: a letter, then letters, digits or underscores (LabelDescriptor,
 *   https://cloud.google.com/monitoring/api/ref_v3/rest/v3/LabelDescriptor).
 * - Alignment then reduction: "Alignment consists of applying the per_series_aligner operation to each
 *   time series after its data has been divided into regular alignment_period time intervals", and the
 *   cross_series_reducer combines the aligned series "optionally sorting the time series into subsets
 *   with group_by_fields" (Aggregation, https://cloud.google.com/monitoring/api/ref_v3/rest/v3/projects.alertPolicies#Aggregation).
 *   ALIGN_SUM sums the DELTA counts of a period; REDUCE_SUM adds the series that share a label value (a
 *   log-based metric also has default labels and resource labels, which split one principal's counts).
 * - In an alerting policy the alignment period is a look-back window that slides with each evaluation:
 *   "at 1:00 PM, the alignment period contains the samples received between 12:55 PM and 1:00 PM. At
 *   1:01 PM, the alignment period slides one minute" (https://cloud.google.com/monitoring/alerts/concepts-indepth).
 *   So, unlike CloudWatch's fixed periods, it is close to the engine's `sliding` window, at the one-minute
 *   resolution of the metric's samples. Duration 0s: one aligned value past the threshold is enough.
 * - Comparison: "The Cloud Monitoring API only supports COMPARISON_LT and COMPARISON_GT for
 *   metric-threshold conditions" (MetricThreshold.comparison, as the Pulumi provider documents it after
 *   https://cloud.google.com/monitoring/api/ref_v3/rest/v3/projects.alertPolicies#MetricThreshold). The sums
 *   are whole counts, so `gte: N` is COMPARISON_GT N - 1 and `gt: N` is COMPARISON_GT N.
 * - The condition's filter "must specify the metric type and optionally may contain restrictions on
 *   resource type" (same page): the metric type alone, so every monitored resource the entries were
 *   written against is summed.
 *
 * Only event_count with one gt or gte is compiled, for the reasons cloudwatch-correlation.ts gives (a
 * counter counts entries, not distinct values or base rules; a group with no entries has no series).
 */
import type { Correlation } from '../correlation.ts';
import { CompileError } from './compile-error.ts';

/** LogMetric.filter: "The maximum length of the filter is 20000 characters" (projects.metrics reference). */
export const LOG_METRIC_FILTER_MAX_LENGTH = 20_000;
/** "You can create up to 10 user-defined labels per metric" (Configure labels on log-based metrics). */
export const LOG_METRIC_MAX_LABELS = 10;
/** Aggregation.alignment_period: "at least 60 seconds", and at most "90,000 seconds (25 hours) for alerting policies". */
export const ALIGNMENT_PERIOD_MIN_SECONDS = 60;
export const ALIGNMENT_PERIOD_MAX_SECONDS = 90_000;

export interface GcpMetricLabel {
  /** The label key (`principal_email`). */
  readonly key: string;
  /** The LogEntry field it is extracted from. */
  readonly field: string;
  /** `EXTRACT(<field>)`. */
  readonly extractor: string;
}

/** What the GCP program deploys for one correlation. */
export interface GcpCorrelation {
  readonly target: 'gcp';
  /** The log-based metric's name (the correlation id); its type is logging.googleapis.com/user/<name>. */
  readonly metricName: string;
  /** The metric's Logging filter: the base rules' queries ORed, and every group-by field present and non-empty. */
  readonly filter: string;
  readonly labels: readonly GcpMetricLabel[];
  /** The alert condition's threshold, compared with each group's sum over the alignment period. */
  readonly condition: GcpThresholdCondition;
}

/** A Cloud Monitoring MetricThreshold condition (AlertPolicy conditionThreshold), as the Pulumi provider takes it. */
export interface GcpThresholdCondition {
  readonly filter: string;
  readonly aggregations: readonly {
    readonly alignmentPeriod: string;
    readonly perSeriesAligner: 'ALIGN_SUM';
    readonly crossSeriesReducer: 'REDUCE_SUM';
    readonly groupByFields: readonly string[];
  }[];
  readonly comparison: 'COMPARISON_GT';
  readonly thresholdValue: number;
  readonly duration: '0s';
  readonly trigger: { readonly count: 1 };
}

/** The label key of a group-by field: its last segment in snake case (`principalEmail` -> `principal_email`). */
export function labelKey(field: string): string {
  const last = field.split('.').pop()!;
  return last
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9_]/g, '_')
    .toLowerCase();
}

const fieldPath = (field: string): string =>
  field
    .split('.')
    .map((k) => (/^[A-Za-z_]\w*$/.test(k) ? k : JSON.stringify(k)))
    .join('.');

/** `queries`: the base rules' Logging queries (compiled by gcp-logging.ts), in the order of `correlation.bases`. */
export function compileGcpCorrelation(correlation: Correlation, queries: readonly string[]): GcpCorrelation {
  const fail = (reason: string, suggestion: string) => new CompileError(correlation.id, 'gcp', reason, suggestion);
  if (correlation.type !== 'event_count')
    throw fail(
      correlation.type === 'value_count'
        ? 'a log-based counter metric counts entries, and cannot count the distinct values of a field per group'
        : 'a log-based counter metric counts entries, and cannot tell which base rules matched per group',
      'Run it with guardrails detect, or write it as an event_count correlation.',
    );
  const entries = Object.entries(correlation.condition);
  const [op, threshold] = entries[0] ?? [];
  if (entries.length !== 1 || (op !== 'gt' && op !== 'gte'))
    throw fail(
      `condition ${JSON.stringify(correlation.condition)}: a threshold condition compares each group with one value, and a group with no entries has no time series, so only one gt or gte can be judged`,
      'Use a condition such as { gte: 20 }.',
    );
  const seconds = correlation.timespan.ms / 1000;
  if (!Number.isInteger(seconds) || seconds < ALIGNMENT_PERIOD_MIN_SECONDS || seconds > ALIGNMENT_PERIOD_MAX_SECONDS)
    throw fail(
      `timespan ${correlation.timespan.text} is not an alignment period an alerting policy takes (whole seconds from 60 to 90000)`,
      'Use a timespan from 1m to 25h.',
    );
  const groupBy = correlation.bases[0]!.groupBy;
  if (correlation.bases.some((b) => b.groupBy.join('\n') !== groupBy.join('\n')))
    throw fail('the base rules name the group-by fields differently, and one metric takes one set of labels', 'Use base rules of one log source.');
  if (groupBy.length > LOG_METRIC_MAX_LABELS)
    throw fail(
      `${groupBy.length} group-by fields, and a log-based metric takes at most ${LOG_METRIC_MAX_LABELS} user-defined labels`,
      'Group by fewer fields.',
    );
  const labels = groupBy.map((field) => ({ key: labelKey(field), field, extractor: `EXTRACT(${fieldPath(field)})` }));
  const keys = labels.map((l) => l.key);
  const clash = keys.find((k, i) => keys.indexOf(k) !== i || !/^[a-z][a-z0-9_]*$/.test(k));
  if (clash !== undefined)
    throw fail(`group-by fields give the label key ${clash} twice or in a form a label key does not take`, 'Group by fields whose last names differ.');
  const base = queries.length === 1 ? `(${queries[0]})` : `(${queries.map((q) => `(${q})`).join(' OR ')})`;
  // Present and not empty: an extraction that fails gives "", which would pool every such entry in one group.
  const present = groupBy.map((f) => `${fieldPath(f)}:* AND NOT ${fieldPath(f)}=""`);
  const filter = [base, ...present].join(' AND ');
  if (filter.length > LOG_METRIC_FILTER_MAX_LENGTH)
    throw fail(
      `the metric filter is ${filter.length} characters, over the ${LOG_METRIC_FILTER_MAX_LENGTH} a log-based metric filter allows`,
      'Simplify the base rules.',
    );
  return {
    target: 'gcp',
    metricName: correlation.id,
    filter,
    labels,
    condition: {
      filter: `metric.type="logging.googleapis.com/user/${correlation.id}"`,
      aggregations: [
        {
          alignmentPeriod: `${seconds}s`,
          perSeriesAligner: 'ALIGN_SUM',
          crossSeriesReducer: 'REDUCE_SUM',
          groupByFields: keys.map((k) => `metric.label.${k}`),
        },
      ],
      comparison: 'COMPARISON_GT',
      thresholdValue: op === 'gte' ? threshold! - 1 : threshold!,
      duration: '0s',
      trigger: { count: 1 },
    },
  };
}
