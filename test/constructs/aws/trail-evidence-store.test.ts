/**
 * TrailEvidenceStore on its own, through its props: the single-account defaults (names from the stack's
 * account and region, COMPLIANCE Object Lock for a year, archive tiers, no expiry, the protection tag),
 * GOVERNANCE where the bucket is outside the management account, the refusal of an empty break-glass list,
 * and the store composed with OrganizationTrail in one stack, cdk-nag clean, with CloudTrail's statements
 * written once.
 */
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, NIST80053R5Checks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { OrganizationTrail } from '../../../constructs/aws/organization-trail.ts';
import { LOCK_CHANGE_ACTIONS, TrailEvidenceStore } from '../../../constructs/aws/trail-evidence-store.ts';
import { configErrorOf, exampleModel } from '../../helpers/config.ts';

const ENV = { account: '111122223333', region: 'eu-west-1' };
const BREAK_GLASS = ['arn:aws:iam::*:role/BreakGlass*'];
const ORG = 'o-a1b2c3d4e5';

type Resource = { Properties: Record<string, any>; DeletionPolicy?: string };
const resources = (t: Template, type: string) => Object.values(t.findResources(type)) as Resource[];
const statements = (t: Template, type: string, key: string) => resources(t, type).flatMap((r) => r.Properties[key].Statement as Record<string, any>[]);
const bucketNamed = (t: Template, name: string) => resources(t, 'AWS::S3::Bucket').find((b) => b.Properties['BucketName'] === name);

describe('TrailEvidenceStore with only the organization and break-glass', () => {
  const stack = new Stack(new App(), 'Evidence', { env: ENV });
  const store = new TrailEvidenceStore(stack, 'Store', { organizationId: ORG, breakGlassRoleArns: BREAK_GLASS });
  const t = Template.fromStack(stack);

  it('names the bucket, access-log bucket and key after a guardrails-org-trail trail in this account and region', () => {
    expect(bucketNamed(t, 'guardrails-org-trail-111122223333-eu-west-1')).toBeDefined();
    expect(bucketNamed(t, 'guardrails-org-trail-access-logs-111122223333-eu-west-1')).toBeDefined();
    t.hasResourceProperties('AWS::KMS::Alias', { AliasName: 'alias/guardrails-org-trail' });
    expect(store.bucket.encryptionKey).toBe(store.key);
  });

  it('locks log objects in COMPLIANCE mode for a year (no SCP protects a bucket in the management account), archives at 90 and 365 days, never expires them', () => {
    const bucket = bucketNamed(t, 'guardrails-org-trail-111122223333-eu-west-1')!;
    expect(bucket.Properties['ObjectLockConfiguration']).toEqual({
      ObjectLockEnabled: 'Enabled',
      Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 365 } },
    });
    const [rule] = bucket.Properties['LifecycleConfiguration'].Rules as Record<string, any>[];
    expect(rule!['Transitions']).toEqual([
      { StorageClass: 'GLACIER_IR', TransitionInDays: 90 },
      { StorageClass: 'DEEP_ARCHIVE', TransitionInDays: 365 },
    ]);
    expect(rule!['ExpirationInDays']).toBeUndefined();
    expect(bucket.DeletionPolicy).toBe('Retain');
    expect(bucket.Properties['Tags']).toEqual([{ Key: 'guardrails:protected', Value: 'true' }]);
  });

  it('lets the trail write for this trail only and denies lock changes to all but break-glass', () => {
    const policy = statements(t, 'AWS::S3::BucketPolicy', 'PolicyDocument');
    expect(policy.find((s) => s.Sid === 'AWSCloudTrailWrite')?.Condition).toEqual({
      StringEquals: { 'aws:SourceArn': 'arn:aws:cloudtrail:eu-west-1:111122223333:trail/guardrails-org-trail', 's3:x-amz-acl': 'bucket-owner-full-control' },
    });
    expect(JSON.stringify(policy.find((s) => s.Sid === 'AWSCloudTrailWrite')?.Resource)).toContain(`/AWSLogs/${ORG}/*`);
    expect(policy.find((s) => s.Sid === 'DenyRetentionAndLockChangesButBreakGlass')).toMatchObject({
      Effect: 'Deny',
      Action: [...LOCK_CHANGE_ACTIONS],
      Condition: { ArnNotLike: { 'aws:PrincipalArn': BREAK_GLASS } },
    });
  });
});

describe('TrailEvidenceStore with props', () => {
  it('defaults to GOVERNANCE in a log-archive account (the SCPs deny the bypass there)', () => {
    const stack = new Stack(new App(), 'LogArchive', { env: { account: '222233334444', region: 'eu-west-1' } });
    new TrailEvidenceStore(stack, 'Store', {
      organizationId: ORG,
      breakGlassRoleArns: BREAK_GLASS,
      managementAccountId: '111122223333',
      expireAfterDays: 3650,
    });
    const t = Template.fromStack(stack);
    const bucket = bucketNamed(t, 'guardrails-org-trail-222233334444-eu-west-1')!;
    expect(bucket.Properties['ObjectLockConfiguration'].Rule.DefaultRetention.Mode).toBe('GOVERNANCE');
    expect(bucket.Properties['LifecycleConfiguration'].Rules[0].ExpirationInDays).toBe(3650);
    // The trail is the management account's: the key lets CloudTrail encrypt for it.
    expect(statements(t, 'AWS::KMS::Key', 'KeyPolicy').find((s) => s.Sid === 'AllowCloudTrailToEncryptLogs')?.Condition.StringEquals).toEqual({
      'aws:SourceArn': 'arn:aws:cloudtrail:eu-west-1:111122223333:trail/guardrails-org-trail',
    });
  });

  it("refuses an empty break-glass list with the config's one-line reason, naming the prop", () => {
    const stack = new Stack(new App(), 'NoWayBack', { env: ENV });
    const message = configErrorOf(() => new TrailEvidenceStore(stack, 'Store', { organizationId: ORG, breakGlassRoleArns: [] }));
    expect(message).toBe(
      'NoWayBack/Store props.breakGlassRoleArns: is empty; every preventive control needs a way back in when it misfires. Add at least one break-glass role, e.g. arn:aws:iam::*:role/BreakGlass*.',
    );
    const config = configErrorOf(() => exampleModel((c) => (c.breakGlass.aws.roleArns = [])));
    // The same check, and so the same reason and fix, as the config's (core/aws/perimeter-safety.ts).
    expect(config).toMatch(/^guardrails\.yaml:\d+ breakGlass\.aws\.roleArns: /);
    expect(config.endsWith(message.slice(message.indexOf(': ')))).toBe(true);
  });
});

describe('TrailEvidenceStore and OrganizationTrail in one stack (the single-account layout, assembled by hand)', () => {
  const app = new App();
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new NIST80053R5Checks(app));
  const stack = new Stack(app, 'SingleAccount', { env: ENV });
  const store = new TrailEvidenceStore(stack, 'Evidence', { organizationId: ORG, breakGlassRoleArns: BREAK_GLASS });
  const trail = new OrganizationTrail(stack, 'Trail', { bucket: store.bucket, organizationId: ORG, evidence: store });
  // Synthesis runs the cdk-nag packs: it throws on any unacknowledged finding.
  const t = Template.fromStack(stack);

  it("encrypts with the store's key and writes CloudTrail's statements once", () => {
    expect(trail.encryptionKey).toBe(store.key);
    expect(resources(t, 'AWS::KMS::Key')).toHaveLength(2); // the store's and the log group's
    const sids = statements(t, 'AWS::S3::BucketPolicy', 'PolicyDocument').map((s) => s.Sid);
    expect(sids.filter((sid) => sid === 'AWSCloudTrailWrite')).toHaveLength(1);
    expect(statements(t, 'AWS::KMS::Key', 'KeyPolicy').filter((s) => s.Sid === 'AllowCloudTrailToEncryptLogs')).toHaveLength(1);
    expect(trail.trailArn).toBe('arn:aws:cloudtrail:eu-west-1:111122223333:trail/guardrails-org-trail');
  });
});
