/**
 * aws.cloudShell's exact statements and notes (core/aws/cloudshell-statements.ts) for each setting, with and
 * without trusted VPCs, called directly.
 */
import { describe, expect, it } from 'vitest';
import { cloudShellStatements } from '../../../core/aws/cloudshell-statements.ts';
import type { PerimeterNote } from '../../../core/aws/perimeter-statements.ts';
import type { TrustedContext } from '../../../core/config/model.ts';

const BREAK_GLASS = ['arn:aws:iam::*:role/BreakGlass*'];
const exempt = { ArnNotLike: { 'aws:PrincipalArn': BREAK_GLASS } };
const noVpcs: TrustedContext = { cidrs: ['198.51.100.0/24'], awsVpcs: [], awsVpcEndpointIds: [] };
const twoVpcs: TrustedContext = {
  ...noVpcs,
  awsVpcs: [
    { id: 'vpc-0a1b2c3d4e5f60718', region: 'us-east-1' },
    { id: 'vpc-0f9e8d7c6b5a49382', region: 'eu-west-1' },
  ],
};
const run = (cloudShell: 'block' | 'vpcOnly' | 'allow', trusted: TrustedContext) => {
  const notes: PerimeterNote[] = [];
  const statements = cloudShellStatements({ cloudShell, breakGlassRoleArns: BREAK_GLASS }, trusted, notes);
  return { statements, notes };
};
const outsideVpc = {
  control: 'cloudShell',
  statement: {
    Sid: 'DenyCloudShellOutsideVpc',
    Effect: 'Deny',
    Action: 'cloudshell:CreateEnvironment',
    Resource: '*',
    Condition: { Null: { 'cloudshell:VpcIds': 'true' }, ...exempt },
  },
};
const VPC_ONLY_NOTE = {
  control: 'cloudShell',
  note: 'vpcOnly denies creating CloudShell environments outside a VPC; environments created before enforcement keep working until deleted (use block to stop them)',
};

describe('CloudShell statements', () => {
  it('allow: no statement, and a note that only the network perimeter applies', () => {
    expect(run('allow', twoVpcs)).toEqual({
      statements: [],
      notes: [{ control: 'cloudShell', note: 'aws.cloudShell is "allow": CloudShell is only subject to the network perimeter' }],
    });
  });

  it('block: one statement denying every cloudshell action on every resource, break-glass exempt, and no note', () => {
    expect(run('block', twoVpcs)).toEqual({
      statements: [{ control: 'cloudShell', statement: { Sid: 'DenyCloudShell', Effect: 'Deny', Action: 'cloudshell:*', Resource: '*', Condition: exempt } }],
      notes: [],
    });
  });

  it('vpcOnly without trusted VPCs: only the outside-a-VPC statement, and the note on environments created before', () => {
    expect(run('vpcOnly', noVpcs)).toEqual({ statements: [outsideVpc], notes: [VPC_ONLY_NOTE] });
  });

  it('vpcOnly with trusted VPCs: also denies environments in any other VPC', () => {
    expect(run('vpcOnly', twoVpcs)).toEqual({
      statements: [
        outsideVpc,
        {
          control: 'cloudShell',
          statement: {
            Sid: 'DenyCloudShellInUntrustedVpc',
            Effect: 'Deny',
            Action: 'cloudshell:CreateEnvironment',
            Resource: '*',
            Condition: { 'ForAnyValue:StringNotEquals': { 'cloudshell:VpcIds': ['vpc-0a1b2c3d4e5f60718', 'vpc-0f9e8d7c6b5a49382'] }, ...exempt },
          },
        },
      ],
      notes: [VPC_ONLY_NOTE],
    });
  });
});
