/**
 * The AWS guardrails for one organization, deployed to its management account: composition only.
 */
import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { AlarmPlan } from '../../core/aws/alarm-plan.ts';
import type { PerimeterPlan } from '../../core/aws/perimeter-plan.ts';
import { ALERT_TOPIC_NAME, CENTRAL_BUS_NAME, STACKSET_NAME } from '../../core/aws/self-protection-rules.ts';
import { trailResourceNames } from '../../core/aws/trail-names.ts';
import { pipelineNames } from '../../core/aws/pipeline-names.ts';
import type { AwsModel, GuardrailsModel } from '../../core/config/model.ts';
import { AlarmTopic } from '../../constructs/aws/alarm-topic.ts';
import { EventForwarding } from '../../constructs/aws/event-forwarding.ts';
import { MemberStackSet } from '../../constructs/aws/member-stackset.ts';
import { MetricAlarms } from '../../constructs/aws/metric-alarms.ts';
import { OrganizationTrail } from '../../constructs/aws/organization-trail.ts';
import { PerimeterPolicies } from '../../constructs/aws/perimeter-policies.ts';
import { RealtimeRules } from '../../constructs/aws/realtime-rules.ts';
import { acknowledge } from '../../constructs/aws/acknowledge.ts';

export interface AwsGuardrailsStackProps extends StackProps {
  readonly aws: AwsModel;
  readonly notifications: GuardrailsModel['notifications'];
  readonly perimeter: PerimeterPlan;
  readonly alarms: AlarmPlan;
  /** The synthesized member-account template (stacks/aws/member-forwarding-stack.ts). */
  readonly memberTemplateBody: string;
}

export function centralBusArn(aws: Pick<AwsModel, 'homeRegion' | 'accounts'>): string {
  return pipelineNames(aws).centralBusArn;
}

export class AwsGuardrailsStack extends Stack {
  readonly auditTrail: OrganizationTrail;
  readonly perimeter: PerimeterPolicies;
  readonly alarmTopic: AlarmTopic;

  constructor(scope: Construct, id: string, props: AwsGuardrailsStackProps) {
    super(scope, id, {
      ...props,
      env: { account: props.aws.managementAccountId, region: props.aws.homeRegion },
      description: 'cloud-api-guardrails: organization audit trail, perimeter SCPs and alarm pipeline (T1059.009)',
      terminationProtection: true,
    });
    const { aws } = props;
    this.auditTrail = this.configureAuditTrail(aws);
    this.perimeter = this.configurePerimeter(aws, props.perimeter);
    this.alarmTopic = this.configureAlarmTopic(aws, props.notifications);
    this.configureMetricAlarms(props.alarms);
    this.configureRealtimeRules(aws, props.alarms, props.memberTemplateBody);
  }

  private configureAuditTrail(aws: AwsModel): OrganizationTrail {
    return new OrganizationTrail(this, 'AuditTrail', {
      names: trailResourceNames(aws),
      organizationId: aws.organizationId,
      managementAccountId: aws.managementAccountId,
      ...aws.trail,
      protectionTag: aws.protectionTag,
    });
  }

  private configurePerimeter(aws: AwsModel, plan: PerimeterPlan): PerimeterPolicies {
    return new PerimeterPolicies(this, 'Perimeter', { plan, protectionTag: aws.protectionTag });
  }

  private configureAlarmTopic(aws: AwsModel, notifications: GuardrailsModel['notifications']): AlarmTopic {
    return new AlarmTopic(this, 'AlarmTopic', { topicName: ALERT_TOPIC_NAME, ...notifications, protectionTag: aws.protectionTag });
  }

  private configureMetricAlarms(plan: AlarmPlan): void {
    new MetricAlarms(this, 'MetricAlarms', { logGroup: this.auditTrail.logGroup, topic: this.alarmTopic.topic, rules: plan.metric });
  }

  private configureRealtimeRules(aws: AwsModel, plan: AlarmPlan, memberTemplateBody: string): void {
    new RealtimeRules(this, 'RealtimeRules', {
      busName: CENTRAL_BUS_NAME,
      organizationId: aws.organizationId,
      topic: this.alarmTopic.topic,
      rules: plan.realtime,
      protectionTag: aws.protectionTag,
    });
    // The management account is not a StackSet target: it forwards its own events in its home region.
    const local = new EventForwarding(this, 'ManagementForwarding', { centralBusArn: centralBusArn(aws), rules: plan.realtime });
    acknowledge(local.role, {
      'NIST.800.53.R5-IAMNoInlinePolicy': 'The forwarding role has one inline statement (events:PutEvents on the central bus ARN) that belongs to it alone; a managed policy could be attached elsewhere.',
    });
    new MemberStackSet(this, 'MemberForwarding', {
      stackSetName: STACKSET_NAME,
      templateBody: memberTemplateBody,
      organizationalUnitIds: aws.targets.filter((t) => t.startsWith('ou-') || t.startsWith('r-')),
      regions: aws.eventRegions,
      protectionTag: aws.protectionTag,
    });
  }
}
