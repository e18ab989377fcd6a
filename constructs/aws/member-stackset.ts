/**
 * Deploys the member-account template (forwarding rules) to every account of the target OUs and every
 * configured region through a service-managed CloudFormation StackSet with automatic deployment: new
 * accounts get the rules when they join an OU, and the management stack's size does not grow with the
 * number of accounts. Service-managed StackSets never deploy to the management account itself; the
 * management stack runs its own forwarding rules.
 */
import * as cloudformation from 'aws-cdk-lib/aws-cloudformation';
import { Annotations, Tags } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { STACKSET_NAME } from '../../core/aws/self-protection-rules.ts';
import { DEFAULT_PROTECTION_TAG } from '../../core/aws/tag-protection-statements.ts';

/** CloudFormation's limit for an inline TemplateBody, in bytes. */
export const STACKSET_TEMPLATE_BODY_MAX_BYTES = 51_200;

export interface MemberStackSetProps {
  /** The synthesized member template (JSON; stacks/aws/member-forwarding-stack.ts), at most 51,200 bytes. */
  readonly templateBody: string;
  /**
   * Root and OU ids to deploy to (account ids are not deployment targets of a service-managed StackSet).
   * Empty: the StackSet has no stack instances (a synth warning says so).
   */
  readonly organizationalUnitIds: readonly string[];
  /** Regions every member account runs the template in; us-east-1 is deployed first (it creates the forwarding role). */
  readonly regions: readonly string[];
  /**
   * Name of the StackSet (the self-protection rules watch it by this name).
   * @default 'guardrails-event-forwarding'
   */
  readonly stackSetName?: string;
  /**
   * Tag key marking the StackSet as protected by the SCPs (value "true").
   * @default 'guardrails:protected'
   */
  readonly protectionTag?: string;
}

export class MemberStackSet extends Construct {
  readonly stackSet: cloudformation.CfnStackSet;

  constructor(scope: Construct, id: string, props: MemberStackSetProps) {
    super(scope, id);
    const bytes = Buffer.byteLength(props.templateBody, 'utf8');
    if (bytes > STACKSET_TEMPLATE_BODY_MAX_BYTES) {
      throw new Error(
        `the member template is ${bytes} bytes, over the ${STACKSET_TEMPLATE_BODY_MAX_BYTES} a StackSet TemplateBody allows; deploy fewer EventBridge rules`,
      );
    }
    this.stackSet = new cloudformation.CfnStackSet(this, 'StackSet', {
      stackSetName: props.stackSetName ?? STACKSET_NAME,
      description: 'cloud-api-guardrails: forwards matching CloudTrail events from member accounts to the central event bus',
      permissionModel: 'SERVICE_MANAGED',
      callAs: 'SELF',
      autoDeployment: { enabled: true, retainStacksOnAccountRemoval: false },
      managedExecution: { Active: true },
      capabilities: ['CAPABILITY_IAM'],
      // The forwarding role is created in us-east-1 and used by name elsewhere: that region goes first.
      operationPreferences: {
        failureTolerancePercentage: 10,
        maxConcurrentPercentage: 25,
        regionConcurrencyType: 'SEQUENTIAL',
        regionOrder: [...props.regions].sort((a, b) => Number(b === 'us-east-1') - Number(a === 'us-east-1')),
      },
      templateBody: props.templateBody,
      stackInstancesGroup:
        props.organizationalUnitIds.length > 0
          ? [{ deploymentTargets: { organizationalUnitIds: [...props.organizationalUnitIds] }, regions: [...props.regions] }]
          : undefined,
    });
    Tags.of(this.stackSet).add(props.protectionTag ?? DEFAULT_PROTECTION_TAG, 'true');
    if (props.organizationalUnitIds.length === 0) {
      Annotations.of(this).addWarningV2(
        'guardrails:no-member-targets',
        'aws.targets names no root or OU: the forwarding StackSet has no stack instances, so member accounts send no real-time alerts.',
      );
    }
  }
}
