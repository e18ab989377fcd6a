/**
 * EventForwarding on its own, through its props: with only the central bus and rules, a fixed-name role
 * that may put events on that bus and nothing else, a forwarding rule per real-time rule (read-only events
 * included) and one for the guardrails' alarms, a dead-letter queue and failure alarms without an action
 * (their state changes are forwarded too), tagged guardrails:protected; with a role of the consumer's, no
 * role is created.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { describe, expect, it } from 'vitest';
import { EventForwarding } from '../../../constructs/aws/event-forwarding.ts';
import type { RealtimeRule } from '../../../constructs/aws/realtime-rules.ts';

const ENV = { account: '444455556666', region: 'us-east-1' };
const BUS = 'arn:aws:events:us-east-1:333344445555:event-bus/guardrails-central';
const RULE: RealtimeRule = {
  id: 'aws-iam-access-key-created',
  ruleId: 'aws-iam-access-key-created',
  title: 'Access key created',
  level: 'medium',
  pattern: { source: ['aws.iam'], detail: { eventName: ['CreateAccessKey'] } },
};

type Resource = { Properties: Record<string, any> };
const resources = (t: Template, type: string) => Object.values(t.findResources(type)) as Resource[];

describe('EventForwarding with the required props', () => {
  const stack = new Stack(new App(), 'Member', { env: ENV });
  const forwarding = new EventForwarding(stack, 'Forwarding', { centralBusArn: BUS, rules: [RULE] });
  const t = Template.fromStack(stack);

  it('creates the guardrails-event-forwarding role, allowed events:PutEvents on the central bus only', () => {
    const [role] = resources(t, 'AWS::IAM::Role');
    expect(role!.Properties).toMatchObject({
      RoleName: 'guardrails-event-forwarding',
      Policies: [{ PolicyDocument: { Statement: [{ Action: 'events:PutEvents', Effect: 'Allow', Resource: BUS }] } }],
      Tags: [{ Key: 'guardrails:protected', Value: 'true' }],
    });
    expect(forwarding.createdRole).toBeDefined();
  });

  it('forwards each rule with read-only events, and the guardrails alarms, to the central bus with a dead-letter queue', () => {
    const rules = resources(t, 'AWS::Events::Rule');
    expect(rules.map((r) => [r.Properties['Name'], r.Properties['State']])).toEqual([
      ['guardrails-fwd-aws-iam-access-key-created', 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS'],
      ['guardrails-fwd-alarms', 'ENABLED'],
    ]);
    for (const r of rules)
      expect(r.Properties['Targets'][0]).toMatchObject({ Arn: BUS, DeadLetterConfig: { Arn: { 'Fn::GetAtt': [expect.any(String), 'Arn'] } } });
    for (const a of resources(t, 'AWS::CloudWatch::Alarm')) expect(a.Properties['AlarmActions']).toBeUndefined();
    t.hasResourceProperties('AWS::SQS::Queue', { QueueName: 'guardrails-fwd-dead-letters', Tags: [{ Key: 'guardrails:protected', Value: 'true' }] });
  });
});

describe('EventForwarding with props', () => {
  it("uses a role of the consumer's, creating none", () => {
    const stack = new Stack(new App(), 'Byo', { env: ENV });
    const role = iam.Role.fromRoleArn(stack, 'Mine', 'arn:aws:iam::444455556666:role/my-forwarder', { mutable: false });
    new EventForwarding(stack, 'Forwarding', { centralBusArn: BUS, rules: [], role, protectionTag: 'acme:protected' });
    const t = Template.fromStack(stack);
    expect(resources(t, 'AWS::IAM::Role')).toHaveLength(0);
    expect(resources(t, 'AWS::Events::Rule').map((r) => r.Properties['Targets'][0].RoleArn)).toEqual(['arn:aws:iam::444455556666:role/my-forwarder']);
    t.hasResourceProperties('AWS::SQS::Queue', { Tags: [{ Key: 'acme:protected', Value: 'true' }] });
  });
});
