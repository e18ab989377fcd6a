/**
 * The organization's CloudTrail (data source DS0017 for T1059.009): every account, every region,
 * global events, digest validation and Insights, delivered to a KMS-encrypted, Object-Locked S3 bucket
 * and to CloudWatch Logs for the metric filters and alarms. Everything is RETAINed: deleting the stack
 * must never delete evidence.
 */
import { Duration, RemovalPolicy, Stack, Tags } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type { TrailResourceNames } from '../../core/aws/trail-names.ts';
import { acknowledge } from './acknowledge.ts';

export interface OrganizationTrailProps {
  /** Names of every resource, shared with the protection SCPs that refer to them. */
  readonly names: TrailResourceNames;
  readonly organizationId: string;
  /** The account the trail is created in: the organization's management account. */
  readonly managementAccountId: string;
  /** Default Object Lock retention of log objects, in days. */
  readonly objectLockDays: number;
  /** GOVERNANCE can be bypassed with s3:BypassGovernanceRetention (which the SCPs deny); COMPLIANCE never. */
  readonly objectLockMode: 'GOVERNANCE' | 'COMPLIANCE';
  readonly logGroupRetentionDays: number;
  readonly archiveAfterDays: number;
  readonly deepArchiveAfterDays: number;
  /** Expire log objects after this many days; undefined keeps them forever. */
  readonly expireAfterDays?: number;
  /** CloudTrail Insights on API call rate and API error rate (bursts of scripted calls). */
  readonly insights: boolean;
  /** Tag key marking resources the protection SCPs guard (value "true"). */
  readonly protectionTag: string;
}

export class OrganizationTrail extends Construct {
  readonly trail: cloudtrail.Trail;
  readonly key: kms.Key;
  readonly bucket: s3.Bucket;
  readonly accessLogsBucket: s3.Bucket;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: OrganizationTrailProps) {
    super(scope, id);
    const { names } = props;
    const region = Stack.of(this).region;
    const trailArn = `arn:aws:cloudtrail:${region}:${props.managementAccountId}:trail/${names.trailName}`;

    this.key = new kms.Key(this, 'Key', {
      alias: names.keyAlias,
      description: `Encrypts the ${names.trailName} organization trail and its CloudWatch Logs group`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    grantKeyToCloudTrail(this.key, trailArn, props.managementAccountId);
    grantKeyToCloudWatchLogs(this.key, region, props.managementAccountId, names.logGroupName);

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

    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      logGroupName: names.logGroupName,
      retention: props.logGroupRetentionDays as logs.RetentionDays,
      encryptionKey: this.key,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.trail = new cloudtrail.Trail(this, 'Trail', {
      // aws-cdk-lib's Trail needs both for an organization trail's bucket policy (AWSLogs/<org id>/*).
      trailName: names.trailName,
      isOrganizationTrail: true,
      orgId: props.organizationId,
      isMultiRegionTrail: true,
      includeGlobalServiceEvents: true,
      enableFileValidation: true,
      managementEvents: cloudtrail.ReadWriteType.ALL,
      bucket: this.bucket,
      encryptionKey: this.key,
      // Off by default in aws-cdk-lib; the metric filters and alarms need it.
      sendToCloudWatchLogs: true,
      cloudWatchLogGroup: this.logGroup,
      insightTypes: props.insights ? [cloudtrail.InsightType.API_CALL_RATE, cloudtrail.InsightType.API_ERROR_RATE] : undefined,
    });
    this.trail.node.addDependency(this.key);
    // aws-cdk-lib leaves the trail on DESTROY; a stack deletion must not stop the audit log.
    (this.trail.node.defaultChild as cloudtrail.CfnTrail).applyRemovalPolicy(RemovalPolicy.RETAIN);
    acknowledge(this.trail, {
      'AwsSolutions-IAM5':
        'The CloudTrail-to-CloudWatch-Logs role may write to any stream of this one log group (log-group:<name>:log-stream:*); streams are named by CloudTrail per account and region.',
      'NIST.800.53.R5-IAMNoInlinePolicy':
        'The CloudTrail-to-CloudWatch-Logs role policy is made by aws-cdk-lib for this one role and log group; as a managed policy it could be attached elsewhere.',
    });

    Tags.of(this).add(props.protectionTag, 'true');
  }
}

/** What both buckets share: private, TLS-only, versioned, retained, archived as they age. */
function evidenceBucketProps(props: OrganizationTrailProps): s3.BucketProps {
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
function lifecycle(props: OrganizationTrailProps): s3.LifecycleRule {
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

/** aws-cdk-lib's Trail does not grant its key to CloudTrail; this is the key policy AWS documents for trails. */
function grantKeyToCloudTrail(key: kms.Key, trailArn: string, account: string): void {
  const cloudtrailPrincipal = new iam.ServicePrincipal('cloudtrail.amazonaws.com');
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'AllowCloudTrailToEncryptLogs',
      principals: [cloudtrailPrincipal],
      actions: ['kms:GenerateDataKey*'],
      resources: ['*'],
      conditions: {
        StringEquals: { 'aws:SourceArn': trailArn },
        StringLike: { 'kms:EncryptionContext:aws:cloudtrail:arn': `arn:aws:cloudtrail:*:${account}:trail/*` },
      },
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
      conditions: {
        StringEquals: { 'kms:CallerAccount': account },
        StringLike: { 'kms:EncryptionContext:aws:cloudtrail:arn': `arn:aws:cloudtrail:*:${account}:trail/*` },
      },
    }),
  );
}

function grantKeyToCloudWatchLogs(key: kms.Key, region: string, account: string, logGroupName: string): void {
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'AllowCloudWatchLogsForTheTrailLogGroup',
      principals: [new iam.ServicePrincipal(`logs.${region}.amazonaws.com`)],
      actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
      resources: ['*'],
      conditions: {
        ArnEquals: { 'kms:EncryptionContext:aws:logs:arn': `arn:aws:logs:${region}:${account}:log-group:${logGroupName}` },
      },
    }),
  );
}
