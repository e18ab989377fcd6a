/**
 * The central event bus of the organization and its alert rules. Member accounts (and the management
 * account itself) forward matching CloudTrail events here (event-forwarding.ts); each rule on this bus
 * turns a match into a readable message on the alert topic: who, what, from where, with which client,
 * in which account and region, and a CloudTrail console link.
 */
import { Tags } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { RealtimeRulePlan } from '../../core/aws/alarm-plan.ts';

/** A compiled EventBridge rule (core/aws/alarm-plan.ts). */
export type RealtimeRule = RealtimeRulePlan;

export interface RealtimeRulesProps {
  readonly busName: string;
  readonly organizationId: string;
  readonly topic: sns.ITopic;
  readonly rules: readonly RealtimeRule[];
  readonly protectionTag: string;
}

/** EventBridge names: 64 characters of [.\-_A-Za-z0-9]. */
export function eventRuleName(prefix: string, ruleId: string): string {
  return `${prefix}${ruleId}`.slice(0, 64);
}

export class RealtimeRules extends Construct {
  readonly bus: events.CfnEventBus;
  readonly rules: readonly events.CfnRule[];

  constructor(scope: Construct, id: string, props: RealtimeRulesProps) {
    super(scope, id);
    this.bus = new events.CfnEventBus(this, 'Bus', { name: props.busName });
    new events.CfnEventBusPolicy(this, 'OrganizationMayPutEvents', {
      eventBusName: props.busName,
      statementId: 'OrganizationAccountsForwardEvents',
      statement: {
        Effect: 'Allow',
        Principal: '*',
        Action: 'events:PutEvents',
        Resource: this.bus.attrArn,
        Condition: { StringEquals: { 'aws:PrincipalOrgID': props.organizationId } },
      },
    }).node.addDependency(this.bus);
    this.rules = props.rules.map((rule) => {
      const cfn = new events.CfnRule(this, rule.id, {
        name: eventRuleName('guardrails-alert-', rule.id),
        description: `${rule.title} (${rule.level})`.slice(0, 512),
        eventBusName: props.busName,
        eventPattern: rule.pattern,
        state: 'ENABLED',
        targets: [{ id: 'alert-topic', arn: props.topic.topicArn, inputTransformer: alertMessage(rule) }],
      });
      cfn.node.addDependency(this.bus);
      return cfn;
    });
    Tags.of(this).add(props.protectionTag, 'true');
  }
}

/** A one-paragraph alert built from the CloudTrail event. */
function alertMessage(rule: RealtimeRule): events.CfnRule.InputTransformerProperty {
  const text =
    `[guardrails ${rule.level}] ${rule.title}: <who> called <source> <what> from <ip> (client: <agent>) ` +
    `in account <account>, region <region>, at <time>. Rule ${rule.id}. ` +
    `Investigate: https://<region>.console.aws.amazon.com/cloudtrailv2/home?region=<region>#/events?EventName=<what>`;
  return {
    inputPathsMap: {
      who: '$.detail.userIdentity.arn',
      what: '$.detail.eventName',
      source: '$.detail.eventSource',
      ip: '$.detail.sourceIPAddress',
      agent: '$.detail.userAgent',
      account: '$.account',
      region: '$.region',
      time: '$.time',
    },
    inputTemplate: JSON.stringify(text),
  };
}
