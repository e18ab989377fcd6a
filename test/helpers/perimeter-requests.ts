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
/**
 * The edges of trusted 203.0.113.0/24 and 2001:db8::/32 (in the enforce and the report lists) and the
 * addresses one step outside them (in neither list): an off-by-one in the ranges or their complement
 * shows here as a named case.
 */
export const TRUSTED_RANGE_EDGES = {
  v4: { first: '203.0.113.0', last: '203.0.113.255', below: '203.0.112.255', above: '203.0.114.0' },
  v6: { first: '2001:db8::', last: '2001:db8:ffff:ffff:ffff:ffff:ffff:ffff', below: '2001:db7:ffff:ffff:ffff:ffff:ffff:ffff', above: '2001:db9::' },
} as const;
const edge = (family: 'v4' | 'v6', which: 'first' | 'last' | 'below' | 'above'): Case => ({
  name: `IPv${family === 'v4' ? 4 : 6} ${which === 'first' || which === 'last' ? `${which} address of a trusted range` : `one ${which} a trusted range`} (${TRUSTED_RANGE_EDGES[family][which]})`,
  action: 's3:GetObject',
  context: { 'aws:SourceIp': TRUSTED_RANGE_EDGES[family][which] },
  expected: which === 'first' || which === 'last' ? 'Allowed' : 'Denied',
});
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
  /** Account owning the resource (default: the member account). */
  resourceAccount?: string;
  /** Resource policy of the resource: a cross-account call needs one, as does sts:AssumeRole (the trust policy). */
  resourcePolicy?: object;
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
    ...(c.resourcePolicy ? { resourcePolicy: c.resourcePolicy } : c.action.startsWith('kms:') ? { resourcePolicy: keyPolicyDelegatingToIam } : {}),
    request: {
      action: c.action,
      principal,
      resource: { accountId: c.resourceAccount ?? MEMBER, resource: c.resource ?? OBJECT },
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
  ...(['v4', 'v6'] as const).flatMap((family) => (['first', 'last', 'below', 'above'] as const).map((which) => edge(family, which))),
  {
    name: 'through the trusted VPC endpoint (no aws:SourceIp)',
    action: 's3:GetObject',
    context: { 'aws:SourceVpce': TRUSTED_VPCE, 'aws:SourceVpc': 'vpc-0ffffffffffffffff', 'aws:RequestedRegion': 'us-east-1' },
    expected: 'Allowed',
  },
  {
    name: 'through any endpoint of a trusted VPC in its region',
    action: 's3:GetObject',
    context: { 'aws:SourceVpc': TRUSTED_VPC_US, 'aws:SourceVpce': 'vpce-0fffffffffffffff0', 'aws:RequestedRegion': 'us-east-1' },
    expected: 'Allowed',
  },
  {
    name: 'trusted VPC id used for another region',
    action: 's3:GetObject',
    context: { 'aws:SourceVpc': TRUSTED_VPC_US, 'aws:SourceVpce': 'vpce-0fffffffffffffff0', 'aws:RequestedRegion': 'eu-west-1' },
    expected: 'Denied',
  },
  {
    name: 'through an endpoint of an untrusted VPC',
    action: 's3:GetObject',
    context: { 'aws:SourceVpc': 'vpc-0ffffffffffffffff', 'aws:SourceVpce': 'vpce-0fffffffffffffff0' },
    expected: 'Denied',
  },
  { name: 'a request with no aws:SourceIp and no VPC keys', action: 's3:GetObject', context: {}, expected: 'Denied' },
  {
    name: "untrusted IP but made by an AWS service on the caller's behalf",
    action: 's3:GetObject',
    context: { 'aws:SourceIp': UNTRUSTED_IP, 'aws:ViaAWSService': 'true' },
    expected: 'Allowed',
  },
  { name: 'break-glass role from anywhere', action: 's3:GetObject', principal: BREAK_GLASS, context: { 'aws:SourceIp': '8.8.8.8' }, expected: 'Allowed' },
  { name: 'automation role (pattern) from anywhere', action: 's3:GetObject', principal: CDK_EXEC, context: { 'aws:SourceIp': '8.8.8.8' }, expected: 'Allowed' },
  {
    name: 'automation role name in an account the pattern does not name',
    action: 's3:GetObject',
    principal: CI_ROLE_ELSEWHERE,
    context: { 'aws:SourceIp': '8.8.8.8' },
    expected: 'Denied',
  },
  {
    name: 'principal tagged perimeter-exempt',
    action: 's3:GetObject',
    context: { 'aws:SourceIp': '8.8.8.8', 'aws:PrincipalTag/guardrails:perimeter-exempt': 'true' },
    expected: 'Allowed',
  },
  {
    name: 'principal tagged perimeter-exempt=false',
    action: 's3:GetObject',
    context: { 'aws:SourceIp': '8.8.8.8', 'aws:PrincipalTag/guardrails:perimeter-exempt': 'false' },
    expected: 'Denied',
  },
  {
    name: 'CloudShell CreateEnvironment without a VPC',
    action: 'cloudshell:CreateEnvironment',
    resource: '*',
    context: { 'aws:SourceIp': TRUSTED_IP },
    expected: 'Denied',
  },
  {
    name: 'CloudShell CreateEnvironment in a trusted VPC',
    action: 'cloudshell:CreateEnvironment',
    resource: '*',
    context: { 'aws:SourceIp': TRUSTED_IP, 'cloudshell:VpcIds': [TRUSTED_VPC_US] },
    expected: 'Allowed',
  },
  {
    name: 'CloudShell CreateEnvironment in an untrusted VPC',
    action: 'cloudshell:CreateEnvironment',
    resource: '*',
    context: { 'aws:SourceIp': TRUSTED_IP, 'cloudshell:VpcIds': ['vpc-0ffffffffffffffff'] },
    expected: 'Denied',
  },
  {
    name: 'CloudShell CreateEnvironment without a VPC by break-glass',
    action: 'cloudshell:CreateEnvironment',
    principal: BREAK_GLASS,
    resource: '*',
    context: { 'aws:SourceIp': '8.8.8.8' },
    expected: 'Allowed',
  },
  {
    name: 'cloudtrail:StopLogging on the org trail by an admin from a trusted IP',
    action: 'cloudtrail:StopLogging',
    resource: TRAIL,
    context: { 'aws:SourceIp': TRUSTED_IP },
    expected: 'Denied',
  },
  {
    name: 'cloudtrail:DeleteTrail on the org trail by an admin from a trusted IP',
    action: 'cloudtrail:DeleteTrail',
    resource: TRAIL,
    context: { 'aws:SourceIp': TRUSTED_IP },
    expected: 'Denied',
  },
  {
    name: 'cloudtrail:StopLogging on the org trail by break-glass',
    action: 'cloudtrail:StopLogging',
    principal: BREAK_GLASS,
    resource: TRAIL,
    context: { 'aws:SourceIp': TRUSTED_IP },
    expected: 'Allowed',
  },
  {
    name: "cloudtrail:StopLogging on a team's own trail",
    action: 'cloudtrail:StopLogging',
    resource: TEAM_TRAIL,
    context: { 'aws:SourceIp': TRUSTED_IP },
    expected: 'Allowed',
  },
  // The log bucket is in the log-archive account (222233334444 in the example), where SCPs apply.
  {
    name: 'deleting a log object',
    action: 's3:DeleteObject',
    resource: 'arn:aws:s3:::guardrails-org-trail-222233334444-us-east-1/AWSLogs/o-a1b2c3d4e5/x.json.gz',
    context: { 'aws:SourceIp': TRUSTED_IP },
    expected: 'Denied',
  },
  {
    name: 'deleting the trail log group',
    action: 'logs:DeleteLogGroup',
    resource: 'arn:aws:logs:us-east-1:111122223333:log-group:/guardrails/guardrails-org-trail',
    context: { 'aws:SourceIp': TRUSTED_IP },
    expected: 'Denied',
  },
  {
    name: 'scheduling deletion of a protected key',
    action: 'kms:ScheduleKeyDeletion',
    resource: KEY,
    context: { 'aws:SourceIp': TRUSTED_IP, 'aws:ResourceTag/guardrails:protected': 'true' },
    expected: 'Denied',
  },
  {
    name: 'scheduling deletion of an ordinary key',
    action: 'kms:ScheduleKeyDeletion',
    resource: KEY,
    context: { 'aws:SourceIp': TRUSTED_IP },
    expected: 'Allowed',
  },
  {
    name: 'self-granting the exemption tag as a session tag (any case)',
    action: 'sts:TagSession',
    resource: `arn:aws:iam::${MEMBER}:role/Other`,
    context: { 'aws:SourceIp': TRUSTED_IP, 'aws:TagKeys': ['Guardrails:Perimeter-Exempt'] },
    expected: 'Denied',
  },
  {
    name: 'removing the protection tag from a role',
    action: 'iam:UntagRole',
    resource: `arn:aws:iam::${MEMBER}:role/Other`,
    context: { 'aws:SourceIp': TRUSTED_IP, 'aws:TagKeys': ['guardrails:protected'] },
    expected: 'Denied',
  },
  {
    name: 'tagging a role with an ordinary tag',
    action: 'iam:TagRole',
    resource: `arn:aws:iam::${MEMBER}:role/Other`,
    context: { 'aws:SourceIp': TRUSTED_IP, 'aws:TagKeys': ['team'] },
    expected: 'Allowed',
  },
  { name: 'leaving the organization', action: 'organizations:LeaveOrganization', resource: '*', context: { 'aws:SourceIp': TRUSTED_IP }, expected: 'Denied' },
];

// Workloads, the kit's own roles and exemption squatting. Kept apart from `cases`, which the shadow-rule
// test also replays: the shadow rule (core/aws/shadow-rules.ts) does not know these exemptions yet.
export const SECURITY = '333344445555';
/** A public address of an AWS service's own network: in no trusted list. */
export const AWS_SERVICE_IP = '52.94.133.131';
export const LAMBDA_ROLE = `arn:aws:iam::${MEMBER}:role/orders-function-role`;
export const FUNCTION = `arn:aws:lambda:us-east-1:${MEMBER}:function:orders`;
export const EC2_ROLE = `arn:aws:iam::${MEMBER}:role/orders-instance-role`;
export const INSTANCE = `arn:aws:ec2:us-east-1:${MEMBER}:instance/i-0123456789abcdef0`;
export const GLUE_ROLE = `arn:aws:iam::${MEMBER}:role/etl-job-role`;
export const EC2_INFRASTRUCTURE = `arn:aws:iam::${MEMBER}:role/aws:ec2-infrastructure`;
export const FORWARDING_ROLE = `arn:aws:iam::${MEMBER}:role/guardrails-event-forwarding`;
export const STACKSET_EXEC = `arn:aws:iam::${MEMBER}:role/stacksets-exec-0123456789abcdef0123456789abcdef`;
export const CENTRAL_BUS = `arn:aws:events:us-east-1:${SECURITY}:event-bus/guardrails-central`;
const LOG_STREAM = `arn:aws:logs:us-east-1:${MEMBER}:log-group:/aws/lambda/orders:log-stream:2026/01/01/abc`;
const role = (name: string) => `arn:aws:iam::${MEMBER}:role/${name}`;
const lambdaSession = { 'lambda:SourceFunctionArn': FUNCTION };
const ec2Session = { 'ec2:SourceInstanceARN': INSTANCE };
const glueSession = { 'glue:CredentialIssuingService': 'glue.amazonaws.com' };

/** Workloads from their own networks, and the same credentials elsewhere. */
export const workloadCases: Case[] = [
  // Lambda developer guide, "Using source function ARN to control function access behavior": Lambda sends
  // lambda:SourceFunctionArn with the logs and X-Ray calls it makes for the function from its own network,
  // and with every call from the function's code: the key is in the credentials' context.
  {
    name: "Lambda delivering its function's logs from Lambda's network",
    action: 'logs:PutLogEvents',
    principal: LAMBDA_ROLE,
    resource: LOG_STREAM,
    context: { 'aws:SourceIp': AWS_SERVICE_IP, ...lambdaSession },
    expected: 'Allowed',
  },
  {
    name: "Lambda delivering traces from Lambda's network",
    action: 'xray:PutTraceSegments',
    principal: LAMBDA_ROLE,
    resource: '*',
    context: { 'aws:SourceIp': AWS_SERVICE_IP, ...lambdaSession },
    expected: 'Allowed',
  },
  {
    name: 'the function role putting logs without lambda:SourceFunctionArn from outside',
    action: 'logs:PutLogEvents',
    principal: LAMBDA_ROLE,
    resource: LOG_STREAM,
    context: { 'aws:SourceIp': AWS_SERVICE_IP },
    expected: 'Denied',
  },
  {
    name: 'function code in a trusted VPC (NAT egress) reading S3',
    action: 's3:GetObject',
    principal: LAMBDA_ROLE,
    context: { 'aws:SourceIp': TRUSTED_IP, ...lambdaSession },
    expected: 'Allowed',
  },
  {
    name: "the function's credentials used from an untrusted IP (they still carry lambda:SourceFunctionArn)",
    action: 's3:GetObject',
    principal: LAMBDA_ROLE,
    context: { 'aws:SourceIp': '8.8.8.8', ...lambdaSession },
    expected: 'Denied',
  },
  // aws-samples/data-perimeter-policy-examples, service_specific_guidance/glue-specific-guidance.md: Glue
  // "makes direct calls from its network to Amazon CloudWatch Logs"; network_perimeter_glue_scp.json.
  {
    name: "Glue delivering a job's logs from Glue's network",
    action: 'logs:PutLogEvents',
    principal: GLUE_ROLE,
    resource: LOG_STREAM,
    context: { 'aws:SourceIp': AWS_SERVICE_IP, ...glueSession },
    expected: 'Allowed',
  },
  {
    name: "a Glue job's credentials reading S3 from an untrusted IP",
    action: 's3:GetObject',
    principal: GLUE_ROLE,
    context: { 'aws:SourceIp': '8.8.8.8', ...glueSession },
    expected: 'Denied',
  },
  // Examples, service_control_policies/service_specific_controls/README.md, EnforceNetworkPerimeterOnEC2Roles:
  // ec2:SourceInstanceARN is in "role sessions that are created for applications running on your
  // Amazon EC2 instances"; EC2 user guide, "Condition keys for Amazon EC2".
  {
    name: 'EC2 instance credentials through the trusted NAT egress',
    action: 's3:GetObject',
    principal: EC2_ROLE,
    context: { 'aws:SourceIp': TRUSTED_IP, ...ec2Session },
    expected: 'Allowed',
  },
  {
    name: 'EC2 instance credentials used from an untrusted IP',
    action: 's3:GetObject',
    principal: EC2_ROLE,
    context: { 'aws:SourceIp': '8.8.8.8', ...ec2Session },
    expected: 'Denied',
  },
  // Examples, service_control_policies/README.md, EnforceNetworkPerimeterSourceVPC: EC2 uses
  // aws:ec2-infrastructure for KMS-encrypted AMIs, volumes and snapshots, from AWS networks.
  {
    name: "aws:ec2-infrastructure decrypting a volume key from EC2's network",
    action: 'kms:Decrypt',
    principal: EC2_INFRASTRUCTURE,
    resource: KEY,
    context: { 'aws:SourceIp': AWS_SERVICE_IP },
    expected: 'Allowed',
  },
  // VPC data-plane actions, from outside any trusted network (examples, service_control_policies/README.md,
  // "Services and actions that require an exception to the network perimeter"; each service's page below).
  // OpenSearch developer guide, "Identity and Access Management in Amazon OpenSearch Service".
  {
    name: 'OpenSearch VPC domain query (es:ESHttpGet) from outside',
    action: 'es:ESHttpGet',
    principal: LAMBDA_ROLE,
    resource: `arn:aws:es:us-east-1:${MEMBER}:domain/orders`,
    context: { 'aws:SourceIp': '8.8.8.8' },
    expected: 'Allowed',
  },
  // DynamoDB developer guide, "DAX access control".
  {
    name: 'DAX GetItem from outside',
    action: 'dax:GetItem',
    principal: LAMBDA_ROLE,
    resource: `arn:aws:dax:us-east-1:${MEMBER}:cache/orders`,
    context: { 'aws:SourceIp': '8.8.8.8' },
    expected: 'Allowed',
  },
  // Neptune user guide, "Connecting and signing with IAM authentication".
  {
    name: 'Neptune IAM-auth connect from outside',
    action: 'neptune-db:connect',
    principal: LAMBDA_ROLE,
    resource: `arn:aws:neptune-db:us-east-1:${MEMBER}:cluster-ABCDEFGHIJKLMNOPQRSTUVWXYZ/*`,
    context: { 'aws:SourceIp': '8.8.8.8' },
    expected: 'Allowed',
  },
  // MSK developer guide, "IAM access control".
  {
    name: 'MSK IAM-auth connect from outside',
    action: 'kafka-cluster:Connect',
    principal: LAMBDA_ROLE,
    resource: `arn:aws:kafka:us-east-1:${MEMBER}:cluster/orders/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d-1`,
    context: { 'aws:SourceIp': '8.8.8.8' },
    expected: 'Allowed',
  },
  // EFS user guide, "Mounting with IAM authorization".
  {
    name: 'EFS ClientMount from outside',
    action: 'elasticfilesystem:ClientMount',
    principal: EC2_ROLE,
    resource: `arn:aws:elasticfilesystem:us-east-1:${MEMBER}:file-system/fs-0123456789abcdef0`,
    context: { 'aws:SourceIp': '8.8.8.8' },
    expected: 'Allowed',
  },
  // RDS user guide, "IAM database authentication".
  {
    name: 'RDS IAM-auth connect from outside',
    action: 'rds-db:connect',
    principal: EC2_ROLE,
    resource: `arn:aws:rds-db:us-east-1:${MEMBER}:dbuser:db-ABCDEFGHIJKLMNOPQRSTUVWXYZ/app`,
    context: { 'aws:SourceIp': '8.8.8.8' },
    expected: 'Allowed',
  },
  // S3 on Outposts user guide, "Networking for S3 on Outposts".
  {
    name: 'S3 on Outposts GetObject from outside',
    action: 's3-outposts:GetObject',
    principal: EC2_ROLE,
    resource: `arn:aws:s3-outposts:us-east-1:${MEMBER}:outpost/op-01ac5d28a6a232904/bucket/orders/object/report.csv`,
    context: { 'aws:SourceIp': '8.8.8.8' },
    expected: 'Allowed',
  },
  {
    name: 'a DAX control-plane call from outside is still denied',
    action: 'dax:DeleteCluster',
    resource: `arn:aws:dax:us-east-1:${MEMBER}:cache/orders`,
    context: { 'aws:SourceIp': '8.8.8.8' },
    expected: 'Denied',
  },
];

/** The kit's own member roles, by fixed name, and what nobody else may do to the exempted roles. */
export const exemptionCases: Case[] = [
  // IAM user guide, global condition keys, aws:ViaAWSService: false when "the service uses a service role";
  // EventBridge calls from its own addresses with the forwarding role. The bus policy lets the role in.
  {
    name: "the forwarding role putting events on the central bus from EventBridge's network",
    action: 'events:PutEvents',
    principal: FORWARDING_ROLE,
    resource: CENTRAL_BUS,
    resourceAccount: SECURITY,
    resourcePolicy: {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { AWS: FORWARDING_ROLE }, Action: 'events:PutEvents', Resource: CENTRAL_BUS }],
    },
    context: { 'aws:SourceIp': AWS_SERVICE_IP, 'aws:ViaAWSService': 'false' },
    expected: 'Allowed',
  },
  // CloudFormation user guide, "Configure a custom execution role template for StackSets": service-managed
  // StackSets run as stacksets-exec-* in the member account; the stack's tags (the protection tag) go on
  // what it creates (CloudFormation user guide, "Resource tag").
  {
    name: 'the StackSet execution role creating the forwarding role, tagged protected',
    action: 'iam:CreateRole',
    principal: STACKSET_EXEC,
    resource: FORWARDING_ROLE,
    context: { 'aws:SourceIp': AWS_SERVICE_IP, 'aws:TagKeys': ['guardrails:protected'] },
    expected: 'Allowed',
  },
  {
    name: 'the StackSet execution role removing a protected forwarding rule',
    action: 'events:DeleteRule',
    principal: STACKSET_EXEC,
    resource: `arn:aws:events:us-east-1:${MEMBER}:rule/guardrails-forward-x`,
    context: { 'aws:SourceIp': AWS_SERVICE_IP, 'aws:ResourceTag/guardrails:protected': 'true' },
    expected: 'Allowed',
  },
  {
    name: 'a member admin deleting a protected forwarding rule',
    action: 'events:DeleteRule',
    resource: `arn:aws:events:us-east-1:${MEMBER}:rule/guardrails-forward-x`,
    context: { 'aws:SourceIp': TRUSTED_IP, 'aws:ResourceTag/guardrails:protected': 'true' },
    expected: 'Denied',
  },
  // IAM API reference, CreateRole / UpdateAssumeRolePolicy / AttachRolePolicy: the resource is the role's
  // ARN, path included (IAM user guide, "IAM identifiers").
  {
    name: 'a member admin creating a role named like break-glass (BreakGlassX)',
    action: 'iam:CreateRole',
    resource: role('BreakGlassX'),
    context: { 'aws:SourceIp': TRUSTED_IP },
    expected: 'Denied',
  },
  {
    name: 'a member admin creating a role named like a CDK bootstrap role',
    action: 'iam:CreateRole',
    resource: role('cdk-hnb659fds-deploy-role-444455556666-us-east-1'),
    context: { 'aws:SourceIp': TRUSTED_IP },
    expected: 'Denied',
  },
  {
    name: 'a member admin creating a role named like the StackSet execution role',
    action: 'iam:CreateRole',
    resource: role('stacksets-exec-ffffffffffffffffffffffffffffffff'),
    context: { 'aws:SourceIp': TRUSTED_IP },
    expected: 'Denied',
  },
  {
    name: 'a member admin creating a role named like the forwarding role',
    action: 'iam:CreateRole',
    resource: role('guardrails-event-forwarding'),
    context: { 'aws:SourceIp': TRUSTED_IP },
    expected: 'Denied',
  },
  {
    name: 'a member admin making the break-glass role trust them',
    action: 'iam:UpdateAssumeRolePolicy',
    resource: BREAK_GLASS,
    context: { 'aws:SourceIp': TRUSTED_IP },
    expected: 'Denied',
  },
  {
    name: 'a member admin making the StackSet execution role trust them',
    action: 'iam:UpdateAssumeRolePolicy',
    resource: STACKSET_EXEC,
    context: { 'aws:SourceIp': TRUSTED_IP },
    expected: 'Denied',
  },
  {
    name: 'a member admin granting the forwarding role more',
    action: 'iam:AttachRolePolicy',
    resource: FORWARDING_ROLE,
    context: { 'aws:SourceIp': TRUSTED_IP },
    expected: 'Denied',
  },
  {
    name: 'a member admin deleting a CDK bootstrap role',
    action: 'iam:DeleteRole',
    resource: CDK_EXEC,
    context: { 'aws:SourceIp': TRUSTED_IP },
    expected: 'Denied',
  },
  {
    name: 'a member admin creating an ordinary role',
    action: 'iam:CreateRole',
    resource: role('orders-function-role'),
    context: { 'aws:SourceIp': TRUSTED_IP },
    expected: 'Allowed',
  },
  // A path is part of the ARN, so role/ops/BreakGlassX is not role/BreakGlass*: creating it is allowed and exempts nothing.
  {
    name: 'a role named BreakGlassX under a path may be created',
    action: 'iam:CreateRole',
    resource: role('ops/BreakGlassX'),
    context: { 'aws:SourceIp': TRUSTED_IP },
    expected: 'Allowed',
  },
  {
    name: 'and is not exempt from the perimeter',
    action: 's3:GetObject',
    principal: role('ops/BreakGlassX'),
    context: { 'aws:SourceIp': '8.8.8.8' },
    expected: 'Denied',
  },
  {
    name: 'break-glass re-trusting its own role',
    action: 'iam:UpdateAssumeRolePolicy',
    principal: BREAK_GLASS,
    resource: BREAK_GLASS,
    context: { 'aws:SourceIp': '8.8.8.8' },
    expected: 'Allowed',
  },
];

/** Switching a protection or an exemption on by tags, whatever the action. */
export const tagCases: Case[] = [
  // IAM API reference, TagRole: aws:TagKeys holds the keys being set.
  {
    name: 'tagging oneself perimeter-exempt (iam:TagRole)',
    action: 'iam:TagRole',
    resource: ADMIN,
    context: { 'aws:SourceIp': TRUSTED_IP, 'aws:TagKeys': ['guardrails:perimeter-exempt'], 'aws:RequestTag/guardrails:perimeter-exempt': 'true' },
    expected: 'Denied',
  },
  // IAM user guide, "Passing session tags in AWS STS": session tags are aws:TagKeys of AssumeRole and TagSession.
  {
    name: 'assuming a role with the exemption as a session tag (sts:AssumeRole)',
    action: 'sts:AssumeRole',
    resource: role('Other'),
    resourcePolicy: {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${MEMBER}:root` }, Action: ['sts:AssumeRole', 'sts:TagSession'] }],
    },
    context: { 'aws:SourceIp': TRUSTED_IP, 'aws:TagKeys': ['guardrails:perimeter-exempt'], 'aws:RequestTag/guardrails:perimeter-exempt': 'true' },
    expected: 'Denied',
  },
  {
    name: 'passing the exemption as a session tag (sts:TagSession)',
    action: 'sts:TagSession',
    resource: role('Other'),
    context: { 'aws:SourceIp': TRUSTED_IP, 'aws:TagKeys': ['guardrails:perimeter-exempt'] },
    expected: 'Denied',
  },
  // IAM Identity Center user guide, "Attributes for access control"; API reference,
  // CreateInstanceAccessControlAttributeConfiguration (no aws:TagKeys: denied outright).
  {
    name: 'configuring Identity Center access-control attributes',
    action: 'sso:CreateInstanceAccessControlAttributeConfiguration',
    resource: 'arn:aws:sso:::instance/ssoins-1234567890abcdef',
    context: { 'aws:SourceIp': TRUSTED_IP },
    expected: 'Denied',
  },
  {
    name: 'changing Identity Center access-control attributes',
    action: 'sso:UpdateInstanceAccessControlAttributeConfiguration',
    resource: 'arn:aws:sso:::instance/ssoins-1234567890abcdef',
    context: { 'aws:SourceIp': TRUSTED_IP },
    expected: 'Denied',
  },
  // EC2 API reference, CreateTags: a tagging action no list named before Action "*".
  {
    name: 'marking an instance protected with ec2:CreateTags',
    action: 'ec2:CreateTags',
    resource: INSTANCE,
    context: { 'aws:SourceIp': TRUSTED_IP, 'aws:TagKeys': ['guardrails:protected'] },
    expected: 'Denied',
  },
  {
    name: 'creating a role that carries the exemption tag',
    action: 'iam:CreateRole',
    resource: role('Sneaky'),
    context: { 'aws:SourceIp': TRUSTED_IP, 'aws:TagKeys': ['Guardrails:Perimeter-Exempt'] },
    expected: 'Denied',
  },
  {
    name: 'tagging a role with an ordinary tag alongside',
    action: 'iam:TagRole',
    resource: role('Other'),
    context: { 'aws:SourceIp': TRUSTED_IP, 'aws:TagKeys': ['team', 'cost-center'] },
    expected: 'Allowed',
  },
  {
    name: 'break-glass tagging a role perimeter-exempt',
    action: 'iam:TagRole',
    principal: BREAK_GLASS,
    resource: role('Other'),
    context: { 'aws:SourceIp': TRUSTED_IP, 'aws:TagKeys': ['guardrails:perimeter-exempt'] },
    expected: 'Allowed',
  },
];

/** Opt-in scope (aws.perimeterIncludeTag: guardrails:perimeter-include). */
export const INCLUDE_TAG = 'guardrails:perimeter-include';
export const optInCases: Case[] = [
  { name: 'an untagged principal from an untrusted IP', action: 's3:GetObject', context: { 'aws:SourceIp': '8.8.8.8' }, expected: 'Allowed' },
  {
    name: 'a principal tagged into the perimeter from an untrusted IP',
    action: 's3:GetObject',
    context: { 'aws:SourceIp': '8.8.8.8', [`aws:PrincipalTag/${INCLUDE_TAG}`]: 'true' },
    expected: 'Denied',
  },
  {
    name: 'a principal tagged into the perimeter from a trusted IP',
    action: 's3:GetObject',
    context: { 'aws:SourceIp': TRUSTED_IP, [`aws:PrincipalTag/${INCLUDE_TAG}`]: 'true' },
    expected: 'Allowed',
  },
  {
    name: 'untagged Lambda credentials from an untrusted IP',
    action: 's3:GetObject',
    principal: LAMBDA_ROLE,
    context: { 'aws:SourceIp': '8.8.8.8', ...lambdaSession },
    expected: 'Denied',
  },
  {
    name: "untagged Lambda role delivering logs from Lambda's network",
    action: 'logs:PutLogEvents',
    principal: LAMBDA_ROLE,
    resource: LOG_STREAM,
    context: { 'aws:SourceIp': AWS_SERVICE_IP, ...lambdaSession },
    expected: 'Allowed',
  },
  {
    name: 'untagged EC2 instance credentials from an untrusted IP',
    action: 's3:GetObject',
    principal: EC2_ROLE,
    context: { 'aws:SourceIp': '8.8.8.8', ...ec2Session },
    expected: 'Denied',
  },
  {
    name: 'untagged EC2 instance credentials through the trusted NAT egress',
    action: 's3:GetObject',
    principal: EC2_ROLE,
    context: { 'aws:SourceIp': TRUSTED_IP, ...ec2Session },
    expected: 'Allowed',
  },
  {
    name: 'untagged Glue credentials from an untrusted IP',
    action: 's3:GetObject',
    principal: GLUE_ROLE,
    context: { 'aws:SourceIp': '8.8.8.8', ...glueSession },
    expected: 'Denied',
  },
  {
    name: "untagged Glue role delivering logs from Glue's network",
    action: 'logs:PutLogEvents',
    principal: GLUE_ROLE,
    resource: LOG_STREAM,
    context: { 'aws:SourceIp': AWS_SERVICE_IP, ...glueSession },
    expected: 'Allowed',
  },
  {
    name: 'removing the include tag from oneself',
    action: 'iam:UntagRole',
    resource: ADMIN,
    context: { 'aws:SourceIp': TRUSTED_IP, 'aws:TagKeys': [INCLUDE_TAG] },
    expected: 'Denied',
  },
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
