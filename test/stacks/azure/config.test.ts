/** The Azure config keys this stack reads: each bad case is one line naming the field; warnings name theirs. */
import { describe, expect, it } from 'vitest';
import { configErrorOf, enforceModel, exampleModel } from '../../helpers/config.ts';

/** The message without its `guardrails.yaml:LINE ` location (the line moves as the example changes). */
const errorOf = (run: () => unknown) => configErrorOf(run).replace(/^guardrails\.yaml:\d+ /, '');
const warningsAt = (path: string, model = exampleModel()) => model.warnings.filter((w) => w.path === path).map((w) => w.message);

describe('azure config', () => {
  it('defaults the new keys to the safe side', () => {
    const az = exampleModel((c) => {
      delete c.azure.childManagementGroupIds;
      delete c.azure.lockImmutability;
      delete c.azure.workloadIdentityConditionalAccess;
    }).azure!;
    expect([az.childManagementGroupIds, az.lockImmutability, az.workloadIdentityConditionalAccess]).toEqual([[], false, false]);
  });

  it('warns that locking immutability is irreversible and needs an unlocked first deployment', () => {
    expect(warningsAt('azure.lockImmutability')).toEqual([]);
    expect(
      warningsAt(
        'azure.lockImmutability',
        exampleModel((c) => (c.azure.lockImmutability = true)),
      ),
    ).toEqual([
      "locks the log storage account's immutability policy, which is irreversible: its retention can then only be extended, and the account cannot be deleted while any blob is retained. Azure creates the policy unlocked and only locks an existing one, so deploy once with false first",
    ]);
  });

  it('refuses child management groups without their parent', () => {
    expect(
      errorOf(() =>
        exampleModel((c) => {
          delete c.azure.managementGroupId;
          c.azure.childManagementGroupIds = ['contoso-platform'];
        }),
      ),
    ).toBe('azure.childManagementGroupIds: needs azure.managementGroupId, the group they sit under. Set managementGroupId, or remove childManagementGroupIds.');
  });

  it('rejects a malformed child management group id', () => {
    expect(configErrorOf(() => exampleModel((c) => (c.azure.childManagementGroupIds = ['not a group'])))).toMatch(
      /azure\.childManagementGroupIds\[0\].*must be a management group id/,
    );
  });

  it('warns in report mode, and refuses in enforce mode, a workload-identity policy that spares no service principal', () => {
    const on = (c: Record<string, any>) => (c.azure.workloadIdentityConditionalAccess = true);
    expect(warningsAt('automation.azure.servicePrincipalObjectIds', exampleModel(on))).toEqual([
      'is empty while azure.workloadIdentityConditionalAccess is on, so every service principal of the tenant, the deploying pipeline included, is blocked outside the trusted locations; list the CI/CD principals before enforce',
    ]);
    expect(errorOf(() => enforceModel(on))).toBe(
      "automation.azure.servicePrincipalObjectIds: is empty while azure.workloadIdentityConditionalAccess is on, so every service principal of the tenant, the deploying pipeline included, is blocked outside the trusted locations. List the object ids of the service principals that must keep working (CI/CD, this stack's deployer), or keep mode: report.",
    );
    expect(
      warningsAt(
        'automation.azure.servicePrincipalObjectIds',
        exampleModel((c) => {
          on(c);
          c.automation.azure = { servicePrincipalObjectIds: ['00000000-0000-4000-8000-00000000c001'] };
        }),
      ),
    ).toEqual([]);
  });
});
