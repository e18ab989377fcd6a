/**
 * Correlation -> CloudWatch: a metric filter on the base rules' pattern that publishes 1 per match with
 * the group-by fields as dimensions, and a Metrics Insights alarm that sums the metric per period and
 * per group (a multi time series alarm: each group is a contributor judged on its own).
 *
 *   filter:  { (<base pattern>) && ($.userIdentity.arn = *) && ($.userIdentity.arn != "") }
 *            dimensions { userIdentity_arn: $.userIdentity.arn }, value 1
 *   alarm:   SELECT SUM("aws-bulk-secret-retrieval") FROM SCHEMA("CloudApiGuardrails", userIdentity_arn)
 *            GROUP BY userIdentity_arn; Period 600; GreaterThanOrEqualToThreshold 20; 1 of 1 periods
 *
 * Documented limits this compiler holds to (or names):
 * - Dimensions: "One metric filter can include as many as three dimensions", and "CloudWatch Logs
 *   disables a metric filter if it generates 1000 different name/value pairs for your specified
 *   dimensions within a certain amount of time" (MetricTransformation,
 *   https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_MetricTransformation.html);
 *   PutMetricFilter words it "might disable ... 1,000 different name/value pairs ... within one hour"
 *   (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutMetricFilter.html).
 *   Past that the filter stops publishing and the alarm sees nothing: the cardinality is the deployer's
 *   to keep (group by an identity, never an IP or a request id).
 * - Query: `SELECT FUNCTION(metricName) FROM namespace | SCHEMA(...) [ GROUP BY labelKey ]`; SCHEMA with
 *   dimension keys matches only the metrics with exactly that dimension set; SUM "calculates the sum of
 *   the observations" in each period (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch-metrics-insights-querylanguage.html).
 *   Identifiers other than letters, digits and underscores are double-quoted (the same page), so the
 *   metric name (the correlation id, with hyphens) is; dimension names are made of letters, digits and `_`.
 * - Alarm: "For multi-time series queries, each returned time series becomes a contributor to the alarm"
 *   (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Create_Metrics_Insights_Alarm.html,
 *   https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/multi-time-series-alarm.html).
 *   "Only the latest 3 hours of data can be used for evaluating the alarm's conditions", at most 100
 *   contributors in ALARM, and a query that returns more than 500 time series is evaluated on partial data
 *   (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarm-limits.html).
 * - Period: PutMetricAlarm takes "10, 20, 30, and any multiple of 60", and Metrics Insights aggregates
 *   anything finer to one minute (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html,
 *   https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch-metrics-insights-limits.html):
 *   the timespan must be a whole number of minutes, and at most three hours.
 *
 * Windows: each period is a fixed bucket (the engine's `tumbling` window, correlation.ts), not the sliding
 * window `guardrails detect` runs: a burst split by a period boundary can stay under the threshold in both.
 * Only event_count with one gt or gte is compiled: a metric counts events, never distinct values (no
 * value_count) nor which base rules matched (no temporal), and a group with no match in a period has no
 * data point at all, so "fewer than N" cannot be judged.
 */
import type { Correlation } from '../correlation.ts';
import { CLOUDWATCH_PATTERN_MAX_CHARACTERS } from './cloudwatch.ts';
import { CompileError } from './compile-error.ts';

/** "One metric filter can include as many as three dimensions" (MetricTransformation). */
export const METRIC_FILTER_MAX_DIMENSIONS = 3;
/** "Only the latest 3 hours of data can be used for evaluating the alarm's conditions" (alarm-limits). */
export const METRICS_INSIGHTS_ALARM_MAX_SECONDS = 3 * 3600;

export type CloudWatchComparison = 'GreaterThanOrEqualToThreshold' | 'GreaterThanThreshold';

/** What the AWS alarm pipeline deploys for one correlation (namespace-free: the construct picks it). */
export interface CloudWatchCorrelation {
  readonly target: 'cloudwatch';
  /** The metric filter's pattern: the base rules' patterns ORed, and every group-by field present and non-empty. */
  readonly filterPattern: string;
  /** The metric's name: the correlation id. */
  readonly metricName: string;
  /** Dimension name -> the JSON selector whose value it takes (`$.userIdentity.arn`). */
  readonly dimensions: Readonly<Record<string, string>>;
  /** The alarm period, in seconds: the timespan. */
  readonly periodSeconds: number;
  readonly threshold: number;
  readonly comparisonOperator: CloudWatchComparison;
}

const SEGMENT = /^[A-Za-z_]\w*$/;

/** The dimension name of a group-by field: its path with `_` for `.` (`userIdentity.arn` -> `userIdentity_arn`). */
export const dimensionName = (field: string): string => field.replace(/\./g, '_');

/**
 * `patterns`: the base rules' CloudWatch patterns (compiled by cloudwatch.ts), in the order of
 * `correlation.bases`. Throws CompileError for what a metric filter and alarm cannot express.
 */
export function compileCloudWatchCorrelation(correlation: Correlation, patterns: readonly string[]): CloudWatchCorrelation {
  const fail = (reason: string, suggestion: string) => new CompileError(correlation.id, 'cloudwatch', reason, suggestion);
  if (correlation.type !== 'event_count')
    throw fail(
      correlation.type === 'value_count'
        ? 'a metric filter publishes a number per matching event, and a metric cannot count the distinct values of a field per group'
        : 'a metric filter publishes a number per matching event, and a metric cannot tell which base rules matched per group',
      'Run it with guardrails detect, or write it as an event_count correlation.',
    );
  const { operator, threshold } = alarmCondition(correlation, fail);
  const span = correlation.timespan;
  if (span.ms % 60_000 !== 0 || span.ms / 1000 > METRICS_INSIGHTS_ALARM_MAX_SECONDS)
    throw fail(
      `timespan ${span.text} is not a whole number of minutes up to 3h: a Metrics Insights alarm period is a multiple of 60 seconds and the alarm reads the latest 3 hours only`,
      'Use a timespan such as 1m, 5m, 10m, 30m, 1h or 3h.',
    );
  const groupBy = correlation.bases[0]!.groupBy;
  if (correlation.bases.some((b) => b.groupBy.join('\n') !== groupBy.join('\n')))
    throw fail('the base rules name the group-by fields differently, and one metric filter takes one set of dimensions', 'Use base rules of one log source.');
  if (groupBy.length > METRIC_FILTER_MAX_DIMENSIONS)
    throw fail(
      `${groupBy.length} group-by fields, and a metric filter publishes at most ${METRIC_FILTER_MAX_DIMENSIONS} dimensions`,
      'Group by at most three fields.',
    );
  for (const field of groupBy)
    if (!field.split('.').every((k) => SEGMENT.test(k)))
      throw fail(
        `group-by field ${field} needs quoting, which a dimension selector does not take`,
        'Group by a field whose path is letters, digits and underscores.',
      );
  const bodies = patterns.map((p) => p.replace(/^\{ /, '').replace(/ \}$/, ''));
  // A match without a group-by value belongs to no group (correlation.ts): present, and not empty.
  const present = groupBy.map((f) => `($.${f} = *) && ($.${f} != "")`);
  const base = bodies.length === 1 ? bodies[0]! : `(${bodies.join(' || ')})`;
  const filterPattern = `{ ${[base, ...present].join(' && ')} }`;
  if (filterPattern.length > CLOUDWATCH_PATTERN_MAX_CHARACTERS)
    throw fail(
      `the metric filter pattern is ${filterPattern.length} characters, over the ${CLOUDWATCH_PATTERN_MAX_CHARACTERS} a metric filter allows`,
      'Simplify the base rules.',
    );
  return {
    target: 'cloudwatch',
    filterPattern,
    metricName: correlation.id,
    dimensions: Object.fromEntries(groupBy.map((f) => [dimensionName(f), `$.${f}`])),
    periodSeconds: span.ms / 1000,
    threshold,
    comparisonOperator: operator,
  };
}

/** The Metrics Insights query of the alarm: the metric summed per period, per group (one time series per group). */
export function metricsInsightsQuery(compiled: CloudWatchCorrelation, namespace: string): string {
  const dims = Object.keys(compiled.dimensions);
  const schema = [JSON.stringify(namespace), ...dims].join(', ');
  return `SELECT SUM(${JSON.stringify(compiled.metricName)}) FROM SCHEMA(${schema})${dims.length ? ` GROUP BY ${dims.join(', ')}` : ''}`;
}

/** The one gt or gte of the condition, as an alarm threshold and operator. */
function alarmCondition(
  correlation: Correlation,
  fail: (reason: string, suggestion: string) => CompileError,
): { operator: CloudWatchComparison; threshold: number } {
  const entries = Object.entries(correlation.condition);
  const [op, n] = entries[0] ?? [];
  if (entries.length !== 1 || (op !== 'gt' && op !== 'gte'))
    throw fail(
      `condition ${JSON.stringify(correlation.condition)}: an alarm compares each group with one threshold, and a group with no match in a period has no data point, so only one gt or gte can be judged`,
      'Use a condition such as { gte: 20 }.',
    );
  return { operator: op === 'gte' ? 'GreaterThanOrEqualToThreshold' : 'GreaterThanThreshold', threshold: n! };
}
