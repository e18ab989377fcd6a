/**
 * RuleDelivery on its own, through its props: an SSE-SQS, TLS-only dead-letter queue kept 14 days with a
 * depth alarm, tagged guardrails:protected; watch() lets EventBridge put the watched rules' undelivered
 * events in the queue (aws:SourceArn of those rules only) and alarms on the failures of its bus's rules
 * through two Metrics Insights queries grouped by rule; alarm actions only with a topic, which it does not
 * recreate.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as events from 'aws-cdk-lib/aws-events';
import * as sns from 'aws-cdk-lib/aws-sns';
import { describe, expect, it } from 'vitest';
import { deliveryFailureQuery, RuleDelivery } from '../../../constructs/aws/dead-letter-queue.ts';

const ENV = { account: '444455556666', region: 'eu-west-1' };

type Resource = { Properties: Record<string, any> };
const resources = (t: Template, type: string) => Object.values(t.findResources(type)) as Resource[];

function watched(stack: Stack, delivery: RuleDelivery, name: string) {
  const rule = new events.CfnRule(stack, name, {
    name,
    eventPattern: { source: ['aws.iam'] },
    targets: [{ id: 't', arn: 'arn:aws:sns:eu-west-1:444455556666:x', deadLetterConfig: delivery.deadLetterConfig }],
  });
  delivery.watch([{ rule, name }]);
  return rule;
}

describe('RuleDelivery with only a queue name', () => {
  const stack = new Stack(new App(), 'Delivery', { env: ENV });
  const delivery = new RuleDelivery(stack, 'Delivery', { queueName: 'acme-dead-letters' });
  const rule = watched(stack, delivery, 'acme-rule');
  const t = Template.fromStack(stack);

  it('creates an encrypted, retained-14-days, tagged queue that only the watched rule may send to', () => {
    t.hasResourceProperties('AWS::SQS::Queue', {
      QueueName: 'acme-dead-letters',
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 1_209_600,
      Tags: [{ Key: 'guardrails:protected', Value: 'true' }],
    });
    const statements = resources(t, 'AWS::SQS::QueuePolicy').flatMap((p) => p.Properties['PolicyDocument'].Statement as Record<string, any>[]);
    expect(statements.find((s) => s.Sid === 'EventBridgeRulesSendUndeliveredEvents')?.Condition).toEqual({
      ArnEquals: { 'aws:SourceArn': [{ 'Fn::GetAtt': [stack.getLogicalId(rule), 'Arn'] }] },
    });
    expect(statements.some((s) => s.Effect === 'Deny' && JSON.stringify(s.Condition).includes('aws:SecureTransport'))).toBe(true);
  });

  it("alarms on the queue's depth and on the default bus's failed deliveries, one time series per rule, with no action", () => {
    const alarms = resources(t, 'AWS::CloudWatch::Alarm');
    expect(alarms.map((a) => a.Properties['AlarmName'])).toEqual([
      'acme-dead-letters',
      'acme-dead-letters-failed-invocations',
      'acme-dead-letters-failed-to-dlq',
    ]);
    for (const a of alarms) expect(a.Properties['AlarmActions']).toBeUndefined();
    expect(alarms.slice(1).map((a) => a.Properties['Metrics'])).toEqual([
      [{ Id: 'expr_1', Expression: 'SELECT SUM(FailedInvocations) FROM SCHEMA("AWS/Events", RuleName) GROUP BY RuleName', Period: 300, ReturnData: true }],
      [
        {
          Id: 'expr_1',
          Expression: 'SELECT SUM(InvocationsFailedToBeSentToDlq) FROM SCHEMA("AWS/Events", RuleName) GROUP BY RuleName',
          Period: 300,
          ReturnData: true,
        },
      ],
    ]);
    for (const a of alarms.slice(1)) {
      expect(a.Properties).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', TreatMissingData: 'notBreaching' });
    }
  });

  it('adds no alarm and no queue permission while no rule is watched', () => {
    const bare = new Stack(new App(), 'Bare', { env: ENV });
    const unwatched = new RuleDelivery(bare, 'Delivery', { queueName: 'acme-dead-letters' });
    unwatched.watch([]);
    const b = Template.fromStack(bare);
    expect(resources(b, 'AWS::CloudWatch::Alarm').map((a) => a.Properties['AlarmName'])).toEqual(['acme-dead-letters']);
    expect(JSON.stringify(resources(b, 'AWS::SQS::QueuePolicy'))).not.toContain('EventBridgeRulesSendUndeliveredEvents');
  });
});

describe('deliveryFailureQuery', () => {
  it("scopes a custom bus's query to that bus with the dimension set of custom-bus metrics", () => {
    expect(deliveryFailureQuery('FailedInvocations', 'acme-bus')).toBe(
      `SELECT SUM(FailedInvocations) FROM SCHEMA("AWS/Events", EventBusName, RuleName) WHERE EventBusName = 'acme-bus' GROUP BY RuleName`,
    );
  });

  it('refuses a bus name that would break out of the quoted label value', () => {
    expect(() => deliveryFailureQuery('FailedInvocations', "acme' OR 'x")).toThrow(/RuleDelivery eventBusName "acme' OR 'x": use the bus name/);
    expect(() => deliveryFailureQuery('FailedInvocations', 'arn:aws:events:eu-west-1:444455556666:event-bus/acme')).toThrow(/not an ARN/);
  });
});

describe('RuleDelivery with props', () => {
  it('notifies the topic given (not recreated) and names the custom bus in the metrics', () => {
    const stack = new Stack(new App(), 'Notified', { env: ENV });
    const topic = sns.Topic.fromTopicArn(stack, 'Topic', 'arn:aws:sns:eu-west-1:444455556666:alerts');
    const delivery = new RuleDelivery(stack, 'Delivery', { queueName: 'acme-dead-letters', topic, eventBusName: 'acme-bus', protectionTag: 'acme:protected' });
    watched(stack, delivery, 'acme-rule');
    const t = Template.fromStack(stack);
    expect(resources(t, 'AWS::SNS::Topic')).toHaveLength(0);
    for (const a of resources(t, 'AWS::CloudWatch::Alarm')) expect(a.Properties['AlarmActions']).toEqual(['arn:aws:sns:eu-west-1:444455556666:alerts']);
    expect(JSON.stringify(resources(t, 'AWS::CloudWatch::Alarm')[1]!.Properties['Metrics'])).toContain(`WHERE EventBusName = 'acme-bus' GROUP BY RuleName`);
    t.hasResourceProperties('AWS::SQS::Queue', { Tags: [{ Key: 'acme:protected', Value: 'true' }] });
  });
});
