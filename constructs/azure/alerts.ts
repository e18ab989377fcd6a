/**
 * Azure alerting: an action group from `notifications` (behind a CanNotDelete lock: without it no alert reaches
 * anyone); a scheduled query rule for every Azure catalog rule (KQL compiled by the engine, 5-minute window
 * and frequency, any row alerts; a correlation runs once per its timespan instead, `schedule`), which covers tampering with the guardrails (locks, policy assignments and
 * exemptions, alert rules, alert processing rules, immutability, Conditional Access); and Activity Log alerts
 * for the two tamperings that blind those queries: a diagnostic setting deleted (the Activity Log stops
 * reaching the workspace) and the workspace itself deleted (the queries lose their scope). Activity Log alerts
 * are evaluated on the Activity Log itself, not on the workspace
 * (https://learn.microsoft.com/azure/azure-monitor/alerts/alerts-types#activity-log-alerts).
 */
import * as authorization from '@pulumi/azure-native/authorization/index.js';
import * as monitor from '@pulumi/azure-native/monitor/index.js';
import * as pulumi from '@pulumi/pulumi';
import { AZURE_AUDIT_LOGGING_DEFAULTS } from './audit-logging.ts';

export interface KqlAlertRule {
  /** Rule id: names the scheduled query rule `guardrails-<id>` (unique in the resource group). */
  readonly id: string;
  /** What the rule catches: the rule's display name `guardrails: <title>`. */
  readonly title: string;
  /** critical, high, medium, low or informational: the Azure Monitor severity 0-4 (anything else: 2). */
  readonly level: string;
  /** KQL over the workspace's tables (the catalog's rules compiled by compileForDeployment(rule, 'kql')). */
  readonly query: string;
  /**
   * When and over what it runs, as ISO 8601 durations (a correlation's timespan: scheduledCorrelationQuery).
   * @default { evaluationFrequency: 'PT5M', windowSize: 'PT5M' } (the query range is the window)
   */
  readonly schedule?: { readonly evaluationFrequency: string; readonly windowSize: string; readonly overrideQueryTimeRange?: string };
}

export interface AzureAlertsArgs {
  /** Resource group of the action group and the alert rules, e.g. AzureAuditLogging's `resourceGroupName`. */
  readonly resourceGroupName: pulumi.Input<string>;
  /** Region of the scheduled query rules: the workspace's. @default 'westeurope' (AzureAuditLogging's default) */
  readonly location?: pulumi.Input<string>;
  /** Resource id of the Log Analytics workspace the queries run on, e.g. AzureAuditLogging's `workspaceId`. */
  readonly workspaceId: pulumi.Input<string>;
  /**
   * Subscriptions whose Activity Log is watched for the tamperings that blind the queries (TAMPERING_OPERATIONS).
   * @default [] (no Activity Log alert)
   */
  readonly subscriptionIds?: readonly pulumi.Input<string>[];
  /** Addresses the action group emails. @default [] */
  readonly emails?: readonly pulumi.Input<string>[];
  /** https:// URLs the action group posts to (common alert schema). @default [] */
  readonly webhooks?: readonly pulumi.Input<string>[];
  /** One scheduled query rule each (5-minute window and frequency, any row alerts). */
  readonly rules: readonly KqlAlertRule[];
}

/** Defaults of the optional args. */
export const AZURE_ALERTS_DEFAULTS = {
  location: AZURE_AUDIT_LOGGING_DEFAULTS.location,
  subscriptionIds: [] as readonly pulumi.Input<string>[],
  emails: [] as readonly pulumi.Input<string>[],
  webhooks: [] as readonly pulumi.Input<string>[],
} as const;

/** Azure Monitor severities: 0 critical ... 4 verbose. */
const SEVERITY: Record<string, number> = { critical: 0, high: 1, medium: 2, low: 3, informational: 4 };

/**
 * Tamperings that stop the scheduled queries from seeing anything, so they are alerted on from the Activity
 * Log directly. Everything else is a catalog rule (detections/azure), backtestable with `guardrails detect`.
 */
export const TAMPERING_OPERATIONS: readonly { id: string; operationName: string; title: string }[] = [
  { id: 'diagnostic-setting-deleted', operationName: 'Microsoft.Insights/diagnosticSettings/delete', title: 'A diagnostic setting was deleted' },
  { id: 'workspace-deleted', operationName: 'Microsoft.OperationalInsights/workspaces/delete', title: 'A Log Analytics workspace was deleted' },
];

export class AzureAlerts extends pulumi.ComponentResource {
  /** The action group every alert notifies (behind a CanNotDelete lock). */
  readonly actionGroup: monitor.ActionGroup;
  /** The scheduled query rules, one per rule, in the order of `rules`. */
  readonly queryRules: readonly monitor.ScheduledQueryRule[];
  /** The Activity Log alerts (TAMPERING_OPERATIONS), when subscriptionIds is not empty. */
  readonly activityLogAlerts: readonly monitor.ActivityLogAlert[];

  constructor(name: string, args: AzureAlertsArgs, opts?: pulumi.ComponentResourceOptions) {
    super('guardrails:azure:Alerts', name, {}, opts);
    const parent = { parent: this };
    const d = AZURE_ALERTS_DEFAULTS;
    const location = args.location ?? d.location;
    const subscriptionIds = args.subscriptionIds ?? d.subscriptionIds;
    const emails = args.emails ?? d.emails;
    const webhooks = args.webhooks ?? d.webhooks;
    this.actionGroup = new monitor.ActionGroup(
      `${name}-action-group`,
      {
        resourceGroupName: args.resourceGroupName,
        actionGroupName: 'guardrails-alerts',
        groupShortName: 'guardrails',
        location: 'Global',
        enabled: true,
        emailReceivers: emails.map((emailAddress, i) => ({ name: `email-${i}`, emailAddress, useCommonAlertSchema: true })),
        webhookReceivers: webhooks.map((serviceUri, i) => ({ name: `webhook-${i}`, serviceUri, useCommonAlertSchema: true })),
      },
      parent,
    );
    new authorization.ManagementLockByScope(
      `${name}-lock-action-group`,
      {
        scope: this.actionGroup.id,
        level: 'CanNotDelete',
        lockName: 'guardrails-alerts',
        notes: 'cloud-api-guardrails: every guardrail alert notifies through this action group',
      },
      parent,
    );
    this.queryRules = args.rules.map(
      (rule) =>
        new monitor.ScheduledQueryRule(
          `${name}-${rule.id}`,
          {
            resourceGroupName: args.resourceGroupName,
            location,
            ruleName: `guardrails-${rule.id}`,
            displayName: `guardrails: ${rule.title}`,
            description: `cloud-api-guardrails rule ${rule.id} (${rule.level})`,
            kind: 'LogAlert',
            enabled: true,
            scopes: [args.workspaceId],
            severity: SEVERITY[rule.level] ?? 2,
            evaluationFrequency: rule.schedule?.evaluationFrequency ?? 'PT5M',
            windowSize: rule.schedule?.windowSize ?? 'PT5M',
            ...(rule.schedule?.overrideQueryTimeRange ? { overrideQueryTimeRange: rule.schedule.overrideQueryTimeRange } : {}),
            autoMitigate: false,
            criteria: {
              allOf: [
                {
                  query: rule.query,
                  timeAggregation: 'Count',
                  operator: 'GreaterThan',
                  threshold: 0,
                  failingPeriods: { numberOfEvaluationPeriods: 1, minFailingPeriodsToAlert: 1 },
                },
              ],
            },
            actions: { actionGroups: [this.actionGroup.id] },
          },
          parent,
        ),
    );
    this.activityLogAlerts =
      subscriptionIds.length === 0
        ? []
        : TAMPERING_OPERATIONS.map(
            (op) =>
              new monitor.ActivityLogAlert(
                `${name}-${op.id}`,
                {
                  resourceGroupName: args.resourceGroupName,
                  activityLogAlertName: `guardrails-${op.id}`,
                  description: `cloud-api-guardrails: ${op.title}`,
                  location: 'Global',
                  enabled: true,
                  scopes: subscriptionIds.map((s) => pulumi.interpolate`/subscriptions/${s}`),
                  condition: {
                    allOf: [
                      { field: 'category', equals: 'Administrative' },
                      { field: 'operationName', equals: op.operationName },
                      { field: 'status', equals: 'Succeeded' },
                    ],
                  },
                  actions: { actionGroups: [{ actionGroupId: this.actionGroup.id }] },
                },
                parent,
              ),
          );
    this.registerOutputs({
      actionGroupId: this.actionGroup.id,
      queryRuleIds: pulumi.all(this.queryRules.map((r) => r.id)),
      activityLogAlertIds: pulumi.all(this.activityLogAlerts.map((a) => a.id)),
    });
  }
}
