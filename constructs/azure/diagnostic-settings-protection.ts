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
import * as authorization from '@pulumi/azure-native/authorization';
import { Provider } from '@pulumi/azure-native/provider';
import * as pulumi from '@pulumi/pulumi';

export interface DiagnosticSettingsProtectionArgs {
  /** Names of the diagnostic settings to protect. */
  readonly settingNames: readonly string[];
  /** Assign at this management group (covers its subscriptions) ... */
  readonly managementGroupId?: string;
  /** ... or, without one, in each of these subscriptions. */
  readonly subscriptionIds: readonly string[];
  /** The settings protected, so the assignment is created after and deleted before them. @default [] */
  readonly protects?: pulumi.Input<pulumi.Resource>[];
}

/** Subscription Activity Log settings and resource diagnostic settings, as ALZ names the two types. */
export const DIAGNOSTIC_SETTING_TYPES = ['Microsoft.Resources/subscriptions/providers/diagnosticSettings', 'Microsoft.Insights/diagnosticSettings'];

export function denyDeleteSettingsRule(settingNames: readonly string[]): Record<string, unknown> {
  return {
    if: {
      allOf: [
        { anyOf: DIAGNOSTIC_SETTING_TYPES.map((type) => ({ field: 'type', equals: type })) },
        { field: 'name', in: [...settingNames] },
      ],
    },
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
  readonly assignments: authorization.PolicyAssignment[] = [];

  constructor(name: string, args: DiagnosticSettingsProtectionArgs, opts?: pulumi.ComponentResourceOptions) {
    super('guardrails:azure:DiagnosticSettingsProtection', name, {}, opts);
    const parent = { parent: this };
    const policyRule = denyDeleteSettingsRule(args.settingNames);
    const assignmentArgs = {
      policyAssignmentName: 'guardrails-keep-diag',
      displayName: DEFINITION.displayName,
      enforcementMode: 'Default',
    };
    const dependsOn = args.protects ?? [];
    if (args.managementGroupId) {
      const definition = new authorization.PolicyDefinitionAtManagementGroup(`${name}-definition`, { managementGroupId: args.managementGroupId, ...DEFINITION, policyRule }, parent);
      this.assignments.push(new authorization.PolicyAssignment(`${name}-assignment`, {
        ...assignmentArgs,
        scope: `/providers/Microsoft.Management/managementGroups/${args.managementGroupId}`,
        policyDefinitionId: definition.id,
      }, { ...parent, dependsOn }));
    } else {
      for (const subscriptionId of args.subscriptionIds) {
        const provider = new Provider(`${name}-sub-${subscriptionId}`, { subscriptionId }, parent);
        const definition = new authorization.PolicyDefinition(`${name}-definition-${subscriptionId}`, { ...DEFINITION, policyRule }, { ...parent, provider });
        this.assignments.push(new authorization.PolicyAssignment(`${name}-assignment-${subscriptionId}`, {
          ...assignmentArgs,
          scope: `/subscriptions/${subscriptionId}`,
          policyDefinitionId: definition.id,
        }, { ...parent, provider, dependsOn }));
      }
    }
    this.registerOutputs({});
  }
}
