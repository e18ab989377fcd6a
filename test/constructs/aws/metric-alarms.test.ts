/**
 * MetricAlarms on its own, through its props: a metric filter in the CloudApiGuardrails namespace and an
 * alarm per rule on the log group given (not recreated), no alarm action unless a topic is given, and the
 * refusal of more rules than a log group's 100 metric filters.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { describe, expect, it } from 'vitest';
import { MetricAlarms, type MetricAlarmRule } from '../../../constructs/aws/metric-alarms.ts';

const ENV = { account: '111122223333', region: 'us-east-1' };
const RULE: MetricAlarmRule = {
  id: 'aws-root-usage',
  title: 'Root user activity',
  level: 'high',
  pattern: '{ $.userIdentity.type = "Root" }',
  patternSource: 'compiled',
};

type Resource = { Properties: Record<string, any> };
const resources = (t: Template, type: string) => Object.values(t.findResources(type)) as Resource[];
const stackWithLogGroup = (id: string) => {
  const stack = new Stack(new App(), id, { env: ENV });
  return { stack, logGroup: logs.LogGroup.fromLogGroupName(stack, 'Trail', '/guardrails/guardrails-org-trail') };
};

describe('MetricAlarms', () => {
  it('filters the log group given (not recreated) into the CloudApiGuardrails namespace, with an alarm per rule and no action', () => {
    const { stack, logGroup } = stackWithLogGroup('Defaults');
    new MetricAlarms(stack, 'Alarms', { logGroup, rules: [RULE] });
    const t = Template.fromStack(stack);
    expect(resources(t, 'AWS::Logs::LogGroup')).toHaveLength(0);
    t.hasResourceProperties('AWS::Logs::MetricFilter', {
      LogGroupName: '/guardrails/guardrails-org-trail',
      FilterPattern: RULE.pattern,
      MetricTransformations: [{ MetricNamespace: 'CloudApiGuardrails', MetricName: 'aws-root-usage', MetricValue: '1' }],
    });
    const [alarm] = resources(t, 'AWS::CloudWatch::Alarm');
    expect(alarm!.Properties).toMatchObject({
      AlarmName: 'guardrails-aws-root-usage',
      Namespace: 'CloudApiGuardrails',
      Threshold: 1,
      TreatMissingData: 'notBreaching',
    });
    expect(alarm!.Properties['AlarmActions']).toBeUndefined();
  });

  it('notifies a topic given, in the namespace given', () => {
    const { stack, logGroup } = stackWithLogGroup('Notified');
    new MetricAlarms(stack, 'Alarms', {
      logGroup,
      rules: [RULE],
      namespace: 'Acme',
      topic: sns.Topic.fromTopicArn(stack, 'Topic', 'arn:aws:sns:us-east-1:111122223333:alerts'),
    });
    const [alarm] = resources(Template.fromStack(stack), 'AWS::CloudWatch::Alarm');
    expect(alarm!.Properties).toMatchObject({ Namespace: 'Acme', AlarmActions: ['arn:aws:sns:us-east-1:111122223333:alerts'] });
  });

  it('refuses more rules than a log group has metric filters', () => {
    const { stack, logGroup } = stackWithLogGroup('TooMany');
    const rules = Array.from({ length: 101 }, (_, i) => ({ ...RULE, id: `rule-${i}` }));
    expect(() => new MetricAlarms(stack, 'Alarms', { logGroup, rules })).toThrow(
      '101 CloudWatch rules exceed the 100 metric filters a log group allows; move some rules to EventBridge',
    );
  });
});
