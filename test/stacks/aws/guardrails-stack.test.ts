import { Match, type Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { describe, expect, it } from 'vitest';
import { planPerimeter } from '../../../core/aws/perimeter-plan.ts';
import { buildAwsApp } from '../../../stacks/aws/app.ts';
import { planAlarms } from '../../../core/aws/alarm-plan.ts';
import { loadCatalog } from '../../../core/detection/catalog.ts';
import { Template as CdkTemplate } from 'aws-cdk-lib/assertions';
import { enforceModel, exampleModel } from '../../helpers/config.ts';
import { CDK_JSON_CONTEXT, normalisedTemplate, synthAws } from '../../helpers/aws-app.ts';

const report = await synthAws(exampleModel());
const enforce = await synthAws(enforceModel());
const singleAccount = (c: Record<string, any>) => {
  delete c.aws.logArchiveAccountId;
  delete c.aws.securityAccountId;
};
const single = await synthAws(exampleModel(singleAccount));

function only(template: Template, type: string): Record<string, unknown> {
  const found = Object.values(template.findResources(type));
  expect(found).toHaveLength(1);
  return found[0] as Record<string, unknown>;
}

describe('whole templates', () => {
  it('AWS SRA layout in report mode: every stack matches the snapshot', () => {
    expect(Object.fromEntries(Object.entries(report.stacks).map(([id, t]) => [id, normalisedTemplate(t)]))).toMatchSnapshot();
  });
  it('AWS SRA layout in enforce mode: the management stack matches the snapshot', () => {
    expect(normalisedTemplate(enforce.template)).toMatchSnapshot();
  });
  it('single-account layout in report mode matches the snapshot', () => {
    expect(normalisedTemplate(single.template)).toMatchSnapshot();
  });
});

describe('account layout', () => {
  it('AWS SRA: one stack per account, each with an explicit env', () => {
    const { stacks } = buildAwsApp(report.model, report.plan, report.alarms, { context: CDK_JSON_CONTEXT });
    expect(stacks.map((s) => [s.stackName, s.account, s.region])).toEqual([
      ['CloudApiGuardrails', '111122223333', 'us-east-1'],
      ['CloudApiGuardrailsLogArchive', '222233334444', 'us-east-1'],
      ['CloudApiGuardrailsSecurity', '333344445555', 'us-east-1'],
      // The management account forwards its own events in every other event region too.
      ['CloudApiGuardrailsForwarding-eu-west-1', '111122223333', 'eu-west-1'],
    ]);
    expect(stacks[0]!.dependencies.map((d) => d.stackName).sort()).toEqual(['CloudApiGuardrailsLogArchive', 'CloudApiGuardrailsSecurity']);
    // The home region (us-east-1) creates the forwarding role; eu-west-1 uses it by name, so it deploys after.
    expect(stacks[3]!.dependencies.map((d) => d.stackName).sort()).toEqual(['CloudApiGuardrails', 'CloudApiGuardrailsSecurity']);
  });

  it('AWS SRA: the evidence is in the log-archive account and the trail finds it by name, not by export', () => {
    report.template.hasResourceProperties('AWS::CloudTrail::Trail', {
      S3BucketName: 'guardrails-org-trail-222233334444-us-east-1',
      KMSKeyId: 'arn:aws:kms:us-east-1:222233334444:alias/guardrails-org-trail',
    });
    expect(report.template.findResources('AWS::S3::Bucket')).toEqual({});
    report.evidence.hasResourceProperties('AWS::S3::Bucket', { BucketName: 'guardrails-org-trail-222233334444-us-east-1' });
    for (const t of Object.values(report.stacks)) expect(JSON.stringify(t.toJSON())).not.toContain('Fn::ImportValue');
  });

  it('AWS SRA: the alert topic and central bus are in the security account; the metric alarms reach them as forwarded alarm events', () => {
    expect(report.template.findResources('AWS::SNS::Topic')).toEqual({});
    report.pipeline.hasResourceProperties('AWS::SNS::Topic', { TopicName: 'guardrails-alerts' });
    report.pipeline.hasResourceProperties('AWS::Events::EventBus', { Name: 'guardrails-central' });
    // An alarm cannot notify another account's topic: its state change goes over the forwarding path instead.
    for (const alarm of Object.values(report.template.findResources('AWS::CloudWatch::Alarm'))) expect(JSON.stringify(alarm)).not.toContain('AlarmActions');
    report.template.hasResourceProperties('AWS::Events::Rule', {
      Name: 'guardrails-fwd-alarms',
      Targets: [Match.objectLike({ Arn: 'arn:aws:events:us-east-1:333344445555:event-bus/guardrails-central' })],
    });
  });

  it('single account: one stack, COMPLIANCE Object Lock by default, and the bucket policy itself denies the governance bypass and lock changes', () => {
    expect(Object.keys(single.stacks)).toEqual(['CloudApiGuardrails', 'CloudApiGuardrailsForwarding-eu-west-1']);
    single.template.hasResourceProperties('AWS::S3::Bucket', {
      BucketName: 'guardrails-org-trail-111122223333-us-east-1',
      ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 365 } } },
    });
    single.template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'DenyRetentionAndLockChangesButBreakGlass',
            Effect: 'Deny',
            Action: ['s3:BypassGovernanceRetention', 's3:PutBucketObjectLockConfiguration', 's3:PutObjectLegalHold', 's3:PutObjectRetention'],
            Condition: { ArnNotLike: { 'aws:PrincipalArn': ['arn:aws:iam::*:role/BreakGlass*'] } },
          }),
        ]),
      },
    });
  });
});

describe('organization trail', () => {
  const t = report.template;
  const e = report.evidence;

  it('logs every account and region, with global events, validation and Insights', () => {
    t.hasResourceProperties('AWS::CloudTrail::Trail', {
      TrailName: 'guardrails-org-trail',
      IsOrganizationTrail: true,
      IsMultiRegionTrail: true,
      IncludeGlobalServiceEvents: true,
      EnableLogFileValidation: true,
      IsLogging: true,
      KMSKeyId: Match.anyValue(),
      CloudWatchLogsLogGroupArn: Match.anyValue(),
      InsightSelectors: [{ InsightType: 'ApiCallRateInsight' }, { InsightType: 'ApiErrorRateInsight' }],
      EventSelectors: [Match.objectLike({ IncludeManagementEvents: true, ReadWriteType: 'All' })],
    });
  });

  it('encrypts log files with a rotating CMK in the log-archive account that CloudTrail may use for this trail', () => {
    e.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'AllowCloudTrailToEncryptLogs',
            Principal: { Service: 'cloudtrail.amazonaws.com' },
            Action: 'kms:GenerateDataKey*',
            Condition: {
              StringEquals: { 'aws:SourceArn': 'arn:aws:cloudtrail:us-east-1:111122223333:trail/guardrails-org-trail' },
              StringLike: { 'kms:EncryptionContext:aws:cloudtrail:arn': 'arn:aws:cloudtrail:*:111122223333:trail/*' },
            },
          }),
        ]),
      },
    });
    e.hasResourceProperties('AWS::KMS::Alias', { AliasName: 'alias/guardrails-org-trail' });
  });

  it('encrypts the log group with its own key in the management account, scoped to the log group', () => {
    t.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'logs.us-east-1.amazonaws.com' },
            Condition: {
              ArnEquals: { 'kms:EncryptionContext:aws:logs:arn': 'arn:aws:logs:us-east-1:111122223333:log-group:/guardrails/guardrails-org-trail' },
            },
          }),
        ]),
      },
    });
    t.hasResourceProperties('AWS::KMS::Alias', { AliasName: 'alias/guardrails-org-trail-logs' });
  });

  it('stores logs in a locked, versioned, private, KMS-encrypted bucket with access logs and archive tiers', () => {
    e.hasResourceProperties('AWS::S3::Bucket', {
      BucketName: 'guardrails-org-trail-222233334444-us-east-1',
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      VersioningConfiguration: { Status: 'Enabled' },
      ObjectLockEnabled: true,
      ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 365 } } },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [Match.objectLike({ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: Match.anyValue() } })],
      },
      LoggingConfiguration: { DestinationBucketName: Match.anyValue(), LogFilePrefix: 'guardrails-org-trail-222233334444-us-east-1/' },
      LifecycleConfiguration: {
        Rules: [
          Match.objectLike({
            Status: 'Enabled',
            Transitions: [
              { StorageClass: 'GLACIER_IR', TransitionInDays: 90 },
              { StorageClass: 'DEEP_ARCHIVE', TransitionInDays: 365 },
            ],
          }),
        ],
      },
    });
    e.hasResourceProperties('AWS::S3::Bucket', { BucketName: 'guardrails-org-trail-access-logs-222233334444-us-east-1' });
  });

  it('lets only this trail write organization and management-account logs, and denies non-TLS access', () => {
    const policies = Object.values(e.findResources('AWS::S3::BucketPolicy')).map((p) => JSON.stringify(p));
    const trailPolicy = policies.find((p) => p.includes('cloudtrail.amazonaws.com'))!;
    expect(trailPolicy).toContain('AWSLogs/o-a1b2c3d4e5/*');
    expect(trailPolicy).toContain('AWSLogs/111122223333/*');
    expect(trailPolicy).toContain('"aws:SourceArn":"arn:aws:cloudtrail:us-east-1:111122223333:trail/guardrails-org-trail"');
    expect(trailPolicy).toContain('"aws:SecureTransport":"false"');
  });

  it('keeps a KMS-encrypted CloudWatch Logs group with retention', () => {
    t.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: '/guardrails/guardrails-org-trail', RetentionInDays: 365, KmsKeyId: Match.anyValue() });
  });

  it('retains every piece of evidence when a stack is deleted', () => {
    for (const template of [t, e]) {
      for (const type of ['AWS::CloudTrail::Trail', 'AWS::KMS::Key', 'AWS::S3::Bucket', 'AWS::Logs::LogGroup']) {
        for (const resource of Object.values(template.findResources(type))) {
          expect(resource, type).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
        }
      }
    }
  });

  it('tags the logging resources as protected, so the protection SCP covers them', () => {
    e.hasResourceProperties('AWS::KMS::Key', { Tags: Match.arrayWith([{ Key: 'guardrails:protected', Value: 'true' }]) });
  });
});

describe('perimeter SCPs', () => {
  it('in report mode are created and attached to nothing', () => {
    const policy = only(report.template, 'AWS::Organizations::Policy') as { Properties: Record<string, unknown> };
    expect(policy.Properties['Type']).toBe('SERVICE_CONTROL_POLICY');
    expect(policy.Properties['TargetIds']).toBeUndefined();
    expect(policy.Properties['Content']).toEqual(report.plan.policies[0]!.document);
    report.template.hasOutput('*', { Value: 'guardrails-report-1:not-attached' });
  });

  it('in enforce mode are attached to the configured targets', () => {
    enforce.template.hasResourceProperties('AWS::Organizations::Policy', {
      Name: 'guardrails-enforce-1',
      TargetIds: ['ou-ab12-34cd56ef'],
      Tags: [{ Key: 'guardrails:protected', Value: 'true' }],
    });
  });

  it('attaches only the controls in enforce mode', async () => {
    const { template } = await synthAws(enforceModel((c) => (c.aws.controls = { networkPerimeter: 'report' })));
    const policies = Object.values(template.findResources('AWS::Organizations::Policy')) as {
      Properties: { Name: string; TargetIds?: string[]; Content: { Statement: { Sid: string }[] } };
    }[];
    const attached = policies.filter((p) => p.Properties.TargetIds);
    const sids = (ps: typeof policies) => ps.flatMap((p) => p.Properties.Content.Statement.map((s) => s.Sid));
    expect(sids(attached)).not.toContain('DenyApiCallsFromOutsideTrustedNetworks');
    expect(sids(attached)).toContain('ProtectOrganizationTrail');
    expect(sids(policies.filter((p) => !p.Properties.TargetIds))).toContain('DenyApiCallsFromOutsideTrustedNetworks');
  });
});

describe('cdk-nag', () => {
  it('fails synth on an unacknowledged finding (so the clean synths above mean something)', async () => {
    const model = exampleModel();
    const { stack } = buildAwsApp(model, await planPerimeter(model), planAlarms(model, loadCatalog(model)), { context: CDK_JSON_CONTEXT });
    new s3.Bucket(stack, 'CarelessBucket');
    expect(() => CdkTemplate.fromStack(stack)).toThrow(/AwsSolutions-S1/);
  });
});
