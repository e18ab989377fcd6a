/**
 * The tags the guardrails read: the protection tag (resources the SCPs protect), the perimeter-exemption
 * tag and, in opt-in scope, the perimeter-include tag. Setting or removing one switches a protection or
 * an exemption on or off, so a request naming one of these keys is denied whatever its action.
 */
import type { AwsModel } from '../config/model.ts';
import type { PolicyStatement } from './policy-document.ts';
import { exceptPrincipals, guardianArns } from './scp-exemptions.ts';

/**
 * IAM Identity Center turns user attributes into session tags on the roles of its permission sets
 * (IAM Identity Center user guide, "Attributes for access control"); these actions choose which
 * attributes, and under which tag keys. Their requests carry no aws:TagKeys (iam-data lists no
 * condition key for them), so they are denied outright except to break-glass.
 */
export const IDENTITY_CENTER_ATTRIBUTE_ACTIONS = [
  'sso:CreateInstanceAccessControlAttributeConfiguration',
  'sso:UpdateInstanceAccessControlAttributeConfiguration',
  'sso:DeleteInstanceAccessControlAttributeConfiguration',
] as const;

/** The protection tag the config defaults to (aws.protectionTag) and the constructs default to when used on their own. */
export const DEFAULT_PROTECTION_TAG = 'guardrails:protected';
/** The perimeter-exemption tag the config defaults to (aws.perimeterExemptionTag). */
export const DEFAULT_PERIMETER_EXEMPTION_TAG = 'guardrails:perimeter-exempt';

/** The tag keys the SCPs decide on. */
export function guardedTagKeys(aws: Pick<AwsModel, 'protectionTag' | 'perimeterExemptionTag' | 'perimeterIncludeTag'>): string[] {
  return [aws.protectionTag, aws.perimeterExemptionTag, ...(aws.perimeterIncludeTag ? [aws.perimeterIncludeTag] : [])];
}

export function tagProtectionStatements(
  aws: Pick<AwsModel, 'partition' | 'breakGlassRoleArns' | 'protectionTag' | 'perimeterExemptionTag' | 'perimeterIncludeTag'>,
): PolicyStatement[] {
  return [
    {
      // Action "*", as aws-samples/data-perimeter-policy-examples' ProtectDataPerimeterTags
      // (service_control_policies/data_perimeter_governance_scp.json): a list of tagging actions misses
      // every service and create-with-tags call not on it. aws:TagKeys is in the request of every call
      // that sets or removes tags, session tags included (IAM user guide, "Passing session tags in AWS
      // STS": sts:TagSession with AssumeRole, AssumeRoleWithSAML, AssumeRoleWithWebIdentity). IAM tag
      // keys are case-insensitive (IAM user guide, "Tags for AWS Identity and Access Management
      // resources", case sensitivity), so compare them that way.
      Sid: 'ProtectGuardrailTags',
      Effect: 'Deny',
      Action: '*',
      Resource: '*',
      Condition: { 'ForAnyValue:StringEqualsIgnoreCase': { 'aws:TagKeys': guardedTagKeys(aws) }, ...exceptPrincipals(guardianArns(aws)) },
    },
    {
      Sid: 'ProtectIdentityCenterAttributes',
      Effect: 'Deny',
      Action: [...IDENTITY_CENTER_ATTRIBUTE_ACTIONS],
      Resource: '*',
      Condition: exceptPrincipals(aws.breakGlassRoleArns),
    },
  ];
}
