/**
 * CloudWatch metric filters on the organization trail's log group, one per catalog rule deployed to
 * CloudWatch, each with an alarm. Missing data is "not breaching": no events, no alarm. CloudWatch
 * allows 100 metric filters per log group and 5 regex filters; the compiler emits no regexes, and the
 * count is checked here.
 *
 * The log group is in the management account (CloudTrail delivers to a log group of the trail's
 * account) and receives every account's events, so these alarms still fire when an account's forwarding
 * to the central bus is broken. The alert topic is in the security account: there the alarms' state
 * changes reach it through the management account's guardrails-fwd-alarms rule (event-forwarding.ts,
 * which must run in this account and region), not through an alarm action.
 *
 * Correlations deployed to CloudWatch (core/detection/compilers/cloudwatch-correlation.ts) are a metric
 * filter each too, publishing the group-by fields as dimensions, with an alarm on a Metrics Insights query
 * that sums the metric per group and period: each group is a contributor the alarm judges on its own
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/multi-time-series-alarm.html).
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { MetricCorrelationPlan, MetricRulePlan } from '../../core/aws/alarm-plan.ts';
import { metricsInsightsQuery } from '../../core/detection/compilers/cloudwatch-correlation.ts';
import { acknowledgeForwardedAlarm } from './dead-letter-queue.ts';

/** A compiled CloudWatch Logs filter pattern with its rule's identity (core/aws/alarm-plan.ts). */
export type MetricAlarmRule = MetricRulePlan;

export interface MetricAlarmsProps {
  /** The organization trail's log group (OrganizationTrail's `logGroup`, or your own), in this account and region. */
  readonly logGroup: logs.ILogGroup;
  /**
   * Alarm action, only where the alert topic is in this account and region and no EventForwarding runs
   * here (it would forward the same alarms, and every alert would arrive twice).
   * @default - no alarm action: an EventForwarding in this account and region forwards the alarms
   */
  readonly topic?: sns.ITopic;
  /** The compiled CloudWatch rules (AlarmPlan.metric, core/aws/alarm-plan.ts): one metric filter and alarm each, at most 100. */
  readonly rules: readonly MetricAlarmRule[];
  /**
   * Correlations compiled for CloudWatch (AlarmPlan.metricCorrelations): one metric filter with dimensions
   * and one Metrics Insights alarm each; they count against the log group's 100 metric filters too.
   * @default []
   */
  readonly correlations?: readonly MetricCorrelationPlan[];
  /**
   * CloudWatch namespace of the filters' metrics.
   * @default 'CloudApiGuardrails'
   */
  readonly namespace?: string;
}

export const METRIC_FILTERS_PER_LOG_GROUP = 100;
export const GUARDRAILS_METRIC_NAMESPACE = 'CloudApiGuardrails';

export class MetricAlarms extends Construct {
  readonly alarms: readonly cloudwatch.Alarm[];
  /** The correlations' alarms, in the order of `correlations`. */
  readonly correlationAlarms: readonly cloudwatch.Alarm[];

  constructor(scope: Construct, id: string, props: MetricAlarmsProps) {
    super(scope, id);
    const correlations = props.correlations ?? [];
    const filters = props.rules.length + correlations.length;
    if (filters > METRIC_FILTERS_PER_LOG_GROUP) {
      throw new Error(
        `${filters} CloudWatch rules${correlations.length ? ' and correlations' : ''} exceed the ${METRIC_FILTERS_PER_LOG_GROUP} metric filters a log group allows; move some rules to EventBridge`,
      );
    }
    const namespace = props.namespace ?? GUARDRAILS_METRIC_NAMESPACE;
    const action = props.topic ? new actions.SnsAction(props.topic) : undefined;
    this.alarms = props.rules.map((rule) => {
      const filter = new logs.MetricFilter(this, `${rule.id}-filter`, {
        logGroup: props.logGroup,
        filterName: rule.id,
        filterPattern: logs.FilterPattern.literal(rule.pattern),
        metricNamespace: namespace,
        metricName: rule.id,
        metricValue: '1',
      });
      const alarm = new cloudwatch.Alarm(this, `${rule.id}-alarm`, {
        alarmName: `guardrails-${rule.id}`,
        alarmDescription: `${rule.title} (rule ${rule.id}, level ${rule.level}). Investigate the matching CloudTrail events in the organization trail's log group.`,
        metric: filter.metric({ statistic: cloudwatch.Stats.SUM, period: Duration.minutes(5) }),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      if (action) alarm.addAlarmAction(action);
      else acknowledgeForwardedAlarm(alarm);
      return alarm;
    });
    this.correlationAlarms = correlations.map((c) => {
      new logs.MetricFilter(this, `${c.id}-filter`, {
        logGroup: props.logGroup,
        filterName: c.id,
        filterPattern: logs.FilterPattern.literal(c.filterPattern),
        metricNamespace: namespace,
        metricName: c.metricName,
        metricValue: '1',
        dimensions: { ...c.dimensions },
      });
      const alarm = new cloudwatch.Alarm(this, `${c.id}-alarm`, {
        alarmName: `guardrails-${c.id}`,
        alarmDescription: `${c.title} (correlation ${c.id}, level ${c.level}). The alarm's contributors in ALARM name the groups (${Object.keys(c.dimensions).join(', ') || 'no group-by'}); investigate their CloudTrail events in the organization trail's log group.`,
        // A Metrics Insights query as the alarm's one expression (CDK passes SELECT queries through as is).
        metric: new cloudwatch.MathExpression({
          expression: metricsInsightsQuery(c, namespace),
          period: Duration.seconds(c.periodSeconds),
          label: c.id,
        }),
        threshold: c.threshold,
        comparisonOperator:
          c.comparisonOperator === 'GreaterThanThreshold'
            ? cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD
            : cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        datapointsToAlarm: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      if (action) alarm.addAlarmAction(action);
      else acknowledgeForwardedAlarm(alarm);
      return alarm;
    });
  }
}
