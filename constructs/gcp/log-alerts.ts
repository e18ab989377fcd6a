/**
 * Log-match alert policies in the log project, one per GCP catalog rule, on the audit logs the
 * organization sink routes there. Each names its rule and the response in its documentation, and is
 * rate-limited (required for log-match conditions) so a burst of scripted calls is one page, not fifty.
 */
import * as monitoring from '@pulumi/gcp/monitoring';
import * as pulumi from '@pulumi/pulumi';

export interface LogAlertRule {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly level: string;
  readonly falsepositives: readonly string[];
  /** A Cloud Logging query (compiled from the catalog). */
  readonly query: string;
}

export interface GcpLogAlertsArgs {
  readonly project: string;
  readonly emails: readonly string[];
  readonly webhooks: readonly string[];
  readonly rules: readonly LogAlertRule[];
}

const SEVERITY: Record<string, string> = { critical: 'CRITICAL', high: 'ERROR', medium: 'WARNING', low: 'WARNING', informational: 'WARNING' };

export class GcpLogAlerts extends pulumi.ComponentResource {
  readonly channels: readonly monitoring.NotificationChannel[];
  readonly policies: readonly monitoring.AlertPolicy[];

  constructor(name: string, args: GcpLogAlertsArgs, opts?: pulumi.ComponentResourceOptions) {
    super('guardrails:gcp:LogAlerts', name, {}, opts);
    const parent = { parent: this };
    this.channels = [
      ...args.emails.map((email, i) => new monitoring.NotificationChannel(`${name}-email-${i}`, {
        project: args.project,
        displayName: `guardrails: ${email}`,
        type: 'email',
        labels: { email_address: email },
      }, parent)),
      ...args.webhooks.map((url, i) => new monitoring.NotificationChannel(`${name}-webhook-${i}`, {
        project: args.project,
        displayName: `guardrails webhook ${i + 1}`,
        type: 'webhook_tokenauth',
        labels: { url },
      }, parent)),
    ];
    this.policies = args.rules.map((rule) => new monitoring.AlertPolicy(`${name}-${rule.id}`, {
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
          '**Response**: open the matching entries in Logs Explorer (the rule\'s query is this policy\'s condition), identify the principal and the client (callerSuppliedUserAgent, callerIp), and if the call is not expected, disable the principal\'s keys or sessions and review what it changed.',
          ...(rule.falsepositives.length ? ['', `**Known false positives**: ${rule.falsepositives.join('; ')}`] : []),
        ].join('\n'),
      },
      userLabels: { guardrails_rule: rule.id.replace(/[^a-z0-9_-]/g, '_').slice(0, 63) },
    }, parent));
    this.registerOutputs({});
  }
}
