/**
 * Who the SCP statements exempt, by exact role ARN (or the ArnLike patterns of the config), and why
 * each exemption is safe. An exemption is only as strong as the guarantee that nobody else can become
 * that role: every role named here is also kept by role-protection-statements.ts from being created,
 * re-trusted, re-permissioned, re-tagged or deleted by anyone but break-glass (and, for the kit's
 * forwarding role, the StackSet execution role that deploys it).
 */
import type { AwsModel } from '../config/model.ts';
import type { ConditionBlock } from './policy-document.ts';
import { FORWARDING_ROLE_NAME, STACKSET_EXECUTION_ROLE_PATTERN } from './pipeline-names.ts';

/** The kit's own roles in member accounts, by fixed name. */
export interface KitRoles {
  /**
   * Member accounts' EventBridge rules put events on the central bus with this role. EventBridge calls
   * from its own addresses as a service role, so aws:ViaAWSService is false (IAM user guide, global
   * condition keys, aws:ViaAWSService: false "if the service uses a service role").
   */
  readonly forwarding: string;
  /**
   * Service-managed StackSets run as stacksets-exec-* in each member account (CloudFormation user guide,
   * "Configure a custom execution role template for StackSets": "creates an execution role named
   * stacksets-exec-*"). AWS creates it with the StackSets service-linked role
   * (CloudFormationStackSetsOrgMemberServiceRolePolicy: iam:CreateRole on role/stacksets-exec-*), which
   * SCPs never restrict, so denying everyone else iam:CreateRole on the pattern costs nothing.
   */
  readonly stackSetExecution: string;
}

export function kitRoleArns(aws: Pick<AwsModel, 'partition'>): KitRoles {
  return {
    forwarding: `arn:${aws.partition}:iam::*:role/${FORWARDING_ROLE_NAME}`,
    stackSetExecution: `arn:${aws.partition}:iam::*:role/${STACKSET_EXECUTION_ROLE_PATTERN}`,
  };
}

/**
 * The principal EC2 uses for its own calls on KMS-encrypted AMIs, volumes and snapshots, from AWS
 * networks (aws-samples/data-perimeter-policy-examples, service_control_policies/README.md,
 * EnforceNetworkPerimeterSourceVPC; network_perimeter_sourcevpc_scp.json writes it with account *).
 * Role names cannot contain ":" (IAM API reference, CreateRole: RoleName pattern [\w+=,.@-]+), so no
 * customer can create a role with this name.
 */
export function ec2InfrastructureArn(aws: Pick<AwsModel, 'partition'>): string {
  return `arn:${aws.partition}:iam::*:role/aws:ec2-infrastructure`;
}

/** Everyone the network-perimeter statements let through from anywhere. */
export function networkExemptArns(aws: Pick<AwsModel, 'partition' | 'breakGlassRoleArns' | 'automationRoleArns'>): string[] {
  const kit = kitRoleArns(aws);
  return [...aws.breakGlassRoleArns, ...aws.automationRoleArns, kit.forwarding, kit.stackSetExecution, ec2InfrastructureArn(aws)];
}

/** Who may change the kit's tagged resources and protected tags: break-glass and the StackSet that deploys them. */
export function guardianArns(aws: Pick<AwsModel, 'partition' | 'breakGlassRoleArns'>): string[] {
  return [...aws.breakGlassRoleArns, kitRoleArns(aws).stackSetExecution];
}

/** The statement applies to everyone except these principals (aws:PrincipalArn is in every request). */
export function exceptPrincipals(arns: readonly string[]): ConditionBlock {
  return { ArnNotLike: { 'aws:PrincipalArn': [...arns] } };
}
