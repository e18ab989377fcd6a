/**
 * The alarm pipeline's constructs in the accounts the stacks put them in, each stack synthesized with
 * the cdk-nag AwsSolutions and NIST 800-53 R5 packs (an unacknowledged finding fails synth): the alert
 * topic and central rules in the security account, forwarding and metric alarms in the management
 * account (two regions), forwarding in the environment-agnostic member template. Asserted: who may use
 * the topic's key and topic, dead-letter queues and failed-delivery alarms on every bus's rules, rule states,
 * the fixed-name forwarding role created once per account, and the alarm state changes that carry
 * alarms from other accounts and regions to the topic.
 */
import { App, BootstraplessSynthesizer, Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { AwsSolutionsChecks, NIST80053R5Checks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { planAlarms } from '../../../core/aws/alarm-plan.ts';
import { FORWARDING_ROLE_NAME, pipelineNames } from '../../../core/aws/pipeline-names.ts';
import { ALERT_TOPIC_NAME, CENTRAL_BUS_NAME } from '../../../core/aws/self-protection-rules.ts';
import { loadCatalog } from '../../../core/detection/catalog.ts';
import { matchesEventPattern } from '../../../core/detection/targets/eventbridge-pattern-evaluator.ts';
import { AlarmTopic } from '../../../constructs/aws/alarm-topic.ts';
import { EventForwarding } from '../../../constructs/aws/event-forwarding.ts';
import { MetricAlarms } from '../../../constructs/aws/metric-alarms.ts';
import { RealtimeRules, eventRuleName } from '../../../constructs/aws/realtime-rules.ts';
import { exampleModel } from '../../helpers/config.ts';

const model = exampleModel();
const aws = model.aws!;
const alarms = planAlarms(model, loadCatalog(model));
const names = pipelineNames(aws);
const { management, security } = aws.accounts;

function checkedApp(): App {
  const app = new App();
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new NIST80053R5Checks(app));
  return app;
}

const app = checkedApp();
const securityStack = new Stack(app, 'Security', { env: { account: security, region: aws.homeRegion } });
const alarmTopic = new AlarmTopic(securityStack, 'AlarmTopic', { topicName: ALERT_TOPIC_NAME, ...model.notifications, protectionTag: aws.protectionTag });
new RealtimeRules(securityStack, 'RealtimeRules', {
  busName: CENTRAL_BUS_NAME,
  organizationId: aws.organizationId,
  topic: alarmTopic.topic,
  rules: alarms.realtime,
  protectionTag: aws.protectionTag,
});

const managementStacks = ['us-east-1', 'eu-west-1'].map((region) => {
  const stack = new Stack(app, `Management-${region}`, { env: { account: management, region } });
  new EventForwarding(stack, 'Forwarding', {
    centralBusArn: names.centralBusArn,
    rules: alarms.realtime,
    roleRegion: 'us-east-1',
    protectionTag: aws.protectionTag,
  });
  if (region === aws.homeRegion) {
    const logGroup = logs.LogGroup.fromLogGroupName(stack, 'TrailLogGroup', '/guardrails/guardrails-org-trail');
    new MetricAlarms(stack, 'MetricAlarms', { logGroup, rules: alarms.metric });
  }
  return stack;
});

const memberApp = checkedApp();
const memberStack = new Stack(memberApp, 'Member', { synthesizer: new BootstraplessSynthesizer() });
new EventForwarding(memberStack, 'Forwarding', {
  centralBusArn: names.centralBusArn,
  rules: alarms.realtime,
  roleRegion: 'us-east-1',
  protectionTag: aws.protectionTag,
});

// Synthesis runs the cdk-nag packs: it throws on any unacknowledged finding.
const central = Template.fromStack(securityStack);
const [managementUsEast1, managementEuWest1] = managementStacks.map((s) => Template.fromStack(s)) as [Template, Template];
const member = Template.fromStack(memberStack);

type Resource = { Properties: Record<string, any>; Condition?: string };
const resources = (t: Template, type: string) => Object.values(t.findResources(type)) as Resource[];
const statements = (t: Template, type: string, key: string) => resources(t, type).flatMap((r) => r.Properties[key].Statement as Record<string, any>[]);

/** A "CloudWatch Alarm State Change" event as EventBridge delivers it (CloudWatch user guide, "Alarm events and EventBridge"). */
function alarmEvent(alarmName: string, state = 'ALARM', account = '444455556666'): Record<string, unknown> {
  return {
    version: '0',
    id: '00000000-0000-0000-0000-000000000000',
    'detail-type': 'CloudWatch Alarm State Change',
    source: 'aws.cloudwatch',
    account,
    time: '2026-01-01T00:00:00Z',
    region: 'eu-west-1',
    resources: [`arn:aws:cloudwatch:eu-west-1:${account}:alarm:${alarmName}`],
    detail: { alarmName, state: { value: state, reason: 'Threshold Crossed', timestamp: '2026-01-01T00:00:00.000+0000' }, previousState: { value: 'OK' } },
  };
}

describe('alert topic (security account)', () => {
  it("lets EventBridge use the key with no aws:Source* condition, and scopes CloudWatch to this account's alarms", () => {
    const key = statements(central, 'AWS::KMS::Key', 'KeyPolicy');
    const eventBridge = key.find((s) => s['Sid'] === 'AllowEventBridgeToEncrypt')!;
    expect(eventBridge).toMatchObject({ Principal: { Service: 'events.amazonaws.com' }, Action: ['kms:GenerateDataKey*', 'kms:Decrypt'] });
    expect(eventBridge['Condition']).toBeUndefined();
    const cloudWatch = key.find((s) => s['Sid'] === 'AllowCloudWatchAlarmsToEncrypt')!;
    expect(cloudWatch).toMatchObject({ Principal: { Service: 'cloudwatch.amazonaws.com' }, Condition: { StringEquals: { 'aws:SourceAccount': security } } });
  });

  it("lets only this account's alarms and rules publish, over TLS", () => {
    const topic = statements(central, 'AWS::SNS::TopicPolicy', 'PolicyDocument');
    expect(topic.find((s) => s['Sid'] === 'AllowCloudWatchAlarmsToPublish')).toMatchObject({
      Principal: { Service: 'cloudwatch.amazonaws.com' },
      Action: 'sns:Publish',
      Condition: {
        StringEquals: { 'aws:SourceAccount': security },
        ArnLike: { 'aws:SourceArn': { 'Fn::Join': ['', expect.arrayContaining([':cloudwatch:us-east-1:333344445555:alarm:*'])] } },
      },
    });
    expect(topic.find((s) => s['Sid'] === 'AllowEventBridgeRulesToPublish')).toMatchObject({
      Principal: { Service: 'events.amazonaws.com' },
      Condition: {
        StringEquals: { 'aws:SourceAccount': security },
        ArnLike: { 'aws:SourceArn': { 'Fn::Join': ['', expect.arrayContaining([':events:us-east-1:333344445555:rule/*'])] } },
      },
    });
    expect(JSON.stringify(topic)).toContain('"aws:SecureTransport":"false"');
  });
});

describe('central rules (security account)', () => {
  const rules = resources(central, 'AWS::Events::Rule');
  const relay = rules.find((r) => r.Properties['Name'] === 'guardrails-alert-alarms')!;

  it('match read-only management events too, and deliver with a dead-letter queue', () => {
    expect(rules).toHaveLength(alarms.realtime.length + 1);
    for (const r of rules) {
      expect(r.Properties['State'], r.Properties['Name']).toBe(r === relay ? 'ENABLED' : 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS');
      expect(r.Properties['Targets']).toEqual([
        expect.objectContaining({ Id: 'alert-topic', DeadLetterConfig: { Arn: { 'Fn::GetAtt': [expect.stringMatching(/DeliveryQueue/), 'Arn'] } } }),
      ]);
      expect(r.Properties['Targets'][0].RoleArn, 'SNS targets take no role').toBeUndefined();
    }
  });

  it('has an SSE-SQS dead-letter queue that EventBridge may write to for exactly these rules', () => {
    central.hasResourceProperties('AWS::SQS::Queue', { QueueName: 'guardrails-alert-dead-letters', SqsManagedSseEnabled: true });
    const send = statements(central, 'AWS::SQS::QueuePolicy', 'PolicyDocument').find((s) => s['Action'] === 'sqs:SendMessage')!;
    expect(send['Principal']).toEqual({ Service: 'events.amazonaws.com' });
    expect(send['Condition']['ArnEquals']['aws:SourceArn']).toHaveLength(rules.length);
  });

  it("alarms to the topic on the central bus's failed deliveries (one time series per rule) and on the queue depth", () => {
    const alarmsByName = new Map(resources(central, 'AWS::CloudWatch::Alarm').map((a) => [a.Properties['AlarmName'] as string, a.Properties]));
    expect([...alarmsByName.keys()].sort()).toEqual([
      'guardrails-alert-dead-letters',
      'guardrails-alert-dead-letters-failed-invocations',
      'guardrails-alert-dead-letters-failed-to-dlq',
    ]);
    for (const [name, metric] of [
      ['guardrails-alert-dead-letters-failed-invocations', 'FailedInvocations'],
      ['guardrails-alert-dead-letters-failed-to-dlq', 'InvocationsFailedToBeSentToDlq'],
    ] as const) {
      const alarm = alarmsByName.get(name)!;
      expect(alarm['AlarmActions'], name).toHaveLength(1);
      expect(alarm['Metrics']).toEqual([
        {
          Id: 'expr_1',
          Expression: `SELECT SUM(${metric}) FROM SCHEMA("AWS/Events", EventBusName, RuleName) WHERE EventBusName = 'guardrails-central' GROUP BY RuleName`,
          Period: 300,
          ReturnData: true,
        },
      ]);
    }
    expect(alarmsByName.get('guardrails-alert-dead-letters')).toMatchObject({
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Namespace: 'AWS/SQS',
      Threshold: 1,
      TreatMissingData: 'notBreaching',
    });
  });

  it('publishes forwarded guardrails alarms that enter ALARM, except its own (they notify the topic directly)', () => {
    const pattern = relay.Properties['EventPattern'];
    expect(matchesEventPattern(pattern, alarmEvent('guardrails-fwd-dead-letters'))).toBe(true);
    expect(matchesEventPattern(pattern, alarmEvent('guardrails-aws-cis-root-account-usage', 'ALARM', management))).toBe(true);
    expect(matchesEventPattern(pattern, alarmEvent('guardrails-fwd-dead-letters', 'OK'))).toBe(false);
    expect(matchesEventPattern(pattern, alarmEvent('guardrails-alert-dead-letters', 'ALARM', security))).toBe(false);
    expect(relay.Properties['Targets'][0].InputTransformer.InputTemplate).toMatch(/Alarm <alarm> entered ALARM in account <account>, region <region>/);
  });

  it('names long rule ids uniquely within 64 characters', () => {
    const long = 'a'.repeat(60);
    expect(eventRuleName('guardrails-alert-', `${long}-part1`)).not.toBe(eventRuleName('guardrails-alert-', `${long}-part2`));
    expect(eventRuleName('guardrails-alert-', `${long}-part1`)).toHaveLength(64);
    for (const r of rules) expect((r.Properties['Name'] as string).length).toBeLessThanOrEqual(64);
  });
});

describe('forwarding (management account per region, member template)', () => {
  it('forwards every real-time rule, read-only calls included, and the guardrails alarms, with a dead-letter queue', () => {
    for (const t of [managementUsEast1, managementEuWest1, member]) {
      const rules = resources(t, 'AWS::Events::Rule');
      expect(rules.map((r) => r.Properties['Name'])).toEqual([...alarms.realtime.map((r) => eventRuleName('guardrails-fwd-', r.id)), 'guardrails-fwd-alarms']);
      for (const r of rules) {
        expect(r.Properties['State']).toBe(r.Properties['Name'] === 'guardrails-fwd-alarms' ? 'ENABLED' : 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS');
        expect(r.Properties['Targets']).toEqual([
          expect.objectContaining({ Arn: names.centralBusArn, RoleArn: expect.anything(), DeadLetterConfig: expect.anything() }),
        ]);
      }
      const send = statements(t, 'AWS::SQS::QueuePolicy', 'PolicyDocument').find((s) => s['Action'] === 'sqs:SendMessage')!;
      expect(send['Condition']['ArnEquals']['aws:SourceArn']).toHaveLength(rules.length);
      // Alarms here have no action (the topic is in the security account): their state changes are forwarded.
      const alarmResources = resources(t, 'AWS::CloudWatch::Alarm').filter((a) => (a.Properties['AlarmName'] as string).startsWith('guardrails-fwd-'));
      expect(alarmResources.map((a) => a.Properties['AlarmName']).sort()).toEqual([
        'guardrails-fwd-dead-letters',
        'guardrails-fwd-dead-letters-failed-invocations',
        'guardrails-fwd-dead-letters-failed-to-dlq',
      ]);
      for (const a of alarmResources) expect(a.Properties['AlarmActions']).toBeUndefined();
      // The default bus's metrics carry RuleName alone (EventBridge user guide, "Monitoring Amazon EventBridge").
      const failed = alarmResources.find((a) => a.Properties['AlarmName'] === 'guardrails-fwd-dead-letters-failed-invocations')!;
      expect(failed.Properties['Metrics'][0].Expression).toBe('SELECT SUM(FailedInvocations) FROM SCHEMA("AWS/Events", RuleName) GROUP BY RuleName');
    }
  });

  it('forwards the state changes of guardrails alarms entering ALARM, and of no other alarm', () => {
    const pattern = resources(member, 'AWS::Events::Rule').find((r) => r.Properties['Name'] === 'guardrails-fwd-alarms')!.Properties['EventPattern'];
    expect(matchesEventPattern(pattern, alarmEvent('guardrails-fwd-dead-letters-failed-invocations'))).toBe(true);
    expect(matchesEventPattern(pattern, alarmEvent('guardrails-aws-org-trail-trusted-access-removed'))).toBe(true);
    expect(matchesEventPattern(pattern, alarmEvent('billing-alarm'))).toBe(false);
    expect(matchesEventPattern(pattern, alarmEvent('guardrails-fwd-dead-letters', 'INSUFFICIENT_DATA'))).toBe(false);
  });

  it("creates the fixed-name role once per account: in its region's stack, or under a region condition in the StackSet template", () => {
    managementUsEast1.hasResourceProperties('AWS::IAM::Role', {
      RoleName: FORWARDING_ROLE_NAME,
      AssumeRolePolicyDocument: { Statement: [{ Principal: { Service: 'events.amazonaws.com' }, Action: 'sts:AssumeRole' }] },
      Policies: [{ PolicyDocument: { Statement: [{ Action: 'events:PutEvents', Effect: 'Allow', Resource: names.centralBusArn }] } }],
    });
    expect(resources(managementEuWest1, 'AWS::IAM::Role')).toHaveLength(0);
    expect(JSON.stringify(resources(managementEuWest1, 'AWS::Events::Rule')[0]!.Properties['Targets'][0].RoleArn)).toContain(
      `:iam::${management}:role/${FORWARDING_ROLE_NAME}`,
    );

    const [role] = resources(member, 'AWS::IAM::Role');
    expect(role!.Properties['RoleName']).toBe(FORWARDING_ROLE_NAME);
    expect(member.toJSON()['Conditions'][role!.Condition!]).toEqual({ 'Fn::Equals': [{ Ref: 'AWS::Region' }, 'us-east-1'] });
    // Targets name the role by ARN, never Fn::GetAtt: in the other regions the role resource does not exist.
    for (const r of resources(member, 'AWS::Events::Rule')) {
      const arn = JSON.stringify(r.Properties['Targets'][0].RoleArn);
      expect(arn).not.toContain('Fn::GetAtt');
      expect(arn).toContain(`:role/${FORWARDING_ROLE_NAME}`);
      expect(r['DependsOn' as keyof Resource]).toBeUndefined();
    }
  });

  it('reuses an existing role when given one, creating none', () => {
    const stack = new Stack(checkedApp(), 'Reuse', { env: { account: management, region: 'eu-west-1' } });
    const role = iam.Role.fromRoleName(stack, 'Existing', FORWARDING_ROLE_NAME, { mutable: false });
    new EventForwarding(stack, 'Forwarding', { centralBusArn: names.centralBusArn, rules: alarms.realtime.slice(0, 2), role });
    const t = Template.fromStack(stack);
    expect(resources(t, 'AWS::IAM::Role')).toHaveLength(0);
    expect(JSON.stringify(resources(t, 'AWS::Events::Rule')[0]!.Properties['Targets'][0].RoleArn)).toContain(`role/${FORWARDING_ROLE_NAME}`);
  });
});

describe('metric alarms (management account)', () => {
  it('have no alarm action, leaving delivery to the forwarded alarm state changes', () => {
    const metricAlarms = resources(managementUsEast1, 'AWS::CloudWatch::Alarm').filter(
      (a) => !(a.Properties['AlarmName'] as string).startsWith('guardrails-fwd-'),
    );
    expect(metricAlarms.map((a) => a.Properties['AlarmName']).sort()).toEqual(alarms.metric.map((m) => `guardrails-${m.id}`).sort());
    for (const a of metricAlarms) expect(a.Properties['AlarmActions']).toBeUndefined();
  });
});
