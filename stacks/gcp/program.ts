/**
 * The GCP guardrails for one organization: composition only. Called by bin/pulumi.ts for `pulumi up`
 * and by the offline plan (stacks/pulumi-plan.ts) under Pulumi's mocks.
 */
import type { GuardrailsModel } from '../../core/config/model.ts';
import { ConfigError } from '../../core/config/config-error.ts';
import { compileForDeployment, compileMetricCorrelationForDeployment, type CatalogRule } from '../../core/detection/catalog.ts';
import type { Correlation } from '../../core/detection/correlation.ts';
import { AUDIT_BUCKET_ID, GcpAuditLogging } from '../../constructs/gcp/audit-logging.ts';
import { GcpHunting } from '../../constructs/gcp/hunting.ts';
import { GcpContextAwareAccess } from '../../constructs/gcp/context-aware-access.ts';
import { GcpLogAlerts, type LogAlertRule, type MetricAlertCorrelation } from '../../constructs/gcp/log-alerts.ts';

/** What `guardrails plan --cloud gcp` prints besides the resources. */
export const GCP_PLAN_NOTES = [
  "Cloud Shell and the admin-group access binding: context-aware access is enforced for any client that asks for a Google Cloud scope, the console and the gcloud CLI included (https://cloud.google.com/beyondcorp-enterprise/docs/securing-console-and-apis). An admin-group member outside the trusted networks is refused the console, so cannot open Cloud Shell at all. An admin-group member inside the trusted networks gets the console and a Cloud Shell session, but gcloud in it calls the APIs from the Cloud Shell VM, whose address is Google's, not a trusted range (and which has no verified device), so every such call is refused in enforce mode and only logged as a dry-run violation in report mode. Users outside the admin group, break-glass included, are not bound: their gcloud in Cloud Shell works, limited only by IAM and the deny policy, and raises gcp-gcloud-in-cloud-shell.",
  'Cloud Shell itself cannot be disabled through any API: it is a Google Workspace / Cloud Identity admin setting (Admin console). Turn it off there for users who never need it.',
  'Licensing: context-aware access for the console and APIs is documented under Chrome Enterprise Premium (formerly BeyondCorp Enterprise), and device attributes in access levels need a paid subscription (https://cloud.google.com/access-context-manager/docs/create-custom-access-level). The IP-only levels here may work without it; gcp.devicePolicy may not. Check your edition before mode: enforce.',
  "Automation service accounts: bound to an IP-only access level (device conditions would deny every service-account call), dry-run until gcp.automationAccess.mode (or mode) is enforce. Google's limitations: no IP levels for accounts that run Workflows or Cloud Scheduler, and kubectl to private GKE or the Cloud SQL Auth Proxy are not blocked (https://cloud.google.com/access-context-manager/docs/set-up-caa-service-accounts).",
  'Audit configuration: each IamAuditConfig is authoritative for its service, so the kit writes the union of its log types and gcp.existingAuditConfigs, never fewer, and keeps them on pulumi destroy (retainOnDelete). Exemptions in the existing configuration are dropped for the services the kit writes.',
  'Deny policy: it freezes every organization policy (deny conditions cannot select one constraint), and it cannot protect itself (iam.googleapis.com/denypolicies.* is not deniable): keep roles/iam.denyAdmin to break-glass and the deployer; gcp-iam-deny-policy-changed alarms on any change.',
];

/** The catalog's GCP rules as GcpLogAlerts takes them (queries compiled for Cloud Logging). */
export function gcpLogAlertRules(catalog: readonly CatalogRule[]): LogAlertRule[] {
  return catalog
    .filter((r) => r.rule.logsource.product === 'gcp' && r.rule.targets.includes('gcp'))
    .map((r) => ({
      id: r.rule.id,
      title: r.rule.title,
      description: r.rule.description,
      level: r.rule.level,
      falsepositives: r.rule.falsepositives,
      query: compileForDeployment(r, 'gcp') as string,
    }));
}

/** The catalog's correlations that list gcp, as GcpLogAlerts takes them (a log-based metric and a threshold policy each). */
export function gcpCorrelationAlerts(correlations: readonly Correlation[]): MetricAlertCorrelation[] {
  return correlations
    .filter((c) => c.targets.includes('gcp'))
    .map((c) => ({
      id: c.id,
      title: c.title,
      description: c.description,
      level: c.level,
      falsepositives: c.falsepositives,
      compiled: compileMetricCorrelationForDeployment(c, 'gcp'),
    }));
}

export function gcpProgram(model: GuardrailsModel, catalog: readonly CatalogRule[], correlations: readonly Correlation[] = []): void {
  const gcpModel = model.gcp;
  if (!gcpModel) throw new ConfigError('gcp', 'is missing', 'Add a gcp section (see guardrails.example.yaml).');
  // The config's values go straight to the components' args; what the components decide themselves (the
  // audit-config merge, the automation networks and mode) they derive. Each re-runs the config's safety checks.
  const logging = new GcpAuditLogging('audit', {
    organizationId: gcpModel.organizationId,
    logProjectId: gcpModel.logProjectId,
    // validate.ts refuses a config without it.
    existingAuditConfigs: gcpModel.existingAuditConfigs!,
    dataAccessServices: gcpModel.dataAccessServices,
    bucket: {
      args: { location: gcpModel.region, retentionDays: gcpModel.retentionDays, locked: gcpModel.lockLogBucket, analytics: gcpModel.hunting !== undefined },
    },
  });
  if (gcpModel.hunting) {
    new GcpHunting(
      'hunting',
      { project: gcpModel.logProjectId, location: gcpModel.region, bucketId: AUDIT_BUCKET_ID, linkId: gcpModel.hunting.linkedDatasetId },
      { dependsOn: logging.bucket ? [logging.bucket] : [] },
    );
  }
  new GcpContextAwareAccess('access', {
    organizationId: gcpModel.organizationId,
    mode: gcpModel.mode,
    trustedCidrs: model.trusted.cidrs,
    devicePolicy: gcpModel.devicePolicy,
    // validate.ts refuses a config without it.
    adminGroupDirectoryId: gcpModel.adminGroup.directoryId!,
    vpcScProjects: gcpModel.vpcScProjects,
    breakGlassMembers: gcpModel.breakGlassMembers,
    automationMembers: gcpModel.automationServiceAccounts.map((sa) => `serviceAccount:${sa}`),
    sinkWriters: logging.sinkWriterIdentities,
    automation: gcpModel.automationAccess && {
      mode: gcpModel.automationAccess.mode,
      cidrs: gcpModel.automationAccess.cidrs,
      serviceAccounts: gcpModel.automationServiceAccounts,
      projectNumbers: gcpModel.automationAccess.projectNumbers,
    },
  });
  new GcpLogAlerts('alerts', {
    project: gcpModel.logProjectId,
    ...model.notifications,
    rules: gcpLogAlertRules(catalog),
    correlations: gcpCorrelationAlerts(correlations),
  });
}
