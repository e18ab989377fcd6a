/**
 * What CloudTrail needs on a trail's bucket and key, as AWS documents it, for both constructs that can hold
 * them: TrailEvidenceStore (the kit's bucket and key) and OrganizationTrail (a bucket or key you bring, or
 * the key it creates). Each grant goes in once per bucket or key and trail, whichever construct asks first.
 *
 * A grant can only go where this app writes the resource policy: a bucket or key created in the app (or a
 * bucket imported with `s3.Bucket.fromBucketAttributes({ policy })`). For one imported by name or ARN,
 * `addToResourcePolicy` adds nothing (aws-cdk-lib, `iam.AddToResourcePolicyResult`: "No policy statement
 * will be added to the resource"); the grant functions then return false and the caller says so, because
 * the owner of the bucket or key must add the same statements (CloudFormation refuses the trail otherwise:
 * CloudTrail checks the bucket policy when the trail is created).
 */
import { Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import type { IConstruct } from 'constructs';

/** The trail a bucket or key serves. */
export interface TrailIdentity {
  /** The trail's ARN: the aws:SourceArn CloudTrail sends to S3 and KMS. */
  readonly trailArn: string;
  /** The account the organization trail is created in: the organization's management account (or a delegated administrator). */
  readonly managementAccountId: string;
  /**
   * The organization id, for the prefix CloudTrail writes member accounts' logs under (AWSLogs/<organization id>/).
   * @default - any organization id (AWSLogs/o-*): still only this trail, by aws:SourceArn
   */
  readonly organizationId?: string;
}

const CLOUDTRAIL = 'cloudtrail.amazonaws.com';
const granted = new WeakMap<IConstruct, Set<string>>();

/** Runs `grant` once per resource and trail; true when the statements are in a policy this app writes. */
function once(resource: IConstruct, trailArn: string, grant: () => boolean): boolean {
  const trails = granted.get(resource) ?? new Set<string>();
  if (trails.has(trailArn)) return true;
  const added = grant();
  if (added) granted.set(resource, trails.add(trailArn));
  return added;
}

/**
 * The partition of a construct's stack, written out where the region is known (so policies hold literal
 * ARNs, which the SCP size checks and cdk-nag acknowledgements need), else the AWS::Partition pseudo parameter.
 */
export function partitionOf(scope: IConstruct): string {
  const stack = Stack.of(scope);
  return Token.isUnresolved(stack.region) ? stack.partition : (RegionInfo.get(stack.region).partition ?? stack.partition);
}

/**
 * The bucket policy AWS documents for an organization trail (CloudTrail user guide, "Amazon S3 bucket policy
 * for CloudTrail", organization trail: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-s3-bucket-policy-for-cloudtrail.html):
 * ACL check and writes under AWSLogs/<management account>/ and AWSLogs/<organization id>/, each scoped to
 * this one trail by aws:SourceArn. False when the bucket's policy is not this app's to write.
 */
export function allowTrailToWrite(bucket: s3.IBucket, trail: TrailIdentity): boolean {
  return once(bucket, trail.trailArn, () => {
    const cloudtrail = new iam.ServicePrincipal(CLOUDTRAIL);
    const fromTheTrail = { StringEquals: { 'aws:SourceArn': trail.trailArn } };
    const acl = bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AWSCloudTrailAclCheck',
        principals: [cloudtrail],
        actions: ['s3:GetBucketAcl'],
        resources: [bucket.bucketArn],
        conditions: fromTheTrail,
      }),
    );
    if (!acl.statementAdded) return false;
    bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AWSCloudTrailWrite',
        principals: [cloudtrail],
        actions: ['s3:PutObject'],
        resources: [bucket.arnForObjects(`AWSLogs/${trail.managementAccountId}/*`), bucket.arnForObjects(`AWSLogs/${trail.organizationId ?? 'o-*'}/*`)],
        conditions: { StringEquals: { 'aws:SourceArn': trail.trailArn, 's3:x-amz-acl': 'bucket-owner-full-control' } },
      }),
    );
    return true;
  });
}

/**
 * The key policy AWS documents for trails (CloudTrail user guide, "Configure AWS KMS key policies for
 * CloudTrail"), valid whether the key is in the trail's account or another: CloudTrail may encrypt for this
 * one trail; readers in the key's own account may decrypt log files of the management account's trails.
 * False when the key's policy is not this app's to write.
 */
export function allowTrailToEncrypt(key: kms.IKey, trail: TrailIdentity): boolean {
  return once(key, trail.trailArn, () => {
    const cloudtrail = new iam.ServicePrincipal(CLOUDTRAIL);
    const trailContext = `arn:${partitionOf(key)}:cloudtrail:*:${trail.managementAccountId}:trail/*`;
    const encrypt = key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudTrailToEncryptLogs',
        principals: [cloudtrail],
        actions: ['kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceArn': trail.trailArn }, StringLike: { 'kms:EncryptionContext:aws:cloudtrail:arn': trailContext } },
      }),
    );
    if (!encrypt.statementAdded) return false;
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudTrailToDescribeKey',
        principals: [cloudtrail],
        actions: ['kms:DescribeKey'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceArn': trail.trailArn } },
      }),
    );
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowLogReadersInThisAccountToDecrypt',
        principals: [new iam.AccountRootPrincipal()],
        actions: ['kms:Decrypt', 'kms:ReEncryptFrom'],
        resources: ['*'],
        conditions: { StringLike: { 'kms:EncryptionContext:aws:cloudtrail:arn': trailContext } },
      }),
    );
    return true;
  });
}
