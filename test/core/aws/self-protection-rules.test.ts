import { describe, expect, it } from 'vitest';
import { selfProtectionRules } from '../../../core/aws/self-protection-rules.ts';
import { compileRule } from '../../../core/detection/catalog.ts';
import { matchesEventPattern } from '../../../core/detection/targets/eventbridge-pattern-evaluator.ts';
import { exampleModel } from '../../helpers/config.ts';
import { eventBridgeEnvelope } from '../../helpers/corpus.ts';

const rules = selfProtectionRules(exampleModel());
const call = (eventSource: string, eventName: string, requestParameters: Record<string, unknown>) => ({
  eventVersion: '1.09',
  eventType: 'AwsApiCall',
  eventSource,
  eventName,
  requestParameters,
  sourceIPAddress: '198.51.100.4',
  userIdentity: { type: 'AssumedRole', arn: 'arn:aws:sts::111122223333:assumed-role/Admin/s' },
});

/** Which self-protection rules fire for an event, by the rule engine and by the compiled pattern (must agree). */
function fired(event: Record<string, unknown>): string[] {
  return rules
    .filter((r) => {
      const engine = r.matches(event);
      expect(matchesEventPattern(compileRule(r, 'eventbridge') as Record<string, unknown>, eventBridgeEnvelope(event)), r.rule.id).toBe(engine);
      return engine;
    })
    .map((r) => r.rule.id);
}

describe('self-protection rules', () => {
  it.each<[string, Record<string, unknown>, string[]]>([
    ['stopping the org trail by name', call('cloudtrail.amazonaws.com', 'StopLogging', { name: 'guardrails-org-trail' }), ['guardrails-trail-changed']],
    [
      'deleting the org trail by ARN',
      call('cloudtrail.amazonaws.com', 'DeleteTrail', { name: 'arn:aws:cloudtrail:us-east-1:111122223333:trail/guardrails-org-trail' }),
      ['guardrails-trail-changed'],
    ],
    ['stopping another trail', call('cloudtrail.amazonaws.com', 'StopLogging', { name: 'team-trail' }), []],
    ['detaching an SCP', call('organizations.amazonaws.com', 'DetachPolicy', { policyId: 'p-abc', targetId: 'ou-ab12-34cd56ef' }), ['guardrails-scp-changed']],
    [
      'changing the alert topic (in the security account)',
      call('sns.amazonaws.com', 'SetTopicAttributes', { topicArn: 'arn:aws:sns:us-east-1:333344445555:guardrails-alerts', attributeName: 'Policy' }),
      ['guardrails-alerting-changed'],
    ],
    [
      'a topic of that name in another account',
      call('sns.amazonaws.com', 'SetTopicAttributes', { topicArn: 'arn:aws:sns:us-east-1:111122223333:guardrails-alerts', attributeName: 'Policy' }),
      [],
    ],
    ['changing another topic', call('sns.amazonaws.com', 'SetTopicAttributes', { topicArn: 'arn:aws:sns:us-east-1:111122223333:other' }), []],
    [
      'disabling a central alert rule',
      call('events.amazonaws.com', 'DisableRule', { name: 'guardrails-alert-aws-cli-in-cloudshell', eventBusName: 'guardrails-central' }),
      ['guardrails-alerting-changed'],
    ],
    [
      'removing the target of a central alert rule (RemoveTargets names the rule "rule")',
      call('events.amazonaws.com', 'RemoveTargets', {
        rule: 'guardrails-alert-aws-cli-in-cloudshell',
        eventBusName: 'guardrails-central',
        ids: ['alert-topic'],
      }),
      ['guardrails-alerting-changed'],
    ],
    [
      'retargeting a central alert rule',
      call('events.amazonaws.com', 'PutTargets', {
        rule: 'guardrails-alert-guardrails-scp-changed',
        eventBusName: 'guardrails-central',
        targets: [{ id: 'alert-topic', arn: 'arn:aws:sns:us-east-1:444455556666:elsewhere' }],
      }),
      ['guardrails-alerting-changed'],
    ],
    [
      'disabling a forwarding rule (left to the catalog rule aws-guardrails-forwarding-tampering)',
      call('events.amazonaws.com', 'DisableRule', { name: 'guardrails-fwd-aws-cli-in-cloudshell' }),
      [],
    ],
    ['opening the central bus', call('events.amazonaws.com', 'PutPermission', { eventBusName: 'guardrails-central' }), ['guardrails-alerting-changed']],
    [
      'deleting guardrails alarms',
      call('monitoring.amazonaws.com', 'DeleteAlarms', { alarmNames: ['other', 'guardrails-aws-cis-root-account-usage'] }),
      ['guardrails-alerting-changed'],
    ],
    [
      'deleting the trail log group',
      call('logs.amazonaws.com', 'DeleteLogGroup', { logGroupName: '/guardrails/guardrails-org-trail' }),
      ['guardrails-alerting-changed'],
    ],
    [
      'removing StackSet instances',
      call('cloudformation.amazonaws.com', 'DeleteStackInstances', { stackSetName: 'guardrails-event-forwarding' }),
      ['guardrails-stackset-changed'],
    ],
  ])('%s', (_name, event, expected) => {
    expect(fired(event)).toEqual(expected);
  });
});
