/**
 * ConditionalAccess on its own, through its public args, under Pulumi's mocks: what a minimal call builds,
 * object ids that come from other resources, the outputs it registers, and the same refusals as the config
 * (one line naming the arg and the fix, before anything is registered).
 */
import * as azuread from '@pulumi/azuread';
import type * as pulumi from '@pulumi/pulumi';
import { describe, expect, it } from 'vitest';
import { AZURE_SERVICE_MANAGEMENT_API, CONDITIONAL_ACCESS_DEFAULTS, ConditionalAccess } from '../../../constructs/azure/conditional-access.ts';
import { configSchema } from '../../../core/config/schema.ts';
import { planUnderMocks, type PlannedResource } from '../../../stacks/pulumi-plan.ts';
import { configErrorOf } from '../../helpers/config.ts';
import { inputsOfType } from '../../helpers/pulumi-plan.ts';

const plan = (program: () => void) => planUnderMocks('guardrails-components', 'test', program);
const resolved = <T>(output: pulumi.Output<T>) => new Promise<T>((resolve) => output.apply(resolve));
/** The one-line refusal, after checking that nothing at all was registered. */
async function refusal(construct: () => unknown): Promise<string> {
  let message = '';
  const resources = await plan(() => (message = configErrorOf(construct)));
  expect(resources).toEqual([]);
  return message;
}

const BREAK_GLASS = '00000000-0000-4000-8000-00000000b001';
type Policy = {
  state: string;
  conditions: {
    users: { excludedUsers?: string[]; excludedGroups?: string[] };
    locations?: { includedLocations: string[]; excludedLocations?: string[] };
    applications: { includedApplications: string[] };
  };
};
const policies = (resources: PlannedResource[]) =>
  Object.fromEntries(
    resources.filter((r) => r.type.endsWith(':ConditionalAccessPolicy')).map((r) => [r.name.replace(/^ca-/, ''), r.inputs as unknown as Policy]),
  );

describe('ConditionalAccess used on its own', () => {
  it('needs only a break-glass account: four report-only policies that exclude it, and no named location', async () => {
    let ca: ConditionalAccess | undefined;
    const resources = await plan(() => (ca = new ConditionalAccess('ca', { breakGlassUserIds: [BREAK_GLASS] })));
    const built = policies(resources);
    expect(Object.keys(built).sort()).toEqual(['admins-untrusted', 'block-device-code', 'block-untrusted', 'require-mfa']);
    for (const policy of Object.values(built)) {
      expect(policy.state).toBe('enabledForReportingButNotEnforced');
      expect(policy.conditions.users).toMatchObject({ excludedUsers: [BREAK_GLASS], excludedGroups: [] });
    }
    expect(built['block-untrusted']!.conditions.applications.includedApplications).toEqual([AZURE_SERVICE_MANAGEMENT_API]);
    expect(built['require-mfa']!.conditions.locations).toEqual({ includedLocations: ['All'] });
    expect(inputsOfType(resources, ':NamedLocation')).toEqual([]);
    expect(ca!.namedLocation).toBeUndefined();
    expect(await resolved(ca!.policyIds)).toEqual(
      ['ca-block-untrusted', 'ca-require-mfa', 'ca-admins-untrusted', 'ca-block-device-code'].map((n) => `<computed: id of ${n}>`),
    );
  });

  it('takes break-glass groups and trusted named locations from other resources, and enforces with them', async () => {
    let ca: ConditionalAccess | undefined;
    const resources = await plan(() => {
      const group = new azuread.Group('break-glass', { displayName: 'break-glass', securityEnabled: true });
      const office = new azuread.NamedLocation('office', { displayName: 'office', ip: { ipRanges: ['198.51.100.0/24'], trusted: true } });
      ca = new ConditionalAccess('ca', {
        mode: 'enforce',
        breakGlassGroupIds: [group.id],
        extraTrustedLocationIds: [office.id],
        trustedCidrs: ['203.0.113.0/24'],
      });
    });
    const built = policies(resources);
    expect(built['block-untrusted']).toMatchObject({
      state: 'enabled',
      conditions: {
        users: { excludedUsers: [], excludedGroups: ['<computed: id of break-glass>'] },
        locations: { includedLocations: ['All'], excludedLocations: ['<computed: id of ca-trusted>', '<computed: id of office>'] },
      },
    });
    expect(inputsOfType(resources, ':NamedLocation')).toContainEqual({
      displayName: 'guardrails trusted networks',
      ip: { ipRanges: ['203.0.113.0/24'], trusted: true },
    });
    expect(await resolved(ca!.trustedLocationIds)).toEqual(['<computed: id of ca-trusted>', '<computed: id of office>']);
  });

  it('builds the workload-identity policy when asked, sparing the automation principals', async () => {
    const automation = '00000000-0000-4000-8000-00000000c001';
    const resources = await plan(
      () => new ConditionalAccess('ca', { breakGlassUserIds: [BREAK_GLASS], workloadIdentities: true, automationServicePrincipalIds: [automation] }),
    );
    expect(resources.find((r) => r.name === 'ca-workload-identities')?.inputs).toMatchObject({
      conditions: { clientApplications: { excludedServicePrincipals: [automation] } },
    });
  });
});

describe('ConditionalAccess refuses what the config refuses', () => {
  it('a policy set that excludes no break-glass account', async () => {
    expect(await refusal(() => new ConditionalAccess('ca', {}))).toBe(
      "ConditionalAccess 'ca' args: has no breakGlassUserIds or breakGlassGroupIds; every Conditional Access policy must exclude an emergency-access account. Add the object id of at least one break-glass user (cloud-only, excluded from MFA registration policies).",
    );
  });

  it('enforce with no trusted location', async () => {
    expect(await refusal(() => new ConditionalAccess('ca', { mode: 'enforce', breakGlassUserIds: [BREAK_GLASS] }))).toBe(
      "ConditionalAccess 'ca' args.mode: enforce with no trustedCidrs or extraTrustedLocationIds would block Azure management from everywhere. Add trusted networks, or keep mode: report.",
    );
  });

  it('a trusted range that is not a public egress range', async () => {
    expect(await refusal(() => new ConditionalAccess('ca', { breakGlassUserIds: [BREAK_GLASS], trustedCidrs: ['203.0.113.0/24', '0.0.0.0/0'] }))).toMatch(
      /^ConditionalAccess 'ca' args\.trustedCidrs\[1\]: 0\.0\.0\.0\/0 trusts the whole Internet/,
    );
    expect(await refusal(() => new ConditionalAccess('ca', { breakGlassUserIds: [BREAK_GLASS], trustedCidrs: ['10.0.0.0/8'] }))).toMatch(
      /^ConditionalAccess 'ca' args\.trustedCidrs\[0\]: 10\.0\.0\.0\/8 is in/,
    );
  });

  it('an enforced workload-identity policy that spares no service principal (report mode is let through, as the config only warns)', async () => {
    expect(
      await refusal(
        () => new ConditionalAccess('ca', { mode: 'enforce', trustedCidrs: ['203.0.113.0/24'], breakGlassUserIds: [BREAK_GLASS], workloadIdentities: true }),
      ),
    ).toMatch(/^ConditionalAccess 'ca' args\.automationServicePrincipalIds: is empty while workloadIdentities is on, .* or keep mode: report\.$/);
    const resources = await plan(() => new ConditionalAccess('ca', { breakGlassUserIds: [BREAK_GLASS], workloadIdentities: true }));
    expect(resources.map((r) => r.name)).toContain('ca-workload-identities');
  });
});

describe('ConditionalAccess defaults', () => {
  it("are the config's defaults for the same settings", () => {
    const parsed = configSchema.parse({ trustedNetworks: { azure: {} }, azure: { tenantId: '00000000-0000-4000-8000-000000000001' } });
    expect(CONDITIONAL_ACCESS_DEFAULTS.mode).toBe(parsed.mode);
    expect(CONDITIONAL_ACCESS_DEFAULTS.compliantDeviceRequired).toBe(parsed.trustedNetworks.azure!.compliantDeviceRequired);
    expect(CONDITIONAL_ACCESS_DEFAULTS.workloadIdentities).toBe(parsed.azure!.workloadIdentityConditionalAccess);
  });
});
