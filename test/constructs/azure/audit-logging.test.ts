/**
 * AzureAuditLogging on its own, through its public args, under Pulumi's mocks: what a minimal call creates,
 * a workspace, storage account and resource group brought by the caller (created nowhere, locked by nobody,
 * their ids resolved from other resources), the outputs it registers, and its refusals.
 */
import * as operationalinsights from '@pulumi/azure-native/operationalinsights';
import * as resources from '@pulumi/azure-native/resources';
import type * as pulumi from '@pulumi/pulumi';
import { describe, expect, it } from 'vitest';
import {
  ACTIVITY_LOG_CATEGORIES,
  AZURE_AUDIT_LOGGING_DEFAULTS,
  AzureAuditLogging,
  storageAccountName,
  type AzureAuditLoggingArgs,
} from '../../../constructs/azure/audit-logging.ts';
import { configSchema } from '../../../core/config/schema.ts';
import { planUnderMocks } from '../../../stacks/pulumi-plan.ts';
import { configErrorOf } from '../../helpers/config.ts';
import { inputsOfType } from '../../helpers/pulumi-plan.ts';

const plan = (program: () => void) => planUnderMocks('guardrails-components', 'test', program);
const resolved = <T>(output: pulumi.Output<T>) => new Promise<T>((resolve) => output.apply(resolve));
/** The one-line refusal, after checking that nothing at all was registered. */
async function refusal(construct: () => unknown): Promise<string> {
  let message = '';
  const registered = await plan(() => (message = configErrorOf(construct)));
  expect(registered).toEqual([]);
  return message;
}

const TENANT = '00000000-0000-4000-8000-000000000001';
const SUBSCRIPTION = '00000000-0000-4000-8000-0000000000a1';
const THEIR_STORAGE = `/subscriptions/${SUBSCRIPTION}/resourceGroups/theirs/providers/Microsoft.Storage/storageAccounts/theirlogs`;

describe('AzureAuditLogging used on its own', () => {
  it('needs a tenant id and a subscription: resource group, locked workspace and immutable storage, one Activity Log setting', async () => {
    let logging: AzureAuditLogging | undefined;
    const planned = await plan(() => (logging = new AzureAuditLogging('audit', { tenantId: TENANT, subscriptionIds: [SUBSCRIPTION] })));
    expect(inputsOfType(planned, ':ResourceGroup')).toEqual([{ resourceGroupName: 'guardrails-logging', location: 'westeurope' }]);
    expect(inputsOfType(planned, ':Workspace')).toEqual([
      expect.objectContaining({ workspaceName: 'guardrails-audit', retentionInDays: 365, resourceGroupName: 'guardrails-logging' }),
    ]);
    expect(inputsOfType(planned, ':StorageAccount')).toEqual([
      expect.objectContaining({
        accountName: storageAccountName(TENANT),
        immutableStorageWithVersioning: {
          enabled: true,
          immutabilityPolicy: { immutabilityPeriodSinceCreationInDays: 365, state: 'Unlocked', allowProtectedAppendWrites: true },
        },
      }),
    ]);
    expect(
      inputsOfType(planned, ':ManagementLockByScope')
        .map((l) => l['scope'])
        .sort(),
    ).toEqual(['<computed: id of audit-storage>', '<computed: id of audit-workspace>']);
    expect(inputsOfType(planned, ':SubscriptionDiagnosticSetting')).toEqual([
      expect.objectContaining({
        workspaceId: '<computed: id of audit-workspace>',
        storageAccountId: '<computed: id of audit-storage>',
        logs: ACTIVITY_LOG_CATEGORIES.map((category) => ({ category, enabled: true })),
      }),
    ]);
    expect(inputsOfType(planned, ':ManagementGroupDiagnosticSetting')).toEqual([]);
    expect(await resolved(logging!.workspaceId)).toBe('<computed: id of audit-workspace>');
    expect(await resolved(logging!.storageAccountId)).toBe('<computed: id of audit-storage>');
    expect(await resolved(logging!.resourceGroupName)).toBe('guardrails-logging');
  });

  it('sends the logs to a workspace and storage account of yours, creating and locking neither (and needs no tenant id)', async () => {
    let logging: AzureAuditLogging | undefined;
    const planned = await plan(() => {
      const group = new resources.ResourceGroup('their-group', { resourceGroupName: 'theirs' });
      const workspace = new operationalinsights.Workspace('their-workspace', { resourceGroupName: group.name, workspaceName: 'soc' });
      logging = new AzureAuditLogging('audit', {
        resourceGroup: { existing: { name: group.name } },
        workspace: { existing: { id: workspace.id } },
        storageAccount: { existing: { id: THEIR_STORAGE } },
        subscriptionIds: [SUBSCRIPTION],
      });
    });
    expect(
      planned
        .filter((r) => r.name.startsWith('audit-'))
        .map((r) => r.type)
        .sort(),
    ).toEqual(['azure-native:monitor:SubscriptionDiagnosticSetting', 'pulumi:providers:azure-native']);
    expect(inputsOfType(planned, ':SubscriptionDiagnosticSetting')).toEqual([
      expect.objectContaining({ workspaceId: '<computed: id of their-workspace>', storageAccountId: THEIR_STORAGE }),
    ]);
    expect(inputsOfType(planned, ':ManagementLockByScope')).toEqual([]);
    expect(logging!.workspace).toBeUndefined();
    expect(logging!.storage).toBeUndefined();
    expect(await resolved(logging!.resourceGroupName)).toBe('theirs');
  });

  it('creates what is not brought in your resource group, tuned by args', async () => {
    const planned = await plan(
      () =>
        new AzureAuditLogging('audit', {
          tenantId: TENANT,
          location: 'northeurope',
          resourceGroup: { existing: { name: 'theirs' } },
          workspace: { args: { retentionInDays: 730 } },
          storageAccount: { args: { accountName: 'contosoauditlogs', immutableDays: 2555, lockImmutability: true } },
          subscriptionIds: [SUBSCRIPTION],
        }),
    );
    expect(inputsOfType(planned, ':ResourceGroup')).toEqual([]);
    expect(inputsOfType(planned, ':Workspace')).toEqual([
      expect.objectContaining({ resourceGroupName: 'theirs', location: 'northeurope', retentionInDays: 730 }),
    ]);
    expect(inputsOfType(planned, ':StorageAccount')).toEqual([
      expect.objectContaining({
        accountName: 'contosoauditlogs',
        resourceGroupName: 'theirs',
        immutableStorageWithVersioning: {
          enabled: true,
          immutabilityPolicy: { immutabilityPeriodSinceCreationInDays: 2555, state: 'Locked', allowProtectedAppendWrites: true },
        },
      }),
    ]);
  });

  it('assigns the DeployIfNotExists policies at a management group with your workspace', async () => {
    const planned = await plan(
      () =>
        new AzureAuditLogging('audit', {
          tenantId: TENANT,
          workspace: { existing: { id: `/subscriptions/${SUBSCRIPTION}/resourceGroups/soc/providers/Microsoft.OperationalInsights/workspaces/soc` } },
          deployment: 'policy',
          managementGroupId: 'contoso-root',
        }),
    );
    expect(inputsOfType(planned, ':PolicyAssignment').map((a) => a['parameters'])).toContainEqual(
      expect.objectContaining({
        logAnalytics: { value: `/subscriptions/${SUBSCRIPTION}/resourceGroups/soc/providers/Microsoft.OperationalInsights/workspaces/soc` },
      }),
    );
    expect(inputsOfType(planned, ':SubscriptionDiagnosticSetting')).toEqual([]);
    expect(inputsOfType(planned, ':ManagementGroupDiagnosticSetting').map((s) => s['managementGroupId'])).toEqual(['contoso-root']);
  });
});

describe('AzureAuditLogging refuses', () => {
  const refused = (args: AzureAuditLoggingArgs) => refusal(() => new AzureAuditLogging('audit', args));

  it('both bringing a resource and tuning the one it would create', async () => {
    expect(await refused({ tenantId: TENANT, subscriptionIds: [SUBSCRIPTION], workspace: { existing: { id: 'x' }, args: { retentionInDays: 30 } } })).toBe(
      "AzureAuditLogging 'audit' args.workspace: has both existing and args. Pass existing to use yours, or args to tune the one the component creates, not both.",
    );
  });

  it('a workspace given by its customerId instead of its resource id', async () => {
    expect(
      await refused({ tenantId: TENANT, subscriptionIds: [SUBSCRIPTION], workspace: { existing: { id: '11111111-2222-3333-4444-555555555555' } } }),
    ).toMatch(
      /^AzureAuditLogging 'audit' args\.workspace\.existing\.id: "11111111-2222-3333-4444-555555555555" is not a Log Analytics workspace resource id\. .*customerId GUID is not accepted\.$/,
    );
  });

  it('a storage account it cannot name', async () => {
    expect(await refused({ subscriptionIds: [SUBSCRIPTION] })).toBe(
      "AzureAuditLogging 'audit' args.tenantId: is missing, and it names the storage account the component creates. Pass tenantId, or storageAccount.args.accountName, or your own account as storageAccount.existing.",
    );
    expect(await refused({ subscriptionIds: [SUBSCRIPTION], storageAccount: { args: { accountName: 'Audit-Logs' } } })).toMatch(
      /^AzureAuditLogging 'audit' args\.storageAccount\.args\.accountName: gives the storage account name "Audit-Logs"/,
    );
  });

  it('what the config refuses: policy without a management group, nothing to send, children without their parent', async () => {
    expect(await refused({ tenantId: TENANT, deployment: 'policy' })).toBe(
      "AzureAuditLogging 'audit' args.managementGroupId: is required when deployment is policy. Name the management group that holds the subscriptions, or use perSubscription.",
    );
    expect(await refused({ tenantId: TENANT })).toBe(
      "AzureAuditLogging 'audit' args.subscriptionIds: is empty, so no subscription would send its Activity Log anywhere. List the subscriptions, or set deployment: policy with a managementGroupId.",
    );
    expect(await refused({ tenantId: TENANT, subscriptionIds: [SUBSCRIPTION], childManagementGroupIds: ['contoso-platform'] })).toBe(
      "AzureAuditLogging 'audit' args.childManagementGroupIds: needs managementGroupId, the group they sit under. Set managementGroupId, or remove childManagementGroupIds.",
    );
  });
});

describe('AzureAuditLogging defaults', () => {
  it("are the config's defaults for the same settings", () => {
    const az = configSchema.parse({ azure: { tenantId: TENANT } }).azure!;
    const d = AZURE_AUDIT_LOGGING_DEFAULTS;
    expect([
      d.location,
      d.resourceGroupName,
      d.retentionInDays,
      d.immutableDays,
      d.lockImmutability,
      d.subscriptionIds,
      d.deployment,
      d.childManagementGroupIds,
    ]).toEqual([
      az.location,
      az.resourceGroupName,
      az.logRetentionDays,
      az.immutableDays,
      az.lockImmutability,
      az.subscriptionIds,
      az.activityLogDeployment,
      az.childManagementGroupIds,
    ]);
  });
});
