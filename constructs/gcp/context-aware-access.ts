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
 */
import * as accesscontextmanager from '@pulumi/gcp/accesscontextmanager';
import * as iam from '@pulumi/gcp/iam';
import * as pulumi from '@pulumi/pulumi';
import { chunk } from '../../core/gcp/chunk.ts';
import { denyPolicyPrincipal } from '../../core/gcp/principals.ts';

export interface GcpContextAwareAccessArgs {
  readonly organizationId: string;
  readonly mode: 'report' | 'enforce';
  readonly trustedCidrs: readonly string[];
  readonly devicePolicy?: { readonly requireScreenLock: boolean; readonly requireCorpOwned: boolean };
  readonly adminGroupDirectoryId: string;
  readonly vpcScProjects: readonly string[];
  /** Identities (user:, group:, serviceAccount:) that the deny policy exempts. */
  readonly exemptMembers: readonly string[];
  /** Sink writer identities allowed into the perimeter. */
  readonly sinkWriters: readonly pulumi.Input<string>[];
  /**
   * Context-aware access for automation: service accounts bound one by one, projects whose service
   * accounts are all bound, the networks they may call from, and the mode of these bindings.
   * @default undefined (no service-account bindings)
   */
  readonly automation?: {
    readonly mode: 'report' | 'enforce';
    readonly cidrs: readonly string[];
    readonly serviceAccounts: readonly string[];
    readonly projectNumbers: readonly string[];
  };
}

/** Access Context Manager allows at most 200 IP subnetworks per condition. */
export const IP_SUBNETWORKS_PER_CONDITION = 200;

/** Services fenced by the perimeter: where audit logs and their exports live, and what stolen tokens read first. */
export const RESTRICTED_SERVICES = ['logging.googleapis.com', 'storage.googleapis.com', 'bigquery.googleapis.com', 'secretmanager.googleapis.com', 'iam.googleapis.com'];

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
  readonly policy: accesscontextmanager.AccessPolicy;
  readonly accessLevel: accesscontextmanager.AccessLevel;
  readonly binding: accesscontextmanager.GcpUserAccessBinding;

  constructor(name: string, args: GcpContextAwareAccessArgs, opts?: pulumi.ComponentResourceOptions) {
    super('guardrails:gcp:ContextAwareAccess', name, {}, opts);
    const parent = { parent: this };
    const enforce = args.mode === 'enforce';
    this.policy = new accesscontextmanager.AccessPolicy(`${name}-policy`, {
      parent: `organizations/${args.organizationId}`,
      title: 'cloud-api-guardrails',
      deletionPolicy: 'PREVENT',
    }, parent);
    const policyName = this.policy.name;
    const devicePolicy = args.devicePolicy
      ? { requireScreenLock: args.devicePolicy.requireScreenLock, requireCorpOwned: args.devicePolicy.requireCorpOwned }
      : undefined;
    this.accessLevel = new accesscontextmanager.AccessLevel(`${name}-trusted-networks`, {
      parent: pulumi.interpolate`accessPolicies/${policyName}`,
      name: pulumi.interpolate`accessPolicies/${policyName}/accessLevels/guardrails_trusted_networks`,
      title: 'guardrails trusted networks',
      description: 'Admin access to Google Cloud only from the organization\'s egress ranges',
      basic: {
        combiningFunction: 'OR',
        conditions: chunk(args.trustedCidrs, IP_SUBNETWORKS_PER_CONDITION).map((cidrs) => ({ ipSubnetworks: cidrs, devicePolicy })),
      },
      deletionPolicy: 'PREVENT',
    }, parent);
    this.binding = new accesscontextmanager.GcpUserAccessBinding(`${name}-admin-binding`, {
      organizationId: args.organizationId,
      groupKey: args.adminGroupDirectoryId,
      // Report mode: the level is evaluated and logged, never enforced.
      ...(enforce ? { accessLevels: this.accessLevel.name } : { dryRunAccessLevels: this.accessLevel.name }),
    }, parent);

    if (args.automation) {
      this.bindAutomation(name, args.organizationId, policyName, args.automation);
    }

    if (args.vpcScProjects.length > 0) {
      const perimeter = {
        resources: args.vpcScProjects.map((n) => `projects/${n}`),
        restrictedServices: RESTRICTED_SERVICES,
        accessLevels: [this.accessLevel.name],
        ingressPolicies: [
          {
            ingressFrom: { identities: [...args.sinkWriters], sources: [{ accessLevel: '*' }] },
            ingressTo: { resources: ['*'], operations: [{ serviceName: 'logging.googleapis.com', methodSelectors: [{ method: '*' }] }] },
          },
        ],
      };
      new accesscontextmanager.ServicePerimeter(`${name}-perimeter`, {
        parent: pulumi.interpolate`accessPolicies/${policyName}`,
        name: pulumi.interpolate`accessPolicies/${policyName}/servicePerimeters/guardrails`,
        title: 'guardrails',
        perimeterType: 'PERIMETER_TYPE_REGULAR',
        ...(enforce ? { status: perimeter } : { spec: perimeter, useExplicitDryRunSpec: true }),
        deletionPolicy: 'PREVENT',
      }, parent);
    }

    new iam.DenyPolicy(`${name}-tamper-deny`, {
      parent: pulumi.interpolate`cloudresourcemanager.googleapis.com%2Forganizations%2F${args.organizationId}`,
      name: 'guardrails-tamper-protection',
      displayName: 'cloud-api-guardrails: protect audit sinks, buckets and access controls',
      rules: TAMPER_RULES.map((rule) => ({
        description: `${rule.description}: only break-glass and automation identities`,
        denyRule: {
          deniedPrincipals: ['principalSet://goog/public:all'],
          exceptionPrincipals: args.exemptMembers.map(denyPolicyPrincipal),
          deniedPermissions: [...rule.permissions],
        },
      })),
      deletionPolicy: 'PREVENT',
    }, parent);
    this.registerOutputs({});
  }

  /**
   * Service-account bindings: one IP-only level (a device condition would make every service-account
   * call fail, per Google's limitations), and a binding per service account and per project. Dry-run
   * (dryRunAccessLevels) in report mode: violations are logged, calls still succeed.
   */
  private bindAutomation(name: string, organizationId: string, policyName: pulumi.Output<string>, automation: NonNullable<GcpContextAwareAccessArgs['automation']>): void {
    const parent = { parent: this };
    const level = new accesscontextmanager.AccessLevel(`${name}-automation-networks`, {
      parent: pulumi.interpolate`accessPolicies/${policyName}`,
      name: pulumi.interpolate`accessPolicies/${policyName}/accessLevels/guardrails_automation_networks`,
      title: 'guardrails automation networks',
      description: 'Automation service accounts call Google Cloud only from the trusted and CI egress ranges',
      basic: {
        combiningFunction: 'OR',
        conditions: chunk(automation.cidrs, IP_SUBNETWORKS_PER_CONDITION).map((cidrs) => ({ ipSubnetworks: cidrs })),
      },
      deletionPolicy: 'PREVENT',
    }, parent);
    const levels = automation.mode === 'enforce' ? { accessLevels: level.name } : { dryRunAccessLevels: level.name };
    const principals = [
      ...automation.serviceAccounts.map((serviceAccount) => ({ id: serviceAccount, principal: { serviceAccount } })),
      ...automation.projectNumbers.map((serviceAccountProjectNumber) => ({ id: `project-${serviceAccountProjectNumber}`, principal: { serviceAccountProjectNumber } })),
    ];
    for (const { id, principal } of principals) {
      new accesscontextmanager.GcpUserAccessBinding(`${name}-automation-${id}`, { organizationId, principal, ...levels }, parent);
    }
  }
}
