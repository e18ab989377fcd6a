/**
 * Names and ARNs of the alarm pipeline, derived from config alone, so the security-account stack, the
 * management-account stacks, the member StackSet and the SCPs agree without cross-account exports.
 */
import type { AwsModel } from '../config/model.ts';
import { ALERT_TOPIC_NAME, CENTRAL_BUS_NAME } from './self-protection-rules.ts';

/** The role member accounts' forwarding rules use to put events on the central bus: a fixed name, so the SCPs can exempt exactly it. */
export const FORWARDING_ROLE_NAME = 'guardrails-event-forwarding';
/**
 * The role service-managed StackSets run as in each member account (created by CloudFormation when
 * trusted access is on: "stacksets-exec-" followed by an id). AWS CloudFormation user guide,
 * "Activate trusted access for stack sets with AWS Organizations".
 */
export const STACKSET_EXECUTION_ROLE_PATTERN = 'stacksets-exec-*';

/** The region whose stack creates the forwarding role in each account (IAM names are per account); the others refer to it by name. */
export const FORWARDING_ROLE_REGION = 'us-east-1';

export interface PipelineNames {
  readonly topicArn: string;
  readonly centralBusArn: string;
  /** ArnLike pattern of the forwarding role in every account. */
  readonly forwardingRoleArnPattern: string;
  readonly stackSetExecutionRoleArnPattern: string;
}

export function pipelineNames(aws: Pick<AwsModel, 'accounts' | 'homeRegion'>): PipelineNames {
  const { security } = aws.accounts;
  return {
    topicArn: `arn:aws:sns:${aws.homeRegion}:${security}:${ALERT_TOPIC_NAME}`,
    centralBusArn: `arn:aws:events:${aws.homeRegion}:${security}:event-bus/${CENTRAL_BUS_NAME}`,
    forwardingRoleArnPattern: `arn:aws:iam::*:role/${FORWARDING_ROLE_NAME}`,
    stackSetExecutionRoleArnPattern: `arn:aws:iam::*:role/${STACKSET_EXECUTION_ROLE_PATTERN}`,
  };
}
