/**
 * The three parts of the AWS guardrails, each added to whichever stack holds it: in the AWS SRA layout
 * each part has its own account (management, log archive, security); in the single-account layout all
 * three go into the management account's stack. Parts refer to each other only by the deterministic
 * names of core/aws/trail-names.ts and pipeline-names.ts, never by CloudFormation exports.
 */
import type { Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { IDependable } from 'constructs';
import type { AlarmPlan } from '../../core/aws/alarm-plan.ts';
import type { PerimeterPlan } from '../../core/aws/perimeter-plan.ts';
import { FORWARDING_ROLE_REGION, pipelineNames } from '../../core/aws/pipeline-names.ts';
import { ALERT_TOPIC_NAME, CENTRAL_BUS_NAME, STACKSET_NAME } from '../../core/aws/self-protection-rules.ts';
import { trailResourceNames } from '../../core/aws/trail-names.ts';
import type { AwsModel, GuardrailsModel } from '../../core/config/model.ts';
import { AlarmTopic } from '../../constructs/aws/alarm-topic.ts';
import { EventForwarding } from '../../constructs/aws/event-forwarding.ts';
import { MemberStackSet } from '../../constructs/aws/member-stackset.ts';
import { MetricAlarms } from '../../constructs/aws/metric-alarms.ts';
import { OrganizationTrail } from '../../constructs/aws/organization-trail.ts';
import { PerimeterPolicies } from '../../constructs/aws/perimeter-policies.ts';
import { RealtimeRules } from '../../constructs/aws/realtime-rules.ts';
import { TrailEvidenceStore } from '../../constructs/aws/trail-evidence-store.ts';

/** Log-archive part: the trail's bucket, access-log bucket and key. */
export function addEvidenceStore(stack: Stack, aws: AwsModel): TrailEvidenceStore {
  return new TrailEvidenceStore(stack, 'Evidence', {
    names: trailResourceNames(aws),
    organizationId: aws.organizationId,
    managementAccountId: aws.accounts.management,
    objectLockDays: aws.trail.objectLockDays,
    objectLockMode: aws.trail.objectLockMode,
    archiveAfterDays: aws.trail.archiveAfterDays,
    deepArchiveAfterDays: aws.trail.deepArchiveAfterDays,
    expireAfterDays: aws.trail.expireAfterDays,
    breakGlassRoleArns: aws.breakGlassRoleArns,
    protectionTag: aws.protectionTag,
  });
}

/** Security part: the alert topic and the central event bus with its alert rules. */
export function addAlarmPipeline(stack: Stack, aws: AwsModel, notifications: GuardrailsModel['notifications'], alarms: AlarmPlan): AlarmTopic {
  const topic = new AlarmTopic(stack, 'AlarmTopic', { topicName: ALERT_TOPIC_NAME, ...notifications, protectionTag: aws.protectionTag });
  new RealtimeRules(stack, 'RealtimeRules', {
    busName: CENTRAL_BUS_NAME,
    organizationId: aws.organizationId,
    topic: topic.topic,
    rules: alarms.realtime,
    protectionTag: aws.protectionTag,
  });
  return topic;
}

export interface ManagementPartProps {
  readonly aws: AwsModel;
  readonly perimeter: PerimeterPlan;
  readonly alarms: AlarmPlan;
  readonly memberTemplateBody: string;
  /** The evidence store when it is in the same stack (single-account layout). */
  readonly evidence?: IDependable;
}

/** Management part: what AWS requires there (the organization trail, SCPs, StackSet administration) and the metric alarms on the trail's log group. */
export function addManagementGuardrails(stack: Stack, props: ManagementPartProps): OrganizationTrail {
  const { aws } = props;
  const names = trailResourceNames(aws);
  const trail = new OrganizationTrail(stack, 'AuditTrail', {
    trailName: names.trailName,
    // The evidence store's bucket and key by name (another account's in the AWS SRA layout): their own
    // policies let this trail write and encrypt (TrailEvidenceStore). CloudTrail accepts the key's alias ARN.
    bucket: s3.Bucket.fromBucketName(stack, 'TrailBucket', names.bucketName),
    encryptionKey: kms.Key.fromKeyArn(stack, 'TrailKey', names.keyAliasArn),
    logGroupRetention: aws.trail.logGroupRetentionDays as logs.RetentionDays,
    insights: aws.trail.insights,
    organizationId: aws.organizationId,
    protectionTag: aws.protectionTag,
    evidence: props.evidence,
  });
  new PerimeterPolicies(stack, 'Perimeter', { plan: props.perimeter, protectionTag: aws.protectionTag });
  // No alarm action: the alarms reach the topic as "CloudWatch Alarm State Change" events that the
  // forwarding rules carry to the central bus (an alarm cannot notify another account's topic).
  new MetricAlarms(stack, 'MetricAlarms', { logGroup: trail.logGroup, rules: props.alarms.metric, correlations: props.alarms.metricCorrelations });
  addManagementForwarding(stack, aws, aws.eventRegions.includes(aws.homeRegion) ? props.alarms.realtime : []);
  new MemberStackSet(stack, 'MemberForwarding', {
    stackSetName: STACKSET_NAME,
    templateBody: props.memberTemplateBody,
    organizationalUnitIds: aws.targets.filter((t) => t.startsWith('ou-') || t.startsWith('r-')),
    regions: aws.eventRegions,
    protectionTag: aws.protectionTag,
  });
  return trail;
}

/**
 * The management account is never a target of a service-managed StackSet, so it forwards its own
 * events, in every event region (IAM, Organizations and sign-in events arrive in us-east-1 whatever the
 * home region). In the home region it also forwards the metric alarms' state changes, even when the
 * home region is not an event region (then with no real-time rules).
 */
export function addManagementForwarding(stack: Stack, aws: AwsModel, rules: AlarmPlan['realtime']): EventForwarding {
  return new EventForwarding(stack, 'ManagementForwarding', {
    centralBusArn: pipelineNames(aws).centralBusArn,
    rules,
    roleRegion: FORWARDING_ROLE_REGION,
    protectionTag: aws.protectionTag,
  });
}
