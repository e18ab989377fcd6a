/**
 * AzureAlerts on its own, through its public args, under Pulumi's mocks: a minimal call (an action group
 * behind a lock, one scheduled query rule per rule), a workspace and resource group from other resources,
 * the Activity Log alerts per subscription, and the outputs it registers.
 */
import * as operationalinsights from '@pulumi/azure-native/operationalinsights';
import * as resources from '@pulumi/azure-native/resources';
import type * as pulumi from '@pulumi/pulumi';
import { describe, expect, it } from 'vitest';
import { AzureAlerts, TAMPERING_OPERATIONS, type KqlAlertRule } from '../../../constructs/azure/alerts.ts';
import { planUnderMocks } from '../../../stacks/pulumi-plan.ts';
import { inputsOfType } from '../../helpers/pulumi-plan.ts';

const plan = (program: () => void) => planUnderMocks('guardrails-components', 'test', program);
const resolved = <T>(output: pulumi.Output<T>) => new Promise<T>((resolve) => output.apply(resolve));

const RULE: KqlAlertRule = {
  id: 'cli-outside',
  title: 'Azure CLI sign-in from outside',
  level: 'high',
  query: 'SigninLogs | where AppId == "04b07795-8ddb-461a-bbee-02f9e1bf7b46"',
};
const SUBSCRIPTION = '00000000-0000-4000-8000-0000000000a1';

describe('AzureAlerts used on its own', () => {
  it('needs a resource group, a workspace and rules: a locked action group and one query rule each, nothing from the Activity Log', async () => {
    let alerts: AzureAlerts | undefined;
    const planned = await plan(
      () =>
        (alerts = new AzureAlerts('alerts', {
          resourceGroupName: 'soc',
          workspaceId: '/subscriptions/s/resourceGroups/soc/providers/Microsoft.OperationalInsights/workspaces/soc',
          rules: [RULE],
        })),
    );
    expect(inputsOfType(planned, ':ActionGroup')).toEqual([expect.objectContaining({ resourceGroupName: 'soc', emailReceivers: [], webhookReceivers: [] })]);
    expect(inputsOfType(planned, ':ManagementLockByScope')).toEqual([
      expect.objectContaining({ scope: '<computed: id of alerts-action-group>', level: 'CanNotDelete' }),
    ]);
    expect(inputsOfType(planned, ':ScheduledQueryRule')).toEqual([
      expect.objectContaining({
        ruleName: 'guardrails-cli-outside',
        location: 'westeurope',
        severity: 1,
        scopes: ['/subscriptions/s/resourceGroups/soc/providers/Microsoft.OperationalInsights/workspaces/soc'],
        actions: { actionGroups: ['<computed: id of alerts-action-group>'] },
      }),
    ]);
    expect(inputsOfType(planned, ':ActivityLogAlert')).toEqual([]);
    expect(alerts!.queryRules).toHaveLength(1);
    expect(await resolved(alerts!.actionGroup.id)).toBe('<computed: id of alerts-action-group>');
  });

  it("takes the workspace and resource group from other resources, notifies the receivers, and watches the subscriptions' Activity Log", async () => {
    const planned = await plan(() => {
      const group = new resources.ResourceGroup('soc', { resourceGroupName: 'soc', location: 'northeurope' });
      const workspace = new operationalinsights.Workspace('soc', { resourceGroupName: group.name });
      new AzureAlerts('alerts', {
        resourceGroupName: group.name,
        location: group.location,
        workspaceId: workspace.id,
        subscriptionIds: [SUBSCRIPTION],
        emails: ['soc@example.com'],
        webhooks: ['https://hooks.example.com/a'],
        rules: [RULE],
      });
    });
    expect(inputsOfType(planned, ':ScheduledQueryRule')).toEqual([
      expect.objectContaining({ resourceGroupName: 'soc', location: 'northeurope', scopes: ['<computed: id of soc>'] }),
    ]);
    expect(inputsOfType(planned, ':ActionGroup')).toEqual([
      expect.objectContaining({
        emailReceivers: [{ name: 'email-0', emailAddress: 'soc@example.com', useCommonAlertSchema: true }],
        webhookReceivers: [{ name: 'webhook-0', serviceUri: 'https://hooks.example.com/a', useCommonAlertSchema: true }],
      }),
    ]);
    const activity = inputsOfType(planned, ':ActivityLogAlert');
    expect(activity).toHaveLength(TAMPERING_OPERATIONS.length);
    for (const alert of activity) expect(alert['scopes']).toEqual([`/subscriptions/${SUBSCRIPTION}`]);
  });

  it('runs a rule on its own schedule when it has one (a correlation: once per timespan, over two), else every 5 minutes over 5', async () => {
    const correlation: KqlAlertRule = {
      id: 'password-spray',
      title: 'Password spray',
      level: 'high',
      query: 'SigninLogs | summarize value_count = count_distinctif(UserPrincipalName, isnotempty(UserPrincipalName)) by IPAddress, bin(TimeGenerated, 30m)',
      schedule: { evaluationFrequency: 'PT30M', windowSize: 'PT30M', overrideQueryTimeRange: 'PT1H' },
    };
    const planned = await plan(() => new AzureAlerts('alerts', { resourceGroupName: 'soc', workspaceId: 'ws', rules: [RULE, correlation] }));
    const [single, counted] = inputsOfType(planned, ':ScheduledQueryRule');
    expect(single).toMatchObject({ ruleName: 'guardrails-cli-outside', evaluationFrequency: 'PT5M', windowSize: 'PT5M' });
    expect(single!['overrideQueryTimeRange']).toBeUndefined();
    expect(counted).toMatchObject({
      ruleName: 'guardrails-password-spray',
      evaluationFrequency: 'PT30M',
      windowSize: 'PT30M',
      overrideQueryTimeRange: 'PT1H',
      criteria: { allOf: [expect.objectContaining({ query: correlation.query, operator: 'GreaterThan', threshold: 0 })] },
    });
  });
});
