/**
 * Azure alerting: an action group from `notifications` (behind a CanNotDelete lock: without it no alert reaches
 * anyone); a scheduled query rule for every Azure catalog rule (KQL compiled by the engine, 5-minute window
 * and frequency, any row alerts), which covers tampering with the guardrails (locks, policy assignments and
 * exemptions, alert rules, alert processing rules, immutability, Conditional Access); and Activity Log alerts
 * for the two tamperings that blind those queries: a diagnostic setting deleted (the Activity Log stops
 * reaching the workspace) and the workspace itself deleted (the queries lose their scope). Activity Log alerts
 * are evaluated on the Activity Log itself, not on the workspace
 * (https://learn.microsoft.com/azure/azure-monitor/alerts/alerts-types#activity-log-alerts).
 */
import * as authorization from '@pulumi/azure-native/authorization';
import * as monitor from '@pulumi/azure-native/monitor';
import * as pulumi from '@pulumi/pulumi';

export interface KqlAlertRule {
  readonly id: string;
  readonly title: string;
  readonly level: string;
  /** KQL (compiled from the catalog). */
  readonly query: string;
}

export interface AzureAlertsArgs {
  readonly resourceGroupName: pulumi.Input<string>;
  readonly location: string;
  readonly workspaceId: pulumi.Input<string>;
  readonly subscriptionIds: readonly string[];
  readonly emails: readonly string[];
  readonly webhooks: readonly string[];
  readonly rules: readonly KqlAlertRule[];
}

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
  readonly actionGroup: monitor.ActionGroup;

  constructor(name: string, args: AzureAlertsArgs, opts?: pulumi.ComponentResourceOptions) {
    super('guardrails:azure:Alerts', name, {}, opts);
    const parent = { parent: this };
    this.actionGroup = new monitor.ActionGroup(`${name}-action-group`, {
      resourceGroupName: args.resourceGroupName,
      actionGroupName: 'guardrails-alerts',
      groupShortName: 'guardrails',
      location: 'Global',
      enabled: true,
      emailReceivers: args.emails.map((emailAddress, i) => ({ name: `email-${i}`, emailAddress, useCommonAlertSchema: true })),
      webhookReceivers: args.webhooks.map((serviceUri, i) => ({ name: `webhook-${i}`, serviceUri, useCommonAlertSchema: true })),
    }, parent);
    new authorization.ManagementLockByScope(`${name}-lock-action-group`, {
      scope: this.actionGroup.id,
      level: 'CanNotDelete',
      lockName: 'guardrails-alerts',
      notes: 'cloud-api-guardrails: every guardrail alert notifies through this action group',
    }, parent);
    for (const rule of args.rules) {
      new monitor.ScheduledQueryRule(`${name}-${rule.id}`, {
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        ruleName: `guardrails-${rule.id}`,
        displayName: `guardrails: ${rule.title}`,
        description: `cloud-api-guardrails rule ${rule.id} (${rule.level})`,
        kind: 'LogAlert',
        enabled: true,
        scopes: [args.workspaceId],
        severity: SEVERITY[rule.level] ?? 2,
        evaluationFrequency: 'PT5M',
        windowSize: 'PT5M',
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
      }, parent);
    }
    if (args.subscriptionIds.length > 0) {
      for (const op of TAMPERING_OPERATIONS) {
        new monitor.ActivityLogAlert(`${name}-${op.id}`, {
          resourceGroupName: args.resourceGroupName,
          activityLogAlertName: `guardrails-${op.id}`,
          description: `cloud-api-guardrails: ${op.title}`,
          location: 'Global',
          enabled: true,
          scopes: args.subscriptionIds.map((s) => `/subscriptions/${s}`),
          condition: { allOf: [{ field: 'category', equals: 'Administrative' }, { field: 'operationName', equals: op.operationName }, { field: 'status', equals: 'Succeeded' }] },
          actions: { actionGroups: [{ actionGroupId: this.actionGroup.id }] },
        }, parent);
      }
    }
    this.registerOutputs({});
  }
}
