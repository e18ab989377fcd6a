import { describe, expect, it } from 'vitest';
import { planPerimeter } from '../../../core/aws/perimeter-plan.ts';
import { PROTECTED_ACTIONS } from '../../../core/aws/log-protection-statements.ts';
import { SERVICE_DELIVERY_ACTIONS, VPC_DATA_PLANE_ACTIONS } from '../../../core/aws/network-perimeter-statements.ts';
import { ROLE_CHANGE_ACTIONS } from '../../../core/aws/role-protection-statements.ts';
import { IDENTITY_CENTER_ATTRIBUTE_ACTIONS } from '../../../core/aws/tag-protection-statements.ts';
import { minify, type PolicyDocument } from '../../../core/aws/policy-document.ts';
import { checkPolicyVocabulary, parseOperator } from '../../../core/aws/policy-vocabulary.ts';
import { ConfigError } from '../../../core/config/config-error.ts';
import { enforceModel, exampleModel } from '../../helpers/config.ts';

const STACKSET_EXEC = 'arn:aws:iam::*:role/stacksets-exec-*';
const FORWARDING = 'arn:aws:iam::*:role/guardrails-event-forwarding';
/** Who the example's network perimeter lets through from anywhere. */
const NETWORK_EXEMPT = [
  'arn:aws:iam::*:role/BreakGlass*',
  'arn:aws:iam::*:role/cdk-hnb659fds-cfn-exec-role-*',
  'arn:aws:iam::*:role/cdk-hnb659fds-deploy-role-*',
  'arn:aws:iam::*:role/cdk-hnb659fds-file-publishing-role-*',
  'arn:aws:iam::*:role/cdk-hnb659fds-image-publishing-role-*',
  'arn:aws:iam::*:role/cdk-hnb659fds-lookup-role-*',
  'arn:aws:iam::111122223333:role/github-actions-deploy',
  FORWARDING,
  STACKSET_EXEC,
  'arn:aws:iam::*:role/aws:ec2-infrastructure',
];
const allStatements = (plan: Awaited<ReturnType<typeof planPerimeter>>) => plan.policies.flatMap((p) => p.document.Statement);

describe('perimeter statements', () => {
  it('deny outside trusted CIDRs and VPCs, except VPC data-plane actions, AWS services, exempt principals and the exemption tag', async () => {
    const plan = await planPerimeter(exampleModel());
    const perimeter = allStatements(plan).find((s) => s.Sid === 'DenyApiCallsFromOutsideTrustedNetworks');
    expect(perimeter).toEqual({
      Sid: 'DenyApiCallsFromOutsideTrustedNetworks',
      Effect: 'Deny',
      NotAction: [...VPC_DATA_PLANE_ACTIONS, ...SERVICE_DELIVERY_ACTIONS],
      Resource: '*',
      Condition: {
        NotIpAddressIfExists: { 'aws:SourceIp': ['192.0.2.0/24', '198.51.100.0/24', '203.0.113.0/24', '2001:db8::/32'] },
        StringNotEqualsIfExists: {
          'aws:SourceVpc': ['vpc-0a1b2c3d4e5f60718', 'vpc-0f9e8d7c6b5a49382'],
          'aws:SourceVpce': ['vpce-0123456789abcdef0'],
          'aws:PrincipalTag/guardrails:perimeter-exempt': 'true',
        },
        BoolIfExists: { 'aws:ViaAWSService': 'false' },
        ArnNotLike: { 'aws:PrincipalArn': NETWORK_EXEMPT },
      },
    });
    // The examples' current network_perimeter_sourcevpc_scp.json NotAction list, verbatim.
    expect(VPC_DATA_PLANE_ACTIONS).toEqual([
      'es:ES*',
      'dax:GetItem',
      'dax:BatchGetItem',
      'dax:Query',
      'dax:Scan',
      'dax:PutItem',
      'dax:UpdateItem',
      'dax:DeleteItem',
      'dax:BatchWriteItem',
      'dax:ConditionCheckItem',
      'neptune-db:*',
      'kafka-cluster:*',
      'elasticfilesystem:client*',
      'rds-db:connect',
      's3-outposts:*',
    ]);
  });

  it('hold log and trace delivery to the perimeter except in Lambda and Glue sessions', async () => {
    const delivery = allStatements(await planPerimeter(exampleModel())).find((s) => s.Sid === 'DenyLogDeliveryFromOutsideTrustedNetworks');
    expect(delivery?.Action).toEqual(['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents', 'xray:PutTraceSegments']);
    expect(delivery?.Condition?.['Null']).toEqual({ 'lambda:SourceFunctionArn': 'true', 'glue:CredentialIssuingService': 'true' });
    expect(delivery?.Condition?.['ArnNotLike']).toEqual({ 'aws:PrincipalArn': NETWORK_EXEMPT });
  });

  it('scope the perimeter to tagged principals and code sessions with aws.perimeterIncludeTag', async () => {
    const byDefault = await planPerimeter(exampleModel());
    expect(
      allStatements(byDefault)
        .map((s) => s.Sid)
        .filter((sid) => sid.includes('Credentials')),
    ).toEqual([]);
    expect(byDefault.notes.map((n) => n.note)).toContainEqual(expect.stringMatching(/^deny by default: service roles/));

    const optIn = await planPerimeter(exampleModel((c) => (c.aws.perimeterIncludeTag = 'dp:include:network')));
    const statements = allStatements(optIn);
    for (const sid of ['DenyApiCallsFromOutsideTrustedNetworks', 'DenyLogDeliveryFromOutsideTrustedNetworks']) {
      expect(statements.find((s) => s.Sid === sid)?.Condition?.['StringEquals'], sid).toEqual({ 'aws:PrincipalTag/dp:include:network': 'true' });
    }
    const sessions = statements.filter((s) => s.Sid.endsWith('CredentialsFromOutsideTrustedNetworks'));
    expect(sessions.map((s) => [s.Sid, s.Condition?.['Null'], s.NotAction?.slice(VPC_DATA_PLANE_ACTIONS.length)])).toEqual([
      ['DenyLambdaCredentialsFromOutsideTrustedNetworks', { 'lambda:SourceFunctionArn': 'false' }, [...SERVICE_DELIVERY_ACTIONS]],
      ['DenyEc2CredentialsFromOutsideTrustedNetworks', { 'ec2:SourceInstanceARN': 'false' }, []],
      [
        'DenyGlueCredentialsFromOutsideTrustedNetworks',
        { 'glue:CredentialIssuingService': 'false' },
        ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'],
      ],
    ]);
    for (const s of sessions) expect(s.Condition?.['StringEquals'], s.Sid).toBeUndefined();
    expect(optIn.notes.map((n) => n.note)).toContainEqual(expect.stringMatching(/only principals tagged dp:include:network=true/));
    // Removing the include tag would take a principal out of the perimeter: it is protected like the others.
    expect(statements.find((s) => s.Sid === 'ProtectGuardrailTags')?.Condition?.['ForAnyValue:StringEqualsIgnoreCase']).toEqual({
      'aws:TagKeys': ['guardrails:protected', 'guardrails:perimeter-exempt', 'dp:include:network'],
    });
  });

  it('protect the tags the SCPs read, for every action, and Identity Center attributes', async () => {
    const statements = allStatements(await planPerimeter(exampleModel()));
    expect(statements.find((s) => s.Sid === 'ProtectGuardrailTags')).toEqual({
      Sid: 'ProtectGuardrailTags',
      Effect: 'Deny',
      Action: '*',
      Resource: '*',
      Condition: {
        'ForAnyValue:StringEqualsIgnoreCase': { 'aws:TagKeys': ['guardrails:protected', 'guardrails:perimeter-exempt'] },
        ArnNotLike: { 'aws:PrincipalArn': ['arn:aws:iam::*:role/BreakGlass*', STACKSET_EXEC] },
      },
    });
    expect(statements.find((s) => s.Sid === 'ProtectIdentityCenterAttributes')?.Action).toEqual([...IDENTITY_CENTER_ATTRIBUTE_ACTIONS]);
  });

  it('keep anyone but break-glass from becoming an exempted role', async () => {
    const statements = allStatements(await planPerimeter(exampleModel()));
    expect(statements.find((s) => s.Sid === 'ProtectExemptRoles')).toEqual({
      Sid: 'ProtectExemptRoles',
      Effect: 'Deny',
      Action: [...ROLE_CHANGE_ACTIONS],
      Resource: [...NETWORK_EXEMPT.slice(0, 7), STACKSET_EXEC],
      Condition: { ArnNotLike: { 'aws:PrincipalArn': ['arn:aws:iam::*:role/BreakGlass*'] } },
    });
    expect(statements.find((s) => s.Sid === 'ProtectForwardingRole')).toMatchObject({
      Resource: FORWARDING,
      Condition: { ArnNotLike: { 'aws:PrincipalArn': ['arn:aws:iam::*:role/BreakGlass*', STACKSET_EXEC] } },
    });
  });

  it('pairs each trusted VPC with its region', async () => {
    const plan = await planPerimeter(exampleModel());
    const pairing = allStatements(plan).filter((s) => s.Sid.startsWith('DenyTrustedVpcOutsideItsRegion'));
    expect(pairing.map((s) => s.Condition)).toEqual([
      expect.objectContaining({ StringEquals: { 'aws:SourceVpc': ['vpc-0f9e8d7c6b5a49382'] }, StringNotEquals: { 'aws:RequestedRegion': 'eu-west-1' } }),
      expect.objectContaining({ StringEquals: { 'aws:SourceVpc': ['vpc-0a1b2c3d4e5f60718'] }, StringNotEquals: { 'aws:RequestedRegion': 'us-east-1' } }),
    ]);
  });

  it('exempts break-glass roles from every statement', async () => {
    for (const s of allStatements(await planPerimeter(enforceModel((c) => (c.aws.cloudShell = 'block'))))) {
      expect(s.Condition?.['ArnNotLike']?.['aws:PrincipalArn'], s.Sid).toContain('arn:aws:iam::*:role/BreakGlass*');
    }
  });

  it('follows aws.cloudShell', async () => {
    const sids = async (cloudShell: string) =>
      allStatements(await planPerimeter(exampleModel((c) => (c.aws.cloudShell = cloudShell))))
        .map((s) => s.Sid)
        .filter((sid) => sid.includes('CloudShell'));
    expect(await sids('block')).toEqual(['DenyCloudShell']);
    expect(await sids('vpcOnly')).toEqual(['DenyCloudShellOutsideVpc', 'DenyCloudShellInUntrustedVpc']);
    expect(await sids('allow')).toEqual([]);
  });

  it('omits the network perimeter, and says so, when nothing is trusted (report mode only)', async () => {
    // Without GCP, whose access levels need trusted networks in every mode.
    const plan = await planPerimeter(exampleModel((c) => ((c.trustedNetworks = {}), delete c.gcp)));
    expect(allStatements(plan).map((s) => s.Sid)).not.toContain('DenyApiCallsFromOutsideTrustedNetworks');
    expect(plan.notes.map((n) => n.note)).toContainEqual(expect.stringMatching(/no trusted networks configured/));
  });
});

describe('packing', () => {
  it('packs the example into one minified policy within budget', async () => {
    const plan = await planPerimeter(enforceModel());
    expect(plan.policies).toHaveLength(1);
    const [policy] = plan.policies;
    expect(policy!.size).toBe(minify(policy!.document).length);
    // 5,127 before the data-plane NotAction, log delivery, the kit's exemptions, role and tag protection.
    expect(policy!.size).toBe(8_921);
    expect(minify(policy!.document)).not.toMatch(/\s/);
  });

  it('packs the opt-in scope (three more perimeter statements) into two policies', async () => {
    const plan = await planPerimeter(enforceModel((c) => (c.aws.perimeterIncludeTag = 'guardrails:perimeter-include')));
    expect(plan.policies.map((p) => p.size)).toEqual([10_137, 2_970]);
  });

  it('splits statements across policies under a small budget without splitting any statement', async () => {
    const model = enforceModel((c) => (c.aws.scpSizeBudget = 2048));
    const plan = await planPerimeter(model);
    expect(plan.policies.length).toBeGreaterThan(1);
    for (const p of plan.policies) expect(p.size).toBeLessThanOrEqual(2048);
    const whole = await planPerimeter(enforceModel());
    // Same statements, each intact, whatever the packing.
    const sorted = (ss: ReturnType<typeof allStatements>) => [...ss].sort((a, b) => a.Sid.localeCompare(b.Sid));
    expect(sorted(allStatements(plan))).toEqual(sorted(allStatements(whole)));
    const perimeters = plan.policies.filter((p) => p.document.Statement.some((s) => s.Sid === 'DenyApiCallsFromOutsideTrustedNetworks'));
    expect(perimeters).toHaveLength(1);
  });

  it('fails when enforced policies exceed the per-target quota', async () => {
    const error = await planPerimeter(enforceModel((c) => Object.assign(c.aws, { scpSizeBudget: 1400, existingPoliciesPerTarget: 8 }))).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/aws\.scpSizeBudget: the enforced statements need \d+ SCPs per target, but only 2 fit/);
  });

  it('says how many CIDRs to drop when the perimeter cannot fit', async () => {
    const cidrs = Array.from({ length: 1500 }, (_, i) => `${11 + (i >> 8)}.${i & 255}.9.${(i * 2) & 255}/32`);
    const error = await planPerimeter(enforceModel((c) => (c.trustedNetworks.cidrs = cidrs))).catch((e: unknown) => e);
    const match = /Drop or aggregate at least (\d+) CIDRs \(at most (\d+) fit\)/.exec((error as Error).message);
    expect(match).not.toBeNull();
    const fit = Number(match![2]);
    expect(Number(match![1]) + fit).toBe(1500);
    // The advice is exact: that many fit, one more does not.
    await expect(planPerimeter(enforceModel((c) => (c.trustedNetworks.cidrs = cidrs.slice(0, fit))))).resolves.toBeDefined();
    await expect(planPerimeter(enforceModel((c) => (c.trustedNetworks.cidrs = cidrs.slice(0, fit + 1))))).rejects.toThrow(ConfigError);
  });
});

describe('IAM vocabulary', () => {
  it('every action the kit uses exists in the IAM reference', async () => {
    const lists = {
      ...PROTECTED_ACTIONS,
      dataPlane: VPC_DATA_PLANE_ACTIONS,
      delivery: SERVICE_DELIVERY_ACTIONS,
      roles: ROLE_CHANGE_ACTIONS,
      identityCenter: IDENTITY_CENTER_ATTRIBUTE_ACTIONS,
    };
    const document: PolicyDocument = {
      Version: '2012-10-17',
      Statement: Object.entries(lists).map(([group, actions]) => ({ Sid: group, Effect: 'Deny' as const, Action: [...actions] as string[], Resource: '*' })),
    };
    expect(await checkPolicyVocabulary([{ name: 'all', document }])).toEqual([]);
  });

  it('every generated policy passes, for every cloudShell setting and both perimeter scopes', async () => {
    for (const cloudShell of ['block', 'vpcOnly', 'allow']) {
      const plan = await planPerimeter(enforceModel((c) => (c.aws.cloudShell = cloudShell)));
      expect(await checkPolicyVocabulary(plan.policies)).toEqual([]);
    }
    const optIn = await planPerimeter(enforceModel((c) => (c.aws.perimeterIncludeTag = 'guardrails:perimeter-include')));
    expect(await checkPolicyVocabulary(optIn.policies)).toEqual([]);
  });

  it('checks NotAction names, and takes credential-session keys as global', async () => {
    const document: PolicyDocument = {
      Version: '2012-10-17',
      Statement: [
        { Sid: 'Typo', Effect: 'Deny', NotAction: ['dax:GetItems', 'rds-db:connect'], Resource: '*' },
        // lambda:SourceFunctionArn is in the credentials' context, not any one action's: no per-action report.
        {
          Sid: 'Session',
          Effect: 'Deny',
          Action: ['logs:PutLogEvents'],
          Resource: '*',
          Condition: { Null: { 'lambda:SourceFunctionArn': 'true', 'ec2:SourceInstanceARN': 'true' } },
        },
        // A real service key still has to be carried by the action.
        { Sid: 'Service', Effect: 'Deny', Action: ['logs:PutLogEvents'], Resource: '*', Condition: { Null: { 'cloudshell:VpcIds': 'true' } } },
      ],
    };
    expect((await checkPolicyVocabulary([{ name: 'p', document }])).map((p) => `${p.sid}: ${p.problem}`)).toEqual([
      expect.stringMatching(/^Typo: action dax:GetItems is not an IAM action/),
      expect.stringMatching(/^Service: logs:PutLogEvents does not carry cloudshell:VpcIds/),
    ]);
  });

  it('catches what silently disables a Deny', async () => {
    const document: PolicyDocument = {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'Bad',
          Effect: 'Deny',
          Action: ['cloudshell:SendHeartBeat', 'cloudtrail:StopLogging', 'nosuchservice:Do', 's3:Nope*'],
          Resource: '*',
          Condition: {
            NotIpAdress: { 'aws:SourceIp': ['192.0.2.0/24'] },
            StringEquals: { 'aws:SourceIpp': 'x' },
            IpAddress: { 'aws:PrincipalArn': '192.0.2.0/24' },
            StringEqualsIgnoreCase: { 'aws:TagKeys': 'k' },
          },
        },
      ],
    };
    const problems = (await checkPolicyVocabulary([{ name: 'p', document }])).map((p) => p.problem);
    expect(problems).toEqual([
      expect.stringMatching(/cloudshell:SendHeartBeat is not an IAM action \(CloudTrail event names/),
      expect.stringMatching(/no IAM service "nosuchservice"/),
      expect.stringMatching(/s3:Nope\* matches no s3 action/),
      expect.stringMatching(/NotIpAdress is not an IAM operator/),
      expect.stringMatching(/aws:SourceIpp does not exist/),
      expect.stringMatching(/IpAddress cannot compare aws:PrincipalArn/),
      expect.stringMatching(/aws:TagKeys is multi-valued/),
      expect.stringMatching(/cloudtrail:StopLogging does not carry aws:TagKeys/),
    ]);
  });

  it.each([
    ['StringNotEqualsIfExists', { family: 'String', ifExists: true }],
    ['ForAnyValue:StringEqualsIgnoreCase', { family: 'String', setOperator: 'ForAnyValue', ifExists: false }],
    ['Null', { family: 'Null', ifExists: false }],
    ['NullIfExists', undefined],
    ['StringEqual', undefined],
    ['ForSomeValues:StringEquals', undefined],
  ])('parses operator %s', (operator, expected) => {
    expect(parseOperator(operator)).toEqual(expected === undefined ? undefined : expect.objectContaining(expected));
  });
});
