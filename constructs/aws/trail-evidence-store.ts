/**
 * Where the organization trail's evidence lives: a KMS key and an Object-Locked, versioned, private,
 * TLS-only S3 bucket with server access logs. In the AWS SRA layout this is the log-archive account, so
 * the SCPs apply to everyone who could touch it; in the single-account layout it is the management
 * account, where only this bucket's and key's own policies protect it, so Object Lock defaults to
 * COMPLIANCE and the bucket policy itself denies the governance bypass and lock changes.
 * Everything is RETAINed: deleting the stack must never delete evidence.
 */
import { Duration, RemovalPolicy, Tags } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type { TrailResourceNames } from '../../core/aws/trail-names.ts';
import { acknowledge } from './acknowledge.ts';

export interface TrailEvidenceStoreProps {
  /** Names of every resource, shared with the trail and the protection SCPs. */
  readonly names: TrailResourceNames;
  readonly organizationId: string;
  /** The management account, where the organization trail is created. */
  readonly managementAccountId: string;
  /** Default Object Lock retention of log objects, in days. */
  readonly objectLockDays: number;
  /** GOVERNANCE can be bypassed with s3:BypassGovernanceRetention (which the SCPs and the bucket policy deny); COMPLIANCE never. */
  readonly objectLockMode: 'GOVERNANCE' | 'COMPLIANCE';
  readonly archiveAfterDays: number;
  readonly deepArchiveAfterDays: number;
  /** Expire log objects after this many days; undefined keeps them forever. */
  readonly expireAfterDays?: number;
  /** Break-glass role ARN patterns: the only principals that may change retention or the lock. */
  readonly breakGlassRoleArns: readonly string[];
  /** Tag key marking resources the protection SCPs guard (value "true"). */
  readonly protectionTag: string;
}

/** Object Lock changes the bucket policy denies to everyone but break-glass. */
export const LOCK_CHANGE_ACTIONS = ['s3:BypassGovernanceRetention', 's3:PutBucketObjectLockConfiguration', 's3:PutObjectRetention', 's3:PutObjectLegalHold'] as const;

export class TrailEvidenceStore extends Construct {
  readonly key: kms.Key;
  readonly bucket: s3.Bucket;
  readonly accessLogsBucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: TrailEvidenceStoreProps) {
    super(scope, id);
    const { names } = props;

    this.key = new kms.Key(this, 'Key', {
      alias: names.keyAlias,
      description: `Encrypts the log files of the ${names.trailName} organization trail`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    grantKeyToCloudTrail(this.key, names.trailArn, props.managementAccountId);

    this.accessLogsBucket = new s3.Bucket(this, 'AccessLogsBucket', {
      ...evidenceBucketProps(props),
      bucketName: names.accessLogsBucketName,
      // Server access log delivery supports only SSE-S3 on the target bucket.
      encryption: s3.BucketEncryption.S3_MANAGED,
    });
    const selfLogging = 'This is the server access log bucket of the trail bucket; logging it to itself would loop.';
    acknowledge(this.accessLogsBucket, {
      'AwsSolutions-S1': selfLogging,
      'NIST.800.53.R5-S3BucketLoggingEnabled': selfLogging,
      'NIST.800.53.R5-S3BucketReplicationEnabled': 'Access logs stay in the home region; a replication target is organisation-specific and left to the user.',
      'NIST.800.53.R5-S3DefaultEncryptionKMS': 'S3 server access log delivery only supports SSE-S3 on the target bucket.',
    });

    this.bucket = new s3.Bucket(this, 'Bucket', {
      ...evidenceBucketProps(props),
      bucketName: names.bucketName,
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.key,
      bucketKeyEnabled: true,
      objectLockEnabled: true,
      objectLockDefaultRetention:
        props.objectLockMode === 'COMPLIANCE'
          ? s3.ObjectLockRetention.compliance(Duration.days(props.objectLockDays))
          : s3.ObjectLockRetention.governance(Duration.days(props.objectLockDays)),
      serverAccessLogsBucket: this.accessLogsBucket,
      serverAccessLogsPrefix: `${names.bucketName}/`,
    });
    acknowledge(this.bucket, {
      'NIST.800.53.R5-S3BucketReplicationEnabled': 'Object Lock and versioning protect the logs in place; cross-region replication needs a destination bucket the user owns.',
    });
    this.allowOrganizationTrail(props);
    this.denyLockChanges(props);
    Tags.of(this).add(props.protectionTag, 'true');
  }

  /**
   * The bucket policy AWS documents for an organization trail (CloudTrail user guide, "Amazon S3 bucket
   * policy for CloudTrail", organization trail): ACL check and writes under AWSLogs/<management
   * account>/ and AWSLogs/<organization id>/, each scoped to this one trail by aws:SourceArn.
   */
  private allowOrganizationTrail(props: TrailEvidenceStoreProps): void {
    const { names } = props;
    const cloudtrail = new iam.ServicePrincipal('cloudtrail.amazonaws.com');
    const fromTheTrail = { StringEquals: { 'aws:SourceArn': names.trailArn } };
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({ sid: 'AWSCloudTrailAclCheck', principals: [cloudtrail], actions: ['s3:GetBucketAcl'], resources: [this.bucket.bucketArn], conditions: fromTheTrail }),
    );
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AWSCloudTrailWrite',
        principals: [cloudtrail],
        actions: ['s3:PutObject'],
        resources: [this.bucket.arnForObjects(`AWSLogs/${props.managementAccountId}/*`), this.bucket.arnForObjects(`AWSLogs/${props.organizationId}/*`)],
        conditions: { StringEquals: { 'aws:SourceArn': names.trailArn, 's3:x-amz-acl': 'bucket-owner-full-control' } },
      }),
    );
  }

  /**
   * Nobody but break-glass may lift or shorten retention, or change the lock: in the management account
   * no SCP applies, so this Deny in the bucket's own policy is what stops its admins (S3 user guide,
   * "Object Lock": bypassing governance mode needs s3:BypassGovernanceRetention).
   */
  private denyLockChanges(props: TrailEvidenceStoreProps): void {
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'DenyRetentionAndLockChangesButBreakGlass',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: [...LOCK_CHANGE_ACTIONS],
        resources: [this.bucket.bucketArn, this.bucket.arnForObjects('*')],
        conditions: { ArnNotLike: { 'aws:PrincipalArn': [...props.breakGlassRoleArns] } },
      }),
    );
  }
}

/** What both buckets share: private, TLS-only, versioned, retained, archived as they age. */
function evidenceBucketProps(props: TrailEvidenceStoreProps): s3.BucketProps {
  return {
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    enforceSSL: true,
    minimumTLSVersion: 1.2,
    versioned: true,
    removalPolicy: RemovalPolicy.RETAIN,
    lifecycleRules: [lifecycle(props)],
  };
}

/** Cheaper tiers as logs age; expiry only if asked (and never inside the Object Lock period: validated). */
function lifecycle(props: TrailEvidenceStoreProps): s3.LifecycleRule {
  return {
    id: 'archive-audit-logs',
    transitions: [
      { storageClass: s3.StorageClass.GLACIER_INSTANT_RETRIEVAL, transitionAfter: Duration.days(props.archiveAfterDays) },
      { storageClass: s3.StorageClass.DEEP_ARCHIVE, transitionAfter: Duration.days(props.deepArchiveAfterDays) },
    ],
    noncurrentVersionTransitions: [{ storageClass: s3.StorageClass.DEEP_ARCHIVE, transitionAfter: Duration.days(props.archiveAfterDays) }],
    expiration: props.expireAfterDays ? Duration.days(props.expireAfterDays) : undefined,
    abortIncompleteMultipartUploadAfter: Duration.days(7),
  };
}

/**
 * The key policy AWS documents for trails (CloudTrail user guide, "Configure AWS KMS key policies for
 * CloudTrail"), for a trail in another account: CloudTrail may encrypt for this one trail; readers in
 * the key's own account may decrypt log files of the management account's trails.
 */
function grantKeyToCloudTrail(key: kms.Key, trailArn: string, managementAccountId: string): void {
  const cloudtrailPrincipal = new iam.ServicePrincipal('cloudtrail.amazonaws.com');
  const trailContext = `arn:aws:cloudtrail:*:${managementAccountId}:trail/*`;
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'AllowCloudTrailToEncryptLogs',
      principals: [cloudtrailPrincipal],
      actions: ['kms:GenerateDataKey*'],
      resources: ['*'],
      conditions: { StringEquals: { 'aws:SourceArn': trailArn }, StringLike: { 'kms:EncryptionContext:aws:cloudtrail:arn': trailContext } },
    }),
  );
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'AllowCloudTrailToDescribeKey',
      principals: [cloudtrailPrincipal],
      actions: ['kms:DescribeKey'],
      resources: ['*'],
      conditions: { StringEquals: { 'aws:SourceArn': trailArn } },
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
}
