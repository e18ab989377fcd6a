/**
 * Delivery monitoring for a set of EventBridge rules: a dead-letter queue for their targets, alarms on
 * the rules' permanently failed invocations and one on the queue's depth. Without them a target
 * EventBridge cannot reach (a deleted bus, a key or policy that no longer lets it publish) loses every
 * alert silently after 24 hours of retries.
 *
 * EventBridge user guide, "Event retry policy and using dead-letter queues": a DLQ is a standard SQS
 * queue in the rule's account whose policy lets events.amazonaws.com sqs:SendMessage for the rule
 * (aws:SourceArn). The queue is encrypted with SQS-managed keys (SSE-SQS), which need no key policy for
 * EventBridge and cost no KMS key in every member account and region.
 * EventBridge user guide, "Monitoring Amazon EventBridge"
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-monitoring.html): FailedInvocations counts
 * invocations that failed permanently and InvocationsFailedToBeSentToDlq those the DLQ refused too;
 * metrics with only the RuleName dimension are the default bus's, with EventBusName and RuleName a
 * custom bus's.
 *
 * The failures are watched by two alarms on CloudWatch Metrics Insights queries, one per metric, whatever
 * the number of rules (one alarm per rule made the member StackSet template outgrow its 51,200 bytes):
 * - "Create a CloudWatch alarm based on a Metrics Insights query" and "Create an alarm based on a Multi
 *   Time Series Metrics Insights query" (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Create_Metrics_Insights_Alarm.html,
 *   .../multi-time-series-alarm.html): with GROUP BY each returned time series (here each RuleName) is a
 *   contributor to the alarm, so the alarm and its state reason name the failing rule.
 * - "Query components and syntax in CloudWatch Metrics Insights"
 *   (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch-metrics-insights-querylanguage.html):
 *   SCHEMA("AWS/Events", RuleName) keeps only metrics with exactly that dimension set (the default bus),
 *   SCHEMA("AWS/Events", EventBusName, RuleName) with WHERE EventBusName = '<bus>' one custom bus. The
 *   WHERE operators that page documents are =, != and AND only: a list of rule names cannot be written, so
 *   on the default bus the query watches every rule there (a failing rule of another team is reported too,
 *   by name), and on a custom bus every rule of that bus (all of them the guardrails' on the central bus).
 * - "Alarm data queries" / MetricDataQuery (API reference): an alarm holds one Metrics Insights query, so
 *   the two metrics cannot be summed in one alarm as before (FILL(f,0)+FILL(d,0)): one alarm each.
 * - "Limits" (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarm-limits.html): 200
 *   Metrics Insights alarms per account and region by default, up to 100 contributors in ALARM; a query
 *   evaluates the latest 3 hours, and a period of 5 minutes is well inside that.
 */
import { Duration, Tags } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { DEFAULT_PROTECTION_TAG } from '../../core/aws/tag-protection-statements.ts';
import { acknowledge } from './acknowledge.ts';

export interface RuleDeliveryProps {
  /**
   * Name of the dead-letter queue and of its depth alarm, and prefix of the failure alarms' names
   * (`<queueName>-failed-invocations`, `<queueName>-failed-to-dlq`); unique per account and region.
   */
  readonly queueName: string;
  /**
   * The custom bus the rules are on (their metrics carry its name).
   * @default - the default event bus
   */
  readonly eventBusName?: string;
  /**
   * Where the alarms notify. Leave it out where the alert topic is in another account or region: the
   * alarms' state changes then reach it through the forwarding rule for alarms (event-forwarding.ts).
   * @default - no alarm action
   */
  readonly topic?: sns.ITopic;
  /**
   * Tag key marking the queue and alarms as protected by the SCPs (value "true").
   * @default 'guardrails:protected'
   */
  readonly protectionTag?: string;
}

/** A rule to watch, with its name (CfnRule.name is a plain string in this kit). */
export interface WatchedRule {
  readonly rule: events.CfnRule;
  readonly name: string;
}

export const DELIVERY_ALARM_PERIOD = Duration.minutes(5);

/** Alarm name suffix, EventBridge metric, and what a data point means (EventBridge user guide, "Monitoring Amazon EventBridge"). */
export const DELIVERY_FAILURE_METRICS = [
  ['failed-invocations', 'FailedInvocations', 'failed to deliver events to its target after all retries'],
  ['failed-to-dlq', 'InvocationsFailedToBeSentToDlq', 'could not put undeliverable events in its dead-letter queue'],
] as const;

/**
 * The Metrics Insights query of one delivery metric, one time series per rule (GROUP BY RuleName): the
 * default bus's rules (metrics with the RuleName dimension only), or the named custom bus's.
 */
export function deliveryFailureQuery(metricName: string, eventBusName?: string): string {
  if (eventBusName !== undefined && !/^[/.\-_A-Za-z0-9]+$/.test(eventBusName)) {
    throw new Error(`RuleDelivery eventBusName "${eventBusName}": use the bus name (letters, digits, / . - _), not an ARN or a token`);
  }
  return eventBusName
    ? `SELECT SUM(${metricName}) FROM SCHEMA("AWS/Events", EventBusName, RuleName) WHERE EventBusName = '${eventBusName}' GROUP BY RuleName`
    : `SELECT SUM(${metricName}) FROM SCHEMA("AWS/Events", RuleName) GROUP BY RuleName`;
}

export class RuleDelivery extends Construct {
  readonly queue: sqs.Queue;
  /** For each watched rule's target. */
  readonly deadLetterConfig: events.CfnRule.DeadLetterConfigProperty;
  readonly alarms: cloudwatch.Alarm[] = [];
  private readonly props: RuleDeliveryProps;

  constructor(scope: Construct, id: string, props: RuleDeliveryProps) {
    super(scope, id);
    this.props = props;
    this.queue = new sqs.Queue(this, 'Queue', {
      queueName: props.queueName,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    acknowledge(this.queue, {
      'AwsSolutions-SQS3':
        'This queue is the dead-letter queue of EventBridge rule targets; a dead-letter queue of its own would only hold what nobody reads from this one.',
    });
    this.deadLetterConfig = { arn: this.queue.queueArn };
    this.alarm('Depth', {
      alarmName: props.queueName,
      alarmDescription: `Events EventBridge could not deliver to a guardrails rule's target are waiting in the SQS queue ${props.queueName}: alerts were lost from the central bus or topic. Fix the target, then redrive or read the messages.`,
      metric: this.queue.metricApproximateNumberOfMessagesVisible({ statistic: cloudwatch.Stats.MAXIMUM, period: DELIVERY_ALARM_PERIOD }),
    });
    Tags.of(this).add(props.protectionTag ?? DEFAULT_PROTECTION_TAG, 'true');
  }

  /**
   * Lets EventBridge put the rules' undeliverable events in the queue, and alarms on the failures of the
   * rules of this construct's bus (call once, with every rule).
   */
  watch(rules: readonly WatchedRule[]): void {
    if (rules.length === 0) return;
    this.queue.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'EventBridgeRulesSendUndeliveredEvents',
        principals: [new iam.ServicePrincipal('events.amazonaws.com')],
        actions: ['sqs:SendMessage'],
        resources: [this.queue.queueArn],
        conditions: { ArnEquals: { 'aws:SourceArn': rules.map((r) => r.rule.attrArn) } },
      }),
    );
    const bus = this.props.eventBusName;
    const where = bus ? `the event bus ${bus}` : "this account's default event bus";
    for (const [suffix, metricName, what] of DELIVERY_FAILURE_METRICS) {
      const name = `${this.props.queueName}-${suffix}`;
      this.alarm(suffix, {
        alarmName: name,
        alarmDescription: `A rule on ${where} ${what}: if it is a guardrails rule, its alerts are lost. The alarm's contributors name the rules; see queue ${this.props.queueName}.`,
        metric: new cloudwatch.MathExpression({ expression: deliveryFailureQuery(metricName, bus), period: DELIVERY_ALARM_PERIOD }),
      });
    }
  }

  private alarm(id: string, props: Pick<cloudwatch.AlarmProps, 'alarmName' | 'alarmDescription' | 'metric'>): cloudwatch.Alarm {
    const alarm = new cloudwatch.Alarm(this, id, {
      ...props,
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    if (this.props.topic) alarm.addAlarmAction(new actions.SnsAction(this.props.topic));
    else acknowledgeForwardedAlarm(alarm);
    this.alarms.push(alarm);
    return alarm;
  }
}

/** For alarms whose only way to the alert topic is the forwarded "CloudWatch Alarm State Change" event. */
export function acknowledgeForwardedAlarm(alarm: cloudwatch.Alarm): void {
  acknowledge(alarm, {
    'NIST.800.53.R5-CloudWatchAlarmAction':
      'The alert topic is in the security account (and home region), and its topic and key policies admit CloudWatch of that account only; this alarm\'s "CloudWatch Alarm State Change" event goes to the central bus through the guardrails-fwd-alarms rule instead, and a rule there publishes it to the topic.',
  });
}
