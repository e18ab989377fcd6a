/**
 * The SCP statements of the kit, built from the validated model. Each statement belongs to one control
 * (whose mode decides whether it is attached) and is self-contained: any statement can go in any policy
 * without changing what the set denies, which is what lets scp-packing.ts split them freely.
 *
 * One file per concern: network-perimeter-statements.ts, cloudshell-statements.ts,
 * log-protection-statements.ts (with tag-protection- and role-protection-statements.ts), and
 * scp-exemptions.ts for who each statement lets through.
 */
import type { AwsModel, TrustedContext } from '../config/model.ts';
import type { ControlName } from '../config/schema.ts';
import type { PolicyStatement } from './policy-document.ts';
import { cloudShellStatements } from './cloudshell-statements.ts';
import { logProtectionStatements } from './log-protection-statements.ts';
import { networkPerimeterStatements } from './network-perimeter-statements.ts';
import type { TrailNaming } from './trail-names.ts';

/**
 * What the SCP statements and their packing read from the AWS model: the config fills it
 * (core/config/validate.ts), and so can a caller without a config file (perimeter-plan.ts,
 * planPerimeterPolicies).
 */
export type PerimeterSettings = Pick<
  AwsModel,
  | 'partition'
  | 'breakGlassRoleArns'
  | 'automationRoleArns'
  | 'cloudShell'
  | 'protectionTag'
  | 'perimeterExemptionTag'
  | 'perimeterIncludeTag'
  | 'modes'
  | 'targets'
  | 'scpSizeBudget'
  | 'maxPoliciesPerTarget'
  | 'existingPoliciesPerTarget'
> &
  TrailNaming;

export interface ControlStatement {
  readonly control: ControlName;
  readonly statement: PolicyStatement;
}

/** What a reader of the plan needs to know about statements that were *not* generated, or their limits. */
export interface PerimeterNote {
  readonly control: ControlName;
  readonly note: string;
}

export interface PerimeterStatements {
  readonly statements: readonly ControlStatement[];
  readonly notes: readonly PerimeterNote[];
}

export function perimeterStatements(aws: PerimeterSettings, trusted: TrustedContext): PerimeterStatements {
  const notes: PerimeterNote[] = [];
  const statements: ControlStatement[] = [
    ...networkPerimeterStatements(aws, trusted, notes),
    ...cloudShellStatements(aws, trusted, notes),
    ...logProtectionStatements(aws),
  ];
  if (aws.modes.networkPerimeter === 'enforce' && aws.modes.logProtection !== 'enforce') {
    // The statements that keep anyone from becoming an exempted role belong to logProtection.
    notes.push({
      control: 'logProtection',
      note: 'networkPerimeter is enforced but logProtection is not: the roles the perimeter exempts can be created, re-trusted or re-tagged by anyone with IAM permissions',
    });
  }
  return { statements, notes };
}
