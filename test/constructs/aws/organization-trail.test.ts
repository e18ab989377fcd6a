/**
 * OrganizationTrail on its own, through its props, each case one small stack: the minimal call with a
 * bucket of the consumer's, the defaults it fills in (name, key, log group and its key, retention,
 * Insights, tag), the CloudTrail statements it adds where it owns the policy, and bring-your-own key and log
 * group, which it then does not create. The cdk-nag packs run where the construct's own resources are all
 * there is (an unacknowledged finding fails synth).
 */
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks, NIST80053R5Checks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { OrganizationTrail } from '../../../constructs/aws/organization-trail.ts';

const ENV = { account: '111122223333', region: 'eu-west-1' };
const TRAIL_ARN = 'arn:aws:cloudtrail:eu-west-1:111122223333:trail/guardrails-org-trail';

type Resource = { Properties: Record<string, any>; DependsOn?: string[]; DeletionPolicy?: string };
const resources = (t: Template, type: string) => Object.values(t.findResources(type)) as Resource[];
const only = (t: Template, type: string) => {
  const found = resources(t, type);
  expect(found, type).toHaveLength(1);
  return found[0]!;
};
const statement = (t: Template, type: string, key: string, sid: string) =>
  resources(t, type)
    .flatMap((r) => r.Properties[key].Statement as Record<string, any>[])
    .find((s) => s.Sid === sid);

describe('OrganizationTrail with only a bucket', () => {
  const stack = new Stack(new App(), 'Consumer', { env: ENV });
  const bucket = new s3.Bucket(stack, 'AuditBucket', { blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL, enforceSSL: true });
  const trail = new OrganizationTrail(stack, 'Trail', { bucket });
  const t = Template.fromStack(stack);
  const ref = (construct: { node: { defaultChild?: unknown } }) => stack.getLogicalId(construct.node.defaultChild as never);

  it('is an organization trail of every region, validated, with Insights, named guardrails-org-trail, delivering to that bucket', () => {
    expect(trail.trailName).toBe('guardrails-org-trail');
    expect(trail.trailArn).toBe(TRAIL_ARN);
    const cfn = only(t, 'AWS::CloudTrail::Trail');
    expect(cfn.Properties).toMatchObject({
      TrailName: 'guardrails-org-trail',
      IsLogging: true,
      IsOrganizationTrail: true,
      IsMultiRegionTrail: true,
      IncludeGlobalServiceEvents: true,
      EnableLogFileValidation: true,
      S3BucketName: { Ref: ref(bucket) },
      InsightSelectors: [{ InsightType: 'ApiCallRateInsight' }, { InsightType: 'ApiErrorRateInsight' }],
    });
    expect(cfn.DeletionPolicy).toBe('Retain');
  });

  it('encrypts the log files with a key of its own (the bucket has none) that CloudTrail may use for this trail only', () => {
    const keys = t.findResources('AWS::KMS::Key');
    expect(Object.keys(keys)).toHaveLength(2); // the trail's and the log group's
    expect(only(t, 'AWS::CloudTrail::Trail').Properties['KMSKeyId']).toEqual({ 'Fn::GetAtt': [ref(trail.encryptionKey as kms.Key), 'Arn'] });
    for (const key of Object.values(keys) as Resource[]) {
      expect(key.Properties['EnableKeyRotation']).toBe(true);
      expect(key.DeletionPolicy).toBe('Retain');
    }
    expect(statement(t, 'AWS::KMS::Key', 'KeyPolicy', 'AllowCloudTrailToEncryptLogs')).toMatchObject({
      Principal: { Service: 'cloudtrail.amazonaws.com' },
      Condition: {
        StringEquals: { 'aws:SourceArn': TRAIL_ARN },
        StringLike: { 'kms:EncryptionContext:aws:cloudtrail:arn': 'arn:aws:cloudtrail:*:111122223333:trail/*' },
      },
    });
  });

  it("adds CloudTrail's documented statements to the bucket's policy, scoped to this trail, and is created after it", () => {
    expect(statement(t, 'AWS::S3::BucketPolicy', 'PolicyDocument', 'AWSCloudTrailAclCheck')).toMatchObject({
      Action: 's3:GetBucketAcl',
      Condition: { StringEquals: { 'aws:SourceArn': TRAIL_ARN } },
    });
    const write = statement(t, 'AWS::S3::BucketPolicy', 'PolicyDocument', 'AWSCloudTrailWrite')!;
    expect(write['Condition']).toEqual({ StringEquals: { 'aws:SourceArn': TRAIL_ARN, 's3:x-amz-acl': 'bucket-owner-full-control' } });
    // Without an organization id, any o-* prefix: still only this trail, by aws:SourceArn.
    expect(JSON.stringify(write['Resource'])).toContain('/AWSLogs/111122223333/*');
    expect(JSON.stringify(write['Resource'])).toContain('/AWSLogs/o-*/*');
    expect(only(t, 'AWS::CloudTrail::Trail').DependsOn).toContain(ref(bucket.policy!));
  });

  it('delivers to a log group /guardrails/<trail> of its own, kept a year, encrypted with a key scoped to that log group', () => {
    expect(only(t, 'AWS::Logs::LogGroup').Properties).toMatchObject({
      LogGroupName: '/guardrails/guardrails-org-trail',
      RetentionInDays: 365,
      KmsKeyId: { 'Fn::GetAtt': [ref(trail.logGroupKey!), 'Arn'] },
    });
    expect(statement(t, 'AWS::KMS::Key', 'KeyPolicy', 'AllowCloudWatchLogsForTheTrailLogGroup')?.Condition).toEqual({
      ArnEquals: { 'kms:EncryptionContext:aws:logs:arn': 'arn:aws:logs:eu-west-1:111122223333:log-group:/guardrails/guardrails-org-trail' },
    });
    t.hasResourceProperties('AWS::KMS::Alias', { AliasName: 'alias/guardrails-org-trail-logs' });
    t.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Condition: { StringEquals: { 'aws:SourceArn': TRAIL_ARN } } })] },
    });
  });

  it('tags what it creates with guardrails:protected, and not the bucket it was given', () => {
    expect(only(t, 'AWS::CloudTrail::Trail').Properties['Tags']).toEqual([{ Key: 'guardrails:protected', Value: 'true' }]);
    expect(only(t, 'AWS::S3::Bucket').Properties['Tags']).toBeUndefined();
  });
});

describe('OrganizationTrail with props', () => {
  it("uses the bucket's own key rather than creating one, and grants it to CloudTrail", () => {
    const stack = new Stack(new App(), 'BucketKey', { env: ENV });
    const bucket = new s3.Bucket(stack, 'AuditBucket', { encryption: s3.BucketEncryption.KMS, enforceSSL: true });
    const trail = new OrganizationTrail(stack, 'Trail', { bucket });
    const t = Template.fromStack(stack);
    expect(trail.encryptionKey).toBe(bucket.encryptionKey);
    expect(resources(t, 'AWS::KMS::Key')).toHaveLength(2); // the bucket's and the log group's
    expect(statement(t, 'AWS::KMS::Key', 'KeyPolicy', 'AllowCloudTrailToEncryptLogs')).toBeDefined();
  });

  it("creates no key and no log group when given its own (imported), and says the imported policies are the owner's to write", () => {
    const stack = new Stack(new App(), 'Byo', { env: ENV });
    const bucket = s3.Bucket.fromBucketName(stack, 'Bucket', 'my-org-trail-logs');
    const encryptionKey = kms.Key.fromKeyArn(stack, 'Key', 'arn:aws:kms:eu-west-1:222233334444:alias/my-org-trail');
    const logGroup = logs.LogGroup.fromLogGroupName(stack, 'LogGroup', '/my/org-trail');
    new OrganizationTrail(stack, 'Trail', { bucket, encryptionKey, logGroup, trailName: 'my-org-trail', insights: false, protectionTag: 'acme:protected' });
    const t = Template.fromStack(stack);
    expect(resources(t, 'AWS::KMS::Key')).toHaveLength(0);
    expect(resources(t, 'AWS::Logs::LogGroup')).toHaveLength(0);
    expect(resources(t, 'AWS::S3::BucketPolicy')).toHaveLength(0);
    const cfn = only(t, 'AWS::CloudTrail::Trail').Properties;
    expect(cfn).toMatchObject({
      TrailName: 'my-org-trail',
      S3BucketName: 'my-org-trail-logs',
      KMSKeyId: 'arn:aws:kms:eu-west-1:222233334444:alias/my-org-trail',
      Tags: [{ Key: 'acme:protected', Value: 'true' }],
    });
    expect(cfn['InsightSelectors']).toBeUndefined();
    expect(JSON.stringify(cfn['CloudWatchLogsLogGroupArn'])).toContain(':log-group:/my/org-trail:*');
    t.hasResourceProperties('AWS::IAM::Role', {
      Policies: [
        {
          PolicyName: 'DeliverToLogGroup',
          PolicyDocument: { Statement: [Match.objectLike({ Resource: 'arn:aws:logs:eu-west-1:111122223333:log-group:/my/org-trail:log-stream:*' })] },
        },
      ],
    });
    Annotations.fromStack(stack).hasInfo(
      '/Byo/Trail',
      Match.stringLikeRegexp(
        '^Imported, so not granted here: for CloudTrail to deliver arn:aws:cloudtrail:eu-west-1:111122223333:trail/my-org-trail, the bucket policy must .*, and the key policy must',
      ),
    );
  });

  it('keeps the log group its retention and names the organization in the bucket policy', () => {
    const stack = new Stack(new App(), 'Tuned', { env: ENV });
    const bucket = new s3.Bucket(stack, 'AuditBucket', { enforceSSL: true });
    new OrganizationTrail(stack, 'Trail', { bucket, logGroupRetention: logs.RetentionDays.TEN_YEARS, organizationId: 'o-a1b2c3d4e5' });
    const t = Template.fromStack(stack);
    expect(only(t, 'AWS::Logs::LogGroup').Properties['RetentionInDays']).toBe(3653);
    expect(JSON.stringify(statement(t, 'AWS::S3::BucketPolicy', 'PolicyDocument', 'AWSCloudTrailWrite')!['Resource'])).toContain('/AWSLogs/o-a1b2c3d4e5/*');
  });

  it('is cdk-nag clean on its own, in an environment-agnostic stack too', () => {
    const app = new App();
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new NIST80053R5Checks(app));
    const stack = new Stack(app, 'Agnostic');
    new OrganizationTrail(stack, 'Trail', { bucket: s3.Bucket.fromBucketName(stack, 'Bucket', 'my-org-trail-logs') });
    // Synthesis runs the packs: it throws on any unacknowledged finding (the delivery role's log-stream:* included).
    const t = Template.fromStack(stack);
    expect(JSON.stringify(only(t, 'AWS::IAM::Role').Properties['AssumeRolePolicyDocument'])).toContain('AWS::Partition');
  });
});
