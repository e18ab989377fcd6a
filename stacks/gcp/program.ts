/**
 * The GCP guardrails for one organization: composition only. Called by bin/pulumi.ts for `pulumi up`
 * and by the offline plan (stacks/pulumi-plan.ts) under Pulumi's mocks.
 */
import type { GuardrailsModel } from '../../core/config/model.ts';
import { ConfigError } from '../../core/config/config-error.ts';
import { compileForDeployment, type CatalogRule } from '../../core/detection/catalog.ts';
import { GcpAuditLogging } from '../../constructs/gcp/audit-logging.ts';
import { GcpContextAwareAccess } from '../../constructs/gcp/context-aware-access.ts';
import { GcpLogAlerts, type LogAlertRule } from '../../constructs/gcp/log-alerts.ts';

/** What `guardrails plan --cloud gcp` prints besides the resources. */
export const GCP_PLAN_NOTES = [
  'Cloud Shell cannot be disabled through any API: it is a Google Workspace / Cloud Identity admin setting. What blocks gcloud in Cloud Shell here is the access level bound to the admin group, since Cloud Shell calls leave from Google addresses, not the trusted ranges.',
];

function gcpLogAlertRules(catalog: readonly CatalogRule[]): LogAlertRule[] {
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

export function gcpProgram(model: GuardrailsModel, catalog: readonly CatalogRule[]): void {
  const gcpModel = model.gcp;
  if (!gcpModel) throw new ConfigError('gcp', 'is missing', 'Add a gcp section (see guardrails.example.yaml).');
  const logging = new GcpAuditLogging('audit', {
    organizationId: gcpModel.organizationId,
    logProjectId: gcpModel.logProjectId,
    location: gcpModel.region,
    dataAccessServices: gcpModel.dataAccessServices,
    retentionDays: gcpModel.retentionDays,
    lockLogBucket: gcpModel.lockLogBucket,
  });
  new GcpContextAwareAccess('access', {
    organizationId: gcpModel.organizationId,
    mode: gcpModel.mode,
    trustedCidrs: model.trusted.cidrs,
    devicePolicy: gcpModel.devicePolicy,
    adminGroupDirectoryId: gcpModel.adminGroup.directoryId!,
    vpcScProjects: gcpModel.vpcScProjects,
    exemptMembers: [...gcpModel.breakGlassMembers, ...gcpModel.automationServiceAccounts.map((sa) => `serviceAccount:${sa}`)],
    sinkWriters: [logging.bucketSink.writerIdentity, logging.projectSink.writerIdentity],
  });
  new GcpLogAlerts('alerts', { project: gcpModel.logProjectId, ...model.notifications, rules: gcpLogAlertRules(catalog) });
}
