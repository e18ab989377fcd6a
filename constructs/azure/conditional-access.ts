/**
 * Conditional Access against Cloud API abuse. CA targets the resource, not the client
 * (https://learn.microsoft.com/entra/identity/conditional-access/concept-conditional-access-cloud-apps), so:
 *   - block-untrusted / require-mfa: Azure CLI, PowerShell, Cloud Shell and the portal all get their tokens for
 *     Windows Azure Service Management API (797f4846-ba00-4fd7-ba43-dac1f8f63013): block it outside the
 *     trusted locations, require MFA (and a compliant device, if configured) inside.
 *   - admins-untrusted: that application does not cover Microsoft Graph (Graph PowerShell, `az ad`, `az rest`
 *     to Graph), so holders of privileged directory roles are blocked from every resource outside the trusted
 *     locations.
 *   - block-device-code: the device-code flow, the phishing-friendly way to mint a CLI token, blocked for
 *     every resource (https://learn.microsoft.com/entra/identity/conditional-access/concept-authentication-flows).
 *   - workload-identities (opt-in): the tenant's own service principals blocked outside the trusted locations,
 *     except the automation principals (https://learn.microsoft.com/entra/identity/conditional-access/workload-identity;
 *     needs Workload Identities Premium to create).
 * Every user policy excludes the break-glass users and groups; every policy starts in report-only
 * (`enabledForReportingButNotEnforced`) unless the config says enforce.
 *
 * Used on its own, the component refuses what the config refuses (core/azure/conditional-access-checks.ts):
 * no break-glass user or group, enforce with no trusted location, an enforced workload-identity policy that
 * spares no service principal, and a trusted CIDR that is not a public egress range (core/net/cidr.ts).
 */
import * as azuread from '@pulumi/azuread';
import * as pulumi from '@pulumi/pulumi';
import { breakGlassProblem, enforceWithoutTrustedLocationProblem, workloadIdentityExemptionProblem } from '../../core/azure/conditional-access-checks.ts';
import { ConfigError } from '../../core/config/config-error.ts';
import { isNetwork, parseNetwork, publicEgressProblem } from '../../core/net/cidr.ts';

export const AZURE_SERVICE_MANAGEMENT_API = '797f4846-ba00-4fd7-ba43-dac1f8f63013';

/**
 * Privileged directory roles (template ids): the 14 roles of Microsoft's "Require MFA for administrators"
 * policy (https://learn.microsoft.com/entra/identity/conditional-access/howto-conditional-access-policy-admin-mfa; the list
 * Maester's Test-MtCaMfaForAdmin checks). Template ids: https://learn.microsoft.com/entra/identity/role-based-access-control/permissions-reference.
 */
export const PRIVILEGED_DIRECTORY_ROLES: Readonly<Record<string, string>> = {
  'Global Administrator': '62e90394-69f5-4237-9190-012177145e10',
  'Application Administrator': '9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3',
  'Authentication Administrator': 'c4e39bd9-1100-46d3-8c65-fb160da0071f',
  'Billing Administrator': 'b0f54661-2d74-4c50-afa3-1ec803f12efe',
  'Cloud Application Administrator': '158c047a-c907-4556-b7ef-446551a6b5f7',
  'Conditional Access Administrator': 'b1be1c3e-b65d-4f19-8427-f6fa0d97feb9',
  'Exchange Administrator': '29232cdf-9323-42fd-ade2-1d097af3e4de',
  'Helpdesk Administrator': '729827e3-9c14-49f7-bb1b-9608f156bbb8',
  'Password Administrator': '966707d0-3269-4727-9be2-8c3a10f19b9d',
  'Privileged Authentication Administrator': '7be44c8a-adaf-4e2a-84d6-ab2649e08a13',
  'Privileged Role Administrator': 'e8611ab8-c189-46e8-94e1-60213ab1f814',
  'Security Administrator': '194ae4cb-b126-40b2-bd5b-6091b380977d',
  'SharePoint Administrator': 'f28a1f50-f6e7-4571-818b-6a12f2af6b6c',
  'User Administrator': 'fe930be7-5e62-47db-91af-98c3a49a38b1',
};

export interface ConditionalAccessArgs {
  /**
   * `report` creates every policy report-only (`enabledForReportingButNotEnforced`: evaluated and logged in the
   * sign-in logs, never applied); `enforce` enables them. Enforce needs a trusted location (trustedCidrs or
   * extraTrustedLocationIds), else the management API would be blocked from everywhere.
   * @default 'report'
   */
  readonly mode?: 'report' | 'enforce';
  /**
   * Public egress ranges (IPv4/IPv6 CIDRs) of the organisation, made into one trusted IP named location,
   * "guardrails trusted networks". Each must be a public range of /8 or longer (/32 for IPv6), never 0.0.0.0/0
   * (plain strings: they are checked when the component is built).
   * @default [] (no named location is created)
   */
  readonly trustedCidrs?: readonly string[];
  /** Object ids of existing named locations that are trusted too, e.g. `namedLocation.id` of yours. @default [] */
  readonly extraTrustedLocationIds?: readonly pulumi.Input<string>[];
  /** Inside the trusted locations, require a compliant (Intune) device as well as MFA for Azure management. @default false */
  readonly compliantDeviceRequired?: boolean;
  /**
   * Object ids of the break-glass (emergency-access) users that every user policy excludes, e.g. `user.objectId`.
   * At least one user here or one group in breakGlassGroupIds is required.
   * @default []
   */
  readonly breakGlassUserIds?: readonly pulumi.Input<string>[];
  /** Object ids of break-glass groups that every user policy excludes, e.g. `group.objectId`. @default [] */
  readonly breakGlassGroupIds?: readonly pulumi.Input<string>[];
  /**
   * Also block the tenant's own service principals outside the trusted locations (needs Microsoft Entra
   * Workload ID Premium). In enforce mode it needs automationServicePrincipalIds.
   * @default false
   */
  readonly workloadIdentities?: boolean;
  /** Service principal object ids the workload-identity policy leaves alone (CI/CD, this stack's deployer). @default [] */
  readonly automationServicePrincipalIds?: readonly pulumi.Input<string>[];
}

/** The args after defaults: what the policies are built from. */
type ResolvedArgs = Required<ConditionalAccessArgs>;

/** Defaults of the optional args (report-only, nothing trusted, nothing excluded: the caller must add break-glass). */
export const CONDITIONAL_ACCESS_DEFAULTS: ResolvedArgs = {
  mode: 'report',
  trustedCidrs: [],
  extraTrustedLocationIds: [],
  compliantDeviceRequired: false,
  breakGlassUserIds: [],
  breakGlassGroupIds: [],
  workloadIdentities: false,
  automationServicePrincipalIds: [],
};

/**
 * Applies the defaults and refuses, in one line naming the arg and the fix, what the config validator refuses
 * for the same settings (the shared checks in core/azure/conditional-access-checks.ts).
 */
function resolveArgs(name: string, args: ConditionalAccessArgs): ResolvedArgs {
  const at = (field: string) => `ConditionalAccess '${name}' args${field ? `.${field}` : ''}`;
  const d = CONDITIONAL_ACCESS_DEFAULTS;
  const resolved: ResolvedArgs = {
    mode: args.mode ?? d.mode,
    trustedCidrs: args.trustedCidrs ?? d.trustedCidrs,
    extraTrustedLocationIds: args.extraTrustedLocationIds ?? d.extraTrustedLocationIds,
    compliantDeviceRequired: args.compliantDeviceRequired ?? d.compliantDeviceRequired,
    breakGlassUserIds: args.breakGlassUserIds ?? d.breakGlassUserIds,
    breakGlassGroupIds: args.breakGlassGroupIds ?? d.breakGlassGroupIds,
    workloadIdentities: args.workloadIdentities ?? d.workloadIdentities,
    automationServicePrincipalIds: args.automationServicePrincipalIds ?? d.automationServicePrincipalIds,
  };
  const breakGlass = breakGlassProblem(resolved.breakGlassUserIds.length, resolved.breakGlassGroupIds.length, {
    users: 'breakGlassUserIds',
    groups: 'breakGlassGroupIds',
  });
  if (breakGlass) throw new ConfigError(at(''), breakGlass.problem, breakGlass.fix);
  resolved.trustedCidrs.forEach((text, i) => {
    const parsed = parseNetwork(text);
    const problem = isNetwork(parsed) ? publicEgressProblem(parsed) : parsed;
    if (problem) throw new ConfigError(at(`trustedCidrs[${i}]`), problem.problem, problem.fix);
  });
  const untrusted = enforceWithoutTrustedLocationProblem(resolved.mode, resolved.trustedCidrs.length + resolved.extraTrustedLocationIds.length, {
    trusted: 'trustedCidrs or extraTrustedLocationIds',
  });
  if (untrusted) throw new ConfigError(at('mode'), untrusted.problem, untrusted.fix);
  const workload = workloadIdentityExemptionProblem(resolved.workloadIdentities, resolved.automationServicePrincipalIds.length, {
    workloadIdentities: 'workloadIdentities',
  });
  if (workload && resolved.mode === 'enforce') throw new ConfigError(at('automationServicePrincipalIds'), workload.problem, workload.fix);
  return resolved;
}

/** One entry of Maester's GlobalSettings.EmergencyAccessAccounts (https://maester.dev/docs/configuration/emergency-access-accounts). */
export interface MaesterEmergencyAccessAccount {
  readonly Id: string;
  readonly Type: 'User' | 'Group';
}

/** The maester-config.json fragment that tells Maester which accounts every CA policy must exclude. */
export function maesterEmergencyAccessConfig(
  userIds: readonly string[],
  groupIds: readonly string[],
): { GlobalSettings: { EmergencyAccessAccounts: MaesterEmergencyAccessAccount[] } } {
  return {
    GlobalSettings: {
      EmergencyAccessAccounts: [...userIds.map((Id) => ({ Id, Type: 'User' as const })), ...groupIds.map((Id) => ({ Id, Type: 'Group' as const }))],
    },
  };
}

export class ConditionalAccess extends pulumi.ComponentResource {
  /** The policies, in the order block-untrusted, require-mfa, admins-untrusted, block-device-code[, workload-identities]. */
  readonly policies: readonly azuread.ConditionalAccessPolicy[];
  /** The named location built from trustedCidrs; undefined when there are none. */
  readonly namedLocation: azuread.NamedLocation | undefined;
  /** Object ids of the policies (same order as `policies`). */
  readonly policyIds: pulumi.Output<string[]>;
  /** Every trusted named location id: the one built from trustedCidrs, then extraTrustedLocationIds. */
  readonly trustedLocationIds: pulumi.Output<string[]>;

  constructor(name: string, args: ConditionalAccessArgs, opts?: pulumi.ComponentResourceOptions) {
    // Refused before anything is registered, so a bad call leaves no half-built component behind.
    const resolved = resolveArgs(name, args);
    super('guardrails:azure:ConditionalAccess', name, {}, opts);
    const parent = { parent: this };
    const state = resolved.mode === 'enforce' ? 'enabled' : 'enabledForReportingButNotEnforced';
    const location = resolved.trustedCidrs.length
      ? new azuread.NamedLocation(
          `${name}-trusted`,
          { displayName: 'guardrails trusted networks', ip: { ipRanges: [...resolved.trustedCidrs], trusted: true } },
          parent,
        )
      : undefined;
    const trusted: pulumi.Input<string>[] = [...(location ? [location.id] : []), ...resolved.extraTrustedLocationIds];
    const breakGlass = { excludedUsers: [...resolved.breakGlassUserIds], excludedGroups: [...resolved.breakGlassGroupIds] };
    const everyone = { includedUsers: ['All'], ...breakGlass };
    const management = { includedApplications: [AZURE_SERVICE_MANAGEMENT_API] };
    const allResources = { includedApplications: ['All'] };
    const untrusted = { includedLocations: ['All'], excludedLocations: trusted };
    const block = { operator: 'OR', builtInControls: ['block'] };
    const policy = (
      id: string,
      displayName: string,
      conditions: azuread.ConditionalAccessPolicyArgs['conditions'],
      grantControls: azuread.ConditionalAccessPolicyArgs['grantControls'],
    ) => new azuread.ConditionalAccessPolicy(`${name}-${id}`, { displayName, state, conditions, grantControls }, parent);

    const policies = [
      policy(
        'block-untrusted',
        'guardrails: block Azure management outside trusted locations',
        {
          applications: management,
          users: everyone,
          clientAppTypes: ['all'],
          locations: untrusted,
        },
        block,
      ),
      policy(
        'require-mfa',
        `guardrails: require MFA${resolved.compliantDeviceRequired ? ' and a compliant device' : ''} for Azure management`,
        {
          applications: management,
          users: everyone,
          clientAppTypes: ['all'],
          locations: { includedLocations: trusted.length ? trusted : ['All'] },
        },
        { operator: 'AND', builtInControls: resolved.compliantDeviceRequired ? ['mfa', 'compliantDevice'] : ['mfa'] },
      ),
      policy(
        'admins-untrusted',
        'guardrails: block privileged directory roles outside trusted locations (Microsoft Graph included)',
        {
          applications: allResources,
          users: { includedRoles: Object.values(PRIVILEGED_DIRECTORY_ROLES), ...breakGlass },
          clientAppTypes: ['all'],
          locations: untrusted,
        },
        block,
      ),
      policy(
        'block-device-code',
        'guardrails: block device-code sign-in to every resource',
        {
          applications: allResources,
          users: everyone,
          clientAppTypes: ['all'],
          authenticationFlowTransferMethods: ['deviceCodeFlow'],
        },
        block,
      ),
    ];
    if (resolved.workloadIdentities) {
      // Workload-identity policies take service principals instead of users (users: None) and only the block
      // grant; they cover single-tenant service principals, not managed identities or multi-tenant apps.
      policies.push(
        policy(
          'workload-identities',
          'guardrails: block service principals outside trusted locations',
          {
            applications: allResources,
            users: { includedUsers: ['None'] },
            clientApplications: {
              includedServicePrincipals: ['ServicePrincipalsInMyTenant'],
              excludedServicePrincipals: [...resolved.automationServicePrincipalIds],
            },
            clientAppTypes: ['all'],
            locations: untrusted,
          },
          block,
        ),
      );
    }
    this.policies = policies;
    this.namedLocation = location;
    this.policyIds = pulumi.all(policies.map((p) => p.id));
    this.trustedLocationIds = pulumi.all(trusted);
    this.registerOutputs({ policyIds: this.policyIds, namedLocationId: location?.id, trustedLocationIds: this.trustedLocationIds });
  }
}
