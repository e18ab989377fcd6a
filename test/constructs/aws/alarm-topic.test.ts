/**
 * AlarmTopic on its own, through its props: with none, the kit's topic (guardrails-alerts, its own key,
 * TLS-only, publishable by this account's alarms and rules, tagged), cdk-nag clean; subscriptions; and a
 * topic of the consumer's, owned (statements added to its policies, nothing created) or imported
 * (nothing created or added, and a synth note saying its owner must).
 */
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AwsSolutionsChecks, NIST80053R5Checks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { AlarmTopic } from '../../../constructs/aws/alarm-topic.ts';

const ENV = { account: '333344445555', region: 'eu-west-1' };

type Resource = { Properties: Record<string, any> };
const resources = (t: Template, type: string) => Object.values(t.findResources(type)) as Resource[];
const sids = (t: Template, type: string, key: string) =>
  resources(t, type).flatMap((r) => (r.Properties[key].Statement as Record<string, any>[]).map((s) => s.Sid as string | undefined));

describe('AlarmTopic with no props', () => {
  const app = new App();
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new NIST80053R5Checks(app));
  const stack = new Stack(app, 'Security', { env: ENV });
  const alerts = new AlarmTopic(stack, 'Alerts');
  // Synthesis runs the cdk-nag packs: it throws on any unacknowledged finding.
  const t = Template.fromStack(stack);

  it('creates the guardrails-alerts topic, encrypted with a rotated key of its own, tagged', () => {
    t.hasResourceProperties('AWS::SNS::Topic', {
      TopicName: 'guardrails-alerts',
      KmsMasterKeyId: { 'Fn::GetAtt': [stack.getLogicalId(alerts.key!.node.defaultChild as kms.CfnKey), 'Arn'] },
      Tags: [{ Key: 'guardrails:protected', Value: 'true' }],
    });
    t.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    t.hasResourceProperties('AWS::KMS::Alias', { AliasName: 'alias/guardrails-alerts' });
    expect(resources(t, 'AWS::SNS::Subscription')).toHaveLength(0);
  });

  it("lets this account's alarms and rules publish and encrypt, and nobody publish without TLS", () => {
    expect(sids(t, 'AWS::SNS::TopicPolicy', 'PolicyDocument')).toEqual(
      expect.arrayContaining(['AllowCloudWatchAlarmsToPublish', 'AllowEventBridgeRulesToPublish']),
    );
    expect(sids(t, 'AWS::KMS::Key', 'KeyPolicy')).toEqual(expect.arrayContaining(['AllowCloudWatchAlarmsToEncrypt', 'AllowEventBridgeToEncrypt']));
    t.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });
});

describe('AlarmTopic with props', () => {
  it('subscribes the emails and webhooks', () => {
    const stack = new Stack(new App(), 'Subscribed', { env: ENV });
    new AlarmTopic(stack, 'Alerts', { topicName: 'acme-alerts', emails: ['soc@example.com'], webhooks: ['https://hooks.example.com/x'] });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::SNS::Topic', { TopicName: 'acme-alerts' });
    expect(resources(t, 'AWS::SNS::Subscription').map((s) => [s.Properties['Protocol'], s.Properties['Endpoint']])).toEqual([
      ['email', 'soc@example.com'],
      ['https', 'https://hooks.example.com/x'],
    ]);
  });

  it("adds its statements to a topic and key of the consumer's, creating neither and tagging neither", () => {
    const stack = new Stack(new App(), 'Owned', { env: ENV });
    const masterKey = new kms.Key(stack, 'MyKey', { enableKeyRotation: true });
    const topic = new sns.Topic(stack, 'MyTopic', { masterKey });
    const alerts = new AlarmTopic(stack, 'Alerts', { topic, emails: ['soc@example.com'] });
    const t = Template.fromStack(stack);
    expect(alerts.topic).toBe(topic);
    expect(alerts.key).toBe(masterKey);
    expect(resources(t, 'AWS::SNS::Topic')).toHaveLength(1);
    expect(resources(t, 'AWS::KMS::Key')).toHaveLength(1);
    expect(resources(t, 'AWS::SNS::Topic')[0]!.Properties['Tags']).toBeUndefined();
    expect(sids(t, 'AWS::SNS::TopicPolicy', 'PolicyDocument')).toEqual(
      expect.arrayContaining(['AllowCloudWatchAlarmsToPublish', 'AllowEventBridgeRulesToPublish']),
    );
    expect(sids(t, 'AWS::KMS::Key', 'KeyPolicy')).toEqual(expect.arrayContaining(['AllowCloudWatchAlarmsToEncrypt', 'AllowEventBridgeToEncrypt']));
    expect(resources(t, 'AWS::SNS::Subscription')[0]!.Properties['TopicArn']).toEqual({ Ref: stack.getLogicalId(topic.node.defaultChild as sns.CfnTopic) });
    expect(Annotations.fromStack(stack).findInfo('*', Match.stringLikeRegexp('imported'))).toHaveLength(0);
  });

  it("creates nothing but subscriptions for an imported topic, and says its policy is its owner's to write", () => {
    const stack = new Stack(new App(), 'Imported', { env: ENV });
    const topicArn = 'arn:aws:sns:eu-west-1:333344445555:existing-alerts';
    new AlarmTopic(stack, 'Alerts', { topic: sns.Topic.fromTopicArn(stack, 'Existing', topicArn), emails: ['soc@example.com'] });
    const t = Template.fromStack(stack);
    expect(Object.keys(t.toJSON()['Resources']).map((id) => t.toJSON()['Resources'][id].Type)).toEqual(['AWS::SNS::Subscription']);
    expect(resources(t, 'AWS::SNS::Subscription')[0]!.Properties['TopicArn']).toBe(topicArn);
    Annotations.fromStack(stack).hasInfo('/Imported/Alerts', Match.stringLikeRegexp('alert topic is imported.*account 333344445555'));
  });
});
