/**
 * GcpContextAwareAccess on its own, through its public args, under Pulumi's mocks: what a minimal call
 * builds, an access policy of yours (none created), members and sink writers from other resources, the
 * automation bindings' defaults, and the same refusals as the config (one line naming the arg and the fix,
 * before anything is registered).
 */
import * as serviceaccount from '@pulumi/gcp/serviceaccount';
import * as pulumi from '@pulumi/pulumi';
import { describe, expect, it } from 'vitest';
import { GcpAuditLogging } from '../../../constructs/gcp/audit-logging.ts';
import {
  GCP_CONTEXT_AWARE_ACCESS_DEFAULTS,
  GcpContextAwareAccess,
  TAMPER_RULES,
  type GcpContextAwareAccessArgs,
} from '../../../constructs/gcp/context-aware-access.ts';
import { configSchema } from '../../../core/config/schema.ts';
import { planUnderMocks, type PlannedResource } from '../../../stacks/pulumi-plan.ts';
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

const ORG = '123456789012';
const minimal: GcpContextAwareAccessArgs = {
  organizationId: ORG,
  adminGroupDirectoryId: '03cqmetx1abcdef',
  breakGlassMembers: ['user:breakglass@example.com'],
  trustedCidrs: ['198.51.100.0/24'],
};
const exceptions = (planned: PlannedResource[]) =>
  (inputsOfType(planned, ':DenyPolicy')[0] as { rules: { denyRule: { exceptionPrincipals: string[] } }[] }).rules.map((r) => r.denyRule.exceptionPrincipals);

describe('GcpContextAwareAccess used on its own', () => {
  it('needs the organization, the admin group and a break-glass member: access policy, dry-run admin binding, deny policy excepting break-glass', async () => {
    let access: GcpContextAwareAccess | undefined;
    const planned = await plan(() => (access = new GcpContextAwareAccess('access', minimal)));
    expect(inputsOfType(planned, ':AccessPolicy')).toEqual([{ parent: `organizations/${ORG}`, title: 'cloud-api-guardrails', deletionPolicy: 'PREVENT' }]);
    expect(inputsOfType(planned, ':GcpUserAccessBinding')).toEqual([
      {
        organizationId: ORG,
        groupKey: '03cqmetx1abcdef',
        dryRunAccessLevels: 'accessPolicies/<computed: access policy number>/accessLevels/guardrails_trusted_networks',
      },
    ]);
    expect(exceptions(planned)).toEqual(TAMPER_RULES.map(() => ['principal://goog/subject/breakglass@example.com']));
    expect(inputsOfType(planned, ':ServicePerimeter')).toEqual([]);
    expect(await resolved(access!.accessPolicyName)).toBe('<computed: access policy number>');
  });

  it('puts everything in your access policy instead of creating one (an organization has only one)', async () => {
    const planned = await plan(() => new GcpContextAwareAccess('access', { ...minimal, accessPolicy: { existing: { name: '987654321' } } }));
    expect(inputsOfType(planned, ':AccessPolicy')).toEqual([]);
    expect(inputsOfType(planned, ':AccessLevel').map((l) => l['parent'])).toEqual(['accessPolicies/987654321']);
  });

  it('takes members and sink writers from other resources, and enforces with trusted networks', async () => {
    const planned = await plan(() => {
      const emergency = new serviceaccount.Account('emergency', { accountId: 'emergency', project: 'acme-ops' });
      const logging = new GcpAuditLogging('audit', { organizationId: ORG, logProjectId: 'acme-logs', existingAuditConfigs: [] });
      new GcpContextAwareAccess('access', {
        ...minimal,
        mode: 'enforce',
        trustedCidrs: ['203.0.113.0/24'],
        breakGlassMembers: [...minimal.breakGlassMembers, pulumi.interpolate`serviceAccount:${emergency.accountId}@acme-ops.iam.gserviceaccount.com`],
        automationMembers: ['serviceAccount:ci@acme-ci.iam.gserviceaccount.com'],
        vpcScProjects: ['111111111111'],
        sinkWriters: logging.sinkWriterIdentities,
      });
    });
    expect(exceptions(planned)[0]).toEqual([
      'principal://goog/subject/breakglass@example.com',
      'principal://iam.googleapis.com/projects/-/serviceAccounts/emergency@acme-ops.iam.gserviceaccount.com',
      'principal://iam.googleapis.com/projects/-/serviceAccounts/ci@acme-ci.iam.gserviceaccount.com',
    ]);
    const perimeter = inputsOfType(planned, ':ServicePerimeter')[0] as {
      status: { resources: string[]; ingressPolicies: { ingressFrom: { identities: string[] } }[] };
    };
    expect(perimeter.status.resources).toEqual(['projects/111111111111']);
    expect(perimeter.status.ingressPolicies[0]!.ingressFrom.identities).toEqual([
      'serviceAccount:<computed: writer identity of audit-to-bucket>',
      'serviceAccount:<computed: writer identity of audit-to-project>',
    ]);
    expect(inputsOfType(planned, ':GcpUserAccessBinding')[0]).toHaveProperty('accessLevels');
  });

  it("binds automation in the component's mode by default, from the trusted and CI ranges together", async () => {
    const planned = await plan(
      () =>
        new GcpContextAwareAccess('access', {
          ...minimal,
          mode: 'enforce',
          trustedCidrs: ['203.0.113.0/24'],
          automation: { cidrs: ['198.51.100.0/24'], serviceAccounts: ['ci@acme-ci.iam.gserviceaccount.com'] },
        }),
    );
    const level = inputsOfType(planned, ':AccessLevel').find((l) => String(l['name']).endsWith('/guardrails_automation_networks'))!;
    expect(level['basic']).toEqual({ combiningFunction: 'OR', conditions: [{ ipSubnetworks: ['198.51.100.0/24', '203.0.113.0/24'] }] });
    expect(inputsOfType(planned, ':GcpUserAccessBinding').filter((b) => b['principal'])).toEqual([
      {
        organizationId: ORG,
        principal: { serviceAccount: 'ci@acme-ci.iam.gserviceaccount.com' },
        accessLevels: 'accessPolicies/<computed: access policy number>/accessLevels/guardrails_automation_networks',
      },
    ]);
  });
});

describe('GcpContextAwareAccess refuses what the config refuses', () => {
  const refused = (args: GcpContextAwareAccessArgs) => refusal(() => new GcpContextAwareAccess('access', args));

  it('a deny policy with no way back in, or a member that is not one', async () => {
    expect(await refused({ ...minimal, breakGlassMembers: [] })).toBe(
      "GcpContextAwareAccess 'access' args.breakGlassMembers: is empty; the IAM deny policy and access levels need a way back in. Add at least one break-glass identity, e.g. user:breakglass@example.com.",
    );
    expect(await refused({ ...minimal, automationMembers: ['ci@acme-ci.iam.gserviceaccount.com'] })).toBe(
      'GcpContextAwareAccess \'access\' args.automationMembers[0]: "ci@acme-ci.iam.gserviceaccount.com" is not an IAM member. Write user:EMAIL, group:EMAIL or serviceAccount:EMAIL.',
    );
  });

  it('enforce with no trusted network, or a trusted range that is not a public egress range', async () => {
    expect(await refused({ ...minimal, mode: 'enforce', trustedCidrs: [] })).toBe(
      "GcpContextAwareAccess 'access' args.mode: enforce with no trustedCidrs would make the GCP access level deny every admin. Add trustedCidrs, or keep mode: report.",
    );
    expect(await refused({ ...minimal, trustedCidrs: ['::/0'] })).toMatch(
      /^GcpContextAwareAccess 'access' args\.trustedCidrs\[0\]: ::\/0 trusts the whole Internet/,
    );
  });

  it('no trusted network even in report mode: an access level needs at least one condition', async () => {
    expect(await refused({ ...minimal, trustedCidrs: [] })).toBe(
      "GcpContextAwareAccess 'access' args.trustedCidrs: is empty, and GCP context-aware access needs it: an access level must have at least one condition, so the admin access level cannot be created without trustedCidrs, even in report mode. Add your egress ranges to trustedCidrs.",
    );
  });

  it('service-account access that binds nothing', async () => {
    expect(await refused({ ...minimal, automation: { cidrs: ['198.51.100.0/24'] } })).toBe(
      "GcpContextAwareAccess 'access' args.automation: binds nothing: automation.serviceAccounts and automation.projectNumbers are both empty. List the automation service accounts, or the project numbers whose service accounts run automation, or remove automation.",
    );
  });

  it('both bringing an access policy and tuning one', async () => {
    expect(await refused({ ...minimal, accessPolicy: { existing: { name: '987654321' }, args: { title: 'x' } } })).toMatch(
      /^GcpContextAwareAccess 'access' args\.accessPolicy: has both existing and args\./,
    );
  });
});

describe('GcpContextAwareAccess defaults', () => {
  it("are the config's defaults for the same settings", () => {
    const parsed = configSchema.parse({
      gcp: { organizationId: ORG, logProjectId: 'acme-logs', adminGroup: { email: 'admins@example.com' }, devicePolicy: {} },
    });
    const d = GCP_CONTEXT_AWARE_ACCESS_DEFAULTS;
    expect([d.mode, d.vpcScProjects, d.devicePolicy]).toEqual([parsed.mode, parsed.gcp!.vpcScProjects, parsed.gcp!.devicePolicy]);
  });
});
