/**
 * GcpLogAlerts on its own, through its public args, under Pulumi's mocks: a minimal call (one rate-limited
 * log-match policy per rule, no channel), a project from another resource, channels that the policies notify,
 * and the outputs it registers.
 */
import * as organizations from '@pulumi/gcp/organizations';
import * as pulumi from '@pulumi/pulumi';
import { describe, expect, it } from 'vitest';
import { GcpLogAlerts, type LogAlertRule } from '../../../constructs/gcp/log-alerts.ts';
import { planUnderMocks } from '../../../stacks/pulumi-plan.ts';
import { inputsOfType } from '../../helpers/pulumi-plan.ts';

const plan = (program: () => void) => planUnderMocks('guardrails-components', 'test', program);
const resolved = <T>(output: pulumi.Output<T>) => new Promise<T>((resolve) => output.apply(resolve));

const RULE: LogAlertRule = {
  id: 'gcloud-in-cloud-shell',
  title: 'gcloud used from Cloud Shell',
  description: 'A gcloud command ran in Cloud Shell',
  level: 'medium',
  falsepositives: [],
  query: 'protoPayload.requestMetadata.callerSuppliedUserAgent:"environment/devshell"',
};

describe('GcpLogAlerts used on its own', () => {
  it('needs a project and rules: one rate-limited log-match policy each, documented with the rule', async () => {
    let alerts: GcpLogAlerts | undefined;
    const planned = await plan(() => (alerts = new GcpLogAlerts('alerts', { project: 'acme-logs', rules: [RULE] })));
    expect(inputsOfType(planned, ':NotificationChannel')).toEqual([]);
    expect(inputsOfType(planned, ':AlertPolicy')).toEqual([
      expect.objectContaining({
        project: 'acme-logs',
        severity: 'WARNING',
        conditions: [{ displayName: RULE.title, conditionMatchedLog: { filter: RULE.query } }],
        alertStrategy: { notificationRateLimit: { period: '300s' }, autoClose: '1800s' },
        notificationChannels: [],
        userLabels: { guardrails_rule: 'gcloud-in-cloud-shell' },
      }),
    ]);
    expect(await resolved(pulumi.all(alerts!.policies.map((p) => p.id)))).toEqual(['<computed: id of alerts-gcloud-in-cloud-shell>']);
  });

  it('takes the project from another resource and notifies the email and webhook channels it creates', async () => {
    const planned = await plan(() => {
      const project = new organizations.Project('logs', { projectId: 'acme-logs', name: 'acme-logs', orgId: '123456789012' });
      new GcpLogAlerts('alerts', { project: project.projectId, emails: ['soc@example.com'], webhooks: ['https://hooks.example.com/a'], rules: [RULE] });
    });
    expect(inputsOfType(planned, ':NotificationChannel')).toEqual([
      { project: 'acme-logs', displayName: 'guardrails: soc@example.com', type: 'email', labels: { email_address: 'soc@example.com' } },
      { project: 'acme-logs', displayName: 'guardrails webhook 1', type: 'webhook_tokenauth', labels: { url: 'https://hooks.example.com/a' } },
    ]);
    expect(inputsOfType(planned, ':AlertPolicy')[0]).toMatchObject({
      project: 'acme-logs',
      notificationChannels: ['<computed: id of alerts-email-0>', '<computed: id of alerts-webhook-0>'],
    });
  });
});
