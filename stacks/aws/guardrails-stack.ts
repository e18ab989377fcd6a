/**
 * The AWS stacks: composition only (stacks/aws/parts.ts builds each part). One stack per account, each
 * with an explicit env, deployed with `cdk deploy --all`:
 *   AWS SRA layout: CloudApiGuardrails (management), CloudApiGuardrailsLogArchive, CloudApiGuardrailsSecurity;
 *   single-account layout: CloudApiGuardrails holds all three parts.
 */
import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { AlarmPlan } from '../../core/aws/alarm-plan.ts';
import type { PerimeterPlan } from '../../core/aws/perimeter-plan.ts';
import type { AwsModel, GuardrailsModel } from '../../core/config/model.ts';
import { addAlarmPipeline, addEvidenceStore, addManagementForwarding, addManagementGuardrails } from './parts.ts';
import { awsRegionPartitions } from '../../core/config/aws-regions.ts';
import { trailResourceNames } from '../../core/aws/trail-names.ts';
import { CloudTrailHunting } from '../../constructs/aws/cloudtrail-hunting.ts';
import type { TrailEvidenceStore } from '../../constructs/aws/trail-evidence-store.ts';

const DESCRIPTION = 'cloud-api-guardrails (T1059.009)';

export interface AwsGuardrailsStackProps extends StackProps {
  readonly aws: AwsModel;
  readonly notifications: GuardrailsModel['notifications'];
  readonly perimeter: PerimeterPlan;
  readonly alarms: AlarmPlan;
  /** The synthesized member-account template (stacks/aws/member-forwarding-stack.ts). */
  readonly memberTemplateBody: string;
}

/** The management account's stack; in the single-account layout it also holds the evidence store and the alarm pipeline. */
export class AwsGuardrailsStack extends Stack {
  constructor(scope: Construct, id: string, props: AwsGuardrailsStackProps) {
    const { aws } = props;
    const single = aws.layout === 'single-account';
    super(scope, id, {
      ...props,
      env: { account: aws.accounts.management, region: aws.homeRegion },
      description: `${DESCRIPTION}: ${single ? 'organization trail and its evidence, perimeter SCPs and alarm pipeline, all in the management account' : 'organization trail, perimeter SCPs, metric alarms and the member forwarding StackSet (management account)'}`,
      terminationProtection: true,
    });
    const evidence = single ? addEvidenceStore(this, aws) : undefined;
    if (evidence) addHunting(this, aws, evidence);
    if (single) addAlarmPipeline(this, aws, props.notifications, props.alarms);
    addManagementGuardrails(this, { aws, perimeter: props.perimeter, alarms: props.alarms, memberTemplateBody: props.memberTemplateBody, evidence });
  }
}

export interface PartStackProps extends StackProps {
  readonly aws: AwsModel;
}

/** The log-archive account's stack: the trail's bucket, access-log bucket and key, where SCPs apply. */
export class LogArchiveStack extends Stack {
  constructor(scope: Construct, id: string, props: PartStackProps) {
    super(scope, id, {
      ...props,
      env: { account: props.aws.accounts.logArchive, region: props.aws.homeRegion },
      description: `${DESCRIPTION}: the organization trail's evidence store (log-archive account)`,
      terminationProtection: true,
    });
    addHunting(this, props.aws, addEvidenceStore(this, props.aws));
  }
}

/** aws.hunting, next to the evidence store whose bucket it reads (nothing when it is off). */
function addHunting(stack: Stack, aws: AwsModel, evidence: TrailEvidenceStore): void {
  if (!aws.hunting) return;
  new CloudTrailHunting(stack, 'Hunting', {
    ...aws.hunting,
    organizationId: aws.organizationId,
    trailBucketName: trailResourceNames(aws).bucketName,
    accessLogsBucket: evidence.accessLogsBucket,
    // The trail records every region of the partition, not only the event regions.
    regions: [...awsRegionPartitions()].filter(([, partition]) => partition === aws.partition).map(([region]) => region),
    protectionTag: aws.protectionTag,
  });
}

export interface SecurityStackProps extends PartStackProps {
  readonly notifications: GuardrailsModel['notifications'];
  readonly alarms: AlarmPlan;
}

/** The security account's stack: the alert topic, the central event bus and its alert rules. */
export class SecurityStack extends Stack {
  constructor(scope: Construct, id: string, props: SecurityStackProps) {
    super(scope, id, {
      ...props,
      env: { account: props.aws.accounts.security, region: props.aws.homeRegion },
      description: `${DESCRIPTION}: alert topic, central event bus and real-time alert rules (security account)`,
      terminationProtection: true,
    });
    addAlarmPipeline(this, props.aws, props.notifications, props.alarms);
  }
}

export interface ManagementForwardingStackProps extends PartStackProps {
  readonly region: string;
  readonly alarms: AlarmPlan;
}

/** The management account's forwarding rules in one event region other than the home region. */
export class ManagementForwardingStack extends Stack {
  constructor(scope: Construct, id: string, props: ManagementForwardingStackProps) {
    super(scope, id, {
      ...props,
      env: { account: props.aws.accounts.management, region: props.region },
      description: `${DESCRIPTION}: the management account's forwarding rules in ${props.region}`,
      terminationProtection: true,
    });
    addManagementForwarding(this, props.aws, props.alarms.realtime);
  }
}
