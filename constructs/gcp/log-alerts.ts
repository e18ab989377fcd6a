/**
 * Log-match alert policies in the log project, one per GCP catalog rule, on the audit logs the
 * organization sink routes there. Each names its rule and the response in its documentation, and is
 * rate-limited (required for log-match conditions) so a burst of scripted calls is one page, not fifty.
 *
 * Correlations deployed to Google Cloud (core/detection/compilers/gcp-correlation.ts) are a log-based
 * counter metric each, labelled with the group-by fields, and an alert policy with a metric-threshold
 * condition that sums the metric per label over the timespan: each group value is its own time series,
 * judged on its own.
 */
import * as logging from '@pulumi/gcp/logging/index.js';
import * as monitoring from '@pulumi/gcp/monitoring/index.js';
import * as pulumi from '@pulumi/pulumi';
import type { GcpCorrelation } from '../../core/detection/compilers/gcp-correlation.ts';

export interface LogAlertRule {
  /** Rule id: names the alert policy's Pulumi resource and its guardrails_rule label. */
  readonly id: string;
  /** Short name: the policy's display name `guardrails: <title>` and its condition's name. */
  readonly title: string;
  /** What the rule catches, shown in the policy's documentation. */
  readonly description: string;
  /** critical, high, medium, low or informational: the policy's severity (anything else: WARNING). */
  readonly level: string;
  /** Known benign matches, listed in the policy's documentation (may be empty). */
  readonly falsepositives: readonly string[];
  /** A Cloud Logging query (the catalog's rules compiled by compileForDeployment(rule, 'gcp')). */
  readonly query: string;
}

/** A correlation compiled for Google Cloud, with what its alert policy shows. */
export interface MetricAlertCorrelation {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly level: string;
  readonly falsepositives: readonly string[];
  /** compileMetricCorrelationForDeployment(correlation, 'gcp'). */
  readonly compiled: GcpCorrelation;
}

export interface GcpLogAlertsArgs {
  /**
   * The project the alert policies and channels live in, and whose logs they match: the log project the
   * organization sink routes the audit logs into, e.g. the logProjectId given to GcpAuditLogging.
   */
  readonly project: pulumi.Input<string>;
  /** Addresses notified by email channels. @default [] */
  readonly emails?: readonly pulumi.Input<string>[];
  /** URLs notified by webhook (token auth) channels. @default [] */
  readonly webhooks?: readonly pulumi.Input<string>[];
  /** One log-match alert policy each (rate-limited to one notification per 5 minutes, closed after 30). */
  readonly rules: readonly LogAlertRule[];
  /** One log-based metric and one metric-threshold alert policy each. @default [] */
  readonly correlations?: readonly MetricAlertCorrelation[];
}

/** Defaults of the optional args. */
export const GCP_LOG_ALERTS_DEFAULTS = {
  emails: [] as readonly pulumi.Input<string>[],
  webhooks: [] as readonly pulumi.Input<string>[],
} as const;

const SEVERITY: Record<string, string> = { critical: 'CRITICAL', high: 'ERROR', medium: 'WARNING', low: 'WARNING', informational: 'WARNING' };

export class GcpLogAlerts extends pulumi.ComponentResource {
  /** The notification channels: emails first, then webhooks. */
  readonly channels: readonly monitoring.NotificationChannel[];
  /** The alert policies, in the order of `rules`. */
  readonly policies: readonly monitoring.AlertPolicy[];
  /** The correlations' log-based metrics, in the order of `correlations`. */
  readonly metrics: readonly logging.Metric[];
  /** The correlations' alert policies, in the order of `correlations`. */
  readonly correlationPolicies: readonly monitoring.AlertPolicy[];

  constructor(name: string, args: GcpLogAlertsArgs, opts?: pulumi.ComponentResourceOptions) {
    super('guardrails:gcp:LogAlerts', name, {}, opts);
    const parent = { parent: this };
    const emails = args.emails ?? GCP_LOG_ALERTS_DEFAULTS.emails;
    const webhooks = args.webhooks ?? GCP_LOG_ALERTS_DEFAULTS.webhooks;
    this.channels = [
      ...emails.map(
        (email, i) =>
          new monitoring.NotificationChannel(
            `${name}-email-${i}`,
            {
              project: args.project,
              displayName: pulumi.interpolate`guardrails: ${email}`,
              type: 'email',
              labels: { email_address: email },
            },
            parent,
          ),
      ),
      ...webhooks.map(
        (url, i) =>
          new monitoring.NotificationChannel(
            `${name}-webhook-${i}`,
            {
              project: args.project,
              displayName: `guardrails webhook ${i + 1}`,
              type: 'webhook_tokenauth',
              labels: { url },
            },
            parent,
          ),
      ),
    ];
    this.policies = args.rules.map(
      (rule) =>
        new monitoring.AlertPolicy(
          `${name}-${rule.id}`,
          {
            project: args.project,
            displayName: `guardrails: ${rule.title}`,
            combiner: 'OR',
            severity: SEVERITY[rule.level] ?? 'WARNING',
            conditions: [{ displayName: rule.title, conditionMatchedLog: { filter: rule.query } }],
            alertStrategy: { notificationRateLimit: { period: '300s' }, autoClose: '1800s' },
            notificationChannels: this.channels.map((c) => c.id),
            documentation: {
              mimeType: 'text/markdown',
              subject: `guardrails ${rule.level}: ${rule.title}`,
              content: [
                `**Rule** \`${rule.id}\` (${rule.level}): ${rule.description}`,
                '',
                "**Response**: open the matching entries in Logs Explorer (the rule's query is this policy's condition), identify the principal and the client (callerSuppliedUserAgent, callerIp), and if the call is not expected, disable the principal's keys or sessions and review what it changed.",
                ...(rule.falsepositives.length ? ['', `**Known false positives**: ${rule.falsepositives.join('; ')}`] : []),
              ].join('\n'),
            },
            userLabels: { guardrails_rule: rule.id.replace(/[^a-z0-9_-]/g, '_').slice(0, 63) },
          },
          parent,
        ),
    );
    const correlations = args.correlations ?? [];
    this.metrics = correlations.map(
      (c) =>
        new logging.Metric(
          `${name}-${c.id}-metric`,
          {
            project: args.project,
            name: c.compiled.metricName,
            description: `guardrails correlation ${c.id}: matches of its base rules, labelled by ${c.compiled.labels.map((l) => l.field).join(', ') || 'nothing'}`,
            filter: c.compiled.filter,
            metricDescriptor: {
              metricKind: 'DELTA',
              valueType: 'INT64',
              unit: '1',
              labels: c.compiled.labels.map((l) => ({ key: l.key, valueType: 'STRING', description: `The entry's ${l.field}` })),
            },
            labelExtractors: Object.fromEntries(c.compiled.labels.map((l) => [l.key, l.extractor])),
          },
          parent,
        ),
    );
    this.correlationPolicies = correlations.map(
      (c, i) =>
        new monitoring.AlertPolicy(
          `${name}-${c.id}`,
          {
            project: args.project,
            displayName: `guardrails: ${c.title}`,
            combiner: 'OR',
            severity: SEVERITY[c.level] ?? 'WARNING',
            conditions: [
              {
                displayName: c.title,
                conditionThreshold: {
                  ...c.compiled.condition,
                  aggregations: c.compiled.condition.aggregations.map((a) => ({ ...a, groupByFields: [...a.groupByFields] })),
                },
              },
            ],
            alertStrategy: { autoClose: '1800s' },
            notificationChannels: this.channels.map((ch) => ch.id),
            documentation: {
              mimeType: 'text/markdown',
              subject: `guardrails ${c.level}: ${c.title}`,
              content: [
                `**Correlation** \`${c.id}\` (${c.level}): ${c.description}`,
                '',
                `**Response**: the incident names the group (${c.compiled.labels.map((l) => `metric.label.${l.key}`).join(', ')}); open its entries in Logs Explorer with the metric's filter, and if the activity is not expected, disable the principal's keys or sessions and review what it read.`,
                ...(c.falsepositives.length ? ['', `**Known false positives**: ${c.falsepositives.join('; ')}`] : []),
              ].join('\n'),
            },
            userLabels: { guardrails_rule: c.id.replace(/[^a-z0-9_-]/g, '_').slice(0, 63) },
          },
          // The condition names the metric's type: the metric must exist first.
          { ...parent, dependsOn: [this.metrics[i]!] },
        ),
    );
    this.registerOutputs({
      channelIds: pulumi.all(this.channels.map((c) => c.id)),
      policyIds: pulumi.all([...this.policies, ...this.correlationPolicies].map((p) => p.id)),
      metricIds: pulumi.all(this.metrics.map((m) => m.id)),
    });
  }
}
