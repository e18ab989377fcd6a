/**
 * The Azure guardrails for one tenant: composition only. Called by bin/pulumi.ts for `pulumi up` and by
 * the offline plan under Pulumi's mocks.
 */
import type { GuardrailsModel } from '../../core/config/model.ts';
import { ConfigError } from '../../core/config/config-error.ts';
import { compileCorrelationForDeployment, compileForDeployment, type CatalogRule } from '../../core/detection/catalog.ts';
import { scheduledCorrelationQuery } from '../../core/detection/compilers/kql-correlation.ts';
import { CompileError } from '../../core/detection/compilers/compile-error.ts';
import type { Correlation } from '../../core/detection/correlation.ts';
import { AzureAlerts, type KqlAlertRule } from '../../constructs/azure/alerts.ts';
import { AzureAuditLogging } from '../../constructs/azure/audit-logging.ts';
import { ConditionalAccess, maesterEmergencyAccessConfig } from '../../constructs/azure/conditional-access.ts';
import { DiagnosticSettingsProtection } from '../../constructs/azure/diagnostic-settings-protection.ts';
import { EntraDiagnostics } from '../../constructs/azure/entra-diagnostics.ts';

export const AZURE_PLAN_NOTES = [
  'Entra ID diagnostic settings can only be created by a user with Global Administrator or Security Administrator, never by a service principal: run with azure.entraDiagnostics true as such a user once, and false in pipelines.',
  "Conditional Access policies are Microsoft Graph objects (azuread provider); in report mode they are enabledForReportingButNotEnforced and their results show in the sign-in logs' Conditional Access (report-only) tab.",
  'In report mode, posture scanners count report-only policies as absent: Maester (MT.1052, MT.1005) and Prowler (entra_require_mfa_for_management_api) report these Conditional Access controls as failing until mode is enforce. Give Maester the break-glass accounts with the stack output maesterConfig (GlobalSettings.EmergencyAccessAccounts of maester-config.json).',
  'Windows Azure Service Management API does not cover Microsoft Graph (Graph PowerShell, az ad, az rest to Graph): privileged directory role holders are therefore blocked from every resource outside the trusted locations, and the device-code flow is blocked for every resource.',
  'The workload-identity policy (azure.workloadIdentityConditionalAccess) needs Microsoft Entra Workload ID Premium licences: without them Entra refuses to create or modify it. It covers single-tenant service principals, not managed identities or multi-tenant apps, and excludes exactly automation.azure.servicePrincipalObjectIds.',
  "No lock is placed on a subscription (it would stop every deletion in it): CanNotDelete locks sit on the workspace, the storage account and the action group, and an Azure Policy denyAction assignment refuses deletion of the kit's diagnostic settings. Remove that assignment first to delete them on purpose.",
  'activityLogDeployment policy: two DeployIfNotExists assignments (workspace: built-in 2465583e-4e78-4c15-b6be-a36cbc7c8b0f; storage: custom definition) with remediation tasks that re-evaluate and fix the subscriptions that already exist; new subscriptions are handled on creation.',
];

/** The static notes plus the ones that carry this config's values (the Maester config to paste). */
export function azurePlanNotes(model: GuardrailsModel): string[] {
  const az = model.azure;
  if (!az) return [...AZURE_PLAN_NOTES];
  return [...AZURE_PLAN_NOTES, `maester-config.json: ${JSON.stringify(maesterEmergencyAccessConfig(az.breakGlassUserIds, az.breakGlassGroupIds))}`];
}

/** Values the Pulumi entry point exports as stack outputs. */
export interface AzureProgramOutputs {
  /** Maester's GlobalSettings.EmergencyAccessAccounts for this tenant's break-glass accounts. */
  readonly maesterConfig: ReturnType<typeof maesterEmergencyAccessConfig>;
}

/** The catalog's Azure rules as AzureAlerts takes them (queries compiled to KQL). */
export function azureKqlAlertRules(catalog: readonly CatalogRule[]): KqlAlertRule[] {
  return catalog
    .filter((r) => r.rule.logsource.product === 'azure' && r.rule.targets.includes('kql'))
    .map((r) => ({ id: r.rule.id, title: r.rule.title, level: r.rule.level, query: compileForDeployment(r, 'kql') as string }));
}

/**
 * The Azure correlations that list kql as AzureAlerts takes them: the compiled query kept to the last
 * complete bin, run once per timespan over two timespans of data (compilers/kql-correlation.ts
 * scheduledCorrelationQuery), so each bin is judged once, whole, as the engine's tumbling window counts it.
 */
export function azureKqlCorrelationAlerts(correlations: readonly Correlation[]): KqlAlertRule[] {
  return correlations
    .filter((c) => c.bases.every((b) => b.rule.rule.logsource.product === 'azure') && c.targets.includes('kql'))
    .map((c) => {
      const compiled = compileCorrelationForDeployment(c, 'kql');
      let scheduled: ReturnType<typeof scheduledCorrelationQuery>;
      try {
        scheduled = scheduledCorrelationQuery(c, compiled);
      } catch (error) {
        if (error instanceof CompileError)
          throw new ConfigError(`correlation ${c.id} (${c.file})`, `cannot be deployed as a scheduled query rule: ${error.reason}`, error.suggestion);
        throw error;
      }
      const { query, ...schedule } = scheduled;
      return { id: c.id, title: c.title, level: c.level, query, schedule };
    });
}

export function azureProgram(model: GuardrailsModel, catalog: readonly CatalogRule[], correlations: readonly Correlation[] = []): AzureProgramOutputs {
  const az = model.azure;
  if (!az) throw new ConfigError('azure', 'is missing', 'Add an azure section (see guardrails.example.yaml).');
  // The config's values go straight to the components' args; what the components decide themselves (setting
  // names, SKUs, the policies) they default. Each component re-runs the config's safety checks on its args.
  const logging = new AzureAuditLogging('audit', {
    tenantId: az.tenantId,
    location: az.location,
    resourceGroup: { args: { resourceGroupName: az.resourceGroupName } },
    workspace: { args: { retentionInDays: az.logRetentionDays } },
    storageAccount: { args: { immutableDays: az.immutableDays, lockImmutability: az.lockImmutability } },
    subscriptionIds: az.subscriptionIds,
    deployment: az.activityLogDeployment,
    managementGroupId: az.managementGroupId,
    childManagementGroupIds: az.childManagementGroupIds,
  });
  new DiagnosticSettingsProtection('diagnostic-protection', {
    managementGroupId: az.managementGroupId,
    subscriptionIds: az.subscriptionIds,
    protects: logging.settings,
  });
  if (az.entraDiagnostics) {
    new EntraDiagnostics('entra', { workspaceId: logging.workspaceId, storageAccountId: logging.storageAccountId });
  }
  new ConditionalAccess('ca', {
    mode: az.mode,
    trustedCidrs: model.trusted.cidrs,
    extraTrustedLocationIds: az.trustedNamedLocationIds,
    compliantDeviceRequired: az.compliantDeviceRequired,
    breakGlassUserIds: az.breakGlassUserIds,
    breakGlassGroupIds: az.breakGlassGroupIds,
    workloadIdentities: az.workloadIdentityConditionalAccess,
    automationServicePrincipalIds: az.automationServicePrincipalIds,
  });
  new AzureAlerts('alerts', {
    resourceGroupName: logging.resourceGroupName,
    location: az.location,
    workspaceId: logging.workspaceId,
    subscriptionIds: az.subscriptionIds,
    ...model.notifications,
    rules: [...azureKqlAlertRules(catalog), ...azureKqlCorrelationAlerts(correlations)],
  });
  return { maesterConfig: maesterEmergencyAccessConfig(az.breakGlassUserIds, az.breakGlassGroupIds) };
}
