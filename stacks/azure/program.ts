/**
 * The Azure guardrails for one tenant: composition only. Called by bin/pulumi.ts for `pulumi up` and by
 * the offline plan under Pulumi's mocks.
 */
import type { GuardrailsModel } from '../../core/config/model.ts';
import { ConfigError } from '../../core/config/config-error.ts';
import { compileForDeployment, type CatalogRule } from '../../core/detection/catalog.ts';
import { AzureAlerts, type KqlAlertRule } from '../../constructs/azure/alerts.ts';
import { AzureAuditLogging } from '../../constructs/azure/audit-logging.ts';
import { ConditionalAccess } from '../../constructs/azure/conditional-access.ts';
import { EntraDiagnostics } from '../../constructs/azure/entra-diagnostics.ts';

export const AZURE_PLAN_NOTES = [
  'Entra ID diagnostic settings can only be created by a user with Global Administrator or Security Administrator, never by a service principal: run with azure.entraDiagnostics true as such a user once, and false in pipelines.',
  'Conditional Access policies are Microsoft Graph objects (azuread provider); in report mode they are enabledForReportingButNotEnforced and their results show in the sign-in logs\' Conditional Access (report-only) tab.',
];

function azureKqlAlertRules(catalog: readonly CatalogRule[]): KqlAlertRule[] {
  return catalog
    .filter((r) => r.rule.logsource.product === 'azure' && r.rule.targets.includes('kql'))
    .map((r) => ({ id: r.rule.id, title: r.rule.title, level: r.rule.level, query: compileForDeployment(r, 'kql') as string }));
}

export function azureProgram(model: GuardrailsModel, catalog: readonly CatalogRule[]): void {
  const az = model.azure;
  if (!az) throw new ConfigError('azure', 'is missing', 'Add an azure section (see guardrails.example.yaml).');
  const logging = new AzureAuditLogging('audit', {
    tenantId: az.tenantId,
    location: az.location,
    resourceGroupName: az.resourceGroupName,
    retentionDays: az.logRetentionDays,
    immutableDays: az.immutableDays,
    subscriptionIds: az.subscriptionIds,
    deployment: az.activityLogDeployment,
    managementGroupId: az.managementGroupId,
  });
  if (az.entraDiagnostics) {
    new EntraDiagnostics('entra', { workspaceId: logging.workspace.id, storageAccountId: logging.storage.id });
  }
  new ConditionalAccess('ca', {
    mode: az.mode,
    trustedCidrs: model.trusted.cidrs,
    extraTrustedLocationIds: az.trustedNamedLocationIds,
    compliantDeviceRequired: az.compliantDeviceRequired,
    breakGlassUserIds: az.breakGlassUserIds,
    breakGlassGroupIds: az.breakGlassGroupIds,
  });
  new AzureAlerts('alerts', {
    resourceGroupName: logging.resourceGroupName,
    location: az.location,
    workspaceId: logging.workspace.id,
    subscriptionIds: az.subscriptionIds,
    ...model.notifications,
    rules: azureKqlAlertRules(catalog),
  });
}
