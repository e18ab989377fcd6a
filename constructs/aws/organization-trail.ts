/**
 * The organization's CloudTrail (data source DS0017 for T1059.009): every account, every region, global
 * events, digest validation and Insights. An organization trail is created in the management account
 * (or a CloudTrail delegated administrator); it delivers to a bucket and key, the evidence store's
 * (trail-evidence-store.ts) in the log-archive account when there is one, or your own, and to a
 * CloudWatch Logs group here, in the trail's own account, as CloudTrail requires, for the metric filters.
 * The trail is RETAINed: deleting the stack must never stop the audit log.
 *
 * Used on its own, `new OrganizationTrail(scope, 'Trail', { bucket })` is the kit's trail: named
 * guardrails-org-trail, encrypted with a key of its own (or the bucket's), a log group with a key of its
 * own kept for a year, Insights on. Bring your own key or log group and it creates neither. Where the
 * bucket's or key's policy is this app's (created here, or imported with its policy), the construct adds
 * the statements CloudTrail needs (cloudtrail-access.ts); for one imported by name or ARN it cannot, and
 * says so in a synth-time note: its owner adds them (TrailEvidenceStore does, in the kit's stacks).
 */
import { Annotations, RemovalPolicy, Stack, Tags } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct, type IDependable } from 'constructs';
import { DEFAULT_PROTECTION_TAG } from '../../core/aws/tag-protection-statements.ts';
import { DEFAULT_TRAIL_NAME, trailLogGroupKeyAlias, trailLogGroupName } from '../../core/aws/trail-names.ts';
import { acknowledge, nagFindingResource } from './acknowledge.ts';
import { allowTrailToEncrypt, allowTrailToWrite, partitionOf, type TrailIdentity } from './cloudtrail-access.ts';

export interface OrganizationTrailProps {
  /**
   * The bucket CloudTrail delivers log files to: the evidence store's (TrailEvidenceStore), or your own, in
   * this account or another. Where this app writes its policy, the CloudTrail statements are added to it
   * (AWSCloudTrailAclCheck and AWSCloudTrailWrite, scoped to this trail by aws:SourceArn); otherwise its owner
   * must add them before the trail is deployed.
   */
  readonly bucket: s3.IBucket;
  /**
   * The KMS key CloudTrail encrypts the log files with (CloudTrail accepts a key's alias ARN, e.g.
   * `kms.Key.fromKeyArn(this, 'Key', 'arn:aws:kms:<region>:<account>:alias/<name>')` for a key in another
   * account). Where this app writes its policy, CloudTrail's statements are added to it.
   * @default - the bucket's key (`bucket.encryptionKey`) if it has one, else a new key with rotation, retained, whose policy lets this trail encrypt and this account decrypt
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * Name of the trail. It also names the log group and its key alias this construct creates.
   * @default 'guardrails-org-trail'
   */
  readonly trailName?: string;
  /**
   * An existing CloudWatch Logs group for the trail, in this account and region (CloudTrail delivers only to
   * a log group of the trail's account). Its encryption and retention are yours; the construct creates only
   * the role CloudTrail delivers with.
   * @default - a new log group /guardrails/<trailName>, encrypted with a new key of its own (rotation, policy for this log group only), retained for `logGroupRetention`
   */
  readonly logGroup?: logs.ILogGroup;
  /**
   * Retention of the log group this construct creates (ignored with `logGroup`).
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logGroupRetention?: logs.RetentionDays;
  /**
   * CloudTrail Insights on API call rate and API error rate (bursts of scripted calls).
   * @default true
   */
  readonly insights?: boolean;
  /**
   * The organization id, for the bucket policy's AWSLogs/<organization id>/ prefix (only used where this
   * construct writes the bucket policy).
   * @default - any organization id (AWSLogs/o-*), still only this trail by aws:SourceArn
   */
  readonly organizationId?: string;
  /**
   * Tag key marking the trail, its log group, key and role as protected by the SCPs (value "true").
   * @default 'guardrails:protected'
   */
  readonly protectionTag?: string;
  /**
   * Something the trail must be created after, such as the evidence store when it is in the same stack (its
   * bucket policy must exist before CloudTrail checks it).
   * @default - no dependency beyond the resources this construct uses
   */
  readonly evidence?: IDependable;
}

export class OrganizationTrail extends Construct {
  readonly trail: cloudtrail.CfnTrail;
  readonly trailName: string;
  /** arn:<partition>:cloudtrail:<region>:<account>:trail/<name>, the aws:SourceArn of CloudTrail's requests. */
  readonly trailArn: string;
  readonly bucket: s3.IBucket;
  /** The key the log files are encrypted with (the one given, the bucket's, or the one created). */
  readonly encryptionKey: kms.IKey;
  readonly logGroup: logs.ILogGroup;
  /** The key of the log group, when this construct creates the log group. */
  readonly logGroupKey?: kms.Key;

  constructor(scope: Construct, id: string, props: OrganizationTrailProps) {
    super(scope, id);
    const { region, account } = Stack.of(this);
    const partition = partitionOf(this);
    this.trailName = props.trailName ?? DEFAULT_TRAIL_NAME;
    this.trailArn = `arn:${partition}:cloudtrail:${region}:${account}:trail/${this.trailName}`;
    this.bucket = props.bucket;
    const trail: TrailIdentity = { trailArn: this.trailArn, managementAccountId: account, organizationId: props.organizationId };

    this.encryptionKey = props.encryptionKey ?? props.bucket.encryptionKey ?? this.createKey();
    // Imported by name or ARN, the bucket or key keeps the policy its owner writes (TrailEvidenceStore's, in the kit).
    const grantedElsewhere = [
      ...(allowTrailToWrite(props.bucket, trail)
        ? []
        : ['the bucket policy must let it write (CloudTrail user guide, "Amazon S3 bucket policy for CloudTrail")']),
      ...(allowTrailToEncrypt(this.encryptionKey, trail)
        ? []
        : ['the key policy must let it encrypt (CloudTrail user guide, "Configure AWS KMS key policies for CloudTrail")']),
    ];
    if (grantedElsewhere.length > 0) {
      Annotations.of(this).addInfo(`Imported, so not granted here: for CloudTrail to deliver ${this.trailArn}, ${grantedElsewhere.join(', and ')}.`);
    }

    const logGroupName = props.logGroup?.logGroupName ?? trailLogGroupName(this.trailName);
    if (props.logGroup) this.logGroup = props.logGroup;
    else {
      this.logGroupKey = new kms.Key(this, 'LogGroupKey', {
        alias: trailLogGroupKeyAlias(this.trailName),
        description: `Encrypts the CloudWatch Logs group of the ${this.trailName} organization trail`,
        enableKeyRotation: true,
        removalPolicy: RemovalPolicy.RETAIN,
      });
      // CloudWatch Logs user guide, "Encrypt log data in CloudWatch Logs using AWS KMS": the logs service
      // principal, scoped to this one log group by encryption context.
      this.logGroupKey.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: 'AllowCloudWatchLogsForTheTrailLogGroup',
          principals: [new iam.ServicePrincipal(`logs.${region}.amazonaws.com`)],
          actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
          resources: ['*'],
          conditions: { ArnEquals: { 'kms:EncryptionContext:aws:logs:arn': `arn:${partition}:logs:${region}:${account}:log-group:${logGroupName}` } },
        }),
      );
      this.logGroup = new logs.LogGroup(this, 'LogGroup', {
        logGroupName,
        retention: props.logGroupRetention ?? logs.RetentionDays.ONE_YEAR,
        encryptionKey: this.logGroupKey,
        removalPolicy: RemovalPolicy.RETAIN,
      });
    }

    // Written out rather than the log group's ARN attribute, so the cdk-nag finding it raises has a stable id to acknowledge.
    const streams = `arn:${partition}:logs:${region}:${account}:log-group:${logGroupName}:log-stream:*`;
    const deliveryRole = new iam.Role(this, 'LogsRole', {
      description: `Lets CloudTrail deliver the ${this.trailName} trail to its CloudWatch Logs group`,
      assumedBy: new iam.ServicePrincipal('cloudtrail.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceArn': this.trailArn } } }),
      inlinePolicies: {
        DeliverToLogGroup: new iam.PolicyDocument({
          statements: [new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [streams] })],
        }),
      },
    });
    acknowledge(deliveryRole, {
      [`AwsSolutions-IAM5[Resource::${nagFindingResource(this, streams)}]`]:
        'CloudTrail names a log stream per account and region of the organization, so the role may write any stream of this one log group (log-group:<name>:log-stream:*).',
      'NIST.800.53.R5-IAMNoInlinePolicy': 'The delivery policy belongs to this one role and log group; as a managed policy it could be attached elsewhere.',
    });

    this.trail = new cloudtrail.CfnTrail(this, 'Trail', {
      trailName: this.trailName,
      isLogging: true,
      isOrganizationTrail: true,
      isMultiRegionTrail: true,
      includeGlobalServiceEvents: true,
      enableLogFileValidation: true,
      s3BucketName: props.bucket.bucketName,
      kmsKeyId: this.encryptionKey.keyArn,
      cloudWatchLogsLogGroupArn: this.logGroup.logGroupArn,
      cloudWatchLogsRoleArn: deliveryRole.roleArn,
      eventSelectors: [{ readWriteType: 'All', includeManagementEvents: true }],
      insightSelectors: (props.insights ?? true) ? [{ insightType: 'ApiCallRateInsight' }, { insightType: 'ApiErrorRateInsight' }] : undefined,
    });
    this.trail.node.addDependency(deliveryRole);
    // CloudTrail checks the bucket policy when the trail is created (the key's policy is part of the key, which the trail refers to).
    if (props.bucket.policy) this.trail.node.addDependency(props.bucket.policy);
    if (props.evidence) this.trail.node.addDependency(props.evidence);
    this.trail.applyRemovalPolicy(RemovalPolicy.RETAIN);
    Tags.of(this).add(props.protectionTag ?? DEFAULT_PROTECTION_TAG, 'true');
  }

  /** The default key for the log files: rotation, retained, its policy written by allowTrailToEncrypt. */
  private createKey(): kms.Key {
    return new kms.Key(this, 'Key', {
      description: `Encrypts the log files of the ${this.trailName} organization trail`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}
