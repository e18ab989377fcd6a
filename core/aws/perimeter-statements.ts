/**
 * The SCP statements of the kit, built from the validated model. Each statement belongs to one control
 * (whose mode decides whether it is attached) and is self-contained: any statement can go in any policy
 * without changing what the set denies, which is what lets scp-packing.ts split them freely.
 */
import type { AwsModel, TrustedContext } from '../config/model.ts';
import type { ControlName } from '../config/schema.ts';
import type { ConditionBlock, PolicyStatement } from './policy-document.ts';
import { trailResourceNames } from './trail-names.ts';

export interface ControlStatement {
  readonly control: ControlName;
  readonly statement: PolicyStatement;
}

/** What a reader of the plan needs to know about statements that were *not* generated. */
export interface PerimeterNote {
  readonly control: ControlName;
  readonly note: string;
}

export interface PerimeterStatements {
  readonly statements: readonly ControlStatement[];
  readonly notes: readonly PerimeterNote[];
}

export function perimeterStatements(aws: AwsModel, trusted: TrustedContext): PerimeterStatements {
  const notes: PerimeterNote[] = [];
  const statements: ControlStatement[] = [
    ...networkPerimeter(aws, trusted, notes),
    ...cloudShell(aws, trusted, notes),
    ...logProtection(aws),
  ];
  return { statements, notes };
}

/** Break-glass roles are exempt from every statement; automation roles only from the network ones. */
function exemptPrincipals(arns: readonly string[]): ConditionBlock {
  return { ArnNotLike: { 'aws:PrincipalArn': [...arns] } };
}

/** Calls an AWS service makes on the caller's behalf (forward access sessions) come from AWS networks. */
const NOT_VIA_AWS_SERVICE: ConditionBlock = { BoolIfExists: { 'aws:ViaAWSService': 'false' } };

function networkPerimeter(aws: AwsModel, trusted: TrustedContext, notes: PerimeterNote[]): ControlStatement[] {
  const { cidrs, awsVpcs, awsVpcEndpointIds } = trusted;
  if (cidrs.length + awsVpcs.length + awsVpcEndpointIds.length === 0) {
    notes.push({ control: 'networkPerimeter', note: 'no trusted networks configured: the network perimeter statement is not generated' });
    return [];
  }
  const exempt = [...aws.breakGlassRoleArns, ...aws.automationRoleArns];
  // Deny when the caller is outside every trusted context. The keys below are ANDed, so a request is
  // denied only if it fails all of them; *IfExists makes an absent key count as "outside" (a call
  // through a VPC endpoint has no aws:SourceIp; a call from the Internet has no aws:SourceVpc).
  const notTrustedVpc: Record<string, readonly string[]> = {};
  if (awsVpcs.length > 0) notTrustedVpc['aws:SourceVpc'] = awsVpcs.map((v) => v.id);
  if (awsVpcEndpointIds.length > 0) notTrustedVpc['aws:SourceVpce'] = awsVpcEndpointIds;
  const perimeter: PolicyStatement = {
    Sid: 'DenyApiCallsFromOutsideTrustedNetworks',
    Effect: 'Deny',
    Action: '*',
    Resource: '*',
    Condition: {
      ...(cidrs.length > 0 ? { NotIpAddressIfExists: { 'aws:SourceIp': cidrs } } : {}),
      StringNotEqualsIfExists: { ...notTrustedVpc, [`aws:PrincipalTag/${aws.perimeterExemptionTag}`]: 'true' },
      ...NOT_VIA_AWS_SERVICE,
      ...exemptPrincipals(exempt),
    },
  };
  // A VPC id is trusted only in its own region: a request naming it for another region did not come
  // through the VPC we trust. One statement per region keeps each self-contained.
  const regions = [...new Set(awsVpcs.map((v) => v.region))].sort();
  const pairing = regions.map(
    (region): PolicyStatement => ({
      Sid: `DenyTrustedVpcOutsideItsRegion${region.replace(/[^a-z0-9]/g, '')}`,
      Effect: 'Deny',
      Action: '*',
      Resource: '*',
      Condition: {
        StringEquals: { 'aws:SourceVpc': awsVpcs.filter((v) => v.region === region).map((v) => v.id) },
        StringNotEquals: { 'aws:RequestedRegion': region },
        ...NOT_VIA_AWS_SERVICE,
        ...exemptPrincipals(exempt),
      },
    }),
  );
  return [perimeter, ...pairing].map((statement) => ({ control: 'networkPerimeter', statement }));
}

function cloudShell(aws: AwsModel, trusted: TrustedContext, notes: PerimeterNote[]): ControlStatement[] {
  const exempt = exemptPrincipals(aws.breakGlassRoleArns);
  if (aws.cloudShell === 'allow') {
    notes.push({ control: 'cloudShell', note: 'aws.cloudShell is "allow": CloudShell is only subject to the network perimeter' });
    return [];
  }
  if (aws.cloudShell === 'block') {
    return [{ control: 'cloudShell', statement: { Sid: 'DenyCloudShell', Effect: 'Deny', Action: 'cloudshell:*', Resource: '*', Condition: exempt } }];
  }
  const statements: PolicyStatement[] = [
    {
      // A CloudShell environment outside a VPC runs on AWS's network, where our perimeter cannot see it.
      Sid: 'DenyCloudShellOutsideVpc',
      Effect: 'Deny',
      Action: 'cloudshell:CreateEnvironment',
      Resource: '*',
      Condition: { Null: { 'cloudshell:VpcIds': 'true' }, ...exempt },
    },
  ];
  if (trusted.awsVpcs.length > 0) {
    statements.push({
      Sid: 'DenyCloudShellInUntrustedVpc',
      Effect: 'Deny',
      Action: 'cloudshell:CreateEnvironment',
      Resource: '*',
      Condition: { 'ForAnyValue:StringNotEquals': { 'cloudshell:VpcIds': trusted.awsVpcs.map((v) => v.id) }, ...exempt },
    });
  }
  notes.push({
    control: 'cloudShell',
    note: 'vpcOnly denies creating CloudShell environments outside a VPC; environments created before enforcement keep working until deleted (use block to stop them)',
  });
  return statements.map((statement) => ({ control: 'cloudShell', statement }));
}

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
  logGroup: ['logs:DeleteLogGroup', 'logs:DeleteLogStream', 'logs:DeleteRetentionPolicy', 'logs:PutRetentionPolicy', 'logs:DisassociateKmsKey', 'logs:DeleteMetricFilter', 'logs:DeleteSubscriptionFilter'],
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
    'cloudwatch:DeleteAlarms',
    'cloudwatch:DisableAlarmActions',
  ],
  /** Changing these tags would switch a protection or an exemption on or off. */
  tagging: [
    'iam:TagRole',
    'iam:UntagRole',
    'iam:TagUser',
    'iam:UntagUser',
    'iam:CreateRole',
    'iam:CreateUser',
    'sts:TagSession',
    'kms:TagResource',
    'kms:UntagResource',
    'organizations:TagResource',
    'organizations:UntagResource',
    'sns:TagResource',
    'sns:UntagResource',
    'events:TagResource',
    'events:UntagResource',
    'cloudwatch:TagResource',
    'cloudwatch:UntagResource',
  ],
  /** Denied outright: each turns every other control off. */
  organization: ['organizations:LeaveOrganization', 'organizations:DisablePolicyType'],
} as const;

function logProtection(aws: AwsModel): ControlStatement[] {
  const names = trailResourceNames(aws);
  const exempt = exemptPrincipals(aws.breakGlassRoleArns);
  const bucketArns = [names.bucketName, names.accessLogsBucketName].flatMap((b) => [`arn:aws:s3:::${b}`, `arn:aws:s3:::${b}/*`]);
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
    {
      Sid: 'ProtectTaggedGuardrailResources',
      Effect: 'Deny',
      Action: PROTECTED_ACTIONS.tagged,
      Resource: '*',
      Condition: { StringEqualsIgnoreCase: { [`aws:ResourceTag/${aws.protectionTag}`]: 'true' }, ...exempt },
    },
    {
      Sid: 'ProtectGuardrailTags',
      Effect: 'Deny',
      Action: PROTECTED_ACTIONS.tagging,
      Resource: '*',
      // IAM tag keys are case-insensitive, so compare them that way.
      Condition: { 'ForAnyValue:StringEqualsIgnoreCase': { 'aws:TagKeys': [aws.protectionTag, aws.perimeterExemptionTag] }, ...exempt },
    },
    { Sid: 'DenyLeavingOrDisablingScps', Effect: 'Deny', Action: PROTECTED_ACTIONS.organization, Resource: '*', Condition: exempt },
  ];
  return statements.map((statement) => ({ control: 'logProtection', statement }));
}
