/**
 * The self-protection rules' exact documents (core/aws/self-protection-rules.ts): what each rule matches
 * (event source, event names, the config-derived names), its metadata, and that a config without an aws
 * section gets none. Built inside each test, so that mutation testing attributes them to it.
 */
import { describe, expect, it } from 'vitest';
import { selfProtectionRules } from '../../../core/aws/self-protection-rules.ts';
import { exampleModel } from '../../helpers/config.ts';

const description = (title: string) =>
  `${title}. The guardrails watch themselves: an attacker with cloud API access turns off logging and alerting first (T1562).`;
const common = (title: string) => ({
  title,
  description: description(title),
  level: 'critical',
  status: 'stable',
  tags: ['attack.defense_impairment', 'attack.t1685.002', 'attack.t1059.009'],
  logsource: { product: 'aws', service: 'cloudtrail' },
  falsepositives: ['Planned changes to the guardrails by their owners (deploy through the pipeline, not by hand)'],
  targets: ['eventbridge'],
  references: [],
  file: '(generated: config names, core/aws/self-protection-rules.ts)',
});

describe('self-protection rule documents', () => {
  it('are none when the config has no aws section', () => {
    const model = exampleModel((c) => {
      delete c.aws;
    });
    expect(model.aws).toBeUndefined();
    expect(selfProtectionRules(model)).toEqual([]);
  });

  it('are the four rules, in order, with their metadata', () => {
    const rules = selfProtectionRules(exampleModel()).map((r) => r.rule);
    expect(rules.map(({ detection: _, ...rest }) => rest)).toEqual([
      { id: 'guardrails-trail-changed', ...common('The organization trail was stopped, deleted or reconfigured') },
      { id: 'guardrails-scp-changed', ...common('A service control policy was detached, deleted or changed, or SCPs were disabled') },
      { id: 'guardrails-alerting-changed', ...common('The guardrails alert topic, alarms, rules or metric filters were changed or deleted') },
      { id: 'guardrails-stackset-changed', ...common('The guardrails forwarding StackSet was changed or its instances removed') },
    ]);
  });

  it('watch the configured trail by name and by ARN, and the alert topic in the security account and home region, and the trail log group', () => {
    const model = exampleModel((c) => {
      c.aws.trail.name = 'org-audit';
      c.aws.homeRegion = 'eu-west-1';
      c.aws.securityAccountId = '999988887777';
    });
    const rules = selfProtectionRules(model).map((r) => r.rule);
    expect(rules.map((r) => r.detection)).toEqual([
      {
        call: {
          'eventSource|cased': 'cloudtrail.amazonaws.com',
          'eventName|cased': ['StopLogging', 'DeleteTrail', 'UpdateTrail', 'PutEventSelectors', 'PutInsightSelectors', 'RemoveTags'],
        },
        ours: { 'requestParameters.name|cased': ['org-audit', '*:trail/org-audit'] },
        condition: 'call and ours',
      },
      {
        call: { 'eventSource|cased': 'organizations.amazonaws.com', 'eventName|cased': ['DetachPolicy', 'DeletePolicy', 'UpdatePolicy', 'DisablePolicyType'] },
        condition: 'call',
      },
      {
        topic: {
          'eventSource|cased': 'sns.amazonaws.com',
          'eventName|cased': ['DeleteTopic', 'SetTopicAttributes', 'RemovePermission', 'Unsubscribe'],
          'requestParameters.topicArn|cased': 'arn:aws:sns:eu-west-1:999988887777:guardrails-alerts',
        },
        rules: {
          'eventSource|cased': 'events.amazonaws.com',
          'eventName|cased': ['DeleteRule', 'DisableRule', 'PutRule'],
          'requestParameters.name|cased|startswith': 'guardrails-alert-',
        },
        targets: {
          'eventSource|cased': 'events.amazonaws.com',
          'eventName|cased': ['RemoveTargets', 'PutTargets'],
          'requestParameters.rule|cased|startswith': 'guardrails-alert-',
        },
        bus: {
          'eventSource|cased': 'events.amazonaws.com',
          'eventName|cased': ['DeleteEventBus', 'RemovePermission', 'PutPermission'],
          'requestParameters.eventBusName|cased': 'guardrails-central',
        },
        alarms: {
          'eventSource|cased': 'monitoring.amazonaws.com',
          'eventName|cased': ['DeleteAlarms', 'DisableAlarmActions'],
          'requestParameters.alarmNames|cased|startswith': 'guardrails-',
        },
        filters: {
          'eventSource|cased': 'logs.amazonaws.com',
          'eventName|cased': ['DeleteMetricFilter', 'DeleteLogGroup', 'DeleteSubscriptionFilter'],
          'requestParameters.logGroupName|cased': '/guardrails/org-audit',
        },
        condition: '1 of them',
      },
      {
        call: {
          'eventSource|cased': 'cloudformation.amazonaws.com',
          'eventName|cased': ['UpdateStackSet', 'DeleteStackSet', 'DeleteStackInstances', 'UpdateStackInstances'],
          'requestParameters.stackSetName|cased|startswith': 'guardrails-event-forwarding',
        },
        condition: 'call',
      },
    ]);
  });
});
