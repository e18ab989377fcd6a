/**
 * Azure Policy that refuses to delete the kit's own diagnostic settings, instead of a lock (a lock on a
 * subscription is inherited by everything in it). The `denyAction` effect blocks DELETE requests on matching
 * resources with 403 (https://learn.microsoft.com/azure/governance/policy/concepts/effect-deny-action); the
 * rule follows Azure Landing Zones' DenyAction-ActivityLogs / DenyAction-DiagnosticLogs definitions
 * (github.com/Azure/Enterprise-Scale src/resources/Microsoft.Authorization/policyDefinitions), narrowed to the
 * setting names this kit creates, so other teams' settings are untouched and it can be enforced in both modes.
 *
 * Assigned at the management group when there is one, else in each listed subscription. Policy assignments
 * and locks are exempt from denyAction, so the way out stays open: delete this assignment first (Pulumi does,
 * on destroy, because the assignment depends on the settings it protects).
 */
import * as authorization from '@pulumi/azure-native/authorization/index.js';
import { Provider } from '@pulumi/azure-native/provider.js';
import * as pulumi from '@pulumi/pulumi';
import { ConfigError } from '../../core/config/config-error.ts';
import { SETTING_NAMES } from './audit-logging.ts';

export interface DiagnosticSettingsProtectionArgs {
  /**
   * Names of the diagnostic settings to protect. The Entra setting is not among the defaults: it is a tenant
   * resource, outside any management group or subscription a policy can be assigned to.
   * @default the Activity Log settings AzureAuditLogging creates (SETTING_NAMES activityLog, activityLogStorage, managementGroup)
   */
  readonly settingNames?: readonly string[];
  /** Assign at this management group (covers every subscription under it) ... @default undefined */
  readonly managementGroupId?: pulumi.Input<string>;
  /**
   * ... or, without one, in each of these subscriptions (plain strings: one provider per subscription is named
   * after it). One of the two is required.
   * @default []
   */
  readonly subscriptionIds?: readonly string[];
  /** The settings protected, so the assignment is created after and deleted before them, e.g. AzureAuditLogging's `settings`. @default [] */
  readonly protects?: pulumi.Input<pulumi.Resource>[];
}

/** Defaults of the optional args. */
export const DIAGNOSTIC_SETTINGS_PROTECTION_DEFAULTS = {
  settingNames: [SETTING_NAMES.activityLog, SETTING_NAMES.activityLogStorage, SETTING_NAMES.managementGroup] as readonly string[],
  subscriptionIds: [] as readonly string[],
  protects: [] as pulumi.Input<pulumi.Resource>[],
} as const;

/** Subscription Activity Log settings and resource diagnostic settings, as ALZ names the two types. */
export const DIAGNOSTIC_SETTING_TYPES = ['Microsoft.Resources/subscriptions/providers/diagnosticSettings', 'Microsoft.Insights/diagnosticSettings'];

export function denyDeleteSettingsRule(settingNames: readonly string[]): Record<string, unknown> {
  return {
    if: {
      allOf: [{ anyOf: DIAGNOSTIC_SETTING_TYPES.map((type) => ({ field: 'type', equals: type })) }, { field: 'name', in: [...settingNames] }],
    },
    // biome-ignore lint/suspicious/noThenProperty: an Azure Policy rule is { if, then } by Microsoft's schema, and a then that is an object, not a function, makes nothing thenable
    then: { effect: 'denyAction', details: { actionNames: ['delete'] } },
  };
}

const DEFINITION = {
  policyDefinitionName: 'guardrails-deny-delete-diagnostic-settings',
  displayName: 'cloud-api-guardrails: deny deleting the audit diagnostic settings',
  description: 'denyAction on DELETE of the diagnostic settings that send the Activity Log and Entra logs to the cloud-api-guardrails workspace and storage.',
  policyType: 'Custom',
  // Indexed, as in the ALZ definitions this follows.
  mode: 'Indexed',
  metadata: { category: 'Monitoring', version: '1.0.0' },
} as const;

export class DiagnosticSettingsProtection extends pulumi.ComponentResource {
  /** The denyAction assignments: one at the management group, or one per subscription. */
  readonly assignments: authorization.PolicyAssignment[];
  /** Their ids. */
  readonly assignmentIds: pulumi.Output<string[]>;

  constructor(name: string, args: DiagnosticSettingsProtectionArgs, opts?: pulumi.ComponentResourceOptions) {
    const d = DIAGNOSTIC_SETTINGS_PROTECTION_DEFAULTS;
    const settingNames = args.settingNames ?? d.settingNames;
    const subscriptionIds = args.subscriptionIds ?? d.subscriptionIds;
    const at = (field: string) => `DiagnosticSettingsProtection '${name}' args.${field}`;
    if (!args.managementGroupId && subscriptionIds.length === 0) {
      throw new ConfigError(
        at('subscriptionIds'),
        'is empty and there is no managementGroupId, so the policy would be assigned nowhere',
        'Pass managementGroupId, or the subscriptions that hold the settings.',
      );
    }
    if (settingNames.length === 0)
      throw new ConfigError(at('settingNames'), 'is empty, so the policy would protect nothing', "Leave it out for the kit's own settings, or name yours.");
    super('guardrails:azure:DiagnosticSettingsProtection', name, {}, opts);
    this.assignments = [];
    const parent = { parent: this };
    const policyRule = denyDeleteSettingsRule(settingNames);
    const assignmentArgs = {
      policyAssignmentName: 'guardrails-keep-diag',
      displayName: DEFINITION.displayName,
      enforcementMode: 'Default',
    };
    const dependsOn = args.protects ?? d.protects;
    if (args.managementGroupId) {
      const definition = new authorization.PolicyDefinitionAtManagementGroup(
        `${name}-definition`,
        { managementGroupId: args.managementGroupId, ...DEFINITION, policyRule },
        parent,
      );
      this.assignments.push(
        new authorization.PolicyAssignment(
          `${name}-assignment`,
          {
            ...assignmentArgs,
            scope: pulumi.interpolate`/providers/Microsoft.Management/managementGroups/${args.managementGroupId}`,
            policyDefinitionId: definition.id,
          },
          { ...parent, dependsOn },
        ),
      );
    } else {
      for (const subscriptionId of subscriptionIds) {
        const provider = new Provider(`${name}-sub-${subscriptionId}`, { subscriptionId }, parent);
        const definition = new authorization.PolicyDefinition(`${name}-definition-${subscriptionId}`, { ...DEFINITION, policyRule }, { ...parent, provider });
        this.assignments.push(
          new authorization.PolicyAssignment(
            `${name}-assignment-${subscriptionId}`,
            {
              ...assignmentArgs,
              scope: `/subscriptions/${subscriptionId}`,
              policyDefinitionId: definition.id,
            },
            { ...parent, provider, dependsOn },
          ),
        );
      }
    }
    this.assignmentIds = pulumi.all(this.assignments.map((a) => a.id));
    this.registerOutputs({ assignmentIds: this.assignmentIds });
  }
}
