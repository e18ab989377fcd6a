/**
 * Exemptions that cannot be squatted. Every SCP exemption is an ArnLike match on aws:PrincipalArn, so
 * whoever can create a role with a matching name, or make an existing one trust them, inherits the
 * exemption. These statements deny creating (a new path is a new role: IAM has no rename), re-trusting,
 * re-permissioning, re-tagging and deleting the exempted roles to everyone but break-glass. IAM API
 * reference: CreateRole, UpdateAssumeRolePolicy, Put/Delete/Attach/DetachRolePolicy,
 * Put/DeleteRolePermissionsBoundary, Tag/UntagRole, DeleteRole; each takes the role ARN as its resource
 * (Service Authorization Reference, IAM: resource type "role").
 */
import type { AwsModel } from '../config/model.ts';
import type { PolicyStatement } from './policy-document.ts';
import { exceptPrincipals, kitRoleArns } from './scp-exemptions.ts';

export const ROLE_CHANGE_ACTIONS = [
  'iam:CreateRole',
  'iam:UpdateAssumeRolePolicy',
  'iam:PutRolePolicy',
  'iam:DeleteRolePolicy',
  'iam:AttachRolePolicy',
  'iam:DetachRolePolicy',
  'iam:PutRolePermissionsBoundary',
  'iam:DeleteRolePermissionsBoundary',
  'iam:TagRole',
  'iam:UntagRole',
  'iam:DeleteRole',
] as const;

export function roleProtectionStatements(aws: Pick<AwsModel, 'partition' | 'breakGlassRoleArns' | 'automationRoleArns'>): PolicyStatement[] {
  const kit = kitRoleArns(aws);
  return [
    {
      // Break-glass and automation roles, and the StackSet execution role (AWS creates that one with a
      // service-linked role, which SCPs do not restrict).
      Sid: 'ProtectExemptRoles',
      Effect: 'Deny',
      Action: [...ROLE_CHANGE_ACTIONS],
      Resource: [...aws.breakGlassRoleArns, ...aws.automationRoleArns, kit.stackSetExecution],
      Condition: exceptPrincipals(aws.breakGlassRoleArns),
    },
    {
      // The forwarding role is deployed and updated by the StackSet, as the StackSet execution role.
      Sid: 'ProtectForwardingRole',
      Effect: 'Deny',
      Action: [...ROLE_CHANGE_ACTIONS],
      Resource: kit.forwarding,
      Condition: exceptPrincipals([...aws.breakGlassRoleArns, kit.stackSetExecution]),
    },
  ];
}
