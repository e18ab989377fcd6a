/**
 * `cloud-api-guardrails/gcp`: the Pulumi components for a GCP organization, each usable on its own in a
 * program of yours, and the program that composes them from a validated config (what bin/pulumi.ts runs
 * with guardrails:cloud gcp).
 */
// Components (constructs/gcp/).
export { GcpAuditLogging, type GcpAuditLoggingArgs } from '../../constructs/gcp/audit-logging.ts';
export { GcpContextAwareAccess, type GcpContextAwareAccessArgs } from '../../constructs/gcp/context-aware-access.ts';
export { GcpLogAlerts, type GcpLogAlertsArgs, type LogAlertRule } from '../../constructs/gcp/log-alerts.ts';

// The program (stacks/gcp/): the whole kit from a config.
export { gcpProgram, GCP_PLAN_NOTES } from './program.ts';
export { planUnderMocks, type PlannedResource } from '../pulumi-plan.ts';

// The config and the rule catalog the program is built from.
export { loadConfigFile, parseConfigText, resolveConfigPath } from '../../core/config/load.ts';
export { ConfigError } from '../../core/config/config-error.ts';
export type { GuardrailsModel, GcpModel } from '../../core/config/model.ts';
export type { GuardrailsConfigInput } from '../../core/config/schema.ts';
export { loadCatalog, compileForDeployment, type CatalogRule } from '../../core/detection/catalog.ts';
