/**
 * Delivery monitoring for a set of EventBridge rules: a dead-letter queue for their targets, an alarm
 * on each rule's permanently failed invocations and one on the queue's depth. Without them a target
 * EventBridge cannot reach (a deleted bus, a key or policy that no longer lets it publish) loses every
 * alert silently after 24 hours of retries.
 *
 * EventBridge user guide, "Event retry policy and using dead-letter queues": a DLQ is a standard SQS
 * queue in the rule's account whose policy lets events.amazonaws.com sqs:SendMessage for the rule
 * (aws:SourceArn). The queue is encrypted with SQS-managed keys (SSE-SQS), which need no key policy for
 * EventBridge and cost no KMS key in every member account and region.
 * EventBridge user guide, "Monitoring Amazon EventBridge": FailedInvocations counts invocations that
 * failed permanently and InvocationsFailedToBeSentToDlq those the DLQ refused too; metrics with only the
 * RuleName dimension are the default bus's, with EventBusName and RuleName a custom bus's.
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
  /** Name of the dead-letter queue and of its depth alarm (unique per account and region). */
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

  /** Lets EventBridge put the rules' undeliverable events in the queue, and alarms on each rule's failures. */
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
    for (const { name } of rules) {
      const dimensionsMap = { ...(this.props.eventBusName ? { EventBusName: this.props.eventBusName } : {}), RuleName: name };
      const metric = (metricName: string) =>
        new cloudwatch.Metric({ namespace: 'AWS/Events', metricName, dimensionsMap, statistic: cloudwatch.Stats.SUM, period: DELIVERY_ALARM_PERIOD });
      // Kept short: the member template (one alarm per rule) must fit a StackSet's 51,200-byte TemplateBody.
      this.alarm(`${name}-failed`, {
        alarmName: `${name}-failed`,
        alarmDescription: `Rule ${name} failed to deliver events: its alerts are lost. See queue ${this.props.queueName}.`,
        metric: new cloudwatch.MathExpression({
          expression: 'FILL(f,0)+FILL(d,0)',
          usingMetrics: { f: metric('FailedInvocations'), d: metric('InvocationsFailedToBeSentToDlq') },
          period: DELIVERY_ALARM_PERIOD,
        }),
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
