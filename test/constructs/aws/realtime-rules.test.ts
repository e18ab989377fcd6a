/**
 * RealtimeRules on its own, through its props: the central bus (guardrails-central by default) that the
 * organization's accounts may put events on, one alert rule per real-time rule with every read-only
 * management event matched, the rule publishing forwarded alarms, a dead-letter queue and failure alarms on
 * the topic given (which it does not recreate), and the default protection tag.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { describe, expect, it } from 'vitest';
import { RealtimeRules, type RealtimeRule } from '../../../constructs/aws/realtime-rules.ts';

const ENV = { account: '333344445555', region: 'us-east-1' };
const TOPIC_ARN = 'arn:aws:sns:us-east-1:333344445555:guardrails-alerts';
const RULE: RealtimeRule = {
  id: 'aws-cloudshell-environment-created',
  ruleId: 'aws-cloudshell-environment-created',
  title: 'CloudShell environment created',
  level: 'medium',
  pattern: { source: ['aws.cloudshell'], detail: { eventName: ['CreateEnvironment'] } },
};

type Resource = { Properties: Record<string, any> };
const resources = (t: Template, type: string) => Object.values(t.findResources(type)) as Resource[];

describe('RealtimeRules with the required props', () => {
  const stack = new Stack(new App(), 'Security', { env: ENV });
  const topic = sns.Topic.fromTopicArn(stack, 'Topic', TOPIC_ARN);
  const central = new RealtimeRules(stack, 'Central', { organizationId: 'o-a1b2c3d4e5', topic, rules: [RULE] });
  const t = Template.fromStack(stack);

  it('creates the guardrails-central bus, open to the organization only', () => {
    t.hasResourceProperties('AWS::Events::EventBus', { Name: 'guardrails-central' });
    t.hasResourceProperties('AWS::Events::EventBusPolicy', {
      EventBusName: 'guardrails-central',
      Statement: Match.objectLike({ Action: 'events:PutEvents', Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } } }),
    });
  });

  it('publishes each rule, with read-only events, and the forwarded alarms to the topic given, which it does not recreate', () => {
    expect(resources(t, 'AWS::SNS::Topic')).toHaveLength(0);
    const rules = resources(t, 'AWS::Events::Rule');
    expect(rules.map((r) => [r.Properties['Name'], r.Properties['State']])).toEqual([
      ['guardrails-alert-aws-cloudshell-environment-created', 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS'],
      ['guardrails-alert-alarms', 'ENABLED'],
    ]);
    for (const r of rules) {
      expect(r.Properties['EventBusName']).toBe('guardrails-central');
      expect(r.Properties['Targets'][0]).toMatchObject({ Arn: TOPIC_ARN, DeadLetterConfig: { Arn: { 'Fn::GetAtt': [expect.any(String), 'Arn'] } } });
    }
    expect(central.rules).toHaveLength(1);
  });

  it("alarms on the central bus's failed deliveries and on the dead-letter queue, notifying the topic, tagged guardrails:protected", () => {
    const alarms = resources(t, 'AWS::CloudWatch::Alarm');
    expect(alarms.map((a) => a.Properties['AlarmName']).sort()).toEqual([
      'guardrails-alert-dead-letters',
      'guardrails-alert-dead-letters-failed-invocations',
      'guardrails-alert-dead-letters-failed-to-dlq',
    ]);
    for (const a of alarms.filter((x) => x.Properties['Metrics'])) {
      expect(a.Properties['Metrics'][0].Expression).toMatch(/WHERE EventBusName = 'guardrails-central' GROUP BY RuleName$/);
    }
    for (const a of alarms) expect(a.Properties['AlarmActions']).toEqual([TOPIC_ARN]);
    t.hasResourceProperties('AWS::SQS::Queue', { QueueName: 'guardrails-alert-dead-letters', Tags: [{ Key: 'guardrails:protected', Value: 'true' }] });
  });
});

describe('RealtimeRules with props', () => {
  it('names its bus and tags with the props given', () => {
    const stack = new Stack(new App(), 'Named', { env: ENV });
    new RealtimeRules(stack, 'Central', {
      organizationId: 'o-a1b2c3d4e5',
      topic: sns.Topic.fromTopicArn(stack, 'Topic', TOPIC_ARN),
      rules: [],
      busName: 'acme-central',
      protectionTag: 'acme:protected',
    });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::Events::EventBus', { Name: 'acme-central' });
    t.hasResourceProperties('AWS::SQS::Queue', { Tags: [{ Key: 'acme:protected', Value: 'true' }] });
    expect(resources(t, 'AWS::Events::Rule').map((r) => r.Properties['Name'])).toEqual(['guardrails-alert-alarms']);
  });
});
