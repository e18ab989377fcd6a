/**
 * Context-aware access for GCP administration: an access policy for the organization, access levels
 * from the trusted egress ranges (and an optional device policy), bound to the admin group with a
 * GcpUserAccessBinding, so gcloud, the console and Cloud Shell used by that group from anywhere else are
 * refused. In report mode the levels are bound as dry-run (logged, not enforced). A VPC Service Controls
 * perimeter fences the listed projects (dry-run spec in report mode), letting the audit sinks' writers
 * in; an IAM deny policy stops anyone but break-glass and automation from tampering with the sinks,
 * buckets and access bindings.
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
}

/** Access Context Manager allows at most 200 IP subnetworks per condition. */
export const IP_SUBNETWORKS_PER_CONDITION = 200;

/** Services fenced by the perimeter: where audit logs and their exports live, and what stolen tokens read first. */
export const RESTRICTED_SERVICES = ['logging.googleapis.com', 'storage.googleapis.com', 'bigquery.googleapis.com', 'secretmanager.googleapis.com', 'iam.googleapis.com'];

/**
 * Deny-policy permissions (IAM v2 form) protecting the audit pipeline and the access controls. Deny
 * policies support only some permissions: this list is taken from Google's "Permissions supported in
 * deny policies" and cannot be checked offline; an unsupported one fails `pulumi up`, not silently.
 */
export const TAMPER_PERMISSIONS = [
  'logging.googleapis.com/sinks.delete',
  'logging.googleapis.com/sinks.update',
  'logging.googleapis.com/buckets.delete',
  'logging.googleapis.com/buckets.update',
  'accesscontextmanager.googleapis.com/gcpUserAccessBindings.delete',
  'accesscontextmanager.googleapis.com/gcpUserAccessBindings.update',
  'accesscontextmanager.googleapis.com/accessLevels.delete',
  'accesscontextmanager.googleapis.com/accessLevels.update',
  'accesscontextmanager.googleapis.com/servicePerimeters.delete',
  'accesscontextmanager.googleapis.com/servicePerimeters.update',
];

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
      rules: [
        {
          description: 'Only break-glass and automation identities may change or delete the audit pipeline and access controls',
          denyRule: {
            deniedPrincipals: ['principalSet://goog/public:all'],
            exceptionPrincipals: args.exemptMembers.map(denyPolicyPrincipal),
            deniedPermissions: TAMPER_PERMISSIONS,
          },
        },
      ],
      deletionPolicy: 'PREVENT',
    }, parent);
    this.registerOutputs({});
  }
}
