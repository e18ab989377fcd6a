/**
 * Azure audit logging (data source DS0017): a Log Analytics workspace (what the KQL alerts query) and a
 * storage account whose blobs are immutable for `immutableDays` (time-based retention with versioning,
 * at account level so it covers the containers diagnostic settings create themselves); secure transfer,
 * no shared key, no public access. Every subscription's Activity Log (all categories) goes to both,
 * either through one diagnostic setting per listed subscription, or, for large estates, through one
 * DeployIfNotExists policy assignment at the management group. CanNotDelete locks protect the workspace,
 * the storage account and each diagnostic setting.
 */
import * as authorization from '@pulumi/azure-native/authorization';
import { Provider } from '@pulumi/azure-native/provider';
import * as monitor from '@pulumi/azure-native/monitor';
import * as operationalinsights from '@pulumi/azure-native/operationalinsights';
import * as resources from '@pulumi/azure-native/resources';
import * as storage from '@pulumi/azure-native/storage';
import * as pulumi from '@pulumi/pulumi';

export interface AzureAuditLoggingArgs {
  readonly tenantId: string;
  readonly location: string;
  readonly resourceGroupName: string;
  readonly retentionDays: number;
  readonly immutableDays: number;
  readonly subscriptionIds: readonly string[];
  readonly deployment: 'perSubscription' | 'policy';
  readonly managementGroupId?: string;
}

/** The Activity Log's categories (Azure Monitor activity log schema); a setting must name them all. */
export const ACTIVITY_LOG_CATEGORIES = ['Administrative', 'Security', 'ServiceHealth', 'Alert', 'Recommendation', 'Policy', 'Autoscale', 'ResourceHealth'];

/** Built-in policy "Configure Azure Activity logs to stream to specified Log Analytics workspace" (DeployIfNotExists). */
export const ACTIVITY_LOG_POLICY_DEFINITION = '/providers/Microsoft.Authorization/policyDefinitions/2465583e-4e78-4c15-b6be-a36cbc7c8b0f';
/** Built-in roles its managed identity needs to deploy the setting: Log Analytics Contributor, Monitoring Contributor. */
export const ACTIVITY_LOG_POLICY_ROLES = ['92aaf0da-9dab-42b6-94a3-d43ce8d16293', '749f88d5-cbae-40b8-bcfc-e573ddc772fa'];

/** Storage account names are global, 3-24 lowercase letters and digits: derived from the tenant id. */
export function storageAccountName(tenantId: string): string {
  return `grdlogs${tenantId.replace(/-/g, '').slice(0, 17)}`.toLowerCase();
}

export class AzureAuditLogging extends pulumi.ComponentResource {
  readonly workspace: operationalinsights.Workspace;
  readonly storage: storage.StorageAccount;
  readonly resourceGroupName: pulumi.Output<string>;

  constructor(name: string, args: AzureAuditLoggingArgs, opts?: pulumi.ComponentResourceOptions) {
    super('guardrails:azure:AuditLogging', name, {}, opts);
    const parent = { parent: this };
    const lock = (id: string, scope: pulumi.Input<string>, what: string) =>
      new authorization.ManagementLockByScope(`${name}-lock-${id}`, { scope, level: 'CanNotDelete', lockName: 'guardrails-audit', notes: `cloud-api-guardrails: ${what} holds audit evidence` }, parent);

    const group = new resources.ResourceGroup(`${name}-rg`, { resourceGroupName: args.resourceGroupName, location: args.location }, { ...parent, protect: true });
    this.resourceGroupName = group.name;
    this.workspace = new operationalinsights.Workspace(`${name}-workspace`, {
      resourceGroupName: group.name,
      location: args.location,
      workspaceName: 'guardrails-audit',
      sku: { name: 'PerGB2018' },
      retentionInDays: args.retentionDays,
    }, { ...parent, protect: true });
    this.storage = new storage.StorageAccount(`${name}-storage`, {
      resourceGroupName: group.name,
      location: args.location,
      accountName: storageAccountName(args.tenantId),
      kind: 'StorageV2',
      sku: { name: 'Standard_GRS' },
      enableHttpsTrafficOnly: true,
      minimumTlsVersion: 'TLS1_2',
      allowBlobPublicAccess: false,
      allowSharedKeyAccess: false,
      defaultToOAuthAuthentication: true,
      immutableStorageWithVersioning: {
        enabled: true,
        immutabilityPolicy: { immutabilityPeriodSinceCreationInDays: args.immutableDays, state: 'Unlocked', allowProtectedAppendWrites: true },
      },
    }, { ...parent, protect: true });
    lock('workspace', this.workspace.id, 'the Log Analytics workspace');
    lock('storage', this.storage.id, 'the immutable log storage account');

    if (args.deployment === 'policy') {
      this.activityLogPolicy(name, args);
    } else {
      args.subscriptionIds.forEach((subscriptionId) => {
        // A subscription diagnostic setting is created in the provider's subscription: one provider each.
        const provider = new Provider(`${name}-sub-${subscriptionId}`, { subscriptionId }, parent);
        const setting = new monitor.SubscriptionDiagnosticSetting(`${name}-activity-${subscriptionId}`, {
          name: 'guardrails-activity-log',
          workspaceId: this.workspace.id,
          storageAccountId: this.storage.id,
          logs: ACTIVITY_LOG_CATEGORIES.map((category) => ({ category, enabled: true })),
        }, { ...parent, provider });
        new authorization.ManagementLockByScope(`${name}-lock-activity-${subscriptionId}`, {
          scope: `/subscriptions/${subscriptionId}`,
          level: 'CanNotDelete',
          lockName: 'guardrails-activity-log',
          notes: 'cloud-api-guardrails: protects the Activity Log diagnostic setting and logging resources in this subscription',
        }, { ...parent, dependsOn: [setting] });
      });
    }
    this.registerOutputs({ workspaceId: this.workspace.id });
  }

  private activityLogPolicy(name: string, args: AzureAuditLoggingArgs): void {
    const scope = `/providers/Microsoft.Management/managementGroups/${args.managementGroupId}`;
    const assignment = new authorization.PolicyAssignment(`${name}-activity-policy`, {
      scope,
      policyAssignmentName: 'guardrails-activity-log',
      displayName: 'cloud-api-guardrails: stream every subscription\'s Activity Log to the audit workspace',
      policyDefinitionId: ACTIVITY_LOG_POLICY_DEFINITION,
      parameters: { logAnalytics: { value: this.workspace.id }, effect: { value: 'DeployIfNotExists' } },
      identity: { type: 'SystemAssigned' },
      location: args.location,
      enforcementMode: 'Default',
    }, { parent: this });
    ACTIVITY_LOG_POLICY_ROLES.forEach((role, i) => {
      new authorization.RoleAssignment(`${name}-activity-policy-role-${i}`, {
        scope,
        principalId: assignment.identity.apply((identity) => identity?.principalId ?? ''),
        principalType: 'ServicePrincipal',
        roleDefinitionId: `/providers/Microsoft.Authorization/roleDefinitions/${role}`,
      }, { parent: this });
    });
  }
}
