/**
 * Requests against the perimeter SCPs, as the simulator sees them and as CloudTrail would record them.
 * Shared by the SCP simulation and the shadow-rule tests, so both judge the same requests.
 */
import { runSimulation, type Simulation } from '@cloud-copilot/iam-simulate';
import { expect } from 'vitest';
import type { PerimeterPlan } from '../../core/aws/perimeter-plan.ts';

export const MEMBER = '444455556666';
export const OU = 'ou-ab12-34cd56ef';
export const ADMIN = `arn:aws:iam::${MEMBER}:role/Admin`;
export const BREAK_GLASS = `arn:aws:iam::${MEMBER}:role/BreakGlassAdmin`;
export const CDK_EXEC = `arn:aws:iam::${MEMBER}:role/cdk-hnb659fds-cfn-exec-role-${MEMBER}-us-east-1`;
export const CI_ROLE_ELSEWHERE = `arn:aws:iam::${MEMBER}:role/github-actions-deploy`;
export const TRAIL = 'arn:aws:cloudtrail:us-east-1:111122223333:trail/guardrails-org-trail';
export const TEAM_TRAIL = `arn:aws:cloudtrail:us-east-1:${MEMBER}:trail/team-trail`;
export const OBJECT = 'arn:aws:s3:::app-data/report.csv';
export const KEY = `arn:aws:kms:us-east-1:${MEMBER}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
export const TRUSTED_IP = '203.0.113.10';
export const UNTRUSTED_IP = '192.0.2.10'; // in the example's report-mode list, not in the enforce list below
export const TRUSTED_VPC_US = 'vpc-0a1b2c3d4e5f60718';
export const TRUSTED_VPCE = 'vpce-0123456789abcdef0';

const allowAll = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };

const keyPolicyDelegatingToIam = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${MEMBER}:root` }, Action: 'kms:*', Resource: '*' }],
};

export type Context = Record<string, string | string[]>;
export interface Case {
  name: string;
  action: string;
  principal?: string;
  resource?: string;
  context: Context;
  expected: 'Allowed' | 'Denied';
}

export async function decide(plan: PerimeterPlan, c: Case): Promise<string> {
  const principal = c.principal ?? ADMIN;
  const attached = plan.policies.filter((p) => p.mode === 'enforce').map((p) => ({ name: p.name, policy: p.document }));
  const simulation = {
    identityPolicies: [{ name: 'admin', policy: allowAll }],
    serviceControlPolicies: [
      { orgIdentifier: 'r-ab12', policies: [{ name: 'FullAWSAccess', policy: allowAll }] },
      { orgIdentifier: OU, policies: [{ name: 'FullAWSAccess', policy: allowAll }, ...attached] },
    ],
    resourceControlPolicies: [],
    // KMS needs the key policy to allow too; the usual default delegates to the account's IAM.
    ...(c.action.startsWith('kms:') ? { resourcePolicy: keyPolicyDelegatingToIam } : {}),
    request: {
      action: c.action,
      principal,
      resource: { accountId: MEMBER, resource: c.resource ?? OBJECT },
      contextVariables: { 'aws:PrincipalArn': principal, ...c.context },
    },
  } as unknown as Simulation;
  const response = await runSimulation(simulation, {});
  if (response.resultType === 'error') throw new Error(`${c.name}: ${JSON.stringify(response.errors)}`);
  // The simulator drops context keys that do not apply to the action; a dropped key would make the
  // case test something other than what its name says.
  if (response.resultType === 'single') expect(response.result.ignoredContextKeys ?? [], c.name).toEqual([]);
  return response.overallResult === 'Allowed' ? 'Allowed' : 'Denied';
}

export const cases: Case[] = [
  { name: 'CLI from a trusted IPv4 egress', action: 's3:GetObject', context: { 'aws:SourceIp': TRUSTED_IP }, expected: 'Allowed' },
  { name: 'CLI from an untrusted IPv4', action: 's3:GetObject', context: { 'aws:SourceIp': UNTRUSTED_IP }, expected: 'Denied' },
  { name: 'SDK call from an untrusted public IP', action: 'ec2:DescribeInstances', resource: '*', context: { 'aws:SourceIp': '8.8.8.8' }, expected: 'Denied' },
  { name: 'IPv6 from the trusted prefix', action: 's3:GetObject', context: { 'aws:SourceIp': '2001:db8:1::10' }, expected: 'Allowed' },
  { name: 'IPv6 from outside', action: 's3:GetObject', context: { 'aws:SourceIp': '2600:1f18::1' }, expected: 'Denied' },
  { name: 'through the trusted VPC endpoint (no aws:SourceIp)', action: 's3:GetObject', context: { 'aws:SourceVpce': TRUSTED_VPCE, 'aws:SourceVpc': 'vpc-0ffffffffffffffff', 'aws:RequestedRegion': 'us-east-1' }, expected: 'Allowed' },
  { name: 'through any endpoint of a trusted VPC in its region', action: 's3:GetObject', context: { 'aws:SourceVpc': TRUSTED_VPC_US, 'aws:SourceVpce': 'vpce-0fffffffffffffff0', 'aws:RequestedRegion': 'us-east-1' }, expected: 'Allowed' },
  { name: 'trusted VPC id used for another region', action: 's3:GetObject', context: { 'aws:SourceVpc': TRUSTED_VPC_US, 'aws:SourceVpce': 'vpce-0fffffffffffffff0', 'aws:RequestedRegion': 'eu-west-1' }, expected: 'Denied' },
  { name: 'through an endpoint of an untrusted VPC', action: 's3:GetObject', context: { 'aws:SourceVpc': 'vpc-0ffffffffffffffff', 'aws:SourceVpce': 'vpce-0fffffffffffffff0' }, expected: 'Denied' },
  { name: 'a request with no aws:SourceIp and no VPC keys', action: 's3:GetObject', context: {}, expected: 'Denied' },
  { name: 'untrusted IP but made by an AWS service on the caller\'s behalf', action: 's3:GetObject', context: { 'aws:SourceIp': UNTRUSTED_IP, 'aws:ViaAWSService': 'true' }, expected: 'Allowed' },
  { name: 'break-glass role from anywhere', action: 's3:GetObject', principal: BREAK_GLASS, context: { 'aws:SourceIp': '8.8.8.8' }, expected: 'Allowed' },
  { name: 'automation role (pattern) from anywhere', action: 's3:GetObject', principal: CDK_EXEC, context: { 'aws:SourceIp': '8.8.8.8' }, expected: 'Allowed' },
  { name: 'automation role name in an account the pattern does not name', action: 's3:GetObject', principal: CI_ROLE_ELSEWHERE, context: { 'aws:SourceIp': '8.8.8.8' }, expected: 'Denied' },
  { name: 'principal tagged perimeter-exempt', action: 's3:GetObject', context: { 'aws:SourceIp': '8.8.8.8', 'aws:PrincipalTag/guardrails:perimeter-exempt': 'true' }, expected: 'Allowed' },
  { name: 'principal tagged perimeter-exempt=false', action: 's3:GetObject', context: { 'aws:SourceIp': '8.8.8.8', 'aws:PrincipalTag/guardrails:perimeter-exempt': 'false' }, expected: 'Denied' },
  { name: 'CloudShell CreateEnvironment without a VPC', action: 'cloudshell:CreateEnvironment', resource: '*', context: { 'aws:SourceIp': TRUSTED_IP }, expected: 'Denied' },
  { name: 'CloudShell CreateEnvironment in a trusted VPC', action: 'cloudshell:CreateEnvironment', resource: '*', context: { 'aws:SourceIp': TRUSTED_IP, 'cloudshell:VpcIds': [TRUSTED_VPC_US] }, expected: 'Allowed' },
  { name: 'CloudShell CreateEnvironment in an untrusted VPC', action: 'cloudshell:CreateEnvironment', resource: '*', context: { 'aws:SourceIp': TRUSTED_IP, 'cloudshell:VpcIds': ['vpc-0ffffffffffffffff'] }, expected: 'Denied' },
  { name: 'CloudShell CreateEnvironment without a VPC by break-glass', action: 'cloudshell:CreateEnvironment', principal: BREAK_GLASS, resource: '*', context: { 'aws:SourceIp': '8.8.8.8' }, expected: 'Allowed' },
  { name: 'cloudtrail:StopLogging on the org trail by an admin from a trusted IP', action: 'cloudtrail:StopLogging', resource: TRAIL, context: { 'aws:SourceIp': TRUSTED_IP }, expected: 'Denied' },
  { name: 'cloudtrail:DeleteTrail on the org trail by an admin from a trusted IP', action: 'cloudtrail:DeleteTrail', resource: TRAIL, context: { 'aws:SourceIp': TRUSTED_IP }, expected: 'Denied' },
  { name: 'cloudtrail:StopLogging on the org trail by break-glass', action: 'cloudtrail:StopLogging', principal: BREAK_GLASS, resource: TRAIL, context: { 'aws:SourceIp': TRUSTED_IP }, expected: 'Allowed' },
  { name: 'cloudtrail:StopLogging on a team\'s own trail', action: 'cloudtrail:StopLogging', resource: TEAM_TRAIL, context: { 'aws:SourceIp': TRUSTED_IP }, expected: 'Allowed' },
  { name: 'deleting a log object', action: 's3:DeleteObject', resource: 'arn:aws:s3:::guardrails-org-trail-111122223333-us-east-1/AWSLogs/o-a1b2c3d4e5/x.json.gz', context: { 'aws:SourceIp': TRUSTED_IP }, expected: 'Denied' },
  { name: 'deleting the trail log group', action: 'logs:DeleteLogGroup', resource: 'arn:aws:logs:us-east-1:111122223333:log-group:/guardrails/guardrails-org-trail', context: { 'aws:SourceIp': TRUSTED_IP }, expected: 'Denied' },
  { name: 'scheduling deletion of a protected key', action: 'kms:ScheduleKeyDeletion', resource: KEY, context: { 'aws:SourceIp': TRUSTED_IP, 'aws:ResourceTag/guardrails:protected': 'true' }, expected: 'Denied' },
  { name: 'scheduling deletion of an ordinary key', action: 'kms:ScheduleKeyDeletion', resource: KEY, context: { 'aws:SourceIp': TRUSTED_IP }, expected: 'Allowed' },
  { name: 'self-granting the exemption tag as a session tag (any case)', action: 'sts:TagSession', resource: `arn:aws:iam::${MEMBER}:role/Other`, context: { 'aws:SourceIp': TRUSTED_IP, 'aws:TagKeys': ['Guardrails:Perimeter-Exempt'] }, expected: 'Denied' },
  { name: 'removing the protection tag from a role', action: 'iam:UntagRole', resource: `arn:aws:iam::${MEMBER}:role/Other`, context: { 'aws:SourceIp': TRUSTED_IP, 'aws:TagKeys': ['guardrails:protected'] }, expected: 'Denied' },
  { name: 'tagging a role with an ordinary tag', action: 'iam:TagRole', resource: `arn:aws:iam::${MEMBER}:role/Other`, context: { 'aws:SourceIp': TRUSTED_IP, 'aws:TagKeys': ['team'] }, expected: 'Allowed' },
  { name: 'leaving the organization', action: 'organizations:LeaveOrganization', resource: '*', context: { 'aws:SourceIp': TRUSTED_IP }, expected: 'Denied' },
];


/**
 * The CloudTrail record AWS would write for a request, or undefined when CloudTrail cannot show it
 * (every record has a sourceIPAddress; a request with none does not exist there).
 */
export function cloudTrailRecord(c: Case): Record<string, unknown> | undefined {
  const [service = '', name = ''] = c.action.split(':');
  const ctx = c.context;
  const principal = c.principal ?? ADMIN;
  const roleName = principal.split('/').pop()!;
  const viaService = ctx['aws:ViaAWSService'] === 'true';
  const sourceIp = typeof ctx['aws:SourceIp'] === 'string' ? ctx['aws:SourceIp'] : undefined;
  const vpce = typeof ctx['aws:SourceVpce'] === 'string' ? ctx['aws:SourceVpce'] : undefined;
  if (!viaService && !sourceIp && !vpce) return undefined;
  return {
    eventVersion: '1.09',
    eventType: 'AwsApiCall',
    eventSource: `${service}.amazonaws.com`,
    eventName: name,
    awsRegion: typeof ctx['aws:RequestedRegion'] === 'string' ? ctx['aws:RequestedRegion'] : 'us-east-1',
    recipientAccountId: MEMBER,
    // Through a VPC endpoint CloudTrail records the caller's private address and the endpoint id.
    sourceIPAddress: viaService ? `${service}.amazonaws.com` : (sourceIp ?? '10.0.1.15'),
    ...(vpce && !sourceIp ? { vpcEndpointId: vpce } : {}),
    userAgent: viaService ? `${service}.amazonaws.com` : 'aws-cli/2.15.0 Python/3.11.6',
    userIdentity: {
      type: 'AssumedRole',
      arn: `arn:aws:sts::${MEMBER}:assumed-role/${roleName}/session`,
      accountId: MEMBER,
      ...(viaService ? { invokedBy: `${service}.amazonaws.com` } : {}),
      sessionContext: { sessionIssuer: { type: 'Role', arn: principal, accountId: MEMBER, userName: roleName } },
    },
  };
}
