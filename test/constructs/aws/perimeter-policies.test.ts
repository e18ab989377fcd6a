/**
 * PerimeterPolicies on its own, with a plan from planPerimeterPolicies (typed settings, no config file):
 * report-mode SCPs created and attached to nothing, enforce-mode ones attached to the targets, tagged. Both
 * refuse what the config refuses, with the config's reason and fix (core/aws/perimeter-safety.ts): no
 * break-glass role, the network perimeter enforced with nothing trusted, enforce with no target; the plan
 * function also refuses unusable CIDRs and role patterns, and the construct a plan that does not say what
 * it was checked against.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { PerimeterPolicies } from '../../../constructs/aws/perimeter-policies.ts';
import { planPerimeterPolicies, type PerimeterPlan, type PerimeterPlanProps } from '../../../core/aws/perimeter-plan.ts';
import { ConfigError } from '../../../core/config/config-error.ts';
import { configErrorOf, exampleModel } from '../../helpers/config.ts';

const ENV = { account: '111122223333', region: 'us-east-1' };
const MINIMAL: PerimeterPlanProps = { managementAccountId: '111122223333', breakGlassRoleArns: ['arn:aws:iam::*:role/BreakGlass*'] };
const TRUSTED = { cidrs: ['198.51.100.0/24'] };

type Resource = { Properties: Record<string, any> };
const policies = (t: Template) => Object.values(t.findResources('AWS::Organizations::Policy')) as Resource[];

/** The one line a rejected plan or construct gives; fails the test if it was accepted. */
async function refusal(run: () => unknown): Promise<string> {
  try {
    await run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message.split('\n')).toHaveLength(1);
    return message;
  }
  throw new Error('accepted');
}
/** What follows the field path: the reason and the fix. */
const reason = (message: string) => message.slice(message.indexOf(': ') + 2);

const reportPlan = await planPerimeterPolicies({ ...MINIMAL, trusted: TRUSTED });
const enforcePlan = await planPerimeterPolicies({
  ...MINIMAL,
  trusted: TRUSTED,
  modes: { networkPerimeter: 'enforce', logProtection: 'enforce' },
  targets: ['ou-ab12-34cd56ef'],
});

function synth(plan: PerimeterPlan, id: string): Template {
  const stack = new Stack(new App(), id, { env: ENV });
  new PerimeterPolicies(stack, 'Perimeter', { plan });
  return Template.fromStack(stack);
}

describe('PerimeterPolicies with a plan from planPerimeterPolicies', () => {
  it('in report mode (the default), creates every SCP, tagged, and attaches none', () => {
    expect(reportPlan.policies.length).toBeGreaterThan(0);
    expect(reportPlan.policies.every((p) => p.mode === 'report')).toBe(true);
    const created = policies(synth(reportPlan, 'Report'));
    expect(created.map((p) => p.Properties['Name'])).toEqual(reportPlan.policies.map((p) => p.name));
    for (const p of created) {
      expect(p.Properties).toMatchObject({ Type: 'SERVICE_CONTROL_POLICY', Tags: [{ Key: 'guardrails:protected', Value: 'true' }] });
      expect(p.Properties['TargetIds']).toBeUndefined();
    }
  });

  it('attaches the enforce-mode SCPs to the targets, and only those', () => {
    const created = policies(synth(enforcePlan, 'Enforce'));
    const enforced = created.filter((p) => (p.Properties['Name'] as string).startsWith('guardrails-enforce-'));
    expect(enforced.length).toBeGreaterThan(0);
    for (const p of enforced) expect(p.Properties['TargetIds']).toEqual(['ou-ab12-34cd56ef']);
    for (const p of created.filter((c) => !enforced.includes(c))) expect(p.Properties['TargetIds']).toBeUndefined();
  });

  it('protects the trail the plan names, and exempts break-glass', () => {
    const statements = reportPlan.policies.flatMap((p) => p.document.Statement);
    expect(statements.find((s) => s.Sid === 'ProtectOrganizationTrail')?.Resource).toBe('arn:aws:cloudtrail:*:111122223333:trail/guardrails-org-trail');
    expect(statements.find((s) => s.Sid === 'DenyApiCallsFromOutsideTrustedNetworks')?.Condition?.['NotIpAddressIfExists']).toEqual({
      'aws:SourceIp': ['198.51.100.0/24'],
    });
    expect(reportPlan.safety).toEqual({
      breakGlassRoleArns: MINIMAL.breakGlassRoleArns,
      modes: { networkPerimeter: 'report', cloudShell: 'report', logProtection: 'report' },
      trusted: { cidrs: ['198.51.100.0/24'], awsVpcs: [], awsVpcEndpointIds: [] },
    });
  });
});

describe('planPerimeterPolicies refuses what the config refuses, naming its props', () => {
  it('no break-glass role', async () => {
    const message = await refusal(() => planPerimeterPolicies({ ...MINIMAL, breakGlassRoleArns: [] }));
    expect(message).toBe(
      'breakGlassRoleArns: is empty; every preventive control needs a way back in when it misfires. Add at least one break-glass role, e.g. arn:aws:iam::*:role/BreakGlass*.',
    );
    expect(configErrorOf(() => exampleModel((c) => (c.breakGlass.aws.roleArns = [])))).toContain(`breakGlass.aws.roleArns: ${reason(message)}`);
  });

  it('the network perimeter enforced with nothing trusted', async () => {
    const message = await refusal(() => planPerimeterPolicies({ ...MINIMAL, modes: { networkPerimeter: 'enforce' }, targets: ['r-ab12'] }));
    expect(message).toBe(
      'modes.networkPerimeter: enforce with no trusted context would deny every API call from everywhere. Add trusted.cidrs, trusted.awsVpcs or trusted.awsVpcEndpointIds, or keep modes.networkPerimeter: report.',
    );
    const config = configErrorOf(() =>
      exampleModel((c) => {
        c.mode = 'enforce';
        c.trustedNetworks = { cidrs: [], aws: { vpcIds: [], vpcEndpointIds: [] } };
      }),
    );
    expect(config).toContain('mode: enforce with no trusted context would deny every API call from everywhere.');
  });

  it('enforce with nothing to attach to', async () => {
    const message = await refusal(() => planPerimeterPolicies({ ...MINIMAL, modes: { logProtection: 'enforce' } }));
    expect(message).toBe(
      'targets: is empty while logProtection is in enforce mode, so the SCPs would be attached nowhere. List the root (r-xxxx), OUs or accounts to attach them to.',
    );
  });

  it('a public-egress range that trusts everyone, and a role pattern that matches every role', async () => {
    expect(await refusal(() => planPerimeterPolicies({ ...MINIMAL, trusted: { cidrs: ['198.51.100.0/24', '0.0.0.0/0'] } }))).toMatch(/^trusted\.cidrs\[1\]: /);
    expect(await refusal(() => planPerimeterPolicies({ ...MINIMAL, automationRoleArns: ['arn:aws:iam::*:role/*'] }))).toMatch(
      /^automationRoleArns\[0\]: arn:aws:iam::\*:role\/\* matches every role/,
    );
    expect(await refusal(() => planPerimeterPolicies({ ...MINIMAL, managementAccountId: '1111' }))).toMatch(
      /^managementAccountId: 1111 is not a 12-digit AWS account id/,
    );
  });
});

describe('PerimeterPolicies checks the plan it is given again', () => {
  const refused = (plan: PerimeterPlan) => refusal(() => synth(plan, 'Refused'));

  it('refuses a plan that does not say what it was checked against', async () => {
    const { safety: _, ...unchecked } = reportPlan;
    expect(await refused(unchecked)).toMatch(/^Refused\/Perimeter props\.plan\.safety: is missing, .* Build the plan with planPerimeterPolicies/);
  });

  it("refuses a plan without break-glass, with the config's reason", async () => {
    const message = await refused({ ...reportPlan, safety: { ...reportPlan.safety!, breakGlassRoleArns: [] } });
    expect(message).toMatch(
      /^Refused\/Perimeter props\.plan\.safety\.breakGlassRoleArns: is empty; every preventive control needs a way back in when it misfires\. /,
    );
  });

  it('refuses an enforced network perimeter with nothing trusted, and enforce with no target', async () => {
    const untrusted = { ...enforcePlan, safety: { ...enforcePlan.safety!, trusted: { cidrs: [], awsVpcs: [], awsVpcEndpointIds: [] } } };
    expect(await refused(untrusted)).toMatch(
      /^Refused\/Perimeter props\.plan\.safety\.modes\.networkPerimeter: enforce with no trusted context would deny every API call from everywhere\. /,
    );
    expect(await refused({ ...enforcePlan, targets: [] })).toMatch(
      /^Refused\/Perimeter props\.plan\.targets: is empty while networkPerimeter, logProtection are in enforce mode/,
    );
  });
});
