/**
 * What Conditional Access must never be given, checked in one place for the two callers that must refuse the
 * same input: the config validator (core/config/validate.ts), which names the config's fields, and the
 * ConditionalAccess component used on its own (constructs/azure/conditional-access.ts), which names its args.
 * Each check returns what is wrong and the fix, or undefined; the caller puts its own field path in front and
 * throws a ConfigError, so both refuse in one line.
 */

/** What is wrong (no trailing period) and what to do instead. */
export interface SafetyProblem {
  readonly problem: string;
  readonly fix: string;
}

/**
 * A policy that excludes no emergency-access account can lock every administrator out of the tenant
 * (https://learn.microsoft.com/entra/identity/role-based-access-control/security-emergency-access).
 * `names` are how the caller calls the user and group lists.
 */
export function breakGlassProblem(
  userCount: number,
  groupCount: number,
  names: { readonly users: string; readonly groups: string },
): SafetyProblem | undefined {
  if (userCount + groupCount > 0) return undefined;
  return {
    problem: `has no ${names.users} or ${names.groups}; every Conditional Access policy must exclude an emergency-access account`,
    fix: 'Add the object id of at least one break-glass user (cloud-only, excluded from MFA registration policies).',
  };
}

/**
 * Enforced, the block-untrusted policy excludes only the trusted locations: with none, it blocks Azure
 * management from everywhere. `names.trusted` lists the caller's trusted-location fields.
 */
export function enforceWithoutTrustedLocationProblem(
  mode: 'report' | 'enforce',
  trustedCount: number,
  names: { readonly trusted: string },
): SafetyProblem | undefined {
  if (mode !== 'enforce' || trustedCount > 0) return undefined;
  return {
    problem: `enforce with no ${names.trusted} would block Azure management from everywhere`,
    fix: 'Add trusted networks, or keep mode: report.',
  };
}

/**
 * The workload-identity policy blocks every service principal of the tenant outside the trusted locations
 * except the listed ones: with none listed, the deploying pipeline too. A problem in either mode; callers
 * refuse it in enforce mode and may only warn in report mode. `names.workloadIdentities` is the caller's
 * switch for that policy.
 */
export function workloadIdentityExemptionProblem(
  enabled: boolean,
  exemptCount: number,
  names: { readonly workloadIdentities: string },
): SafetyProblem | undefined {
  if (!enabled || exemptCount > 0) return undefined;
  return {
    problem: `is empty while ${names.workloadIdentities} is on, so every service principal of the tenant, the deploying pipeline included, is blocked outside the trusted locations`,
    fix: "List the object ids of the service principals that must keep working (CI/CD, this stack's deployer), or keep mode: report.",
  };
}
