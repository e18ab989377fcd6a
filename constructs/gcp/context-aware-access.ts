/**
 * Context-aware access for GCP administration: an access policy for the organization, access levels
 * from the trusted egress ranges (and an optional device policy), bound to the admin group with a
 * GcpUserAccessBinding, so gcloud, the console and Cloud Shell used by that group from anywhere else are
 * refused. In report mode the levels are bound as dry-run (logged, not enforced). The automation service
 * accounts (and every service account of the listed projects) get their own binding to an IP-only level,
 * so a stolen service-account key is refused outside the CI egress ranges too. A VPC Service Controls
 * perimeter fences the listed projects (dry-run spec in report mode), letting the audit sinks' writers
 * in; an IAM deny policy stops anyone but break-glass and automation from tampering with the sinks,
 * buckets, exclusions, access controls, organization policies and alerting.
 *
 * Sources: https://cloud.google.com/beyondcorp-enterprise/docs/securing-console-and-apis (user bindings,
 * enforced for the console and the gcloud CLI); https://cloud.google.com/access-context-manager/docs/set-up-caa-service-accounts
 * (service-account bindings: device attributes make the level deny, scoped levels unsupported);
 * https://cloud.google.com/iam/docs/deny-overview and core/gcp/deny-permissions.ts (deny policy).
 *
 * Cloud Shell itself cannot be turned off through any API (it is a Workspace / Cloud Identity admin
 * setting); what stops gcloud in Cloud Shell here is the access level, because Cloud Shell calls leave
 * from Google's addresses, not the trusted ranges.
 *
 * Bring your own: an organization has at most one organization-level access policy
 * (https://cloud.google.com/access-context-manager/docs/scoped-policies), so where one exists already,
 * `accessPolicy.existing.name` puts the levels, bindings and perimeter in it instead of creating another.
 * Used on its own, the component refuses what the config refuses (core/gcp/access-checks.ts): no break-glass
 * member, enforce with no trusted network, service-account access that binds nothing or, enforced, has no
 * network; and a trusted CIDR that is not a public egress range (core/net/cidr.ts).
 */
import * as accesscontextmanager from '@pulumi/gcp/accesscontextmanager/index.js';
import * as iam from '@pulumi/gcp/iam/index.js';
import * as pulumi from '@pulumi/pulumi';
import { ConfigError } from '../../core/config/config-error.ts';
import {
  accessLevelWithoutNetworksProblem,
  automationBindsNothingProblem,
  breakGlassMembersProblem,
  enforceWithoutTrustedNetworksProblem,
} from '../../core/gcp/access-checks.ts';
import { chunk } from '../../core/gcp/chunk.ts';
import { denyPolicyPrincipal } from '../../core/gcp/principals.ts';
import { aggregate, isNetwork, parseNetwork, publicEgressProblem } from '../../core/net/cidr.ts';

type Mode = 'report' | 'enforce';

export interface GcpContextAwareAccessArgs {
  /** The numeric organization id, e.g. '123456789012' or `organization.orgId` of yours. */
  readonly organizationId: pulumi.Input<string>;
  /**
   * `report` binds the admin level as dry-run (violations logged, calls allowed) and puts the perimeter in its
   * dry-run spec; `enforce` enforces both. Enforce needs trustedCidrs, else every admin would be denied.
   * @default 'report'
   */
  readonly mode?: Mode;
  /**
   * Public egress ranges (IPv4/IPv6 CIDRs) admins may call Google Cloud from: the "guardrails trusted
   * networks" access level. Each must be a public range of /8 or longer (/32 for IPv6), never 0.0.0.0/0 (plain
   * strings: they are checked when the component is built). At least one, in either mode: an access level
   * needs at least one condition (core/gcp/access-checks.ts).
   */
  readonly trustedCidrs: readonly string[];
  /**
   * Also require a managed device in the admin level (device attributes need a paid Chrome Enterprise
   * Premium subscription; never used in the service-account level, where it would deny every call).
   * @default undefined (IP ranges only)
   */
  readonly devicePolicy?: {
    /** @default true */
    readonly requireScreenLock?: boolean;
    /** @default false */
    readonly requireCorpOwned?: boolean;
  };
  /**
   * The admin group's Cloud Identity directory id (`gcloud identity groups describe EMAIL --format='value(name)'`,
   * the part after groups/), not its email: GcpUserAccessBinding binds a group by that id.
   */
  readonly adminGroupDirectoryId: pulumi.Input<string>;
  /**
   * Break-glass identities (user:EMAIL, group:EMAIL, serviceAccount:EMAIL) that every rule of the tamper deny
   * policy excepts: at least one is required, the way back in when a control misfires. Keep them out of the
   * admin group, so the access binding does not bind them either.
   */
  readonly breakGlassMembers: readonly pulumi.Input<string>[];
  /** Automation identities (CI/CD deployers; same forms) the deny policy excepts as well. @default [] */
  readonly automationMembers?: readonly pulumi.Input<string>[];
  /** Project numbers fenced by a VPC Service Controls perimeter (RESTRICTED_SERVICES). @default [] (no perimeter) */
  readonly vpcScProjects?: readonly pulumi.Input<string>[];
  /**
   * Identities allowed into the perimeter to write logs: the audit sinks' writer identities, e.g.
   * GcpAuditLogging's `sinkWriterIdentities`. Without them, a perimeter around the log project stops the logs.
   * @default [] (no ingress rule)
   */
  readonly sinkWriters?: readonly pulumi.Input<string>[];
  /**
   * The access policy the levels, bindings and perimeter go in: `existing.name` is the number of your
   * organization's access policy (an organization has at most one); otherwise one is created.
   * @default a new organization-level access policy titled 'cloud-api-guardrails'
   */
  readonly accessPolicy?: {
    /** Your organization's access policy, by number (`gcloud access-context-manager policies list --organization ORG`). */
    readonly existing?: { readonly name: pulumi.Input<string> };
    readonly args?: { /** @default 'cloud-api-guardrails' */ readonly title?: string };
  };
  /**
   * Context-aware access for automation: service accounts bound one by one, projects whose service
   * accounts are all bound, the networks they may call from, and the mode of these bindings.
   * @default undefined (no service-account bindings)
   */
  readonly automation?: {
    /** @default the component's mode */
    readonly mode?: Mode;
    /** CI runners' egress ranges, added to trustedCidrs for the service accounts only. @default [] */
    readonly cidrs?: readonly string[];
    /** Service account emails (plain strings: each names its binding). @default [] */
    readonly serviceAccounts?: readonly string[];
    /** Project numbers whose service accounts are all bound (plain strings: each names its binding). @default [] */
    readonly projectNumbers?: readonly string[];
  };
}

/** Defaults of the optional args; the config's defaults for the same settings are the same (a test holds them together). */
export const GCP_CONTEXT_AWARE_ACCESS_DEFAULTS = {
  mode: 'report' as Mode,
  devicePolicy: { requireScreenLock: true, requireCorpOwned: false },
  automationMembers: [] as readonly pulumi.Input<string>[],
  vpcScProjects: [] as readonly pulumi.Input<string>[],
  sinkWriters: [] as readonly pulumi.Input<string>[],
  accessPolicyTitle: 'cloud-api-guardrails',
} as const;

interface ResolvedAutomation {
  readonly mode: Mode;
  /** trustedCidrs and automation.cidrs, aggregated. */
  readonly cidrs: readonly string[];
  readonly serviceAccounts: readonly string[];
  readonly projectNumbers: readonly string[];
}

/**
 * Applies the defaults and refuses, in one line naming the arg and the fix, what the config validator refuses
 * for the same settings (the shared checks in core/gcp/access-checks.ts).
 */
function resolveArgs(name: string, args: GcpContextAwareAccessArgs) {
  const at = (field: string) => `GcpContextAwareAccess '${name}' args.${field}`;
  const d = GCP_CONTEXT_AWARE_ACCESS_DEFAULTS;
  const mode = args.mode ?? d.mode;
  const trustedCidrs = args.trustedCidrs ?? [];
  const checkCidrs = (cidrs: readonly string[], field: string) =>
    cidrs.forEach((text, i) => {
      const parsed = parseNetwork(text);
      const problem = isNetwork(parsed) ? publicEgressProblem(parsed) : parsed;
      if (problem) throw new ConfigError(at(`${field}[${i}]`), problem.problem, problem.fix);
    });

  const breakGlass = breakGlassMembersProblem(args.breakGlassMembers?.length ?? 0);
  if (breakGlass) throw new ConfigError(at('breakGlassMembers'), breakGlass.problem, breakGlass.fix);
  const automationMembers = args.automationMembers ?? d.automationMembers;
  // Members known now are turned into deny-policy principals now, so a malformed one fails here, by name.
  const principal =
    (field: string) =>
    (member: pulumi.Input<string>, i: number): pulumi.Input<string> => {
      if (typeof member !== 'string') return pulumi.output(member).apply(denyPolicyPrincipal);
      try {
        return denyPolicyPrincipal(member);
      } catch {
        throw new ConfigError(at(`${field}[${i}]`), `"${member}" is not an IAM member`, 'Write user:EMAIL, group:EMAIL or serviceAccount:EMAIL.');
      }
    };
  const exceptionPrincipals = [...args.breakGlassMembers.map(principal('breakGlassMembers')), ...automationMembers.map(principal('automationMembers'))];
  checkCidrs(trustedCidrs, 'trustedCidrs');
  const untrusted = enforceWithoutTrustedNetworksProblem(mode, trustedCidrs.length, { trusted: 'trustedCidrs' });
  if (untrusted) throw new ConfigError(at('mode'), untrusted.problem, untrusted.fix);
  const noLevel = accessLevelWithoutNetworksProblem(trustedCidrs.length, { trusted: 'trustedCidrs' });
  if (noLevel) throw new ConfigError(at('trustedCidrs'), noLevel.problem, noLevel.fix);
  if (args.accessPolicy?.existing && args.accessPolicy.args) {
    throw new ConfigError(
      at('accessPolicy'),
      'has both existing and args',
      'Pass existing to use yours, or args to tune the one the component creates, not both.',
    );
  }

  let automation: ResolvedAutomation | undefined;
  if (args.automation) {
    const extra = args.automation.cidrs ?? [];
    checkCidrs(extra, 'automation.cidrs');
    const serviceAccounts = args.automation.serviceAccounts ?? [];
    const projectNumbers = args.automation.projectNumbers ?? [];
    const bindsNothing = automationBindsNothingProblem(serviceAccounts.length + projectNumbers.length, {
      serviceAccounts: 'automation.serviceAccounts',
      projectNumbers: 'automation.projectNumbers',
      section: 'automation',
    });
    if (bindsNothing) throw new ConfigError(at('automation'), bindsNothing.problem, bindsNothing.fix);
    const automationMode = args.automation.mode ?? mode;
    const cidrs = aggregate([...trustedCidrs, ...extra]);
    automation = { mode: automationMode, cidrs, serviceAccounts, projectNumbers };
  }
  return {
    mode,
    trustedCidrs,
    devicePolicy: args.devicePolicy && {
      requireScreenLock: args.devicePolicy.requireScreenLock ?? d.devicePolicy.requireScreenLock,
      requireCorpOwned: args.devicePolicy.requireCorpOwned ?? d.devicePolicy.requireCorpOwned,
    },
    exceptionPrincipals,
    vpcScProjects: args.vpcScProjects ?? d.vpcScProjects,
    sinkWriters: args.sinkWriters ?? d.sinkWriters,
    existingAccessPolicy: args.accessPolicy?.existing?.name,
    accessPolicyTitle: args.accessPolicy?.args?.title ?? d.accessPolicyTitle,
    automation,
  };
}

/** Access Context Manager allows at most 200 IP subnetworks per condition. */
export const IP_SUBNETWORKS_PER_CONDITION = 200;

/** Services fenced by the perimeter: where audit logs and their exports live, and what stolen tokens read first. */
export const RESTRICTED_SERVICES = [
  'logging.googleapis.com',
  'storage.googleapis.com',
  'bigquery.googleapis.com',
  'secretmanager.googleapis.com',
  'iam.googleapis.com',
];

/**
 * The deny policy's rules: IAM v2 permission names, every one on Google's "Permissions supported in deny
 * policies" (core/gcp/deny-permissions.ts; a test checks it). One rule per thing protected, all with the
 * same exceptions (break-glass and automation), so the plan reads as a list of what is frozen.
 * Deny policies cannot protect themselves: iam.googleapis.com/denypolicies.* is not deniable.
 */
export const TAMPER_RULES: readonly { readonly description: string; readonly permissions: readonly string[] }[] = [
  {
    description: 'Audit pipeline: sinks, buckets and exclusions (an exclusion silently drops entries before any sink)',
    permissions: [
      'logging.googleapis.com/sinks.delete',
      'logging.googleapis.com/sinks.update',
      'logging.googleapis.com/buckets.delete',
      'logging.googleapis.com/buckets.update',
      'logging.googleapis.com/exclusions.create',
      'logging.googleapis.com/exclusions.update',
      'logging.googleapis.com/exclusions.delete',
    ],
  },
  {
    description: 'Access controls: the access policy, its levels and perimeters (also replaced wholesale or committed), the access bindings',
    permissions: [
      'accesscontextmanager.googleapis.com/accessPolicies.delete',
      'accesscontextmanager.googleapis.com/accessPolicies.update',
      'accesscontextmanager.googleapis.com/accessLevels.delete',
      'accesscontextmanager.googleapis.com/accessLevels.update',
      'accesscontextmanager.googleapis.com/accessLevels.replaceAll',
      'accesscontextmanager.googleapis.com/servicePerimeters.delete',
      'accesscontextmanager.googleapis.com/servicePerimeters.update',
      'accesscontextmanager.googleapis.com/servicePerimeters.replaceAll',
      'accesscontextmanager.googleapis.com/servicePerimeters.commit',
      'accesscontextmanager.googleapis.com/gcpUserAccessBindings.delete',
      'accesscontextmanager.googleapis.com/gcpUserAccessBindings.update',
    ],
  },
  {
    // Deny conditions can only test resource tags, not which constraint a policy is for, so protecting
    // iam.disableAuditLoggingExemption freezes every organization policy below the organization (v2 API
    // create/update/delete, and policy.set for the v1 SetOrgPolicy/ClearOrgPolicy) for all but the exceptions.
    description: 'Organization policies, among them iam.disableAuditLoggingExemption (a project-level policy could override it)',
    permissions: [
      'orgpolicy.googleapis.com/policies.create',
      'orgpolicy.googleapis.com/policies.update',
      'orgpolicy.googleapis.com/policies.delete',
      'orgpolicy.googleapis.com/policy.set',
    ],
  },
  {
    description: 'Alerting: the alert policies and the notification channels they page',
    permissions: [
      'monitoring.googleapis.com/alertPolicies.delete',
      'monitoring.googleapis.com/alertPolicies.update',
      'monitoring.googleapis.com/notificationChannels.delete',
      'monitoring.googleapis.com/notificationChannels.update',
    ],
  },
];

/** Every permission the deny policy names. */
export const TAMPER_PERMISSIONS: readonly string[] = TAMPER_RULES.flatMap((r) => r.permissions);

export class GcpContextAwareAccess extends pulumi.ComponentResource {
  /** The access policy created; undefined with accessPolicy.existing. */
  readonly policy: accesscontextmanager.AccessPolicy | undefined;
  /** The access policy's number (created or existing). */
  readonly accessPolicyName: pulumi.Output<string>;
  /** The admin access level (trusted networks, and the device policy if any). */
  readonly accessLevel: accesscontextmanager.AccessLevel;
  /** The admin group's binding to that level (dry-run in report mode). */
  readonly binding: accesscontextmanager.GcpUserAccessBinding;
  /** The tamper deny policy at the organization. */
  readonly denyPolicy: iam.DenyPolicy;

  constructor(name: string, args: GcpContextAwareAccessArgs, opts?: pulumi.ComponentResourceOptions) {
    // Refused before anything is registered, so a bad call leaves no half-built component behind.
    const resolved = resolveArgs(name, args);
    super('guardrails:gcp:ContextAwareAccess', name, {}, opts);
    const parent = { parent: this };
    const enforce = resolved.mode === 'enforce';
    this.policy =
      resolved.existingAccessPolicy !== undefined
        ? undefined
        : new accesscontextmanager.AccessPolicy(
            `${name}-policy`,
            {
              parent: pulumi.interpolate`organizations/${args.organizationId}`,
              title: resolved.accessPolicyTitle,
              deletionPolicy: 'PREVENT',
            },
            parent,
          );
    const policyName = this.policy ? this.policy.name : pulumi.output(resolved.existingAccessPolicy!);
    this.accessPolicyName = policyName;
    const devicePolicy = resolved.devicePolicy;
    this.accessLevel = new accesscontextmanager.AccessLevel(
      `${name}-trusted-networks`,
      {
        parent: pulumi.interpolate`accessPolicies/${policyName}`,
        name: pulumi.interpolate`accessPolicies/${policyName}/accessLevels/guardrails_trusted_networks`,
        title: 'guardrails trusted networks',
        description: "Admin access to Google Cloud only from the organization's egress ranges",
        basic: {
          combiningFunction: 'OR',
          conditions: chunk(resolved.trustedCidrs, IP_SUBNETWORKS_PER_CONDITION).map((cidrs) => ({ ipSubnetworks: cidrs, devicePolicy })),
        },
        deletionPolicy: 'PREVENT',
      },
      parent,
    );
    this.binding = new accesscontextmanager.GcpUserAccessBinding(
      `${name}-admin-binding`,
      {
        organizationId: args.organizationId,
        groupKey: args.adminGroupDirectoryId,
        // Report mode: the level is evaluated and logged, never enforced.
        ...(enforce ? { accessLevels: this.accessLevel.name } : { dryRunAccessLevels: this.accessLevel.name }),
      },
      parent,
    );

    if (resolved.automation) {
      this.bindAutomation(name, args.organizationId, policyName, resolved.automation);
    }

    if (resolved.vpcScProjects.length > 0) {
      const perimeter = {
        resources: resolved.vpcScProjects.map((n) => pulumi.interpolate`projects/${n}`),
        restrictedServices: RESTRICTED_SERVICES,
        accessLevels: [this.accessLevel.name],
        ingressPolicies:
          resolved.sinkWriters.length === 0
            ? []
            : [
                {
                  ingressFrom: { identities: [...resolved.sinkWriters], sources: [{ accessLevel: '*' }] },
                  ingressTo: { resources: ['*'], operations: [{ serviceName: 'logging.googleapis.com', methodSelectors: [{ method: '*' }] }] },
                },
              ],
      };
      new accesscontextmanager.ServicePerimeter(
        `${name}-perimeter`,
        {
          parent: pulumi.interpolate`accessPolicies/${policyName}`,
          name: pulumi.interpolate`accessPolicies/${policyName}/servicePerimeters/guardrails`,
          title: 'guardrails',
          perimeterType: 'PERIMETER_TYPE_REGULAR',
          ...(enforce ? { status: perimeter } : { spec: perimeter, useExplicitDryRunSpec: true }),
          deletionPolicy: 'PREVENT',
        },
        parent,
      );
    }

    this.denyPolicy = new iam.DenyPolicy(
      `${name}-tamper-deny`,
      {
        parent: pulumi.interpolate`cloudresourcemanager.googleapis.com%2Forganizations%2F${args.organizationId}`,
        name: 'guardrails-tamper-protection',
        displayName: 'cloud-api-guardrails: protect audit sinks, buckets and access controls',
        rules: TAMPER_RULES.map((rule) => ({
          description: `${rule.description}: only break-glass and automation identities`,
          denyRule: {
            deniedPrincipals: ['principalSet://goog/public:all'],
            exceptionPrincipals: resolved.exceptionPrincipals,
            deniedPermissions: [...rule.permissions],
          },
        })),
        deletionPolicy: 'PREVENT',
      },
      parent,
    );
    this.registerOutputs({
      accessPolicyName: this.accessPolicyName,
      accessLevelName: this.accessLevel.name,
      bindingName: this.binding.name,
      denyPolicyName: this.denyPolicy.name,
    });
  }

  /**
   * Service-account bindings: one IP-only level (a device condition would make every service-account
   * call fail, per Google's limitations), and a binding per service account and per project. Dry-run
   * (dryRunAccessLevels) in report mode: violations are logged, calls still succeed.
   */
  private bindAutomation(name: string, organizationId: pulumi.Input<string>, policyName: pulumi.Output<string>, automation: ResolvedAutomation): void {
    const parent = { parent: this };
    const level = new accesscontextmanager.AccessLevel(
      `${name}-automation-networks`,
      {
        parent: pulumi.interpolate`accessPolicies/${policyName}`,
        name: pulumi.interpolate`accessPolicies/${policyName}/accessLevels/guardrails_automation_networks`,
        title: 'guardrails automation networks',
        description: 'Automation service accounts call Google Cloud only from the trusted and CI egress ranges',
        basic: {
          combiningFunction: 'OR',
          conditions: chunk(automation.cidrs, IP_SUBNETWORKS_PER_CONDITION).map((cidrs) => ({ ipSubnetworks: cidrs })),
        },
        deletionPolicy: 'PREVENT',
      },
      parent,
    );
    const levels = automation.mode === 'enforce' ? { accessLevels: level.name } : { dryRunAccessLevels: level.name };
    const principals = [
      ...automation.serviceAccounts.map((serviceAccount) => ({ id: serviceAccount, principal: { serviceAccount } })),
      ...automation.projectNumbers.map((serviceAccountProjectNumber) => ({
        id: `project-${serviceAccountProjectNumber}`,
        principal: { serviceAccountProjectNumber },
      })),
    ];
    for (const { id, principal } of principals) {
      new accesscontextmanager.GcpUserAccessBinding(`${name}-automation-${id}`, { organizationId, principal, ...levels }, parent);
    }
  }
}
