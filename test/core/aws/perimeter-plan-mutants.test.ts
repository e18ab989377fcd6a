/**
 * planPerimeterPolicies (the perimeter without a config file) and planPerimeter's refusal of a model
 * without aws: the defaults it fills in, the one-line refusals naming the prop and the fix, and the
 * trusted context it builds. Written for the surviving mutants of core/aws/perimeter-plan.ts.
 */
import { describe, expect, it } from 'vitest';
import { planPerimeter, planPerimeterPolicies, type PerimeterPlanProps } from '../../../core/aws/perimeter-plan.ts';
import { ConfigError } from '../../../core/config/config-error.ts';
import { exampleModel } from '../../helpers/config.ts';

const BREAK_GLASS = 'arn:aws:iam::*:role/BreakGlass*';
const MINIMAL: PerimeterPlanProps = { breakGlassRoleArns: [BREAK_GLASS], managementAccountId: '111122223333' };
const PUBLIC_CIDR = '198.51.100.0/24';

/** The one line planPerimeterPolicies refuses with; fails the test if the props were accepted. */
async function refusal(props: PerimeterPlanProps): Promise<string> {
  try {
    await planPerimeterPolicies(props);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).message;
  }
  throw new Error('props were accepted');
}

const sids = (plan: Awaited<ReturnType<typeof planPerimeterPolicies>>) => plan.policies.map((p) => [p.name, p.document.Statement.map((s) => s.Sid)]);

describe('planPerimeter', () => {
  it('refuses a model without an aws section, naming the field and the fix', async () => {
    const model = { ...exampleModel(), aws: undefined };
    await expect(planPerimeter(model)).rejects.toThrow(new ConfigError('aws', 'is missing', 'Add an aws section (see guardrails.example.yaml).'));
    await expect(planPerimeter(model)).rejects.toThrow('aws: is missing. Add an aws section (see guardrails.example.yaml).');
  });
});

describe('planPerimeterPolicies defaults', () => {
  it('with only break-glass roles and the management account: one report SCP of cloudShell and logProtection, 4530 characters', async () => {
    const plan = await planPerimeterPolicies(MINIMAL);
    expect(plan.policies.map((p) => [p.name, p.mode, p.controls, p.size])).toEqual([['guardrails-report-1', 'report', ['cloudShell', 'logProtection'], 4530]]);
    expect(plan.targets).toEqual([]);
    expect(plan.notes).toEqual([
      { control: 'networkPerimeter', note: 'no trusted networks configured: the network perimeter statement is not generated' },
      {
        control: 'cloudShell',
        note: 'vpcOnly denies creating CloudShell environments outside a VPC; environments created before enforcement keep working until deleted (use block to stop them)',
      },
    ]);
    expect(plan.safety).toEqual({
      breakGlassRoleArns: [BREAK_GLASS],
      modes: { networkPerimeter: 'report', cloudShell: 'report', logProtection: 'report' },
      trusted: { cidrs: [], awsVpcs: [], awsVpcEndpointIds: [] },
    });
  });

  it('defaults the trail name, the log archive account and us-east-1 into the protected resources', async () => {
    const statements = (await planPerimeterPolicies(MINIMAL)).policies[0]!.document.Statement;
    expect(statements.find((s) => s.Sid === 'ProtectOrganizationTrail')?.Resource).toBe('arn:aws:cloudtrail:*:111122223333:trail/guardrails-org-trail');
    expect(statements.find((s) => s.Sid === 'ProtectTrailBuckets')?.Resource).toContain('arn:aws:s3:::guardrails-org-trail-111122223333-us-east-1');
    expect(statements.find((s) => s.Sid === 'DenyCloudShellOutsideVpc')).toEqual({
      Sid: 'DenyCloudShellOutsideVpc',
      Effect: 'Deny',
      Action: 'cloudshell:CreateEnvironment',
      Resource: '*',
      Condition: { Null: { 'cloudshell:VpcIds': 'true' }, ArnNotLike: { 'aws:PrincipalArn': [BREAK_GLASS] } },
    });
  });

  it('gives the same plan whether the defaults are left out or written out', async () => {
    const explicit = await planPerimeterPolicies({
      ...MINIMAL,
      automationRoleArns: [],
      trusted: { cidrs: [], awsVpcs: [], awsVpcEndpointIds: [] },
      modes: { networkPerimeter: 'report', cloudShell: 'report', logProtection: 'report' },
      targets: [],
      logArchiveAccountId: '111122223333',
      homeRegion: 'us-east-1',
      trailName: 'guardrails-org-trail',
      cloudShell: 'vpcOnly',
      protectionTag: 'guardrails:protected',
      perimeterExemptionTag: 'guardrails:perimeter-exempt',
      scpSizeBudget: 10240,
      maxPoliciesPerTarget: 10,
      existingPoliciesPerTarget: 1,
    });
    expect(await planPerimeterPolicies(MINIMAL)).toEqual(explicit);
  });

  it('uses each prop given instead of its default', async () => {
    const plan = await planPerimeterPolicies({
      ...MINIMAL,
      logArchiveAccountId: '444455556666',
      homeRegion: 'eu-west-1',
      trailName: 'org-trail',
      cloudShell: 'block',
      protectionTag: 'team:protected',
      modes: { logProtection: 'enforce' },
      targets: ['r-ab12'],
    });
    const statements = plan.policies.flatMap((p) => p.document.Statement);
    expect(statements.find((s) => s.Sid === 'ProtectOrganizationTrail')?.Resource).toBe('arn:aws:cloudtrail:*:111122223333:trail/org-trail');
    expect(statements.find((s) => s.Sid === 'ProtectTrailBuckets')?.Resource).toContain('arn:aws:s3:::org-trail-444455556666-eu-west-1');
    expect(JSON.stringify(statements)).toContain('"aws:ResourceTag/team:protected":"true"');
    expect(statements.find((s) => s.Sid === 'DenyCloudShellOutsideVpc')).toBeUndefined();
    expect(plan.targets).toEqual(['r-ab12']);
    expect(plan.safety?.modes).toEqual({ networkPerimeter: 'report', cloudShell: 'report', logProtection: 'enforce' });
    expect(plan.policies.map((p) => [p.name, p.mode])).toEqual([
      ['guardrails-enforce-1', 'enforce'],
      ['guardrails-report-1', 'report'],
    ]);
  });

  it('refuses enforce-mode SCPs that need more than maxPoliciesPerTarget less existingPoliciesPerTarget', async () => {
    const tooFew = { ...MINIMAL, modes: { logProtection: 'enforce', cloudShell: 'enforce' }, targets: ['r-ab12'], scpSizeBudget: 3000 } as const;
    expect((await planPerimeterPolicies({ ...tooFew, maxPoliciesPerTarget: 3 })).policies.map((p) => p.name)).toEqual([
      'guardrails-enforce-1',
      'guardrails-enforce-2',
    ]);
    expect(await refusal({ ...tooFew, maxPoliciesPerTarget: 3, existingPoliciesPerTarget: 2 })).toBe(
      'aws.scpSizeBudget: the enforced statements need 2 SCPs per target, but only 1 fit under maxPoliciesPerTarget less existingPoliciesPerTarget. Aggregate trustedNetworks.cidrs, raise scpSizeBudget (max 10240), or set some controls to report.',
    );
  });
});

describe('planPerimeterPolicies refusals', () => {
  it('refuses an empty breakGlassRoleArns', async () => {
    expect(await refusal({ ...MINIMAL, breakGlassRoleArns: [] })).toBe(
      'breakGlassRoleArns: is empty; every preventive control needs a way back in when it misfires. Add at least one break-glass role, e.g. arn:aws:iam::*:role/BreakGlass*.',
    );
  });

  it('refuses a break-glass or automation entry that is not a role ARN, naming its index', async () => {
    expect(await refusal({ ...MINIMAL, breakGlassRoleArns: [BREAK_GLASS, 'BreakGlass'] })).toBe(
      'breakGlassRoleArns[1]: BreakGlass is not an IAM role ARN or ArnLike pattern. Write arn:aws:iam::<account or *>:role/<name>, e.g. arn:aws:iam::*:role/BreakGlass*.',
    );
    expect(await refusal({ ...MINIMAL, automationRoleArns: ['arn:aws:iam::111122223333:user/ci'] })).toBe(
      'automationRoleArns[0]: arn:aws:iam::111122223333:user/ci is not an IAM role ARN or ArnLike pattern. Write arn:aws:iam::<account or *>:role/<name>, e.g. arn:aws:iam::*:role/BreakGlass*.',
    );
  });

  it('refuses a role pattern that matches every role, or one in another partition', async () => {
    expect(await refusal({ ...MINIMAL, automationRoleArns: ['arn:aws:iam::111122223333:role/deploy', 'arn:aws:iam::*:role/*'] })).toBe(
      'automationRoleArns[1]: arn:aws:iam::*:role/* matches every role, which exempts everyone from every control. Name the roles (a prefix such as role/BreakGlass* is fine).',
    );
    expect(await refusal({ ...MINIMAL, breakGlassRoleArns: ['arn:aws-cn:iam::*:role/BreakGlass*'] })).toContain(
      'breakGlassRoleArns[0]: arn:aws-cn:iam::*:role/BreakGlass* is in partition aws-cn but aws.partition is aws',
    );
  });

  it('accepts automation roles and exempts them from the network perimeter', async () => {
    const plan = await planPerimeterPolicies({ ...MINIMAL, automationRoleArns: ['arn:aws:iam::111122223333:role/deploy'], trusted: { cidrs: [PUBLIC_CIDR] } });
    const perimeter = plan.policies.flatMap((p) => p.document.Statement).find((s) => s.Sid === 'DenyApiCallsFromOutsideTrustedNetworks');
    expect(JSON.stringify(perimeter?.Condition?.['ArnNotLike'])).toContain('arn:aws:iam::111122223333:role/deploy');
  });

  it('refuses account ids that are not 12 digits, naming the prop', async () => {
    expect(await refusal({ ...MINIMAL, managementAccountId: '1111' })).toBe(
      'managementAccountId: 1111 is not a 12-digit AWS account id. Write it as a string of 12 digits, e.g. "111122223333".',
    );
    expect(await refusal({ ...MINIMAL, logArchiveAccountId: '44445555666x' })).toBe(
      'logArchiveAccountId: 44445555666x is not a 12-digit AWS account id. Write it as a string of 12 digits, e.g. "111122223333".',
    );
  });

  it('refuses an unknown home region or VPC region, naming the prop', async () => {
    expect(await refusal({ ...MINIMAL, homeRegion: 'us-east-9' })).toBe('homeRegion: "us-east-9" is not an AWS region. Did you mean "us-east-1"?');
    expect(
      await refusal({
        ...MINIMAL,
        trusted: {
          awsVpcs: [
            { id: 'vpc-0a1b2c3d4e5f60718', region: 'eu-west-1' },
            { id: 'vpc-0f9e8d7c6b5a49382', region: 'eu-west-9' },
          ],
        },
      }),
    ).toBe('trusted.awsVpcs[1].region: "eu-west-9" is not an AWS region. Did you mean "eu-west-1"?');
  });

  it('refuses an unusable trusted CIDR, naming its index', async () => {
    expect(await refusal({ ...MINIMAL, trusted: { cidrs: [PUBLIC_CIDR, 'nope'] } })).toBe(
      'trusted.cidrs[1]: "nope" is not an IPv4 or IPv6 CIDR. Write it as 203.0.113.0/24 or 2001:db8::/32.',
    );
    expect(await refusal({ ...MINIMAL, trusted: { cidrs: ['0.0.0.0/0'] } })).toBe(
      "trusted.cidrs[0]: 0.0.0.0/0 trusts the whole Internet, which turns the perimeter off. List only your organisation's egress ranges (NAT gateways, VPN, office proxies).",
    );
    expect(await refusal({ ...MINIMAL, trusted: { cidrs: ['10.0.0.0/8'] } })).toMatch(
      /^trusted\.cidrs\[0\]: 10\.0\.0\.0\/8 is in 10\.0\.0\.0\/8, private \(RFC 1918\)/,
    );
  });

  it('refuses the network perimeter enforced with nothing trusted, naming the props to set', async () => {
    expect(await refusal({ ...MINIMAL, modes: { networkPerimeter: 'enforce' }, targets: ['r-ab12'] })).toBe(
      'modes.networkPerimeter: enforce with no trusted context would deny every API call from everywhere. Add trusted.cidrs, trusted.awsVpcs or trusted.awsVpcEndpointIds, or keep modes.networkPerimeter: report.',
    );
  });

  it('refuses enforce with no targets, naming the enforced controls', async () => {
    expect(await refusal({ ...MINIMAL, modes: { logProtection: 'enforce' } })).toBe(
      'targets: is empty while logProtection is in enforce mode, so the SCPs would be attached nowhere. List the root (r-xxxx), OUs or accounts to attach them to.',
    );
    expect(await refusal({ ...MINIMAL, modes: { cloudShell: 'enforce', logProtection: 'enforce' }, targets: [] })).toBe(
      'targets: is empty while cloudShell, logProtection are in enforce mode, so the SCPs would be attached nowhere. List the root (r-xxxx), OUs or accounts to attach them to.',
    );
  });

  it('refuses a tag that makes a condition key IAM does not know, naming the SCP and statement', async () => {
    expect(await refusal({ ...MINIMAL, protectionTag: '' })).toBe(
      'SCP guardrails-report-1 statement ProtectTaggedGuardrailResources: condition key aws:ResourceTag/ does not exist. Fix the action or condition named; a Deny with an unknown name denies nothing.',
    );
    expect(await refusal({ ...MINIMAL, perimeterExemptionTag: '', trusted: { cidrs: [PUBLIC_CIDR] } })).toBe(
      'SCP guardrails-report-1 statement DenyApiCallsFromOutsideTrustedNetworks: condition key aws:PrincipalTag/ does not exist. Fix the action or condition named; a Deny with an unknown name denies nothing.',
    );
  });
});

describe('planPerimeterPolicies trusted context', () => {
  it('aggregates CIDRs, keeps VPCs with their regions and de-duplicates VPC endpoints', async () => {
    const awsVpcs = [{ id: 'vpc-0a1b2c3d4e5f60718', region: 'eu-west-1' }];
    const plan = await planPerimeterPolicies({
      ...MINIMAL,
      trusted: { cidrs: ['198.51.100.0/25', '198.51.100.128/25'], awsVpcs, awsVpcEndpointIds: ['vpce-0123456789abcdef0', 'vpce-0123456789abcdef0'] },
    });
    expect(plan.safety?.trusted).toEqual({ cidrs: ['198.51.100.0/24'], awsVpcs, awsVpcEndpointIds: ['vpce-0123456789abcdef0'] });
    expect(sids(plan)).toEqual([
      [
        'guardrails-report-1',
        [
          'DenyApiCallsFromOutsideTrustedNetworks',
          'DenyLogDeliveryFromOutsideTrustedNetworks',
          'DenyTrustedVpcOutsideItsRegioneuwest1',
          'DenyCloudShellOutsideVpc',
          'DenyCloudShellInUntrustedVpc',
          'ProtectOrganizationTrail',
          'ProtectTrailBuckets',
          'ProtectTrailLogGroup',
          'ProtectTaggedGuardrailResources',
          'ProtectGuardrailTags',
          'ProtectIdentityCenterAttributes',
          'ProtectExemptRoles',
          'ProtectForwardingRole',
          'DenyLeavingOrDisablingScps',
        ],
      ],
    ]);
  });

  it('enforces the network perimeter once a VPC endpoint alone is trusted', async () => {
    const plan = await planPerimeterPolicies({
      ...MINIMAL,
      trusted: { awsVpcEndpointIds: ['vpce-0123456789abcdef0'] },
      modes: { networkPerimeter: 'enforce' },
      targets: ['r-ab12'],
    });
    expect(plan.safety?.trusted).toEqual({ cidrs: [], awsVpcs: [], awsVpcEndpointIds: ['vpce-0123456789abcdef0'] });
    expect(plan.policies.filter((p) => p.mode === 'enforce').map((p) => p.controls)).toEqual([['networkPerimeter']]);
  });
});
