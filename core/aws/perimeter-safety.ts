/**
 * What the AWS preventive controls must never be given, checked in one place for every way in: the config
 * validator (core/config/validate.ts), which names the config's fields; the typed plan function
 * (perimeter-plan.ts, planPerimeterPolicies) and the constructs used on their own (PerimeterPolicies,
 * TrailEvidenceStore), which name their props. Each check returns what is wrong and the fix, or undefined;
 * the caller puts its own field path in front and throws a ConfigError, so all of them refuse in one line.
 */
import type { TrustedContext } from '../config/model.ts';
import type { ControlName, Mode } from '../config/schema.ts';

/** What is wrong (no trailing period) and what to do instead. */
export interface SafetyProblem {
  readonly problem: string;
  readonly fix: string;
}

/** Every preventive control exempts the break-glass roles: without one, a control that misfires has no way back in. */
export function missingBreakGlassProblem(roleArns: readonly string[]): SafetyProblem | undefined {
  if (roleArns.length > 0) return undefined;
  return {
    problem: 'is empty; every preventive control needs a way back in when it misfires',
    fix: 'Add at least one break-glass role, e.g. arn:aws:iam::*:role/BreakGlass*.',
  };
}

/** A trusted CIDR, VPC or VPC endpoint: what the network perimeter lets through. */
export function hasTrustedContext(trusted: TrustedContext): boolean {
  return trusted.cidrs.length + trusted.awsVpcs.length + trusted.awsVpcEndpointIds.length > 0;
}

/**
 * The network perimeter enforced with nothing trusted would deny every API call from everywhere.
 * `names.trusted` lists the caller's trusted-context fields; `names.report` is how the caller says report mode.
 */
export function enforceWithoutTrustedContextProblem(
  networkPerimeter: Mode,
  trusted: TrustedContext,
  names: { readonly trusted: string; readonly report: string },
): SafetyProblem | undefined {
  if (networkPerimeter !== 'enforce' || hasTrustedContext(trusted)) return undefined;
  return {
    problem: 'enforce with no trusted context would deny every API call from everywhere',
    fix: `Add ${names.trusted}, or keep ${names.report}.`,
  };
}

/** Enforce-mode SCPs with no root, OU or account to attach them to would protect nothing. */
export function enforceWithoutTargetsProblem(modes: Readonly<Record<ControlName, Mode>>, targets: readonly string[]): SafetyProblem | undefined {
  const enforced = (Object.keys(modes) as ControlName[]).filter((c) => modes[c] === 'enforce');
  if (enforced.length === 0 || targets.length > 0) return undefined;
  return {
    problem: `is empty while ${enforced.join(', ')} ${enforced.length > 1 ? 'are' : 'is'} in enforce mode, so the SCPs would be attached nowhere`,
    fix: 'List the root (r-xxxx), OUs or accounts to attach them to.',
  };
}
