/**
 * The AWS alarm pipeline as synthesized in the AWS SRA layout: the alert topic, central bus and its
 * rules in the security account; metric filters and alarms, the management account's forwarding rules
 * and the member StackSet in the management account; the member template. The patterns are read back
 * from the synthesized templates and run, with the AWS-language evaluators, over the corpus.
 * (test/constructs/aws/alarm-delivery.test.ts checks the constructs in each account and region.)
 */
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { loadCatalog, type CatalogRule } from '../../../core/detection/catalog.ts';
import { detectSource } from '../../../core/detection/logsources/detect-source.ts';
import { compileCloudWatchPattern } from '../../../core/detection/targets/cloudwatch-pattern-evaluator.ts';
import { matchesEventPattern } from '../../../core/detection/targets/eventbridge-pattern-evaluator.ts';
import { pipelineNames } from '../../../core/aws/pipeline-names.ts';
import { perimeterShadowRules } from '../../../core/aws/shadow-rules.ts';
import { selfProtectionRules } from '../../../core/aws/self-protection-rules.ts';
import { STACKSET_TEMPLATE_BODY_MAX_BYTES } from '../../../constructs/aws/member-stackset.ts';
import { eventRuleName } from '../../../constructs/aws/realtime-rules.ts';
import { exampleModel } from '../../helpers/config.ts';
import { normalisedTemplate, synthAws } from '../../helpers/aws-app.ts';
import { corpusFiles, eventBridgeEnvelope } from '../../helpers/corpus.ts';

const model = exampleModel();
const { template: management, pipeline, member, alarms } = await synthAws(model);
const centralBusArn = pipelineNames(model.aws!).centralBusArn;
const rulesById = new Map<string, CatalogRule>(
  [...loadCatalog(model), ...perimeterShadowRules(model).rules, ...selfProtectionRules(model)].map((r) => [r.rule.id, r]),
);
/** Deployed rule name -> the catalog rule its pattern (or part) comes from. */
const ruleOfName = new Map(
  alarms.realtime.flatMap((r) => ['guardrails-alert-', 'guardrails-fwd-'].map((prefix) => [eventRuleName(prefix, r.id), rulesById.get(r.ruleId)!] as const)),
);
const cloudTrail = corpusFiles()
  .flatMap((f) => f.events.map((raw, i) => ({ where: `${f.name}#${i}`, raw: raw as Record<string, unknown> })))
  .filter((e) => detectSource(e.raw)?.service === 'cloudtrail');

type Resource = { Properties: Record<string, any> };
const resources = (t: typeof management, type: string) => Object.values(t.findResources(type)) as Resource[];
const ALARM_RULES = ['guardrails-alert-alarms', 'guardrails-fwd-alarms'];
const detectionRules = (t: typeof management) => resources(t, 'AWS::Events::Rule').filter((r) => !ALARM_RULES.includes(r.Properties['Name']));

describe('member template', () => {
  it('matches the snapshot', () => {
    expect(normalisedTemplate(member)).toMatchSnapshot();
  });

  it('forwards every real-time rule to the central bus, read-only calls included, and the guardrails alarms', () => {
    const rules = resources(member, 'AWS::Events::Rule');
    expect(rules).toHaveLength(alarms.realtime.length + 1);
    for (const rule of rules) {
      expect(rule.Properties).toMatchObject({
        State: rule.Properties['Name'] === 'guardrails-fwd-alarms' ? 'ENABLED' : 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS',
        Targets: [{ Arn: centralBusArn, RoleArn: expect.anything(), DeadLetterConfig: { Arn: expect.anything() } }],
      });
    }
    member.hasResourceProperties('AWS::IAM::Role', {
      RoleName: 'guardrails-event-forwarding',
      Policies: [{ PolicyDocument: { Statement: [{ Action: 'events:PutEvents', Effect: 'Allow', Resource: centralBusArn }] } }],
    });
    member.hasResourceProperties('AWS::SQS::Queue', { QueueName: 'guardrails-fwd-dead-letters', SqsManagedSseEnabled: true });
  });

  it('fits the StackSet TemplateBody cap with a fifth of it to spare: the delivery alarms do not grow with the rules', () => {
    // Three alarms (queue depth, and two Metrics Insights queries grouped by rule) for any number of rules;
    // one alarm per rule (about 1,000 bytes each) had brought the example to 50,456 of the 51,200 bytes
    // (36,175 with the alarms replaced and aws-instance-credentials-used-outside added).
    expect(
      resources(member, 'AWS::CloudWatch::Alarm')
        .map((a) => a.Properties['AlarmName'])
        .sort(),
    ).toEqual(['guardrails-fwd-dead-letters', 'guardrails-fwd-dead-letters-failed-invocations', 'guardrails-fwd-dead-letters-failed-to-dlq']);
    const [stackSet] = resources(management, 'AWS::CloudFormation::StackSet');
    const bytes = Buffer.byteLength(stackSet!.Properties['TemplateBody'] as string, 'utf8');
    expect(bytes).toBeLessThanOrEqual(STACKSET_TEMPLATE_BODY_MAX_BYTES * 0.8);
  });
});

describe('security account stack', () => {
  it('has an encrypted, TLS-only topic whose key EventBridge may use without aws:Source* conditions, with the configured subscriptions', () => {
    pipeline.hasResourceProperties('AWS::SNS::Topic', { TopicName: 'guardrails-alerts', KmsMasterKeyId: Match.anyValue() });
    pipeline.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'AllowCloudWatchAlarmsToEncrypt',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Condition: { StringEquals: { 'aws:SourceAccount': '333344445555' } },
          }),
          {
            Sid: 'AllowEventBridgeToEncrypt',
            Effect: 'Allow',
            Principal: { Service: 'events.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
            Resource: '*',
          },
        ]),
      },
    });
    const policy = JSON.stringify(resources(pipeline, 'AWS::SNS::TopicPolicy'));
    expect(policy).toContain('"aws:SecureTransport":"false"');
    expect(policy).toContain('AllowEventBridgeRulesToPublish');
    pipeline.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'security-alerts@example.com' });
  });

  it('has a central bus writable by the organization only, with an alert rule per real-time rule and one for forwarded alarms', () => {
    pipeline.hasResourceProperties('AWS::Events::EventBusPolicy', {
      Statement: { Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } }, Action: 'events:PutEvents' },
    });
    const central = detectionRules(pipeline);
    expect(central).toHaveLength(alarms.realtime.length);
    for (const rule of central) {
      expect(rule.Properties).toMatchObject({ EventBusName: 'guardrails-central', State: 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS' });
      const [target] = rule.Properties['Targets'] as {
        InputTransformer: { InputPathsMap: Record<string, string>; InputTemplate: string };
        DeadLetterConfig: unknown;
      }[];
      expect(target!.DeadLetterConfig).toBeDefined();
      expect(Object.keys(target!.InputTransformer.InputPathsMap).sort()).toEqual(['account', 'agent', 'ip', 'region', 'source', 'time', 'what', 'who']);
      expect(target!.InputTransformer.InputTemplate).toMatch(
        /<who> called <source> <what> from <ip> \(client: <agent>\) in account <account>, region <region>/,
      );
      expect(target!.InputTransformer.InputTemplate).toContain('console.aws.amazon.com/cloudtrailv2/home?region=<region>');
    }
    pipeline.hasResourceProperties('AWS::Events::Rule', { Name: 'guardrails-alert-alarms', EventBusName: 'guardrails-central', State: 'ENABLED' });
  });

  it('alarms to the topic when a central rule fails to deliver or its dead-letter queue fills', () => {
    const alarmNames = resources(pipeline, 'AWS::CloudWatch::Alarm').map((a) => a.Properties['AlarmName']);
    // One time series per central rule (GROUP BY RuleName), whatever the number of rules.
    for (const name of ['guardrails-alert-dead-letters-failed-invocations', 'guardrails-alert-dead-letters-failed-to-dlq', 'guardrails-alert-dead-letters']) {
      expect(alarmNames).toContain(name);
    }
    for (const alarm of resources(pipeline, 'AWS::CloudWatch::Alarm')) expect(alarm.Properties['AlarmActions']).toHaveLength(1);
  });

  it('alerts on changes to the guardrails themselves and, in report mode, on what the perimeter would deny', () => {
    const ids = alarms.realtime.map((r) => r.ruleId);
    expect(ids).toEqual(
      expect.arrayContaining([
        'guardrails-trail-changed',
        'guardrails-scp-changed',
        'guardrails-alerting-changed',
        'guardrails-stackset-changed',
        'aws-perimeter-shadow-network',
        'aws-guardrails-forwarding-tampering',
        'aws-org-trail-trusted-access-removed',
      ]),
    );
  });
});

describe('management account stack', () => {
  it('has a metric filter and an alarm for every CloudWatch rule, not breaching on missing data, delivered as forwarded alarm state changes', () => {
    const filters = resources(management, 'AWS::Logs::MetricFilter');
    expect(filters.map((f) => f.Properties['FilterName']).sort()).toEqual(alarms.metric.map((m) => m.id).sort());
    expect(filters.length).toBeLessThanOrEqual(100);
    const metricAlarms = resources(management, 'AWS::CloudWatch::Alarm').filter((a) => !String(a.Properties['AlarmName']).startsWith('guardrails-fwd-'));
    expect(metricAlarms).toHaveLength(filters.length);
    for (const alarm of metricAlarms) {
      expect(alarm.Properties).toMatchObject({ TreatMissingData: 'notBreaching', Threshold: 1 });
      // The topic is in the security account: the management account's guardrails-fwd-alarms rule carries the alarm.
      expect(alarm.Properties['AlarmActions'], String(alarm.Properties['AlarmName'])).toBeUndefined();
    }
    management.hasResourceProperties('AWS::Events::Rule', { Name: 'guardrails-fwd-alarms', State: 'ENABLED' });
  });

  it('includes the CIS / Security Hub CloudWatch.1-14 set and the forwarding and org-trail tamper rules', () => {
    const ids = alarms.metric.map((m) => m.id);
    for (const id of [
      'aws-cis-root-account-usage',
      'aws-cis-unauthorized-api-calls',
      'aws-cis-console-signin-without-mfa',
      'aws-cis-iam-policy-changes',
      'aws-cis-cloudtrail-config-changes',
      'aws-cis-console-auth-failures',
      'aws-cis-cmk-disabled-or-deleted',
      'aws-cis-s3-bucket-policy-changes',
      'aws-cis-config-changes',
      'aws-cis-security-group-changes',
      'aws-cis-nacl-changes',
      'aws-cis-network-gateway-changes',
      'aws-cis-route-table-changes',
      'aws-cis-vpc-changes',
      'aws-guardrails-forwarding-tampering',
      'aws-org-trail-trusted-access-removed',
    ]) {
      expect(ids).toContain(id);
    }
  });

  it('deploys the CIS filters verbatim, so Security Hub and Prowler recognise them', () => {
    management.hasResourceProperties('AWS::Logs::MetricFilter', {
      FilterName: 'aws-cis-root-account-usage',
      FilterPattern: '{$.userIdentity.type="Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType !="AwsServiceEvent"}',
    });
    const cis = alarms.metric.filter((m) => m.id.startsWith('aws-cis-'));
    expect(cis.length).toBe(15);
    expect(cis.every((m) => m.patternSource === 'cis')).toBe(true);
  });

  it('forwards its own events with every real-time rule, read-only calls included', () => {
    const rules = detectionRules(management);
    expect(rules).toHaveLength(alarms.realtime.length);
    for (const rule of rules)
      expect(rule.Properties).toMatchObject({
        State: 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS',
        Targets: [{ Arn: centralBusArn, DeadLetterConfig: expect.anything() }],
      });
  });

  it('deploys the member template to the target OUs in every configured region through a service-managed StackSet', () => {
    const [stackSet] = resources(management, 'AWS::CloudFormation::StackSet');
    expect(stackSet!.Properties).toMatchObject({
      PermissionModel: 'SERVICE_MANAGED',
      AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: false },
      StackInstancesGroup: [{ DeploymentTargets: { OrganizationalUnitIds: ['ou-ab12-34cd56ef'] }, Regions: ['us-east-1', 'eu-west-1'] }],
    });
    expect(JSON.parse(stackSet!.Properties['TemplateBody'] as string)).toEqual(member.toJSON());
  });
});

describe('deployed patterns, read back from the templates, match the corpus like the rules', () => {
  it('metric filters', () => {
    for (const filter of resources(management, 'AWS::Logs::MetricFilter')) {
      const rule = rulesById.get(filter.Properties['FilterName'] as string)!;
      const matches = compileCloudWatchPattern(filter.Properties['FilterPattern'] as string);
      for (const e of cloudTrail) expect(matches(e.raw), `${rule.rule.id} on ${e.where}`).toBe(rule.matches(e.raw));
    }
  });

  it('EventBridge rules on the central bus, in the management account and in the member template (split rules as the union of their parts)', () => {
    const deployed = [pipeline, management, member].map((t) => detectionRules(t));
    for (const rules of deployed) expect(rules).toHaveLength(alarms.realtime.length);
    for (const rules of deployed) {
      for (const e of cloudTrail) {
        const envelope = eventBridgeEnvelope(e.raw);
        const fired = new Set(
          rules.filter((r) => matchesEventPattern(r.Properties['EventPattern'], envelope)).map((r) => ruleOfName.get(r.Properties['Name'])!.rule.id),
        );
        const expected = new Set([...new Set(alarms.realtime.map((r) => r.ruleId))].filter((id) => rulesById.get(id)!.matches(e.raw)));
        expect(fired, e.where).toEqual(expected);
      }
    }
  });
});
