/**
 * GCP audit logging for the whole organization (data source DS0017 for T1059.009): Admin Activity is
 * always on; ADMIN_READ for every service and DATA_READ/DATA_WRITE for the listed ones; exemptions from
 * audit logging are forbidden by org policy; an organization sink (children included) routes the audit
 * logs to a retention bucket in the log project (optionally locked), and a second sink routes them into
 * the log project itself, because log-based alerts do not see what a sink writes straight to a bucket.
 * Everything that must survive has deletionPolicy PREVENT.
 *
 * IamAuditConfig is authoritative for its service (Pulumi registry, organizations.IamAuditConfig): the
 * configs it gets here are already merged with the organization's existing audit configuration
 * (core/gcp/audit-config.ts), so deploying only ever adds log types, and retainOnDelete keeps them when
 * the stack is destroyed, so `pulumi destroy` does not silently reduce audit logging either.
 * Sources: https://cloud.google.com/logging/docs/audit/configure-data-access (audit configs, exemptions);
 * iam.disableAuditLoggingExemption: https://cloud.google.com/resource-manager/docs/organization-policy/org-policy-constraints.
 */
import * as logging from '@pulumi/gcp/logging';
import * as organizations from '@pulumi/gcp/organizations';
import * as orgpolicy from '@pulumi/gcp/orgpolicy';
import * as projects from '@pulumi/gcp/projects';
import * as pulumi from '@pulumi/pulumi';
import type { AuditLogType } from '../../core/gcp/audit-config.ts';

export interface GcpAuditLoggingArgs {
  readonly organizationId: string;
  readonly logProjectId: string;
  readonly location: string;
  /** Log types per service, already merged with the organization's existing audit configuration. */
  readonly auditConfigs: readonly { readonly service: string; readonly logTypes: readonly AuditLogType[] }[];
  readonly retentionDays: number;
  /** Irreversible: a locked bucket can never be deleted nor its retention lowered. */
  readonly lockLogBucket: boolean;
}

/** Audit logs only: every service's cloudaudit.googleapis.com logs (activity, data access, policy, system event). */
export const AUDIT_LOG_FILTER = 'logName:"/logs/cloudaudit.googleapis.com%2F"';
export const AUDIT_BUCKET_ID = 'guardrails-audit';
const PREVENT = 'PREVENT';

export class GcpAuditLogging extends pulumi.ComponentResource {
  readonly bucket: logging.ProjectBucketConfig;
  readonly bucketSink: logging.OrganizationSink;
  readonly projectSink: logging.OrganizationSink;

  constructor(name: string, args: GcpAuditLoggingArgs, opts?: pulumi.ComponentResourceOptions) {
    super('guardrails:gcp:AuditLogging', name, {}, opts);
    const parent = { parent: this };
    const org = args.organizationId;

    for (const { service, logTypes } of args.auditConfigs) {
      const id = service === 'allServices' ? 'all-services' : service.replace(/\.googleapis\.com$/, '');
      new organizations.IamAuditConfig(`${name}-${id}`, {
        orgId: org,
        service,
        auditLogConfigs: logTypes.map((logType) => ({ logType })),
      }, { ...parent, retainOnDelete: true });
    }
    new orgpolicy.Policy(`${name}-no-audit-exemptions`, {
      name: `organizations/${org}/policies/iam.disableAuditLoggingExemption`,
      parent: `organizations/${org}`,
      spec: { rules: [{ enforce: 'TRUE' }] },
      deletionPolicy: PREVENT,
    }, parent);

    this.bucket = new logging.ProjectBucketConfig(`${name}-bucket`, {
      project: args.logProjectId,
      location: args.location,
      bucketId: AUDIT_BUCKET_ID,
      retentionDays: args.retentionDays,
      locked: args.lockLogBucket,
      description: 'cloud-api-guardrails: organization audit logs',
    }, { ...parent, protect: true, retainOnDelete: true });

    this.bucketSink = new logging.OrganizationSink(`${name}-to-bucket`, {
      name: 'guardrails-audit-to-bucket',
      orgId: org,
      includeChildren: true,
      destination: pulumi.interpolate`logging.googleapis.com/projects/${args.logProjectId}/locations/${args.location}/buckets/${AUDIT_BUCKET_ID}`,
      filter: AUDIT_LOG_FILTER,
      description: 'cloud-api-guardrails: audit logs of every project into the retention bucket',
      deletionPolicy: PREVENT,
    }, { ...parent, dependsOn: [this.bucket] });
    new projects.IAMMember(`${name}-bucket-writer`, {
      project: args.logProjectId,
      role: 'roles/logging.bucketWriter',
      member: this.bucketSink.writerIdentity,
      condition: {
        title: 'guardrails audit bucket only',
        expression: `resource.name.endsWith("locations/${args.location}/buckets/${AUDIT_BUCKET_ID}")`,
      },
    }, parent);

    this.projectSink = new logging.OrganizationSink(`${name}-to-project`, {
      name: 'guardrails-audit-to-log-project',
      orgId: org,
      includeChildren: true,
      destination: `logging.googleapis.com/projects/${args.logProjectId}`,
      filter: AUDIT_LOG_FILTER,
      description: 'cloud-api-guardrails: audit logs routed into the log project, where the log-based alerts run',
      deletionPolicy: PREVENT,
    }, parent);
    new projects.IAMMember(`${name}-project-writer`, {
      project: args.logProjectId,
      role: 'roles/logging.logWriter',
      member: this.projectSink.writerIdentity,
    }, parent);
    this.registerOutputs({ bucket: this.bucket.id });
  }
}
