/**
 * The AWS alarm pipeline as synthesized: topic, metric filters and alarms, the central bus and its
 * rules, the management account's forwarding rules and the member StackSet. The patterns are read back
 * from the synthesized templates and run, with the AWS-language evaluators, over the corpus.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { loadCatalog, type CatalogRule } from '../../../core/detection/catalog.ts';
import { detectSource } from '../../../core/detection/logsources/detect-source.ts';
import { compileCloudWatchPattern } from '../../../core/detection/targets/cloudwatch-pattern-evaluator.ts';
import { matchesEventPattern } from '../../../core/detection/targets/eventbridge-pattern-evaluator.ts';
import { perimeterShadowRules } from '../../../core/aws/shadow-rules.ts';
import { selfProtectionRules } from '../../../core/aws/self-protection-rules.ts';
import { exampleModel } from '../../helpers/config.ts';
import { normalisedTemplate, synthAws } from '../../helpers/aws-app.ts';
import { corpusFiles, eventBridgeEnvelope } from '../../helpers/corpus.ts';

const model = exampleModel();
const { template, member, alarms } = await synthAws(model);
const rulesById = new Map<string, CatalogRule>([...loadCatalog(model), ...perimeterShadowRules(model).rules, ...selfProtectionRules(model)].map((r) => [r.rule.id, r]));
const cloudTrail = corpusFiles()
  .flatMap((f) => f.events.map((raw, i) => ({ where: `${f.name}#${i}`, raw: raw as Record<string, unknown> })))
  .filter((e) => detectSource(e.raw)?.service === 'cloudtrail');

type Resource = { Properties: Record<string, unknown> };
const resources = (t: typeof template, type: string) => Object.values(t.findResources(type)) as Resource[];

describe('member template', () => {
  it('matches the snapshot', () => {
    expect(normalisedTemplate(member)).toMatchSnapshot();
  });

  it('forwards every real-time rule to the central bus, read-only calls included', () => {
    const rules = resources(member, 'AWS::Events::Rule');
    expect(rules).toHaveLength(alarms.realtime.length);
    for (const rule of rules) {
      expect(rule.Properties).toMatchObject({
        State: 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS',
        Targets: [{ Arn: 'arn:aws:events:us-east-1:111122223333:event-bus/guardrails-central', RoleArn: expect.anything() }],
      });
    }
    member.hasResourceProperties('AWS::IAM::Role', {
      Policies: [{ PolicyDocument: { Statement: [{ Action: 'events:PutEvents', Effect: 'Allow', Resource: 'arn:aws:events:us-east-1:111122223333:event-bus/guardrails-central' }] } }],
    });
  });
});

describe('management stack', () => {
  it('has an encrypted, TLS-only topic that CloudWatch and EventBridge may use, with the configured subscriptions', () => {
    template.hasResourceProperties('AWS::SNS::Topic', { TopicName: 'guardrails-alerts', KmsMasterKeyId: Match.anyValue() });
    template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'AllowAlarmPublishersToEncrypt', Principal: { Service: ['cloudwatch.amazonaws.com', 'events.amazonaws.com'] } })]) },
    });
    const policy = JSON.stringify(resources(template, 'AWS::SNS::TopicPolicy'));
    expect(policy).toContain('"aws:SecureTransport":"false"');
    expect(policy).toContain('AllowAlarmPublishers');
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'security-alerts@example.com' });
  });

  it('has a metric filter and an alarm for every CloudWatch rule, not breaching on missing data', () => {
    const filters = resources(template, 'AWS::Logs::MetricFilter');
    expect(filters.map((f) => f.Properties['FilterName']).sort()).toEqual(alarms.metric.map((m) => m.id).sort());
    expect(filters.length).toBeLessThanOrEqual(100);
    for (const alarm of resources(template, 'AWS::CloudWatch::Alarm')) {
      expect(alarm.Properties).toMatchObject({ TreatMissingData: 'notBreaching', Threshold: 1, AlarmActions: [expect.anything()] });
    }
    expect(resources(template, 'AWS::CloudWatch::Alarm')).toHaveLength(filters.length);
  });

  it('includes the CIS / Security Hub CloudWatch.1-14 set', () => {
    const ids = alarms.metric.map((m) => m.id);
    for (const id of ['aws-cis-root-account-usage', 'aws-cis-unauthorized-api-calls', 'aws-cis-console-signin-without-mfa', 'aws-cis-iam-policy-changes', 'aws-cis-cloudtrail-config-changes', 'aws-cis-console-auth-failures', 'aws-cis-cmk-disabled-or-deleted', 'aws-cis-s3-bucket-policy-changes', 'aws-cis-config-changes', 'aws-cis-security-group-changes', 'aws-cis-nacl-changes', 'aws-cis-network-gateway-changes', 'aws-cis-route-table-changes', 'aws-cis-vpc-changes']) {
      expect(ids).toContain(id);
    }
  });

  it('deploys the CIS filters verbatim, so Security Hub and Prowler recognise them', () => {
    template.hasResourceProperties('AWS::Logs::MetricFilter', {
      FilterName: 'aws-cis-root-account-usage',
      FilterPattern: '{$.userIdentity.type="Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType !="AwsServiceEvent"}',
    });
    const cis = alarms.metric.filter((m) => m.id.startsWith('aws-cis-'));
    expect(cis.length).toBe(15);
    expect(cis.every((m) => m.patternSource === 'cis')).toBe(true);
  });

  it('has a central bus writable by the organization only, with an alert rule per real-time rule', () => {
    template.hasResourceProperties('AWS::Events::EventBusPolicy', { Statement: { Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } }, Action: 'events:PutEvents' } });
    const central = resources(template, 'AWS::Events::Rule').filter((r) => r.Properties['EventBusName'] === 'guardrails-central');
    expect(central).toHaveLength(alarms.realtime.length);
    for (const rule of central) {
      const transformer = (rule.Properties['Targets'] as { InputTransformer: { InputPathsMap: Record<string, string>; InputTemplate: string } }[])[0]!.InputTransformer;
      expect(Object.keys(transformer.InputPathsMap).sort()).toEqual(['account', 'agent', 'ip', 'region', 'source', 'time', 'what', 'who']);
      expect(transformer.InputTemplate).toMatch(/<who> called <source> <what> from <ip> \(client: <agent>\) in account <account>, region <region>/);
      expect(transformer.InputTemplate).toContain('console.aws.amazon.com/cloudtrailv2/home?region=<region>');
    }
  });

  it('deploys the member template to the target OUs in every configured region through a service-managed StackSet', () => {
    const [stackSet] = resources(template, 'AWS::CloudFormation::StackSet');
    expect(stackSet!.Properties).toMatchObject({
      PermissionModel: 'SERVICE_MANAGED',
      AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: false },
      StackInstancesGroup: [{ DeploymentTargets: { OrganizationalUnitIds: ['ou-ab12-34cd56ef'] }, Regions: ['us-east-1', 'eu-west-1'] }],
    });
    expect(JSON.parse(stackSet!.Properties['TemplateBody'] as string)).toEqual(member.toJSON());
  });

  it('alerts on changes to the guardrails themselves and, in report mode, on what the perimeter would deny', () => {
    const ids = alarms.realtime.map((r) => r.id);
    expect(ids).toEqual(expect.arrayContaining(['guardrails-trail-changed', 'guardrails-scp-changed', 'guardrails-alerting-changed', 'guardrails-stackset-changed', 'aws-perimeter-shadow-network']));
  });
});

describe('deployed patterns, read back from the templates, match the corpus like the rules', () => {
  it('metric filters', () => {
    for (const filter of resources(template, 'AWS::Logs::MetricFilter')) {
      const rule = rulesById.get(filter.Properties['FilterName'] as string)!;
      const matches = compileCloudWatchPattern(filter.Properties['FilterPattern'] as string);
      for (const e of cloudTrail) expect(matches(e.raw), `${rule.rule.id} on ${e.where}`).toBe(rule.matches(e.raw));
    }
  });

  it('EventBridge rules on the central bus and in the member template', () => {
    const rules = [...resources(template, 'AWS::Events::Rule'), ...resources(member, 'AWS::Events::Rule')];
    expect(rules.length).toBe(3 * alarms.realtime.length);
    for (const deployed of rules) {
      const id = (deployed.Properties['Name'] as string).replace(/^guardrails-(alert|fwd)-/, '');
      const rule = [...rulesById.values()].find((r) => r.rule.id.startsWith(id))!;
      for (const e of cloudTrail) {
        expect(matchesEventPattern(deployed.Properties['EventPattern'] as Record<string, unknown>, eventBridgeEnvelope(e.raw)), `${rule.rule.id} on ${e.where}`).toBe(rule.matches(e.raw));
      }
    }
  });
});
