/**
 * `cloud-api-guardrails/azure`: the Pulumi components for an Entra tenant and its subscriptions, each
 * usable on its own in a program of yours, and the program that composes them from a validated config
 * (what bin/pulumi.ts runs with guardrails:cloud azure).
 */
// Components (constructs/azure/).
export { AzureAuditLogging, type AzureAuditLoggingArgs } from '../../constructs/azure/audit-logging.ts';
export { EntraDiagnostics, type EntraDiagnosticsArgs, ENTRA_LOG_CATEGORIES } from '../../constructs/azure/entra-diagnostics.ts';
export {
  ConditionalAccess,
  type ConditionalAccessArgs,
  AZURE_SERVICE_MANAGEMENT_API,
  maesterEmergencyAccessConfig,
} from '../../constructs/azure/conditional-access.ts';
export { AzureAlerts, type AzureAlertsArgs, type KqlAlertRule } from '../../constructs/azure/alerts.ts';
export { DiagnosticSettingsProtection, type DiagnosticSettingsProtectionArgs } from '../../constructs/azure/diagnostic-settings-protection.ts';

// The program (stacks/azure/): the whole kit from a config.
export { azureProgram, azurePlanNotes, azureKqlCorrelationAlerts, type AzureProgramOutputs } from './program.ts';
export { planUnderMocks, type PlannedResource } from '../pulumi-plan.ts';

// The config and the rule catalog the program is built from.
export { loadConfigFile, parseConfigText, resolveConfigPath } from '../../core/config/load.ts';
export { ConfigError } from '../../core/config/config-error.ts';
export type { GuardrailsModel, AzureModel } from '../../core/config/model.ts';
export type { GuardrailsConfigInput } from '../../core/config/schema.ts';
export { loadCatalog, loadCatalogWithCorrelations, compileForDeployment, type CatalogRule } from '../../core/detection/catalog.ts';
export type { Correlation } from '../../core/detection/correlation.ts';
