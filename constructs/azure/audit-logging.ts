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
 *
 * Bring your own, as pulumi-awsx does (`{ existing, args }`): `workspace.existing` / `storageAccount.existing`
 * send the logs to a workspace or an (already immutable) storage account of yours, by resource id, which the
 * component then neither creates nor locks; `resourceGroup.existing` creates ours in your resource group; `args`
 * tunes what is created. Used on its own, the component refuses what the config refuses for the same settings
 * (core/azure/activity-log-checks.ts).
 */
import * as authorization from '@pulumi/azure-native/authorization/index.js';
import * as monitor from '@pulumi/azure-native/monitor/index.js';
import * as operationalinsights from '@pulumi/azure-native/operationalinsights/index.js';
import * as policyinsights from '@pulumi/azure-native/policyinsights/index.js';
import { Provider } from '@pulumi/azure-native/provider.js';
import * as resources from '@pulumi/azure-native/resources/index.js';
import * as storage from '@pulumi/azure-native/storage/index.js';
import * as pulumi from '@pulumi/pulumi';
import { activityLogDeploymentProblem, type ActivityLogDeployment } from '../../core/azure/activity-log-checks.ts';
import { ConfigError } from '../../core/config/config-error.ts';

export interface AzureAuditLoggingArgs {
  /**
   * The Entra tenant id (a GUID; a plain string, as it names a resource). It names the storage account the
   * component creates (account names are global: see storageAccountName). Not needed with storageAccount.existing
   * or storageAccount.args.accountName.
   * @default undefined
   */
  readonly tenantId?: string;
  /** Region of the resource group, workspace and storage account created, and of the policy path's managed identities. @default 'westeurope' */
  readonly location?: pulumi.Input<string>;
  /**
   * The resource group the workspace and storage account are created in: `existing.name` is one of yours;
   * otherwise one is created (protected: `pulumi destroy` leaves it), named by `args.resourceGroupName`.
   * @default a new resource group 'guardrails-logging'
   */
  readonly resourceGroup?: {
    /** Your resource group, by name, e.g. `group.name`. */
    readonly existing?: { readonly name: pulumi.Input<string> };
    readonly args?: { /** @default 'guardrails-logging' */ readonly resourceGroupName?: string };
  };
  /**
   * The Log Analytics workspace the Activity Logs go to and the KQL alerts query: `existing.id` is the resource id
   * of one of yours (not its customerId GUID), which the component neither creates nor locks; otherwise one is
   * created (PerGB2018, CanNotDelete lock, protected), tuned by `args`.
   * @default a new workspace 'guardrails-audit' that keeps logs 365 days
   */
  readonly workspace?: {
    /** Your workspace, by ARM resource id, e.g. `workspace.id`. */
    readonly existing?: { readonly id: pulumi.Input<string> };
    readonly args?: {
      /** @default 'guardrails-audit' */
      readonly workspaceName?: string;
      /** Interactive retention, 30 to 730 days. @default 365 */
      readonly retentionInDays?: number;
    };
  };
  /**
   * The storage account the Activity Logs are archived in: `existing.id` is the resource id of one of yours (make
   * its blobs immutable yourself), which the component neither creates nor locks; otherwise one is created (GRS,
   * HTTPS and TLS 1.2 only, no shared key, no public access, account-level immutability, CanNotDelete lock,
   * protected), tuned by `args`.
   * @default a new account storageAccountName(tenantId) whose blobs are immutable for 365 days, unlocked
   */
  readonly storageAccount?: {
    /** Your storage account, by ARM resource id, e.g. `account.id`. */
    readonly existing?: { readonly id: pulumi.Input<string> };
    readonly args?: {
      /** 3-24 lowercase letters and digits, unique in Azure. @default storageAccountName(tenantId) */
      readonly accountName?: string;
      /** Days every blob version stays immutable. @default 365 */
      readonly immutableDays?: number;
      /**
       * Lock the account-level immutability policy. Irreversible: retention can then only be extended. Azure locks
       * only a policy that already exists unlocked, so deploy once with false first.
       * @default false
       */
      readonly lockImmutability?: boolean;
    };
  };
  /**
   * Subscriptions whose Activity Log gets a diagnostic setting (perSubscription; a plain string each: one provider
   * per subscription is named after it). Required non-empty for perSubscription.
   * @default []
   */
  readonly subscriptionIds?: readonly string[];
  /**
   * perSubscription: one diagnostic setting per listed subscription. policy: two DeployIfNotExists assignments at
   * managementGroupId (with remediation) that cover every subscription under it, present and future.
   * @default 'perSubscription'
   */
  readonly deployment?: ActivityLogDeployment;
  /**
   * Management group (its name, a plain string: it names child resources) whose own Activity Log also goes to the
   * workspace and storage; required for deployment policy, where the assignments live.
   * @default undefined (no management-group setting)
   */
  readonly managementGroupId?: string;
  /** Management groups under managementGroupId that also get a management-group diagnostic setting. @default [] */
  readonly childManagementGroupIds?: readonly string[];
}

/** Defaults of the optional args; the config's defaults for the same settings are the same (a test holds them together). */
export const AZURE_AUDIT_LOGGING_DEFAULTS = {
  location: 'westeurope',
  resourceGroupName: 'guardrails-logging',
  workspaceName: 'guardrails-audit',
  retentionInDays: 365,
  immutableDays: 365,
  lockImmutability: false,
  subscriptionIds: [] as readonly string[],
  deployment: 'perSubscription' as ActivityLogDeployment,
  childManagementGroupIds: [] as readonly string[],
} as const;

/**
 * ARM resource ids of what can be brought (case-insensitive, as ARM compares them). Diagnostic settings take
 * "the full ARM resource ID of the Log Analytics workspace" (REST "Diagnostic Settings - Create Or Update",
 * https://learn.microsoft.com/rest/api/monitor/diagnosticsettings/createorupdate), never its customerId.
 */
const RESOURCE_ID = {
  workspace: /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.OperationalInsights\/workspaces\/[^/]+$/i,
  storageAccount: /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Storage\/storageAccounts\/[^/]+$/i,
};

interface ResolvedArgs {
  readonly location: pulumi.Input<string>;
  readonly existingResourceGroupName: pulumi.Input<string> | undefined;
  readonly resourceGroupName: string;
  readonly existingWorkspaceId: pulumi.Input<string> | undefined;
  readonly workspaceName: string;
  readonly retentionInDays: number;
  readonly existingStorageAccountId: pulumi.Input<string> | undefined;
  /** Undefined only with an existing account. */
  readonly accountName: string | undefined;
  readonly immutableDays: number;
  readonly lockImmutability: boolean;
  readonly subscriptionIds: readonly string[];
  readonly deployment: ActivityLogDeployment;
  readonly managementGroupId: string | undefined;
  readonly childManagementGroupIds: readonly string[];
}

/** Applies the defaults and refuses, in one line naming the arg and the fix, what cannot work. */
function resolveArgs(name: string, args: AzureAuditLoggingArgs): ResolvedArgs {
  const at = (field: string) => `AzureAuditLogging '${name}' args.${field}`;
  const d = AZURE_AUDIT_LOGGING_DEFAULTS;
  for (const field of ['resourceGroup', 'workspace', 'storageAccount'] as const) {
    if (args[field]?.existing && args[field]?.args) {
      throw new ConfigError(at(field), 'has both existing and args', 'Pass existing to use yours, or args to tune the one the component creates, not both.');
    }
  }
  const workspaceId = args.workspace?.existing?.id;
  if (typeof workspaceId === 'string' && !RESOURCE_ID.workspace.test(workspaceId)) {
    throw new ConfigError(
      at('workspace.existing.id'),
      `"${workspaceId}" is not a Log Analytics workspace resource id`,
      "Pass the workspace's id (/subscriptions/SUB/resourceGroups/RG/providers/Microsoft.OperationalInsights/workspaces/NAME), e.g. workspace.id; its customerId GUID is not accepted.",
    );
  }
  const storageAccountId = args.storageAccount?.existing?.id;
  if (typeof storageAccountId === 'string' && !RESOURCE_ID.storageAccount.test(storageAccountId)) {
    throw new ConfigError(
      at('storageAccount.existing.id'),
      `"${storageAccountId}" is not a storage account resource id`,
      "Pass the account's id (/subscriptions/SUB/resourceGroups/RG/providers/Microsoft.Storage/storageAccounts/NAME), e.g. account.id.",
    );
  }
  let accountName = args.storageAccount?.args?.accountName;
  if (storageAccountId === undefined && accountName === undefined) {
    if (!args.tenantId)
      throw new ConfigError(
        at('tenantId'),
        'is missing, and it names the storage account the component creates',
        'Pass tenantId, or storageAccount.args.accountName, or your own account as storageAccount.existing.',
      );
    accountName = storageAccountName(args.tenantId);
  }
  if (accountName !== undefined && !/^[a-z0-9]{3,24}$/.test(accountName)) {
    throw new ConfigError(
      at(args.storageAccount?.args?.accountName ? 'storageAccount.args.accountName' : 'tenantId'),
      `gives the storage account name "${accountName}", not 3-24 lowercase letters and digits`,
      'Pass the Entra tenant id (a GUID), or a valid storageAccount.args.accountName.',
    );
  }
  const resolved: ResolvedArgs = {
    location: args.location ?? d.location,
    existingResourceGroupName: args.resourceGroup?.existing?.name,
    resourceGroupName: args.resourceGroup?.args?.resourceGroupName ?? d.resourceGroupName,
    existingWorkspaceId: workspaceId,
    workspaceName: args.workspace?.args?.workspaceName ?? d.workspaceName,
    retentionInDays: args.workspace?.args?.retentionInDays ?? d.retentionInDays,
    existingStorageAccountId: storageAccountId,
    accountName,
    immutableDays: args.storageAccount?.args?.immutableDays ?? d.immutableDays,
    lockImmutability: args.storageAccount?.args?.lockImmutability ?? d.lockImmutability,
    subscriptionIds: args.subscriptionIds ?? d.subscriptionIds,
    deployment: args.deployment ?? d.deployment,
    managementGroupId: args.managementGroupId,
    childManagementGroupIds: args.childManagementGroupIds ?? d.childManagementGroupIds,
  };
  // The config validator runs the same check on the same settings.
  const deployment = activityLogDeploymentProblem(
    {
      deployment: resolved.deployment,
      managementGroupId: resolved.managementGroupId,
      subscriptionCount: resolved.subscriptionIds.length,
      childManagementGroupCount: resolved.childManagementGroupIds.length,
    },
    { deployment: 'deployment', managementGroupId: 'managementGroupId' },
  );
  if (deployment) throw new ConfigError(at(deployment.field), deployment.problem, deployment.fix);
  return resolved;
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
    // biome-ignore lint/suspicious/noThenProperty: an Azure Policy rule is { if, then } by Microsoft's schema, and a then that is an object, not a function, makes nothing thenable
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
  /** The workspace created; undefined with workspace.existing. */
  readonly workspace: operationalinsights.Workspace | undefined;
  /** The storage account created; undefined with storageAccount.existing. */
  readonly storage: storage.StorageAccount | undefined;
  /** Resource id of the workspace the logs go to (created or existing). */
  readonly workspaceId: pulumi.Output<string>;
  /** Resource id of the storage account the logs are archived in (created or existing). */
  readonly storageAccountId: pulumi.Output<string>;
  /** The resource group holding what was created (created or existing): the kit puts its alert rules there too. */
  readonly resourceGroupName: pulumi.Output<string>;
  /** The diagnostic settings created directly (perSubscription and management groups), for dependsOn. */
  readonly settings: pulumi.Resource[];
  /** The DeployIfNotExists assignments of the policy path. */
  readonly policyAssignments: authorization.PolicyAssignment[];

  constructor(name: string, args: AzureAuditLoggingArgs, opts?: pulumi.ComponentResourceOptions) {
    // Refused before anything is registered, so a bad call leaves no half-built component behind.
    const resolved = resolveArgs(name, args);
    super('guardrails:azure:AuditLogging', name, {}, opts);
    this.settings = [];
    this.policyAssignments = [];
    const parent = { parent: this };
    // CanNotDelete on a resource (https://learn.microsoft.com/azure/azure-resource-manager/management/lock-resources).
    const lock = (id: string, scope: pulumi.Input<string>, what: string) =>
      new authorization.ManagementLockByScope(
        `${name}-lock-${id}`,
        { scope, level: 'CanNotDelete', lockName: 'guardrails-audit', notes: `cloud-api-guardrails: ${what} holds audit evidence` },
        parent,
      );

    this.resourceGroupName =
      resolved.existingResourceGroupName !== undefined
        ? pulumi.output(resolved.existingResourceGroupName)
        : new resources.ResourceGroup(
            `${name}-rg`,
            { resourceGroupName: resolved.resourceGroupName, location: resolved.location },
            { ...parent, protect: true },
          ).name;
    this.workspace =
      resolved.existingWorkspaceId !== undefined
        ? undefined
        : new operationalinsights.Workspace(
            `${name}-workspace`,
            {
              resourceGroupName: this.resourceGroupName,
              location: resolved.location,
              workspaceName: resolved.workspaceName,
              sku: { name: 'PerGB2018' },
              retentionInDays: resolved.retentionInDays,
            },
            { ...parent, protect: true },
          );
    // Account-level version immutability: "A policy can only be created in a Disabled or Unlocked state ... Only a
    // policy in an Unlocked state can transition to a Locked state which cannot be reverted"
    // (AccountImmutabilityPolicyState, https://learn.microsoft.com/javascript/api/@azure/arm-storage/accountimmutabilitypolicystate).
    this.storage =
      resolved.existingStorageAccountId !== undefined
        ? undefined
        : new storage.StorageAccount(
            `${name}-storage`,
            {
              resourceGroupName: this.resourceGroupName,
              location: resolved.location,
              accountName: resolved.accountName!,
              kind: 'StorageV2',
              sku: { name: 'Standard_GRS' },
              enableHttpsTrafficOnly: true,
              minimumTlsVersion: 'TLS1_2',
              allowBlobPublicAccess: false,
              allowSharedKeyAccess: false,
              defaultToOAuthAuthentication: true,
              immutableStorageWithVersioning: {
                enabled: true,
                immutabilityPolicy: {
                  immutabilityPeriodSinceCreationInDays: resolved.immutableDays,
                  state: resolved.lockImmutability ? 'Locked' : 'Unlocked',
                  allowProtectedAppendWrites: true,
                },
              },
            },
            { ...parent, protect: true },
          );
    // Locks go on what the component created only: a resource you bring stays yours to lock.
    if (this.workspace) lock('workspace', this.workspace.id, 'the Log Analytics workspace');
    if (this.storage) lock('storage', this.storage.id, 'the immutable log storage account');
    this.workspaceId = this.workspace ? this.workspace.id : pulumi.output(resolved.existingWorkspaceId!);
    this.storageAccountId = this.storage ? this.storage.id : pulumi.output(resolved.existingStorageAccountId!);

    if (resolved.deployment === 'policy') {
      this.activityLogPolicy(name, resolved);
    } else {
      for (const subscriptionId of resolved.subscriptionIds) {
        // A subscription diagnostic setting is created in the provider's subscription: one provider each.
        const provider = new Provider(`${name}-sub-${subscriptionId}`, { subscriptionId }, parent);
        this.settings.push(
          new monitor.SubscriptionDiagnosticSetting(
            `${name}-activity-${subscriptionId}`,
            {
              name: SETTING_NAMES.activityLog,
              workspaceId: this.workspaceId,
              storageAccountId: this.storageAccountId,
              logs: ACTIVITY_LOG_CATEGORIES.map((category) => ({ category, enabled: true })),
            },
            { ...parent, provider },
          ),
        );
      }
    }
    if (resolved.managementGroupId) {
      for (const managementGroupId of [resolved.managementGroupId, ...resolved.childManagementGroupIds]) {
        this.settings.push(
          new monitor.ManagementGroupDiagnosticSetting(
            `${name}-mg-${managementGroupId}`,
            {
              managementGroupId,
              name: SETTING_NAMES.managementGroup,
              workspaceId: this.workspaceId,
              storageAccountId: this.storageAccountId,
              logs: MANAGEMENT_GROUP_LOG_CATEGORIES.map((category) => ({ category, enabled: true })),
            },
            parent,
          ),
        );
      }
    }
    this.registerOutputs({ workspaceId: this.workspaceId, storageAccountId: this.storageAccountId, resourceGroupName: this.resourceGroupName });
  }

  /**
   * Two DeployIfNotExists assignments at the management group, each with its managed identity's roles and a
   * remediation task: DINE only acts on resources created or updated after the assignment, so existing
   * subscriptions need a remediation (https://learn.microsoft.com/azure/governance/policy/how-to/remediate-resources;
   * resource: https://www.pulumi.com/registry/packages/azure-native/api-docs/policyinsights/remediationatmanagementgroup/).
   */
  private activityLogPolicy(name: string, args: ResolvedArgs): void {
    const parent = { parent: this };
    const managementGroupId = args.managementGroupId!;
    const scope = managementGroupScope(managementGroupId);
    const storageDefinition = new authorization.PolicyDefinitionAtManagementGroup(
      `${name}-activity-storage-definition`,
      {
        managementGroupId,
        policyDefinitionName: 'guardrails-activity-log-to-storage',
        displayName: 'cloud-api-guardrails: configure Azure Activity logs to stream to a storage account',
        description:
          'Deploys a subscription diagnostic setting that sends every Activity Log category to the given storage account (the storage counterpart of built-in 2465583e-4e78-4c15-b6be-a36cbc7c8b0f).',
        policyType: 'Custom',
        mode: 'All',
        metadata: { category: 'Monitoring', version: '1.0.0' },
        parameters: {
          storageAccountId: { type: 'String', metadata: { displayName: 'Storage account', description: 'Resource id of the immutable log storage account' } },
          deploymentLocation: { type: 'String', defaultValue: args.location, metadata: { displayName: 'Deployment location' } },
          effect: {
            type: 'String',
            defaultValue: 'DeployIfNotExists',
            allowedValues: ['DeployIfNotExists', 'AuditIfNotExists', 'Disabled'],
            metadata: { displayName: 'Effect' },
          },
        },
        policyRule: activityLogToStoragePolicyRule(),
      },
      parent,
    );

    // Assignment names at management-group scope are at most 24 characters.
    const assign = (
      id: string,
      policyAssignmentName: string,
      displayName: string,
      policyDefinitionId: pulumi.Input<string>,
      parameters: Record<string, { value: pulumi.Input<string> }>,
    ) =>
      new authorization.PolicyAssignment(
        `${name}-${id}`,
        {
          scope,
          policyAssignmentName,
          displayName,
          policyDefinitionId,
          parameters,
          identity: { type: 'SystemAssigned' },
          location: args.location,
          enforcementMode: 'Default',
        },
        parent,
      );
    const workspace = assign(
      'activity-policy',
      'guardrails-activity-log',
      "cloud-api-guardrails: stream every subscription's Activity Log to the audit workspace",
      ACTIVITY_LOG_POLICY_DEFINITION,
      {
        logAnalytics: { value: this.workspaceId },
        effect: { value: 'DeployIfNotExists' },
        profileName: { value: SETTING_NAMES.activityLog },
      },
    );
    const toStorage = assign(
      'activity-storage',
      'guardrails-actlog-store',
      "cloud-api-guardrails: archive every subscription's Activity Log in the immutable storage account",
      storageDefinition.id,
      {
        storageAccountId: { value: this.storageAccountId },
        effect: { value: 'DeployIfNotExists' },
      },
    );
    this.policyAssignments.push(workspace, toStorage);

    const principalId = (assignment: authorization.PolicyAssignment) => assignment.identity.apply((identity) => identity?.principalId ?? '');
    const grant = (id: string, assignment: authorization.PolicyAssignment, role: string, roleScope: pulumi.Input<string>) =>
      new authorization.RoleAssignment(
        `${name}-${id}`,
        {
          scope: roleScope,
          principalId: principalId(assignment),
          principalType: 'ServicePrincipal',
          roleDefinitionId: `/providers/Microsoft.Authorization/roleDefinitions/${role}`,
        },
        parent,
      );
    const workspaceRoles = ACTIVITY_LOG_POLICY_ROLES.map((role, i) => grant(`activity-policy-role-${i}`, workspace, role, scope));
    // Monitoring Contributor writes the setting in each subscription; the storage role is granted on the
    // log account alone, not the whole management group.
    const storageRoles = [
      grant('activity-storage-role-monitoring', toStorage, ROLES.monitoringContributor, scope),
      grant('activity-storage-role-storage', toStorage, ROLES.storageAccountContributor, this.storageAccountId),
    ];

    const remediate = (id: string, assignment: authorization.PolicyAssignment, roles: pulumi.Resource[]) =>
      new policyinsights.RemediationAtManagementGroup(
        `${name}-${id}-remediation`,
        {
          managementGroupsNamespace: 'Microsoft.Management',
          managementGroupId,
          remediationName: `guardrails-${id}`,
          policyAssignmentId: assignment.id,
          // Re-evaluate first, so subscriptions no compliance scan has reached yet are remediated too.
          resourceDiscoveryMode: 'ReEvaluateCompliance',
        },
        { ...parent, dependsOn: roles },
      );
    remediate('activity-policy', workspace, workspaceRoles);
    remediate('activity-storage', toStorage, storageRoles);
  }
}
