/**
 * Alerts on changes to the guardrails themselves: the trail, the SCPs, the alert topic, the alarms and
 * EventBridge rules, and the forwarding StackSet. Built from config (resource names) as ordinary rules,
 * so they compile and are tested like the catalog. Organizations events arrive in us-east-1 only.
 */
import type { GuardrailsModel } from '../config/model.ts';
import { bindRules, type CatalogRule } from '../detection/catalog.ts';
import { generatedRule, type Rule } from '../detection/rule.ts';
import { trailResourceNames } from './trail-names.ts';

/** Names the AWS stack gives the alerting resources, so rules and constructs agree. */
export const ALERT_TOPIC_NAME = 'guardrails-alerts';
export const CENTRAL_BUS_NAME = 'guardrails-central';
export const STACKSET_NAME = 'guardrails-event-forwarding';
/** Prefix of every EventBridge rule and CloudWatch alarm the kit creates. */
export const RESOURCE_PREFIX = 'guardrails-';
/** Prefix of the central bus's alert rules and of their alarms (constructs/aws/realtime-rules.ts). */
export const ALERT_RULE_PREFIX = 'guardrails-alert-';
/** Prefix of the forwarding rules on every account's default bus and of their alarms (constructs/aws/event-forwarding.ts). */
export const FORWARDING_RULE_PREFIX = 'guardrails-fwd-';

export function selfProtectionRules(model: GuardrailsModel): CatalogRule[] {
  const aws = model.aws;
  if (!aws) return [];
  const names = trailResourceNames(aws);
  const topicArn = `arn:aws:sns:${aws.homeRegion}:${aws.accounts.security}:${ALERT_TOPIC_NAME}`;
  const rule = (id: string, title: string, detection: Parameters<typeof generatedRule>[0]['detection']): Rule =>
    generatedRule(
      {
        id,
        title,
        description: `${title}. The guardrails watch themselves: an attacker with cloud API access turns off logging and alerting first (T1562).`,
        level: 'critical',
        tags: ['attack.defense_impairment', 'attack.t1685.002', 'attack.t1059.009'],
        logsource: { product: 'aws', service: 'cloudtrail' },
        detection,
        falsepositives: ['Planned changes to the guardrails by their owners (deploy through the pipeline, not by hand)'],
        targets: ['eventbridge'],
      },
      'config names, core/aws/self-protection-rules.ts',
    );
  const rules = [
    rule('guardrails-trail-changed', 'The organization trail was stopped, deleted or reconfigured', {
      call: {
        'eventSource|cased': 'cloudtrail.amazonaws.com',
        'eventName|cased': ['StopLogging', 'DeleteTrail', 'UpdateTrail', 'PutEventSelectors', 'PutInsightSelectors', 'RemoveTags'],
      },
      ours: { 'requestParameters.name|cased': [names.trailName, `*:trail/${names.trailName}`] },
      condition: 'call and ours',
    }),
    rule('guardrails-scp-changed', 'A service control policy was detached, deleted or changed, or SCPs were disabled', {
      call: { 'eventSource|cased': 'organizations.amazonaws.com', 'eventName|cased': ['DetachPolicy', 'DeletePolicy', 'UpdatePolicy', 'DisablePolicyType'] },
      condition: 'call',
    }),
    rule('guardrails-alerting-changed', 'The guardrails alert topic, alarms, rules or metric filters were changed or deleted', {
      topic: {
        'eventSource|cased': 'sns.amazonaws.com',
        'eventName|cased': ['DeleteTopic', 'SetTopicAttributes', 'RemovePermission', 'Unsubscribe'],
        'requestParameters.topicArn|cased': topicArn,
      },
      // The central bus's alert rules; the forwarding rules (guardrails-fwd-*) are watched by the catalog rule
      // aws-guardrails-forwarding-tampering, on EventBridge and on the organization trail's log group.
      // EventBridge API reference: DeleteRule, DisableRule and PutRule take Name; PutTargets and RemoveTargets take Rule.
      rules: {
        'eventSource|cased': 'events.amazonaws.com',
        'eventName|cased': ['DeleteRule', 'DisableRule', 'PutRule'],
        'requestParameters.name|cased|startswith': ALERT_RULE_PREFIX,
      },
      targets: {
        'eventSource|cased': 'events.amazonaws.com',
        'eventName|cased': ['RemoveTargets', 'PutTargets'],
        'requestParameters.rule|cased|startswith': ALERT_RULE_PREFIX,
      },
      bus: {
        'eventSource|cased': 'events.amazonaws.com',
        'eventName|cased': ['DeleteEventBus', 'RemovePermission', 'PutPermission'],
        'requestParameters.eventBusName|cased': CENTRAL_BUS_NAME,
      },
      alarms: {
        'eventSource|cased': 'monitoring.amazonaws.com',
        'eventName|cased': ['DeleteAlarms', 'DisableAlarmActions'],
        'requestParameters.alarmNames|cased|startswith': RESOURCE_PREFIX,
      },
      filters: {
        'eventSource|cased': 'logs.amazonaws.com',
        'eventName|cased': ['DeleteMetricFilter', 'DeleteLogGroup', 'DeleteSubscriptionFilter'],
        'requestParameters.logGroupName|cased': names.logGroupName,
      },
      condition: '1 of them',
    }),
    rule('guardrails-stackset-changed', 'The guardrails forwarding StackSet was changed or its instances removed', {
      call: {
        'eventSource|cased': 'cloudformation.amazonaws.com',
        'eventName|cased': ['UpdateStackSet', 'DeleteStackSet', 'DeleteStackInstances', 'UpdateStackInstances'],
        'requestParameters.stackSetName|cased|startswith': STACKSET_NAME,
      },
      condition: 'call',
    }),
  ];
  return bindRules(rules, model);
}
