/**
 * Forwarding rules on an account's default event bus: CloudTrail events reach EventBridge only in the
 * account and region of the call (IAM, Organizations and sign-in: us-east-1), so every member account
 * and region runs these, sending matches to the organization's central bus. The state
 * ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS makes read-only calls (GetCallerIdentity, List*, the
 * first things a stolen key runs) visible too.
 */
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { eventRuleName, type RealtimeRule } from './realtime-rules.ts';

export interface EventForwardingProps {
  readonly centralBusArn: string;
  readonly rules: readonly RealtimeRule[];
}

export class EventForwarding extends Construct {
  readonly role: iam.Role;
  readonly rules: readonly events.CfnRule[];

  constructor(scope: Construct, id: string, props: EventForwardingProps) {
    super(scope, id);
    this.role = new iam.Role(this, 'ForwardingRole', {
      description: 'Lets EventBridge forward guardrail matches to the central event bus',
      assumedBy: new iam.ServicePrincipal('events.amazonaws.com'),
      inlinePolicies: {
        PutEventsToCentralBus: new iam.PolicyDocument({
          statements: [new iam.PolicyStatement({ actions: ['events:PutEvents'], resources: [props.centralBusArn] })],
        }),
      },
    });
    this.rules = props.rules.map(
      (rule) =>
        new events.CfnRule(this, rule.id, {
          name: eventRuleName('guardrails-fwd-', rule.id),
          description: `Forwards matches of ${rule.id} to the central bus`,
          eventPattern: rule.pattern,
          state: 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS',
          targets: [{ id: 'central-bus', arn: props.centralBusArn, roleArn: this.role.roleArn }],
        }),
    );
  }
}
