import { describe, expect, it } from 'vitest';
import { awsRegionPartitions } from '../../../core/config/aws-regions.ts';
import { canStartWith, roleArnProblem } from '../../../core/config/role-arn.ts';

describe('canStartWith (can an ArnLike pattern match a string with this prefix?)', () => {
  it.each<[string, string, boolean]>([
    ['aws*', 'aws-service-role/', true],
    ['*', 'aws-reserved/', true],
    ['a?s-reserved/x', 'aws-reserved/', true],
    ['aws-r*', 'aws-service-role/', false],
    ['AWS*', 'aws-reserved/', false], // ArnLike is case-sensitive
    ['AWSR*', 'AWSReservedSSO_', true],
    ['AWSReservedSSO_Admin*', 'AWSReservedSSO_', true],
    ['BreakGlass*', 'AWSReservedSSO_', false],
    ['ab', 'abc', false],
    ['ab*c', 'abxxc', true],
  ])('%s, %s: %s', (pattern, prefix, expected) => {
    expect(canStartWith(pattern, prefix)).toBe(expected);
  });
});

describe('roleArnProblem', () => {
  it.each([
    'arn:aws:iam::*:role/BreakGlass*',
    'arn:aws:iam::*:role/cdk-hnb659fds-cfn-exec-role-*',
    'arn:aws:iam::111122223333:role/github-actions-deploy',
    'arn:aws:iam::*:role/ops/BreakGlass*',
  ])('accepts %s', (arn) => {
    expect(roleArnProblem(arn, 'aws')).toBeUndefined();
  });

  it('needs the same partition as aws.partition', () => {
    expect(roleArnProblem('arn:aws-cn:iam::*:role/BreakGlass*', 'aws-cn')).toBeUndefined();
    expect(roleArnProblem('arn:aws:iam::*:role/BreakGlass*', 'aws-cn')?.fix).toBe('Write arn:aws-cn:iam::*:role/BreakGlass*, or set aws.partition: aws.');
  });
});

describe('AWS regions from aws-cdk-lib region-info', () => {
  it('knows the regions and their partitions', () => {
    const regions = awsRegionPartitions();
    expect(regions.get('us-east-1')).toBe('aws');
    expect(regions.get('cn-north-1')).toBe('aws-cn');
    expect(regions.get('us-gov-west-1')).toBe('aws-us-gov');
    expect(regions.has('us-east-7')).toBe(false);
  });
});
