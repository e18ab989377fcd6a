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

function only(template: Template, type: string): Record<string, unknown> {
  const found = Object.values(template.findResources(type));
  expect(found).toHaveLength(1);
  return found[0] as Record<string, unknown>;
}

describe('whole template', () => {
  it('report mode matches the snapshot', () => {
    expect(normalisedTemplate(report.template)).toMatchSnapshot();
  });
  it('enforce mode matches the snapshot', () => {
    expect(normalisedTemplate(enforce.template)).toMatchSnapshot();
  });
});

describe('organization trail', () => {
  const t = report.template;

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

  it('encrypts with a rotating CMK that CloudTrail and CloudWatch Logs may use', () => {
    t.hasResourceProperties('AWS::KMS::Key', {
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
          Match.objectLike({
            Principal: { Service: 'logs.us-east-1.amazonaws.com' },
            Condition: { ArnEquals: { 'kms:EncryptionContext:aws:logs:arn': 'arn:aws:logs:us-east-1:111122223333:log-group:/guardrails/guardrails-org-trail' } },
          }),
        ]),
      },
    });
    t.hasResourceProperties('AWS::KMS::Alias', { AliasName: 'alias/guardrails-org-trail' });
  });

  it('stores logs in a locked, versioned, private, KMS-encrypted bucket with access logs and archive tiers', () => {
    t.hasResourceProperties('AWS::S3::Bucket', {
      BucketName: 'guardrails-org-trail-111122223333-us-east-1',
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      VersioningConfiguration: { Status: 'Enabled' },
      ObjectLockEnabled: true,
      ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 365 } } },
      BucketEncryption: { ServerSideEncryptionConfiguration: [Match.objectLike({ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: Match.anyValue() } })] },
      LoggingConfiguration: { DestinationBucketName: Match.anyValue(), LogFilePrefix: 'guardrails-org-trail-111122223333-us-east-1/' },
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
    t.hasResourceProperties('AWS::S3::Bucket', { BucketName: 'guardrails-org-trail-access-logs-111122223333-us-east-1' });
  });

  it('lets CloudTrail write organization logs and denies non-TLS access', () => {
    const policies = Object.values(t.findResources('AWS::S3::BucketPolicy')).map((p) => JSON.stringify(p));
    const trailPolicy = policies.find((p) => p.includes('cloudtrail.amazonaws.com'));
    expect(trailPolicy).toContain('AWSLogs/o-a1b2c3d4e5/*');
    expect(trailPolicy).toContain('"aws:SecureTransport":"false"');
  });

  it('keeps a KMS-encrypted CloudWatch Logs group with retention', () => {
    t.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: '/guardrails/guardrails-org-trail', RetentionInDays: 365, KmsKeyId: Match.anyValue() });
  });

  it('retains every piece of evidence when the stack is deleted', () => {
    for (const type of ['AWS::CloudTrail::Trail', 'AWS::KMS::Key', 'AWS::S3::Bucket', 'AWS::Logs::LogGroup']) {
      for (const resource of Object.values(t.findResources(type))) {
        expect(resource, type).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
      }
    }
  });

  it('tags the logging resources as protected, so the protection SCP covers them', () => {
    t.hasResourceProperties('AWS::KMS::Key', { Tags: Match.arrayWith([{ Key: 'guardrails:protected', Value: 'true' }]) });
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
    const policies = Object.values(template.findResources('AWS::Organizations::Policy')) as { Properties: { Name: string; TargetIds?: string[]; Content: { Statement: { Sid: string }[] } } }[];
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
