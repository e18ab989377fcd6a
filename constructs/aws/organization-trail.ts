/**
 * The organization's CloudTrail (data source DS0017 for T1059.009): every account, every region, global
 * events, digest validation and Insights. An organization trail is created in the management account
 * (or a CloudTrail delegated administrator); it delivers to the evidence store (trail-evidence-store.ts),
 * in the log-archive account when there is one, by deterministic bucket name and key alias ARN, and to a
 * CloudWatch Logs group here, in the trail's own account, as CloudTrail requires, for the metric filters.
 * The trail is RETAINed: deleting the stack must never stop the audit log.
 */
import { RemovalPolicy, Stack, Tags } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct, type IDependable } from 'constructs';
import type { TrailResourceNames } from '../../core/aws/trail-names.ts';
import { acknowledge } from './acknowledge.ts';

export interface OrganizationTrailProps {
  /** Names of every resource, shared with the evidence store and the protection SCPs. */
  readonly names: TrailResourceNames;
  readonly logGroupRetentionDays: number;
  /** CloudTrail Insights on API call rate and API error rate (bursts of scripted calls). */
  readonly insights: boolean;
  /** Tag key marking resources the protection SCPs guard (value "true"). */
  readonly protectionTag: string;
  /** The evidence store, when it is in this stack: the trail is created after its bucket policy. */
  readonly evidence?: IDependable;
}

export class OrganizationTrail extends Construct {
  readonly trail: cloudtrail.CfnTrail;
  readonly logGroup: logs.LogGroup;
  readonly logGroupKey: kms.Key;

  constructor(scope: Construct, id: string, props: OrganizationTrailProps) {
    super(scope, id);
    const { names } = props;
    const { region, account } = Stack.of(this);

    this.logGroupKey = new kms.Key(this, 'LogGroupKey', {
      alias: names.logGroupKeyAlias,
      description: `Encrypts the CloudWatch Logs group of the ${names.trailName} organization trail`,
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
        conditions: { ArnEquals: { 'kms:EncryptionContext:aws:logs:arn': `arn:aws:logs:${region}:${account}:log-group:${names.logGroupName}` } },
      }),
    );
    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      logGroupName: names.logGroupName,
      retention: props.logGroupRetentionDays as logs.RetentionDays,
      encryptionKey: this.logGroupKey,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // Written out rather than a token, so the cdk-nag finding it raises has a stable id to acknowledge.
    const streams = `arn:aws:logs:${region}:${account}:log-group:${names.logGroupName}:log-stream:*`;
    const deliveryRole = new iam.Role(this, 'LogsRole', {
      description: `Lets CloudTrail deliver the ${names.trailName} trail to its CloudWatch Logs group`,
      assumedBy: new iam.ServicePrincipal('cloudtrail.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceArn': names.trailArn } } }),
      inlinePolicies: {
        DeliverToLogGroup: new iam.PolicyDocument({
          statements: [new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [streams] })],
        }),
      },
    });
    acknowledge(deliveryRole, {
      [`AwsSolutions-IAM5[Resource::${streams}]`]: 'CloudTrail names a log stream per account and region of the organization, so the role may write any stream of this one log group (log-group:<name>:log-stream:*).',
      'NIST.800.53.R5-IAMNoInlinePolicy': 'The delivery policy belongs to this one role and log group; as a managed policy it could be attached elsewhere.',
    });

    this.trail = new cloudtrail.CfnTrail(this, 'Trail', {
      trailName: names.trailName,
      isLogging: true,
      isOrganizationTrail: true,
      isMultiRegionTrail: true,
      includeGlobalServiceEvents: true,
      enableLogFileValidation: true,
      s3BucketName: names.bucketName,
      // CloudTrail accepts the key's alias ARN: the key lives in the evidence store's account.
      kmsKeyId: names.keyAliasArn,
      cloudWatchLogsLogGroupArn: this.logGroup.logGroupArn,
      cloudWatchLogsRoleArn: deliveryRole.roleArn,
      eventSelectors: [{ readWriteType: 'All', includeManagementEvents: true }],
      insightSelectors: props.insights ? [{ insightType: 'ApiCallRateInsight' }, { insightType: 'ApiErrorRateInsight' }] : undefined,
    });
    this.trail.node.addDependency(deliveryRole);
    if (props.evidence) this.trail.node.addDependency(props.evidence);
    this.trail.applyRemovalPolicy(RemovalPolicy.RETAIN);
    Tags.of(this).add(props.protectionTag, 'true');
  }
}
