/**
 * CloudShell: an environment outside a VPC runs on AWS's network, where the network perimeter cannot
 * see it (aws.cloudShell: block | vpcOnly | allow). Break-glass is exempt.
 */
import type { TrustedContext } from '../config/model.ts';
import type { PolicyStatement } from './policy-document.ts';
import type { ControlStatement, PerimeterNote, PerimeterSettings } from './perimeter-statements.ts';
import { exceptPrincipals } from './scp-exemptions.ts';

export function cloudShellStatements(
  aws: Pick<PerimeterSettings, 'cloudShell' | 'breakGlassRoleArns'>,
  trusted: TrustedContext,
  notes: PerimeterNote[],
): ControlStatement[] {
  const exempt = exceptPrincipals(aws.breakGlassRoleArns);
  if (aws.cloudShell === 'allow') {
    notes.push({ control: 'cloudShell', note: 'aws.cloudShell is "allow": CloudShell is only subject to the network perimeter' });
    return [];
  }
  if (aws.cloudShell === 'block') {
    return [{ control: 'cloudShell', statement: { Sid: 'DenyCloudShell', Effect: 'Deny', Action: 'cloudshell:*', Resource: '*', Condition: exempt } }];
  }
  const statements: PolicyStatement[] = [
    {
      // A CloudShell environment outside a VPC runs on AWS's network, where our perimeter cannot see it.
      Sid: 'DenyCloudShellOutsideVpc',
      Effect: 'Deny',
      Action: 'cloudshell:CreateEnvironment',
      Resource: '*',
      Condition: { Null: { 'cloudshell:VpcIds': 'true' }, ...exempt },
    },
  ];
  if (trusted.awsVpcs.length > 0) {
    statements.push({
      Sid: 'DenyCloudShellInUntrustedVpc',
      Effect: 'Deny',
      Action: 'cloudshell:CreateEnvironment',
      Resource: '*',
      Condition: { 'ForAnyValue:StringNotEquals': { 'cloudshell:VpcIds': trusted.awsVpcs.map((v) => v.id) }, ...exempt },
    });
  }
  notes.push({
    control: 'cloudShell',
    note: 'vpcOnly denies creating CloudShell environments outside a VPC; environments created before enforcement keep working until deleted (use block to stop them)',
  });
  return statements.map((statement) => ({ control: 'cloudShell', statement }));
}
