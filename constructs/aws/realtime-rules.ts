/**
 * The central event bus of the organization and its alert rules, in the security account's home region,
 * beside the alert topic. Member accounts (and the management account itself) forward matching
 * CloudTrail events here (event-forwarding.ts); each rule on this bus turns a match into a readable
 * message on the alert topic: who, what, from where, with which client, in which account and region,
 * and a CloudTrail console link.
 *
 * - State ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS: with ENABLED, EventBridge does not match
 *   read-only management events (Describe*, Get*, List*, GetCallerIdentity: the first calls a stolen key
 *   makes) against the rule, on a custom bus as on the default one (EventBridge user guide, "Receiving
 *   read-only management events from AWS services").
 * - Every target has a dead-letter queue, and two alarms watch the central bus's rules for failed
 *   deliveries, each rule a contributor by name (dead-letter-queue.ts), notifying the topic directly:
 *   they are in its account and region.
 * - Alarms elsewhere (member and management accounts, other regions) cannot use the topic as an alarm
 *   action; their "CloudWatch Alarm State Change" events are forwarded here, and the rule
 *   guardrails-alert-alarms publishes those that enter ALARM (CloudWatch user guide, "Alarm events and
 *   EventBridge").
 */
import { Tags } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { RealtimeRulePlan } from '../../core/aws/alarm-plan.ts';
import { ALERT_RULE_PREFIX, CENTRAL_BUS_NAME } from '../../core/aws/self-protection-rules.ts';
import { DEFAULT_PROTECTION_TAG } from '../../core/aws/tag-protection-statements.ts';
import { RuleDelivery } from './dead-letter-queue.ts';

/** A compiled EventBridge rule (core/aws/alarm-plan.ts). */
export type RealtimeRule = RealtimeRulePlan;

export interface RealtimeRulesProps {
  /** The organization whose accounts may put events on the bus (aws:PrincipalOrgID in the bus policy). */
  readonly organizationId: string;
  /**
   * The alert topic (AlarmTopic's `topic`, or your own), in the same account and region; its policy must let
   * EventBridge rules of this account publish.
   */
  readonly topic: sns.ITopic;
  /** The real-time rules (AlarmPlan.realtime, core/aws/alarm-plan.ts); may be empty (then only forwarded alarms are published). */
  readonly rules: readonly RealtimeRule[];
  /**
   * Name of the central event bus the member accounts forward to (pipelineNames' centralBusArn names it too).
   * @default 'guardrails-central'
   */
  readonly busName?: string;
  /**
   * Tag key marking the rules, queue and alarms as protected by the SCPs (value "true").
   * @default 'guardrails:protected'
   */
  readonly protectionTag?: string;
}

/** Rule state that also matches read-only CloudTrail management events (EventBridge PutRule, State). */
export const ALL_MANAGEMENT_EVENTS = 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS';

/** Suffix of the rules that carry alarm state changes: guardrails-fwd-alarms forwards them, guardrails-alert-alarms publishes them. */
export const ALARM_RULE_SUFFIX = 'alarms';

/** Dead-letter queue of the central rules' targets. */
export const ALERT_DEAD_LETTER_QUEUE = `${ALERT_RULE_PREFIX}dead-letters`;

/**
 * EventBridge rule names: at most 64 characters of [.\-_A-Za-z0-9]. A longer name is cut and ends in a
 * hash of the whole, so two long ids never collide (rule parts differ only at the end).
 */
export function eventRuleName(prefix: string, ruleId: string): string {
  const name = `${prefix}${ruleId}`;
  if (name.length <= 64) return name;
  let hash = 0x811c9dc5;
  for (const c of name) hash = Math.imul(hash ^ c.charCodeAt(0), 0x01000193) >>> 0;
  return `${name.slice(0, 55)}-${hash.toString(16).padStart(8, '0')}`;
}

/**
 * The pattern of the guardrails' own alarms entering ALARM (CloudWatch user guide, "Alarm events and
 * EventBridge": source aws.cloudwatch, detail-type "CloudWatch Alarm State Change").
 */
export function alarmStateChangePattern(alarmName: Record<string, unknown>): Record<string, unknown> {
  return {
    source: ['aws.cloudwatch'],
    'detail-type': ['CloudWatch Alarm State Change'],
    detail: { alarmName: [alarmName], state: { value: ['ALARM'] } },
  };
}

export class RealtimeRules extends Construct {
  readonly bus: events.CfnEventBus;
  /** One per real-time rule, in the order given. */
  readonly rules: readonly events.CfnRule[];
  /** Publishes the forwarded state changes of alarms in other accounts and regions. */
  readonly alarmRule: events.CfnRule;
  readonly delivery: RuleDelivery;

  constructor(scope: Construct, id: string, props: RealtimeRulesProps) {
    super(scope, id);
    const busName = props.busName ?? CENTRAL_BUS_NAME;
    const protectionTag = props.protectionTag ?? DEFAULT_PROTECTION_TAG;
    this.bus = new events.CfnEventBus(this, 'Bus', { name: busName });
    new events.CfnEventBusPolicy(this, 'OrganizationMayPutEvents', {
      eventBusName: busName,
      statementId: 'OrganizationAccountsForwardEvents',
      statement: {
        Effect: 'Allow',
        Principal: '*',
        Action: 'events:PutEvents',
        Resource: this.bus.attrArn,
        Condition: { StringEquals: { 'aws:PrincipalOrgID': props.organizationId } },
      },
    }).node.addDependency(this.bus);
    this.delivery = new RuleDelivery(this, 'Delivery', {
      queueName: ALERT_DEAD_LETTER_QUEUE,
      eventBusName: busName,
      topic: props.topic,
      protectionTag,
    });
    const rule = (
      ruleId: string,
      name: string,
      description: string,
      eventPattern: Record<string, unknown>,
      state: string,
      inputTransformer: events.CfnRule.InputTransformerProperty,
    ) => {
      const cfn = new events.CfnRule(this, ruleId, {
        name,
        description: description.slice(0, 512),
        eventBusName: busName,
        eventPattern,
        state,
        // An SNS target takes no RoleArn: EventBridge publishes under the topic's resource policy.
        targets: [{ id: 'alert-topic', arn: props.topic.topicArn, inputTransformer, deadLetterConfig: this.delivery.deadLetterConfig }],
      });
      cfn.node.addDependency(this.bus);
      return { rule: cfn, name };
    };
    const realtime = props.rules.map((r) =>
      rule(r.id, eventRuleName(ALERT_RULE_PREFIX, r.id), `${r.title} (${r.level})`, r.pattern, ALL_MANAGEMENT_EVENTS, alertMessage(r)),
    );
    // Alarms of this account notify the topic directly (their names start with the alert prefix): only
    // the forwarded ones are published here, so none arrives twice when this account forwards too.
    const alarms = rule(
      'ForwardedAlarms',
      `${ALERT_RULE_PREFIX}${ALARM_RULE_SUFFIX}`,
      'Publishes guardrails alarms of other accounts and regions that entered ALARM',
      alarmStateChangePattern({ 'anything-but': { prefix: ALERT_RULE_PREFIX } }),
      'ENABLED',
      alarmMessage(),
    );
    this.rules = realtime.map((r) => r.rule);
    this.alarmRule = alarms.rule;
    this.delivery.watch([...realtime, alarms]);
    Tags.of(this).add(protectionTag, 'true');
  }
}

/** A one-paragraph alert built from the CloudTrail event. */
function alertMessage(rule: RealtimeRule): events.CfnRule.InputTransformerProperty {
  const text =
    `[guardrails ${rule.level}] ${rule.title}: <who> called <source> <what> from <ip> (client: <agent>) ` +
    `in account <account>, region <region>, at <time>. Rule ${rule.id}. ` +
    `Investigate: https://<region>.console.aws.amazon.com/cloudtrailv2/home?region=<region>#/events?EventName=<what>`;
  return {
    inputPathsMap: {
      who: '$.detail.userIdentity.arn',
      what: '$.detail.eventName',
      source: '$.detail.eventSource',
      ip: '$.detail.sourceIPAddress',
      agent: '$.detail.userAgent',
      account: '$.account',
      region: '$.region',
      time: '$.time',
    },
    inputTemplate: JSON.stringify(text),
  };
}

/** A one-paragraph alert built from a forwarded alarm state change. */
function alarmMessage(): events.CfnRule.InputTransformerProperty {
  const text =
    `[guardrails] Alarm <alarm> entered ALARM in account <account>, region <region>, at <time>: <reason> ` +
    `Investigate: https://<region>.console.aws.amazon.com/cloudwatch/home?region=<region>#alarmsV2:alarm/<alarm>`;
  return {
    inputPathsMap: { alarm: '$.detail.alarmName', reason: '$.detail.state.reason', account: '$.account', region: '$.region', time: '$.time' },
    inputTemplate: JSON.stringify(text),
  };
}
