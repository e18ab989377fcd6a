/**
 * EntraDiagnostics on its own, under Pulumi's mocks: the tenant diagnostic setting with every Entra log
 * category, its destinations taken from another component's outputs (AzureAuditLogging).
 */
import type * as pulumi from '@pulumi/pulumi';
import { describe, expect, it } from 'vitest';
import { AzureAuditLogging, SETTING_NAMES } from '../../../constructs/azure/audit-logging.ts';
import { ENTRA_LOG_CATEGORIES, EntraDiagnostics } from '../../../constructs/azure/entra-diagnostics.ts';
import { planUnderMocks } from '../../../stacks/pulumi-plan.ts';
import { inputsOfType } from '../../helpers/pulumi-plan.ts';

const plan = (program: () => void) => planUnderMocks('guardrails-components', 'test', program);
const resolved = <T>(output: pulumi.Output<T>) => new Promise<T>((resolve) => output.apply(resolve));

describe('EntraDiagnostics used on its own', () => {
  it("sends every Entra log category to the workspace and storage it is given, here AzureAuditLogging's outputs", async () => {
    let entra: EntraDiagnostics | undefined;
    const planned = await plan(() => {
      const logging = new AzureAuditLogging('audit', {
        tenantId: '00000000-0000-4000-8000-000000000001',
        subscriptionIds: ['00000000-0000-4000-8000-0000000000a1'],
      });
      entra = new EntraDiagnostics('entra', { workspaceId: logging.workspaceId, storageAccountId: logging.storageAccountId });
    });
    expect(inputsOfType(planned, 'aadiam:DiagnosticSetting')).toEqual([
      {
        name: SETTING_NAMES.entra,
        workspaceId: '<computed: id of audit-workspace>',
        storageAccountId: '<computed: id of audit-storage>',
        logs: ENTRA_LOG_CATEGORIES.map((category) => ({ category, enabled: true })),
      },
    ]);
    expect(await resolved(entra!.setting.id)).toBe('<computed: id of entra-setting>');
  });
});
