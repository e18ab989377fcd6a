/**
 * DiagnosticSettingsProtection on its own, under Pulumi's mocks: by default it protects the Activity Log
 * settings AzureAuditLogging creates, assigned at a management group (which may come from another resource)
 * or in each subscription; it refuses to assign the policy nowhere or to protect nothing.
 */
import * as resources from '@pulumi/azure-native/resources';
import type * as pulumi from '@pulumi/pulumi';
import { describe, expect, it } from 'vitest';
import { SETTING_NAMES } from '../../../constructs/azure/audit-logging.ts';
import { DiagnosticSettingsProtection } from '../../../constructs/azure/diagnostic-settings-protection.ts';
import { planUnderMocks } from '../../../stacks/pulumi-plan.ts';
import { configErrorOf } from '../../helpers/config.ts';
import { inputsOfType } from '../../helpers/pulumi-plan.ts';

const plan = (program: () => void) => planUnderMocks('guardrails-components', 'test', program);
const resolved = <T>(output: pulumi.Output<T>) => new Promise<T>((resolve) => output.apply(resolve));
const protectedNames = (rule: unknown) => (rule as { if: { allOf: [unknown, { in: string[] }] } }).if.allOf[1].in;

describe('DiagnosticSettingsProtection used on its own', () => {
  it("protects the kit's Activity Log settings in each subscription by default", async () => {
    let protection: DiagnosticSettingsProtection | undefined;
    const planned = await plan(() => (protection = new DiagnosticSettingsProtection('keep', { subscriptionIds: ['s1', 's2'] })));
    const definitions = inputsOfType(planned, 'authorization:PolicyDefinition');
    expect(definitions).toHaveLength(2);
    expect(protectedNames(definitions[0]!['policyRule'])).toEqual([SETTING_NAMES.activityLog, SETTING_NAMES.activityLogStorage, SETTING_NAMES.managementGroup]);
    expect(inputsOfType(planned, ':PolicyAssignment').map((a) => a['scope'])).toEqual(['/subscriptions/s1', '/subscriptions/s2']);
    expect(await resolved(protection!.assignmentIds)).toEqual(['<computed: id of keep-assignment-s1>', '<computed: id of keep-assignment-s2>']);
  });

  it('assigns once at a management group taken from another resource, for the setting names given', async () => {
    const planned = await plan(() => {
      // Any resource output will do; the mocks echo a resource group's name, not a management group's.
      const source = new resources.ResourceGroup('names', { resourceGroupName: 'contoso-root' });
      new DiagnosticSettingsProtection('keep', { managementGroupId: source.name, settingNames: ['soc-activity'] });
    });
    expect(inputsOfType(planned, ':PolicyDefinitionAtManagementGroup')).toEqual([expect.objectContaining({ managementGroupId: 'contoso-root' })]);
    expect(protectedNames(inputsOfType(planned, ':PolicyDefinitionAtManagementGroup')[0]!['policyRule'])).toEqual(['soc-activity']);
    expect(inputsOfType(planned, ':PolicyAssignment').map((a) => a['scope'])).toEqual(['/providers/Microsoft.Management/managementGroups/contoso-root']);
  });

  it('refuses to assign the policy nowhere, or to protect nothing', async () => {
    let messages: string[] = [];
    const planned = await plan(() => {
      messages = [
        configErrorOf(() => new DiagnosticSettingsProtection('keep', {})),
        configErrorOf(() => new DiagnosticSettingsProtection('keep', { subscriptionIds: ['s1'], settingNames: [] })),
      ];
    });
    expect(planned).toEqual([]);
    expect(messages).toEqual([
      "DiagnosticSettingsProtection 'keep' args.subscriptionIds: is empty and there is no managementGroupId, so the policy would be assigned nowhere. Pass managementGroupId, or the subscriptions that hold the settings.",
      "DiagnosticSettingsProtection 'keep' args.settingNames: is empty, so the policy would protect nothing. Leave it out for the kit's own settings, or name yours.",
    ]);
  });
});
