/**
 * Whole-organization simulation (DESIGN.md, "AWS (CDK)"): every flow of test/helpers/organization-flows.ts
 * judged against the SCPs, identity policies and resource policies of all the templates the AWS app
 * deploys, for the AWS SRA layout (log-archive and security accounts) and the single-account layout,
 * each in report and enforce mode. Each app is synthesized once; its flows then only simulate.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { GuardrailsModel } from '../../../core/config/model.ts';
import { enforceModel, exampleModel, type Editable } from '../../helpers/config.ts';
import { FLOWS, FlowScope, type AppCase, type Flow } from '../../helpers/organization-flows.ts';
import { Organization } from '../../helpers/organization-policies.ts';
import {
  OrganizationSimulation,
  synthOrganization,
  type FlowRequest,
  type SynthesizedOrganization,
  type Verdict,
} from '../../helpers/organization-simulation.ts';
import { perimeterShadowRules } from '../../../core/aws/shadow-rules.ts';
import { shadowVisibility } from '../../helpers/shadow-visibility.ts';

const singleAccount = (c: Editable) => {
  delete c.aws.logArchiveAccountId;
  delete c.aws.securityAccountId;
};

const APPS: { name: string; model: GuardrailsModel }[] = [
  { name: 'AWS SRA layout, report mode', model: exampleModel() },
  { name: 'AWS SRA layout, enforce mode', model: enforceModel() },
  { name: 'single-account layout, report mode', model: exampleModel(singleAccount) },
  { name: 'single-account layout, enforce mode', model: enforceModel(singleAccount) },
];

/**
 * A flow's request and its verdict in a synthesized organization, simulated once: the enforce-mode flows
 * and the shadow-mode report below judge the same requests (the organization is shared per model).
 */
const judged = new WeakMap<SynthesizedOrganization, Map<Flow, Promise<{ request: FlowRequest; verdict: Verdict }>>>();
function judge(synthesized: SynthesizedOrganization, scope: FlowScope, flow: Flow): Promise<{ request: FlowRequest; verdict: Verdict }> {
  let flows = judged.get(synthesized);
  if (!flows) {
    flows = new Map();
    judged.set(synthesized, flows);
  }
  let found = flows.get(flow);
  if (!found) {
    const request = flow.request(scope);
    found = synthesized.simulation.evaluate(request).then((verdict) => ({ request, verdict }));
    flows.set(flow, found);
  }
  return found;
}

/** Raw template resources of one type in one account (for types the simulation does not index). */
function templateResources(org: Organization, account: string, type: string): Record<string, any>[] {
  return org.stacks
    .filter((s) => s.account === account)
    .flatMap((s) => Object.values(s.template.Resources ?? {}))
    .filter((r) => r.Type === type)
    .map((r) => r.Properties ?? {});
}

describe('the harness', () => {
  const MANAGEMENT = '111111111111';
  const MEMBER = '222222222222';
  const template = {
    Resources: {
      Deny: {
        Type: 'AWS::Organizations::Policy',
        Properties: {
          Name: 'deny-reads',
          Type: 'SERVICE_CONTROL_POLICY',
          TargetIds: ['ou-test'],
          Content: { Version: '2012-10-17', Statement: [{ Sid: 'DenyReads', Effect: 'Deny', Action: 's3:GetObject', Resource: '*' }] },
        },
      },
      Unnamed: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [] } } },
      Bucket: { Type: 'AWS::S3::Bucket', Properties: { BucketName: { 'Fn::Join': ['-', ['data', { Ref: 'AWS::AccountId' }, { Ref: 'AWS::Region' }]] } } },
      Policy: {
        Type: 'AWS::S3::BucketPolicy',
        Properties: {
          Bucket: { Ref: 'Bucket' },
          PolicyDocument: {
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Principal: { AWS: { 'Fn::Sub': `arn:\${AWS::Partition}:iam::${MEMBER}:root` } },
                Action: 's3:GetObject',
                Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': ['Bucket', 'Arn'] }, '/*']] },
              },
            ],
          },
        },
      },
    },
  };
  const org = new Organization({ organizationId: 'o-test', managementAccount: MANAGEMENT, rootId: 'r-test', members: new Map([[MEMBER, 'ou-test']]) }, [
    { stackName: 'Test', account: MANAGEMENT, region: 'us-east-1', template },
  ]);
  const simulation = new OrganizationSimulation(org);
  const admin = [{ name: 'admin', policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] } }];
  const object = 'arn:aws:s3:::data-111111111111-us-east-1/report.csv';

  it('resolves intrinsics and names an unnamed resource like CloudFormation would (stack, logical id, suffix)', () => {
    expect(org.resources.has('arn:aws:s3:::data-111111111111-us-east-1')).toBe(true);
    expect([...org.roles.keys()][0]).toMatch(/^arn:aws:iam::111111111111:role\/Test-Unnamed-[0-9A-F]{12}$/);
    expect(org.problems).toEqual([]);
  });

  it('hands SCPs only for member-account IAM principals: never the management account, service-linked roles or service principals', () => {
    expect(simulation.scpsFor(`arn:aws:iam::${MANAGEMENT}:role/Admin`).policies).toEqual([]);
    expect(simulation.scpsFor(`arn:aws:iam::${MEMBER}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig`).policies).toEqual([]);
    expect(simulation.scpsFor('cloudtrail.amazonaws.com').policies).toEqual([]);
    const path = simulation.scpsFor(`arn:aws:iam::${MEMBER}:role/Admin`).policies;
    expect(path.map((level) => [level.orgIdentifier, level.policies.map((p) => p.name)])).toEqual([
      ['r-test', ['FullAWSAccess']],
      ['ou-test', ['FullAWSAccess', 'deny-reads']],
      [MEMBER, ['FullAWSAccess']],
    ]);
  });

  it('judges a member admin by the SCP, a management admin without it, and a cross-account caller by both policies', async () => {
    expect(
      (await simulation.evaluate({ principal: `arn:aws:iam::${MEMBER}:role/Admin`, action: 's3:GetObject', resource: object, identityPolicies: admin }))
        .denials,
    ).toEqual(['scp deny-reads#DenyReads denies']);
    expect(
      (await simulation.evaluate({ principal: `arn:aws:iam::${MANAGEMENT}:role/Admin`, action: 's3:GetObject', resource: object, identityPolicies: admin }))
        .decision,
    ).toBe('Allowed');
    expect(
      (await simulation.evaluate({ principal: 'arn:aws:iam::333333333333:role/Admin', action: 's3:GetObject', resource: object, identityPolicies: admin }))
        .decision,
    ).toBe('Denied');
  });
});

describe.each(APPS)('$name', ({ model }) => {
  const aws = model.aws!;
  const app: AppCase = { layout: aws.layout, mode: model.mode, aws };
  let synthesized: SynthesizedOrganization;
  let scope: FlowScope;

  beforeAll(async () => {
    synthesized = await synthOrganization(model);
    scope = new FlowScope(synthesized.org, model);
  }, 120_000);

  it(`loads every template: ${aws.layout === 'sra' ? 'management, log-archive and security stacks' : 'the management stack'} and the member StackSet's instances`, () => {
    const accounts = new Set(synthesized.org.stacks.map((s) => s.account));
    expect([...accounts].sort()).toEqual([...new Set([aws.accounts.management, aws.accounts.logArchive, aws.accounts.security, '444455556666'])].sort());
  });

  it('the templates describe a deployable organization: no ARN or KMS alias is created twice', () => {
    expect(synthesized.org.problems).toEqual([]);
  });

  it(model.mode === 'enforce' ? 'every SCP is attached to the targets' : 'report mode: every SCP exists and is attached to nothing', () => {
    const { serviceControlPolicies } = synthesized.org;
    expect(serviceControlPolicies.length).toBeGreaterThan(0);
    for (const scp of serviceControlPolicies) expect(scp.targets, scp.name).toEqual(model.mode === 'enforce' ? aws.targets : []);
  });

  it('organizations:DisableAWSServiceAccess for CloudTrail is detected in the management account (a real-time rule and a metric filter), since nothing can prevent it there', () => {
    const mentions = (value: unknown) =>
      JSON.stringify(value).includes('DisableAWSServiceAccess') && JSON.stringify(value).includes('cloudtrail.amazonaws.com');
    const rules = templateResources(synthesized.org, aws.accounts.management, 'AWS::Events::Rule').filter(
      (r) => r.EventBusName === undefined && mentions(r.EventPattern),
    );
    const filters = templateResources(synthesized.org, aws.accounts.management, 'AWS::Logs::MetricFilter').filter((f) => mentions(f.FilterPattern));
    expect(rules.length, 'forwarding rule on the default bus').toBeGreaterThan(0);
    expect(filters.length, "metric filter on the trail's log group").toBeGreaterThan(0);
  });

  for (const flow of FLOWS) {
    const expected = flow.expect(app);
    const limit = flow.limit ? ` [simulator: ${flow.limit}]` : '';
    it(`${flow.group}: ${flow.title} -> ${expected.decision} (${expected.because})${limit}`, async () => {
      const { verdict } = await judge(synthesized, scope, flow);
      expect(verdict.decision, `denied by: ${verdict.denials.join('; ') || 'nothing'}; SCPs: ${verdict.scps}`).toBe(expected.decision);
    });
  }
});

/**
 * Shadow mode tells the truth: of the requests the enforced network perimeter denies, which would its
 * report-mode shadow rule (core/aws/shadow-rules.ts) alert on? Written to a file for the README to point
 * at; every request CloudTrail records as a management event must be seen.
 */
describe('shadow mode against the enforced perimeter', () => {
  const enforce = APPS[1]!.model;
  // The same config in report mode, where the shadow rule exists.
  const shadow = perimeterShadowRules(exampleModel((c) => (c.trustedNetworks.cidrs = [...enforce.trusted.cidrs]))).rules[0]!;

  it('lists what enforce would deny and whether the shadow rule sees it', async () => {
    const synthesized = await synthOrganization(enforce);
    const scope = new FlowScope(synthesized.org, enforce);
    const rows: string[] = [];
    const unseen: string[] = [];
    for (const flow of FLOWS) {
      const { request, verdict } = await judge(synthesized, scope, flow);
      const perimeter = verdict.denials.filter((d) => /#Deny\w*(FromOutsideTrustedNetworks|OutsideItsRegion)/.test(d));
      if (verdict.decision !== 'Denied' || perimeter.length === 0) continue;
      const visibility = shadowVisibility(request, shadow);
      rows.push(
        `| ${flow.group}: ${flow.title} | \`${request.action}\` | ${perimeter.map((d) => d.replace(/^scp /, '').replace(/ denies$/, '')).join(', ')} | ${visibility.seen ? 'yes' : '**no**'}: ${visibility.why} |`,
      );
      if (!visibility.seen && !/data event/.test(visibility.why)) unseen.push(flow.title);
    }
    expect(rows.length).toBeGreaterThan(0);
    expect(unseen, 'management events the shadow rule misses').toEqual([]);
    const report = [
      '# Shadow mode against the enforced network perimeter',
      '',
      'Generated by test/stacks/aws/organization-simulation.test.ts from the whole-organization simulation of the example in enforce mode (AWS SRA layout): every simulated request the network-perimeter SCP denies, and whether `aws-perimeter-shadow-network` (report mode) would alert on its CloudTrail record.',
      '',
      '| Request | Action | Denied by | Shadow alert |',
      '| --- | --- | --- | --- |',
      ...rows,
      '',
    ].join('\n');
    await expect(report).toMatchFileSnapshot('./__snapshots__/shadow-blind-spots.md');
  }, 120_000);
});
