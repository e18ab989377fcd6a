/**
 * Azure audit logging (data source DS0017): a Log Analytics workspace (what the KQL alerts query) and a
 * storage account whose blobs are immutable for `immutableDays` (time-based retention with versioning, at
 * account level so it covers the containers diagnostic settings create themselves); secure transfer, no
 * shared key, no public access. Every subscription's Activity Log (all categories) goes to both:
 *   - perSubscription: one diagnostic setting per listed subscription, to both destinations;
 *   - policy: two DeployIfNotExists assignments at the management group (the built-in for the workspace,
 *     a custom definition for the storage account), each with a remediation task for the subscriptions
 *     that already exist.
 * The management group's own Activity Log (policy and role changes made above the subscriptions) goes to
 * both as well, for `managementGroupId` and any `childManagementGroupIds`.
 *
 * Locks: CanNotDelete on the workspace and the storage account only. Never on a subscription: a lock is
 * inherited by every child resource, so a subscription-scope lock stops every team from deleting anything.
 * The resource group is not locked either (Pulumi must stay free to replace alert rules in it); it cannot be
 * deleted while it holds locked resources. The diagnostic settings are protected by Azure Policy instead
 * (diagnostic-settings-protection.ts).
 */
import * as authorization from '@pulumi/azure-native/authorization';
import * as monitor from '@pulumi/azure-native/monitor';
import * as operationalinsights from '@pulumi/azure-native/operationalinsights';
import * as policyinsights from '@pulumi/azure-native/policyinsights';
import { Provider } from '@pulumi/azure-native/provider';
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
  /** Management groups under managementGroupId that also get a management-group diagnostic setting. @default [] */
  readonly childManagementGroupIds?: readonly string[];
  /** Lock the account-level immutability policy (irreversible). @default false */
  readonly lockImmutability?: boolean;
}

/** The Activity Log's categories (Azure Monitor activity log schema); a setting must name them all. */
export const ACTIVITY_LOG_CATEGORIES = ['Administrative', 'Security', 'ServiceHealth', 'Alert', 'Recommendation', 'Policy', 'Autoscale', 'ResourceHealth'];

/**
 * A management group's Activity Log has two categories (REST "Management Group Diagnostic Settings - Create
 * Or Update", https://learn.microsoft.com/rest/api/monitor/management-group-diagnostic-settings/create-or-update;
 * Azure/ALZ-Bicep modules/mgDiagSettings sends the same two).
 */
export const MANAGEMENT_GROUP_LOG_CATEGORIES = ['Administrative', 'Policy'];

/** Names of the diagnostic settings this kit creates; the protection policy denies deleting exactly these. */
export const SETTING_NAMES = {
  activityLog: 'guardrails-activity-log',
  activityLogStorage: 'guardrails-activity-storage',
  managementGroup: 'guardrails-mg-activity-log',
  entra: 'guardrails-entra',
} as const;

/**
 * Built-in policy "Configure Azure Activity logs to stream to specified Log Analytics workspace"
 * (DeployIfNotExists; Azure/azure-policy built-in-policies/policyDefinitions/Monitoring/DataConnectorsAzureActivity.json).
 * It only sets a workspace, hence the custom storage definition below.
 */
export const ACTIVITY_LOG_POLICY_DEFINITION = '/providers/Microsoft.Authorization/policyDefinitions/2465583e-4e78-4c15-b6be-a36cbc7c8b0f';

/** Built-in role ids (https://learn.microsoft.com/azure/role-based-access-control/built-in-roles). */
export const ROLES = {
  logAnalyticsContributor: '92aaf0da-9dab-42b6-94a3-d43ce8d16293',
  monitoringContributor: '749f88d5-cbae-40b8-bcfc-e573ddc772fa',
  storageAccountContributor: '17d1049b-9a84-46fb-8f53-869881c3d3ab',
} as const;

/** The roles the built-in's managed identity needs (its roleDefinitionIds). */
export const ACTIVITY_LOG_POLICY_ROLES = [ROLES.logAnalyticsContributor, ROLES.monitoringContributor];

/**
 * Custom DeployIfNotExists definition: the built-in above, with a storage account as the destination. Same
 * rule shape (subscription scope, existence checked on the setting's storageAccountId), same template.
 */
export function activityLogToStoragePolicyRule(): Record<string, unknown> {
  return {
    if: { field: 'type', equals: 'Microsoft.Resources/subscriptions' },
    then: {
      effect: "[parameters('effect')]",
      details: {
        type: 'Microsoft.Insights/diagnosticSettings',
        name: SETTING_NAMES.activityLogStorage,
        deploymentScope: 'Subscription',
        existenceScope: 'Subscription',
        existenceCondition: { field: 'Microsoft.Insights/diagnosticSettings/storageAccountId', equals: "[parameters('storageAccountId')]" },
        roleDefinitionIds: [ROLES.monitoringContributor, ROLES.storageAccountContributor].map((r) => `/providers/Microsoft.Authorization/roleDefinitions/${r}`),
        deployment: {
          location: "[parameters('deploymentLocation')]",
          properties: {
            mode: 'incremental',
            parameters: { storageAccountId: { value: "[parameters('storageAccountId')]" } },
            template: {
              $schema: 'https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#',
              contentVersion: '1.0.0.0',
              parameters: { storageAccountId: { type: 'string' } },
              resources: [
                {
                  name: SETTING_NAMES.activityLogStorage,
                  type: 'Microsoft.Insights/diagnosticSettings',
                  apiVersion: '2021-05-01-preview',
                  location: 'Global',
                  properties: {
                    storageAccountId: "[parameters('storageAccountId')]",
                    logs: ACTIVITY_LOG_CATEGORIES.map((category) => ({ category, enabled: true })),
                  },
                },
              ],
            },
          },
        },
      },
    },
  };
}

/** Storage account names are global, 3-24 lowercase letters and digits: derived from the tenant id. */
export function storageAccountName(tenantId: string): string {
  return `grdlogs${tenantId.replace(/-/g, '').slice(0, 17)}`.toLowerCase();
}

export const managementGroupScope = (id: string) => `/providers/Microsoft.Management/managementGroups/${id}`;

export class AzureAuditLogging extends pulumi.ComponentResource {
  readonly workspace: operationalinsights.Workspace;
  readonly storage: storage.StorageAccount;
  readonly resourceGroupName: pulumi.Output<string>;
  /** The diagnostic settings created directly (perSubscription and management groups), for dependsOn. */
  readonly settings: pulumi.Resource[] = [];
  /** The DeployIfNotExists assignments of the policy path. */
  readonly policyAssignments: authorization.PolicyAssignment[] = [];

  constructor(name: string, args: AzureAuditLoggingArgs, opts?: pulumi.ComponentResourceOptions) {
    super('guardrails:azure:AuditLogging', name, {}, opts);
    const parent = { parent: this };
    // CanNotDelete on a resource (https://learn.microsoft.com/azure/azure-resource-manager/management/lock-resources).
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
    // Account-level version immutability: "A policy can only be created in a Disabled or Unlocked state ... Only a
    // policy in an Unlocked state can transition to a Locked state which cannot be reverted"
    // (AccountImmutabilityPolicyState, https://learn.microsoft.com/javascript/api/@azure/arm-storage/accountimmutabilitypolicystate).
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
        immutabilityPolicy: { immutabilityPeriodSinceCreationInDays: args.immutableDays, state: args.lockImmutability ? 'Locked' : 'Unlocked', allowProtectedAppendWrites: true },
      },
    }, { ...parent, protect: true });
    lock('workspace', this.workspace.id, 'the Log Analytics workspace');
    lock('storage', this.storage.id, 'the immutable log storage account');

    if (args.deployment === 'policy') {
      this.activityLogPolicy(name, args);
    } else {
      for (const subscriptionId of args.subscriptionIds) {
        // A subscription diagnostic setting is created in the provider's subscription: one provider each.
        const provider = new Provider(`${name}-sub-${subscriptionId}`, { subscriptionId }, parent);
        this.settings.push(new monitor.SubscriptionDiagnosticSetting(`${name}-activity-${subscriptionId}`, {
          name: SETTING_NAMES.activityLog,
          workspaceId: this.workspace.id,
          storageAccountId: this.storage.id,
          logs: ACTIVITY_LOG_CATEGORIES.map((category) => ({ category, enabled: true })),
        }, { ...parent, provider }));
      }
    }
    if (args.managementGroupId) {
      for (const managementGroupId of [args.managementGroupId, ...(args.childManagementGroupIds ?? [])]) {
        this.settings.push(new monitor.ManagementGroupDiagnosticSetting(`${name}-mg-${managementGroupId}`, {
          managementGroupId,
          name: SETTING_NAMES.managementGroup,
          workspaceId: this.workspace.id,
          storageAccountId: this.storage.id,
          logs: MANAGEMENT_GROUP_LOG_CATEGORIES.map((category) => ({ category, enabled: true })),
        }, parent));
      }
    }
    this.registerOutputs({ workspaceId: this.workspace.id, storageAccountId: this.storage.id });
  }

  /**
   * Two DeployIfNotExists assignments at the management group, each with its managed identity's roles and a
   * remediation task: DINE only acts on resources created or updated after the assignment, so existing
   * subscriptions need a remediation (https://learn.microsoft.com/azure/governance/policy/how-to/remediate-resources;
   * resource: https://www.pulumi.com/registry/packages/azure-native/api-docs/policyinsights/remediationatmanagementgroup/).
   */
  private activityLogPolicy(name: string, args: AzureAuditLoggingArgs): void {
    const parent = { parent: this };
    const managementGroupId = args.managementGroupId!;
    const scope = managementGroupScope(managementGroupId);
    const storageDefinition = new authorization.PolicyDefinitionAtManagementGroup(`${name}-activity-storage-definition`, {
      managementGroupId,
      policyDefinitionName: 'guardrails-activity-log-to-storage',
      displayName: 'cloud-api-guardrails: configure Azure Activity logs to stream to a storage account',
      description: 'Deploys a subscription diagnostic setting that sends every Activity Log category to the given storage account (the storage counterpart of built-in 2465583e-4e78-4c15-b6be-a36cbc7c8b0f).',
      policyType: 'Custom',
      mode: 'All',
      metadata: { category: 'Monitoring', version: '1.0.0' },
      parameters: {
        storageAccountId: { type: 'String', metadata: { displayName: 'Storage account', description: 'Resource id of the immutable log storage account' } },
        deploymentLocation: { type: 'String', defaultValue: args.location, metadata: { displayName: 'Deployment location' } },
        effect: { type: 'String', defaultValue: 'DeployIfNotExists', allowedValues: ['DeployIfNotExists', 'AuditIfNotExists', 'Disabled'], metadata: { displayName: 'Effect' } },
      },
      policyRule: activityLogToStoragePolicyRule(),
    }, parent);

    // Assignment names at management-group scope are at most 24 characters.
    const assign = (id: string, policyAssignmentName: string, displayName: string, policyDefinitionId: pulumi.Input<string>, parameters: Record<string, { value: pulumi.Input<string> }>) =>
      new authorization.PolicyAssignment(`${name}-${id}`, {
        scope,
        policyAssignmentName,
        displayName,
        policyDefinitionId,
        parameters,
        identity: { type: 'SystemAssigned' },
        location: args.location,
        enforcementMode: 'Default',
      }, parent);
    const workspace = assign('activity-policy', 'guardrails-activity-log', 'cloud-api-guardrails: stream every subscription\'s Activity Log to the audit workspace', ACTIVITY_LOG_POLICY_DEFINITION, {
      logAnalytics: { value: this.workspace.id },
      effect: { value: 'DeployIfNotExists' },
      profileName: { value: SETTING_NAMES.activityLog },
    });
    const toStorage = assign('activity-storage', 'guardrails-actlog-store', 'cloud-api-guardrails: archive every subscription\'s Activity Log in the immutable storage account', storageDefinition.id, {
      storageAccountId: { value: this.storage.id },
      effect: { value: 'DeployIfNotExists' },
    });
    this.policyAssignments.push(workspace, toStorage);

    const principalId = (assignment: authorization.PolicyAssignment) => assignment.identity.apply((identity) => identity?.principalId ?? '');
    const grant = (id: string, assignment: authorization.PolicyAssignment, role: string, roleScope: pulumi.Input<string>) =>
      new authorization.RoleAssignment(`${name}-${id}`, {
        scope: roleScope,
        principalId: principalId(assignment),
        principalType: 'ServicePrincipal',
        roleDefinitionId: `/providers/Microsoft.Authorization/roleDefinitions/${role}`,
      }, parent);
    const workspaceRoles = ACTIVITY_LOG_POLICY_ROLES.map((role, i) => grant(`activity-policy-role-${i}`, workspace, role, scope));
    // Monitoring Contributor writes the setting in each subscription; the storage role is granted on the
    // log account alone, not the whole management group.
    const storageRoles = [
      grant('activity-storage-role-monitoring', toStorage, ROLES.monitoringContributor, scope),
      grant('activity-storage-role-storage', toStorage, ROLES.storageAccountContributor, this.storage.id),
    ];

    const remediate = (id: string, assignment: authorization.PolicyAssignment, roles: pulumi.Resource[]) =>
      new policyinsights.RemediationAtManagementGroup(`${name}-${id}-remediation`, {
        managementGroupsNamespace: 'Microsoft.Management',
        managementGroupId,
        remediationName: `guardrails-${id}`,
        policyAssignmentId: assignment.id,
        // Re-evaluate first, so subscriptions no compliance scan has reached yet are remediated too.
        resourceDiscoveryMode: 'ReEvaluateCompliance',
      }, { ...parent, dependsOn: roles });
    remediate('activity-policy', workspace, workspaceRoles);
    remediate('activity-storage', toStorage, storageRoles);
  }
}
