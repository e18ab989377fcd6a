/**
 * Forwarding rules on an account's default event bus: CloudTrail events reach EventBridge only in the
 * account and region of the call (IAM, Organizations and sign-in: us-east-1), so every member account
 * and region runs these (through the StackSet), and so does the management account in each event region,
 * sending matches to the organization's central bus in the security account.
 *
 * - State ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS makes read-only calls (GetCallerIdentity, List*,
 *   the first things a stolen key runs) visible too (EventBridge user guide, "Receiving read-only
 *   management events from AWS services").
 * - Every target has a dead-letter queue, and two alarms watch the default bus's rules for failed
 *   deliveries, each rule a contributor by name (dead-letter-queue.ts).
 *   The alert topic is in another account, so these alarms, and any other guardrails alarm of this
 *   account and region (the metric filters' in the management account), reach it as "CloudWatch Alarm
 *   State Change" events that the rule guardrails-fwd-alarms forwards to the central bus, where
 *   guardrails-alert-alarms publishes them (CloudWatch user guide, "Alarm events and EventBridge").
 * - The role has a fixed name (FORWARDING_ROLE_NAME) so the SCPs can exempt exactly it. IAM names are
 *   global to an account: where one account runs this in several regions, one creates the role and the
 *   others refer to it (`roleRegion`), or bring your own (`role`).
 */
import { Aws, CfnCondition, Fn, Stack, Tags, Token } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { FORWARDING_ROLE_NAME } from '../../core/aws/pipeline-names.ts';
import { FORWARDING_RULE_PREFIX, RESOURCE_PREFIX } from '../../core/aws/self-protection-rules.ts';
import { DEFAULT_PROTECTION_TAG } from '../../core/aws/tag-protection-statements.ts';
import { acknowledge } from './acknowledge.ts';
import { RuleDelivery } from './dead-letter-queue.ts';
import { ALARM_RULE_SUFFIX, ALL_MANAGEMENT_EVENTS, alarmStateChangePattern, eventRuleName, type RealtimeRule } from './realtime-rules.ts';

export interface EventForwardingProps {
  /** ARN of the central bus the matches go to (RealtimeRules' bus; pipelineNames(aws).centralBusArn in core/aws/pipeline-names.ts). */
  readonly centralBusArn: string;
  /** The real-time rules (AlarmPlan.realtime); may be empty where only alarms are to be forwarded. */
  readonly rules: readonly RealtimeRule[];
  /**
   * An existing forwarding role (with events:PutEvents on the central bus) instead of one created here.
   * @default - a role named guardrails-event-forwarding (FORWARDING_ROLE_NAME, which the SCPs exempt), created as `roleRegion` says
   */
  readonly role?: iam.IRole;
  /**
   * The one region of the account where the role is created; in the others it is referred to by name.
   * In an environment-agnostic template (the StackSet's) this becomes a CloudFormation condition on
   * AWS::Region. Deploy that region first (a StackSet's RegionOrder; a stack dependency between CDK
   * stacks), so the role exists before the other regions' rules deliver with it.
   * @default - the role is created wherever this construct is
   */
  readonly roleRegion?: string;
  /**
   * Tag key marking the rules, role, queue and alarms as protected by the SCPs (value "true").
   * @default 'guardrails:protected'
   */
  readonly protectionTag?: string;
}

/** Dead-letter queue of the forwarding rules' targets (one per account and region). */
export const FORWARDING_DEAD_LETTER_QUEUE = `${FORWARDING_RULE_PREFIX}dead-letters`;

export class EventForwarding extends Construct {
  /** The role the rules' targets use (an imported one where this construct does not create it). */
  readonly role: iam.IRole;
  /** The created role, if this construct creates it (conditionally so with an unresolved region). */
  readonly createdRole?: iam.Role;
  /** One per real-time rule, in the order given. */
  readonly rules: readonly events.CfnRule[];
  /** Forwards the state changes of the guardrails alarms of this account and region. */
  readonly alarmRule: events.CfnRule;
  readonly delivery: RuleDelivery;

  constructor(scope: Construct, id: string, props: EventForwardingProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const roleArn = stack.formatArn({ service: 'iam', region: '', resource: 'role', resourceName: FORWARDING_ROLE_NAME });
    if (props.role) this.role = props.role;
    else if (props.roleRegion && !Token.isUnresolved(stack.region) && stack.region !== props.roleRegion) {
      this.role = iam.Role.fromRoleArn(this, 'ForwardingRole', roleArn, { mutable: false });
    } else {
      this.createdRole = new iam.Role(this, 'ForwardingRole', {
        roleName: FORWARDING_ROLE_NAME,
        description: 'Lets EventBridge forward guardrail matches to the central event bus',
        assumedBy: new iam.ServicePrincipal('events.amazonaws.com'),
        inlinePolicies: {
          PutEventsToCentralBus: new iam.PolicyDocument({
            statements: [new iam.PolicyStatement({ actions: ['events:PutEvents'], resources: [props.centralBusArn] })],
          }),
        },
      });
      acknowledge(this.createdRole, {
        'NIST.800.53.R5-IAMNoInlinePolicy':
          'The forwarding role has one inline statement (events:PutEvents on the central bus ARN) that belongs to it alone; a managed policy could be attached elsewhere.',
      });
      if (props.roleRegion && Token.isUnresolved(stack.region)) {
        const inRoleRegion = new CfnCondition(this, 'CreateRoleInThisRegion', { expression: Fn.conditionEquals(Aws.REGION, props.roleRegion) });
        (this.createdRole.node.defaultChild as iam.CfnRole).cfnOptions.condition = inRoleRegion;
        // Refer to the role by name, not by Fn::GetAtt: it exists in every region once the role region is deployed.
        this.role = iam.Role.fromRoleArn(this, 'ForwardingRoleByName', roleArn, { mutable: false });
      } else this.role = this.createdRole;
    }
    const protectionTag = props.protectionTag ?? DEFAULT_PROTECTION_TAG;
    this.delivery = new RuleDelivery(this, 'Delivery', { queueName: FORWARDING_DEAD_LETTER_QUEUE, protectionTag });
    const rule = (ruleId: string, name: string, description: string, eventPattern: Record<string, unknown>, state: string) => {
      const cfn = new events.CfnRule(this, ruleId, {
        name,
        description: description.slice(0, 512),
        eventPattern,
        state,
        targets: [{ id: 'central-bus', arn: props.centralBusArn, roleArn: this.role.roleArn, deadLetterConfig: this.delivery.deadLetterConfig }],
      });
      // No DependsOn on the role: CloudFormation rejects one on a resource whose condition is false.
      return { rule: cfn, name };
    };
    const forwarded = props.rules.map((r) =>
      rule(r.id, eventRuleName(FORWARDING_RULE_PREFIX, r.id), `Forwards matches of ${r.id} to the central bus`, r.pattern, ALL_MANAGEMENT_EVENTS),
    );
    const alarms = rule(
      'GuardrailsAlarms',
      `${FORWARDING_RULE_PREFIX}${ALARM_RULE_SUFFIX}`,
      'Forwards guardrails alarms of this account and region that entered ALARM to the central bus',
      alarmStateChangePattern({ prefix: RESOURCE_PREFIX }),
      'ENABLED',
    );
    this.rules = forwarded.map((r) => r.rule);
    this.alarmRule = alarms.rule;
    this.delivery.watch([...forwarded, alarms]);
    Tags.of(this).add(protectionTag, 'true');
  }
}
