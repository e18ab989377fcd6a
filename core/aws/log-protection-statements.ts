/**
 * Tamper protection (the logProtection control): the organization trail, its buckets and log group, the
 * kit's tagged resources, the tags and roles the guardrails depend on, and the organization itself;
 * with aws.hunting, also its Glue database and table, Athena workgroup and results bucket
 * (hunting-protection-statements.ts). Break-glass is exempt from all of it; the StackSet execution role
 * also from what it deploys (the kit's tagged resources and their protection tag in member accounts).
 */
import type { AwsHuntingModel } from '../config/model.ts';
import { huntingResourceNames } from './hunting-names.ts';
import { HUNTING_PROTECTED_ACTIONS, huntingCatalogStatements } from './hunting-protection-statements.ts';
import type { PolicyStatement } from './policy-document.ts';
import type { ControlStatement, PerimeterSettings } from './perimeter-statements.ts';
import { roleProtectionStatements } from './role-protection-statements.ts';
import { exceptPrincipals, guardianArns } from './scp-exemptions.ts';
import { tagProtectionStatements } from './tag-protection-statements.ts';
import { trailResourceNames } from './trail-names.ts';

/** Destructive or blinding actions on the audit trail and the kit's own resources. */
export const PROTECTED_ACTIONS = {
  trail: ['cloudtrail:DeleteTrail', 'cloudtrail:StopLogging', 'cloudtrail:UpdateTrail', 'cloudtrail:PutEventSelectors', 'cloudtrail:PutInsightSelectors'],
  bucket: [
    's3:DeleteBucket',
    's3:DeleteBucketPolicy',
    's3:PutBucketPolicy',
    's3:PutBucketAcl',
    's3:PutBucketVersioning',
    's3:PutBucketObjectLockConfiguration',
    's3:PutLifecycleConfiguration',
    's3:PutEncryptionConfiguration',
    's3:PutBucketPublicAccessBlock',
    's3:PutBucketLogging',
    's3:PutBucketOwnershipControls',
    's3:PutBucketTagging',
    's3:DeleteObject',
    's3:DeleteObjectVersion',
    's3:BypassGovernanceRetention',
  ],
  logGroup: [
    'logs:DeleteLogGroup',
    'logs:DeleteLogStream',
    'logs:DeleteRetentionPolicy',
    'logs:PutRetentionPolicy',
    'logs:DisassociateKmsKey',
    'logs:DeleteMetricFilter',
    'logs:DeleteSubscriptionFilter',
  ],
  /** Kit resources found by the protection tag (key, SCPs, alarm topic, rules, alarms). */
  tagged: [
    'kms:ScheduleKeyDeletion',
    'kms:DisableKey',
    'kms:DisableKeyRotation',
    'kms:PutKeyPolicy',
    'organizations:DeletePolicy',
    'organizations:UpdatePolicy',
    'organizations:DetachPolicy',
    'sns:DeleteTopic',
    'sns:SetTopicAttributes',
    'events:DeleteRule',
    'events:DisableRule',
    'events:RemoveTargets',
    // Rewriting a rule's pattern or targets blinds it as well as deleting it does; found by the organization simulation.
    'events:PutRule',
    'events:PutTargets',
    'events:DeleteEventBus',
    'sqs:DeleteQueue',
    'sqs:SetQueueAttributes',
    'sqs:PurgeQueue',
    'cloudwatch:DeleteAlarms',
    'cloudwatch:DisableAlarmActions',
    'cloudwatch:PutMetricAlarm',
  ],
  /** Denied outright: each turns every other control off. */
  organization: ['organizations:LeaveOrganization', 'organizations:DisablePolicyType'],
} as const;

/**
 * The perimeter settings, and aws.hunting when it is enabled: the model's aws section carries it; settings
 * built without a config file have none. Without it every statement is exactly as before.
 */
export type LogProtectionSettings = PerimeterSettings & { readonly hunting?: Pick<AwsHuntingModel, 'databaseName' | 'workgroupName'> };

export function logProtectionStatements(aws: LogProtectionSettings): ControlStatement[] {
  const names = trailResourceNames(aws);
  const exempt = exceptPrincipals(aws.breakGlassRoleArns);
  const hunting = aws.hunting ? huntingResourceNames({ ...aws, hunting: aws.hunting }) : undefined;
  const bucketArns = [
    ...[names.bucketName, names.accessLogsBucketName].flatMap((b) => [`arn:aws:s3:::${b}`, `arn:aws:s3:::${b}/*`]),
    // Its configuration (policy, encryption, lifecycle, logging), not its objects: see HuntingResourceNames.resultsBucketArn.
    ...(hunting ? [hunting.resultsBucketArn] : []),
  ];
  const statements: PolicyStatement[] = [
    { Sid: 'ProtectOrganizationTrail', Effect: 'Deny', Action: PROTECTED_ACTIONS.trail, Resource: names.trailArnPattern, Condition: exempt },
    { Sid: 'ProtectTrailBuckets', Effect: 'Deny', Action: PROTECTED_ACTIONS.bucket, Resource: bucketArns, Condition: exempt },
    {
      Sid: 'ProtectTrailLogGroup',
      Effect: 'Deny',
      Action: PROTECTED_ACTIONS.logGroup,
      Resource: [names.logGroupArnPattern, `${names.logGroupArnPattern}:*`],
      Condition: exempt,
    },
    ...(hunting ? huntingCatalogStatements(hunting, exempt) : []),
    {
      // The StackSet updates and removes the forwarding rules it deployed in member accounts.
      Sid: 'ProtectTaggedGuardrailResources',
      Effect: 'Deny',
      Action: hunting ? [...PROTECTED_ACTIONS.tagged, ...HUNTING_PROTECTED_ACTIONS.workgroup] : PROTECTED_ACTIONS.tagged,
      Resource: '*',
      Condition: { StringEqualsIgnoreCase: { [`aws:ResourceTag/${aws.protectionTag}`]: 'true' }, ...exceptPrincipals(guardianArns(aws)) },
    },
    ...tagProtectionStatements(aws),
    ...roleProtectionStatements(aws),
    { Sid: 'DenyLeavingOrDisablingScps', Effect: 'Deny', Action: PROTECTED_ACTIONS.organization, Resource: '*', Condition: exempt },
  ];
  return statements.map((statement) => ({ control: 'logProtection', statement }));
}
