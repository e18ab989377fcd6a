/**
 * The organization's audit configuration after the kit's additions. `organizations.IamAuditConfig` is
 * authoritative for its service: applying `allServices: [ADMIN_READ]` replaces whatever the organization
 * already logs for allServices (DATA_READ, DATA_WRITE included). So the kit never writes a service's audit
 * config from its own wishes alone: it merges them with the existing configuration the user pasted from
 * `gcloud organizations get-iam-policy ORG --format=json` (its auditConfigs), and only ever adds log types.
 *
 * Exempted members are not carried over: this kit enforces iam.disableAuditLoggingExemption, and dropping
 * an exemption only adds logging. validate.ts warns about each one it drops.
 * Sources: https://cloud.google.com/logging/docs/audit/configure-data-access (audit config per service,
 * allServices, exemptions), https://www.pulumi.com/registry/packages/gcp/api-docs/organizations/iamauditconfig/
 * ("authoritative for a given service").
 */

export const AUDIT_LOG_TYPES = ['ADMIN_READ', 'DATA_READ', 'DATA_WRITE'] as const;
export type AuditLogType = (typeof AUDIT_LOG_TYPES)[number];

export interface AuditConfig {
  readonly service: string;
  readonly auditLogConfigs: readonly { readonly logType: AuditLogType; readonly exemptedMembers?: readonly string[] }[];
}

export interface MergedAuditConfig {
  readonly service: string;
  readonly logTypes: readonly AuditLogType[];
  /** Log types that come from the existing configuration only (kept, not added by the kit). */
  readonly keptFromExisting: readonly AuditLogType[];
}

/**
 * One entry per service the kit writes (allServices and the data-access services): the union of the
 * kit's log types and the existing ones for that service. Services only the existing configuration names
 * are not written at all, so they stay exactly as they are.
 */
export function mergeAuditConfigs(dataAccessServices: readonly string[], existing: readonly AuditConfig[]): MergedAuditConfig[] {
  const wanted = new Map<string, Set<AuditLogType>>([['allServices', new Set<AuditLogType>(['ADMIN_READ'])]]);
  for (const service of dataAccessServices) wanted.set(service, new Set(AUDIT_LOG_TYPES));
  return [...wanted].map(([service, ours]) => {
    const theirs = new Set(existing.filter((c) => c.service === service).flatMap((c) => c.auditLogConfigs.map((l) => l.logType)));
    const logTypes = AUDIT_LOG_TYPES.filter((t) => ours.has(t) || theirs.has(t));
    return { service, logTypes, keptFromExisting: logTypes.filter((t) => !ours.has(t)) };
  });
}

/**
 * Refuses to write audit configs without the organization's existing ones: written blind, allServices
 * [ADMIN_READ] would drop the DATA_READ/DATA_WRITE logging the organization already has. Shared by the config
 * validator (gcp.existingAuditConfigs) and the GcpAuditLogging component (its existingAuditConfigs arg).
 */
export function missingAuditConfigsProblem(organizationId: string, dataAccessServices: readonly string[]): { readonly problem: string; readonly fix: string } {
  return {
    problem: `is missing; IamAuditConfig replaces the organization's audit logging for each service it writes (allServices${dataAccessServices.map((s) => `, ${s}`).join('')}), so the kit must merge with what is there`,
    fix: `Run: gcloud organizations get-iam-policy ${organizationId} --format=json and paste its auditConfigs list (or [] if there is none).`,
  };
}
