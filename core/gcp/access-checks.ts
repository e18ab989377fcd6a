/**
 * What context-aware access and the tamper deny policy must never be given, checked in one place for the two
 * callers that must refuse the same input: the config validator (core/config/validate.ts), which names the
 * config's fields, and the GcpContextAwareAccess component used on its own
 * (constructs/gcp/context-aware-access.ts), which names its args. Each check returns what is wrong and the
 * fix, or undefined; the caller puts its own field path in front and throws a ConfigError.
 */

/** What is wrong (no trailing period) and what to do instead. */
export interface SafetyProblem {
  readonly problem: string;
  readonly fix: string;
}

/** The deny policy excepts only break-glass and automation: with no break-glass member, nobody gets back in. */
export function breakGlassMembersProblem(memberCount: number): SafetyProblem | undefined {
  if (memberCount > 0) return undefined;
  return {
    problem: 'is empty; the IAM deny policy and access levels need a way back in',
    fix: 'Add at least one break-glass identity, e.g. user:breakglass@example.com.',
  };
}

/** Enforced, the admin access level admits only the trusted networks: with none, it denies every admin. */
export function enforceWithoutTrustedNetworksProblem(
  mode: 'report' | 'enforce',
  trustedCount: number,
  names: { readonly trusted: string },
): SafetyProblem | undefined {
  if (mode !== 'enforce' || trustedCount > 0) return undefined;
  return { problem: `enforce with no ${names.trusted} would make the GCP access level deny every admin`, fix: `Add ${names.trusted}, or keep mode: report.` };
}

/**
 * In any mode, the admin access level is a basic level whose conditions are the trusted networks, and
 * Access Context Manager requires at least one condition (BasicLevel.conditions: "Required. A list of
 * requirements for the AccessLevel to be granted",
 * https://cloud.google.com/dotnet/docs/reference/Google.Identity.AccessContextManager.V1/latest/Google.Identity.AccessContextManager.V1.BasicLevel):
 * with no networks, even report mode would fail at `pulumi up`.
 */
export function accessLevelWithoutNetworksProblem(trustedCount: number, names: { readonly trusted: string }): SafetyProblem | undefined {
  if (trustedCount > 0) return undefined;
  return {
    problem: `is empty, and GCP context-aware access needs it: an access level must have at least one condition, so the admin access level cannot be created without ${names.trusted}, even in report mode`,
    fix: `Add your egress ranges to ${names.trusted}.`,
  };
}

/** Service-account access with no service account and no project to bind. */
export function automationBindsNothingProblem(
  boundCount: number,
  names: { readonly serviceAccounts: string; readonly projectNumbers: string; readonly section: string },
): SafetyProblem | undefined {
  if (boundCount > 0) return undefined;
  return {
    problem: `binds nothing: ${names.serviceAccounts} and ${names.projectNumbers} are both empty`,
    fix: `List the automation service accounts, or the project numbers whose service accounts run automation, or remove ${names.section}.`,
  };
}
