/**
 * CloudWatch metric filters on the organization trail's log group, one per catalog rule deployed to
 * CloudWatch, each with an alarm to the alert topic. Missing data is "not breaching": no events, no
 * alarm. CloudWatch allows 100 metric filters per log group and 5 regex filters; the compiler emits no
 * regexes, and the count is checked here.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { MetricRulePlan } from '../../core/aws/alarm-plan.ts';

/** A compiled CloudWatch Logs filter pattern with its rule's identity (core/aws/alarm-plan.ts). */
export type MetricAlarmRule = MetricRulePlan;

export interface MetricAlarmsProps {
  readonly logGroup: logs.ILogGroup;
  readonly topic: sns.ITopic;
  readonly rules: readonly MetricAlarmRule[];
  readonly namespace?: string;
}

export const METRIC_FILTERS_PER_LOG_GROUP = 100;
export const GUARDRAILS_METRIC_NAMESPACE = 'CloudApiGuardrails';

export class MetricAlarms extends Construct {
  readonly alarms: readonly cloudwatch.Alarm[];

  constructor(scope: Construct, id: string, props: MetricAlarmsProps) {
    super(scope, id);
    if (props.rules.length > METRIC_FILTERS_PER_LOG_GROUP) {
      throw new Error(`${props.rules.length} CloudWatch rules exceed the ${METRIC_FILTERS_PER_LOG_GROUP} metric filters a log group allows; move some rules to EventBridge`);
    }
    const namespace = props.namespace ?? GUARDRAILS_METRIC_NAMESPACE;
    const action = new actions.SnsAction(props.topic);
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
      alarm.addAlarmAction(action);
      return alarm;
    });
  }
}
