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
 *
 * Bring your own, as pulumi-awsx does (`{ existing, args }`): the log project is always yours (the component
 * never creates projects); `bucket.existing` routes the organization's audit logs into a log bucket of yours
 * (any project; the sink's writer is granted on that bucket alone) instead of creating one, and `bucket.args`
 * tunes the one created. Used on its own, the component refuses to write audit configs without the
 * organization's existing ones, as the config does (core/gcp/audit-config.ts).
 * Sink destinations: https://cloud.google.com/logging/docs/export/configure_export_v2#dest-path.
 */
import * as logging from '@pulumi/gcp/logging/index.js';
import * as organizations from '@pulumi/gcp/organizations/index.js';
import * as orgpolicy from '@pulumi/gcp/orgpolicy/index.js';
import * as projects from '@pulumi/gcp/projects/index.js';
import * as pulumi from '@pulumi/pulumi';
import { ConfigError } from '../../core/config/config-error.ts';
import { mergeAuditConfigs, missingAuditConfigsProblem, type AuditConfig } from '../../core/gcp/audit-config.ts';

export interface GcpAuditLoggingArgs {
  /** The numeric organization id, e.g. '123456789012' or `organization.orgId` of yours. */
  readonly organizationId: pulumi.Input<string>;
  /**
   * An existing project (its id) the audit logs are routed into: the log-based alerts run there, and the
   * retention bucket is created there unless bucket.existing names another.
   */
  readonly logProjectId: pulumi.Input<string>;
  /**
   * The organization's current audit configuration: the auditConfigs list of
   * `gcloud organizations get-iam-policy ORG --format=json`, or [] when it has none. Required: IamAuditConfig
   * replaces a service's whole audit configuration, so the component writes the union of these and its own
   * log types (mergeAuditConfigs), never fewer; exemptions are dropped (iam.disableAuditLoggingExemption).
   */
  readonly existingAuditConfigs: readonly AuditConfig[];
  /** Services that also get DATA_READ and DATA_WRITE audit logs (ADMIN_READ is on for all services). @default [] */
  readonly dataAccessServices?: readonly string[];
  /**
   * The log bucket the first sink writes the audit logs into: `existing.name` is one of yours
   * (projects/PROJECT/locations/LOCATION/buckets/BUCKET, e.g. `bucketConfig.name`), which the component then
   * neither creates nor changes; otherwise one is created in logProjectId (protected, kept on destroy), tuned by `args`.
   * @default a new bucket 'guardrails-audit' in logProjectId, location 'global', 400 days, unlocked
   */
  readonly bucket?: {
    /** Your log bucket, by resource name (projects/PROJECT/locations/LOCATION/buckets/BUCKET). */
    readonly existing?: { readonly name: pulumi.Input<string> };
    readonly args?: {
      /** Cloud Logging location of the bucket. @default 'global' */
      readonly location?: pulumi.Input<string>;
      /** Days the audit logs are kept, 1 to 3650. @default 400 */
      readonly retentionDays?: number;
      /** Lock the bucket. Irreversible: a locked bucket can never be deleted nor its retention lowered. @default false */
      readonly locked?: boolean;
      /**
       * Upgrade the bucket to Log Analytics (SQL, and a linked BigQuery dataset: GcpHunting). Irreversible:
       * "Once enabled, log analytics features cannot be disabled" (LogBucket.analyticsEnabled,
       * https://cloud.google.com/logging/docs/reference/v2/rest/v2/locations.buckets). Only an unlocked bucket
       * can be upgraded (https://cloud.google.com/logging/docs/buckets#upgrade-bucket): with `locked` in the same
       * update the provider enables analytics first (hashicorp/terraform-provider-google,
       * google/services/logging/resource_logging_project_bucket_config.go), but a bucket locked earlier stays
       * locked and refuses the upgrade. @default false
       */
      readonly analytics?: boolean;
    };
  };
}

/** Audit logs only: every service's cloudaudit.googleapis.com logs (activity, data access, policy, system event). */
export const AUDIT_LOG_FILTER = 'logName:"/logs/cloudaudit.googleapis.com%2F"';
export const AUDIT_BUCKET_ID = 'guardrails-audit';
const PREVENT = 'PREVENT';

/** Defaults of the optional args; the config's defaults for the same settings are the same (a test holds them together). */
export const GCP_AUDIT_LOGGING_DEFAULTS = {
  dataAccessServices: [] as readonly string[],
  location: 'global',
  retentionDays: 400,
  locked: false,
} as const;

/** A log bucket's resource name, as ProjectBucketConfig's `name` output gives it. */
const BUCKET_NAME = /^projects\/[^/]+\/locations\/[^/]+\/buckets\/[^/]+$/;

export class GcpAuditLogging extends pulumi.ComponentResource {
  /** The bucket created; undefined with bucket.existing. */
  readonly bucket: logging.ProjectBucketConfig | undefined;
  /** The retention bucket's resource name (projects/P/locations/L/buckets/B), created or existing. */
  readonly bucketName: pulumi.Output<string>;
  /** The sink into the retention bucket. */
  readonly bucketSink: logging.OrganizationSink;
  /** The sink into the log project, where the log-based alerts see the audit logs. */
  readonly projectSink: logging.OrganizationSink;
  /** The two sinks' writer identities (serviceAccount:...), e.g. for a VPC Service Controls ingress rule. */
  readonly sinkWriterIdentities: pulumi.Output<string>[];

  constructor(name: string, args: GcpAuditLoggingArgs, opts?: pulumi.ComponentResourceOptions) {
    const at = (field: string) => `GcpAuditLogging '${name}' args.${field}`;
    const d = GCP_AUDIT_LOGGING_DEFAULTS;
    const dataAccessServices = args.dataAccessServices ?? d.dataAccessServices;
    // Refused before anything is registered, so a bad call leaves no half-built component behind.
    if (!args.existingAuditConfigs) {
      const missing = missingAuditConfigsProblem(typeof args.organizationId === 'string' ? args.organizationId : 'ORGANIZATION_ID', dataAccessServices);
      throw new ConfigError(at('existingAuditConfigs'), missing.problem, missing.fix);
    }
    if (args.bucket?.existing && args.bucket.args) {
      throw new ConfigError(at('bucket'), 'has both existing and args', 'Pass existing to use yours, or args to tune the one the component creates, not both.');
    }
    const existingBucket = args.bucket?.existing?.name;
    if (typeof existingBucket === 'string' && !BUCKET_NAME.test(existingBucket)) {
      throw new ConfigError(
        at('bucket.existing.name'),
        `"${existingBucket}" is not a log bucket's resource name`,
        'Pass projects/PROJECT/locations/LOCATION/buckets/BUCKET, e.g. bucketConfig.name.',
      );
    }
    super('guardrails:gcp:AuditLogging', name, {}, opts);
    const parent = { parent: this };
    const org = args.organizationId;

    for (const { service, logTypes } of mergeAuditConfigs(dataAccessServices, args.existingAuditConfigs)) {
      const id = service === 'allServices' ? 'all-services' : service.replace(/\.googleapis\.com$/, '');
      new organizations.IamAuditConfig(
        `${name}-${id}`,
        {
          orgId: org,
          service,
          auditLogConfigs: logTypes.map((logType) => ({ logType })),
        },
        { ...parent, retainOnDelete: true },
      );
    }
    new orgpolicy.Policy(
      `${name}-no-audit-exemptions`,
      {
        name: pulumi.interpolate`organizations/${org}/policies/iam.disableAuditLoggingExemption`,
        parent: pulumi.interpolate`organizations/${org}`,
        spec: { rules: [{ enforce: 'TRUE' }] },
        deletionPolicy: PREVENT,
      },
      parent,
    );

    const location = args.bucket?.args?.location ?? d.location;
    this.bucket =
      existingBucket !== undefined
        ? undefined
        : new logging.ProjectBucketConfig(
            `${name}-bucket`,
            {
              project: args.logProjectId,
              location,
              bucketId: AUDIT_BUCKET_ID,
              retentionDays: args.bucket?.args?.retentionDays ?? d.retentionDays,
              locked: args.bucket?.args?.locked ?? d.locked,
              // Set only when asked: an absent field leaves an existing bucket's setting alone.
              ...(args.bucket?.args?.analytics ? { enableAnalytics: true } : {}),
              description: 'cloud-api-guardrails: organization audit logs',
            },
            { ...parent, protect: true, retainOnDelete: true },
          );
    // The name is built from the inputs rather than read from the bucket, so it is known at preview.
    this.bucketName =
      existingBucket !== undefined
        ? pulumi.output(existingBucket)
        : pulumi.interpolate`projects/${args.logProjectId}/locations/${location}/buckets/${AUDIT_BUCKET_ID}`;

    this.bucketSink = new logging.OrganizationSink(
      `${name}-to-bucket`,
      {
        name: 'guardrails-audit-to-bucket',
        orgId: org,
        includeChildren: true,
        destination: pulumi.interpolate`logging.googleapis.com/${this.bucketName}`,
        filter: AUDIT_LOG_FILTER,
        description: 'cloud-api-guardrails: audit logs of every project into the retention bucket',
        deletionPolicy: PREVENT,
      },
      { ...parent, dependsOn: this.bucket ? [this.bucket] : [] },
    );
    // Granted in the bucket's project, on that bucket only (IAM condition on the bucket's resource name).
    new projects.IAMMember(
      `${name}-bucket-writer`,
      {
        project: this.bucketName.apply((n) => n.split('/')[1]!),
        role: 'roles/logging.bucketWriter',
        member: this.bucketSink.writerIdentity,
        condition: {
          title: 'guardrails audit bucket only',
          expression: this.bucketName.apply((n) => `resource.name.endsWith("${n.slice(n.indexOf('/locations/') + 1)}")`),
        },
      },
      parent,
    );

    this.projectSink = new logging.OrganizationSink(
      `${name}-to-project`,
      {
        name: 'guardrails-audit-to-log-project',
        orgId: org,
        includeChildren: true,
        destination: pulumi.interpolate`logging.googleapis.com/projects/${args.logProjectId}`,
        filter: AUDIT_LOG_FILTER,
        description: 'cloud-api-guardrails: audit logs routed into the log project, where the log-based alerts run',
        deletionPolicy: PREVENT,
      },
      parent,
    );
    new projects.IAMMember(
      `${name}-project-writer`,
      {
        project: args.logProjectId,
        role: 'roles/logging.logWriter',
        member: this.projectSink.writerIdentity,
      },
      parent,
    );
    this.sinkWriterIdentities = [this.bucketSink.writerIdentity, this.projectSink.writerIdentity];
    this.registerOutputs({
      bucketName: this.bucketName,
      bucketSinkWriterIdentity: this.bucketSink.writerIdentity,
      projectSinkWriterIdentity: this.projectSink.writerIdentity,
    });
  }
}
