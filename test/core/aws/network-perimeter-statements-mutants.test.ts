/**
 * networkPerimeterStatements with one kind of trusted context at a time: which keys the "outside" condition
 * names, and the notes. Written for the surviving mutants of core/aws/network-perimeter-statements.ts.
 */
import { describe, expect, it } from 'vitest';
import { networkPerimeterStatements } from '../../../core/aws/network-perimeter-statements.ts';
import type { PerimeterNote } from '../../../core/aws/perimeter-statements.ts';
import type { TrustedContext } from '../../../core/config/model.ts';
import { exampleModel } from '../../helpers/config.ts';

const aws = exampleModel().aws!;
const NOTHING: TrustedContext = { cidrs: [], awsVpcs: [], awsVpcEndpointIds: [] };
const CIDR = ['198.51.100.0/24'];
const VPC = [{ id: 'vpc-0a1b2c3d4e5f60718', region: 'eu-west-1' }];
const VPCE = ['vpce-0123456789abcdef0'];
const EXEMPT_TAG = { 'aws:PrincipalTag/guardrails:perimeter-exempt': 'true' };

function plan(trusted: TrustedContext, perimeterIncludeTag?: string) {
  const notes: PerimeterNote[] = [];
  const statements = networkPerimeterStatements({ ...aws, perimeterIncludeTag }, trusted, notes);
  return { statements, notes, perimeter: statements[0]?.statement };
}

describe('networkPerimeterStatements', () => {
  it('generates nothing, with a note, when nothing is trusted', () => {
    expect(plan(NOTHING)).toEqual({
      statements: [],
      notes: [{ control: 'networkPerimeter', note: 'no trusted networks configured: the network perimeter statement is not generated' }],
      perimeter: undefined,
    });
  });

  it('generates the perimeter for a CIDR with a VPC endpoint, or a CIDR with a VPC', () => {
    expect(plan({ cidrs: CIDR, awsVpcs: [], awsVpcEndpointIds: VPCE }).statements.map((s) => s.statement.Sid)).toEqual([
      'DenyApiCallsFromOutsideTrustedNetworks',
      'DenyLogDeliveryFromOutsideTrustedNetworks',
    ]);
    expect(plan({ cidrs: CIDR, awsVpcs: VPC, awsVpcEndpointIds: [] }).statements.map((s) => s.statement.Sid)).toEqual([
      'DenyApiCallsFromOutsideTrustedNetworks',
      'DenyLogDeliveryFromOutsideTrustedNetworks',
      'DenyTrustedVpcOutsideItsRegioneuwest1',
    ]);
  });

  it('with CIDRs only, names aws:SourceIp and no VPC or VPC endpoint key', () => {
    const { perimeter } = plan({ ...NOTHING, cidrs: CIDR });
    expect(perimeter?.Condition?.['NotIpAddressIfExists']).toEqual({ 'aws:SourceIp': CIDR });
    expect(perimeter?.Condition?.['StringNotEqualsIfExists']).toEqual(EXEMPT_TAG);
  });

  it('with a VPC endpoint only, names aws:SourceVpce and no aws:SourceIp or aws:SourceVpc', () => {
    const { perimeter } = plan({ ...NOTHING, awsVpcEndpointIds: VPCE });
    expect(Object.keys(perimeter?.Condition ?? {})).toEqual(['StringNotEqualsIfExists', 'BoolIfExists', 'ArnNotLike']);
    expect(perimeter?.Condition?.['StringNotEqualsIfExists']).toEqual({ 'aws:SourceVpce': VPCE, ...EXEMPT_TAG });
  });

  it('with a VPC only, names aws:SourceVpc and no aws:SourceVpce', () => {
    const { perimeter } = plan({ ...NOTHING, awsVpcs: VPC });
    expect(perimeter?.Condition?.['StringNotEqualsIfExists']).toEqual({ 'aws:SourceVpc': ['vpc-0a1b2c3d4e5f60718'], ...EXEMPT_TAG });
  });

  it('notes the deny-by-default scope, or the opt-in scope with the include tag', () => {
    expect(plan({ ...NOTHING, cidrs: CIDR }).notes).toEqual([
      {
        control: 'networkPerimeter',
        note: 'deny by default: service roles that AWS services use from their own networks (e.g. a Lambda execution role polling SQS or decrypting with KMS, CodeBuild, Step Functions, EventBridge targets) are denied unless listed in automation.aws.roleArns or tagged exempt; aws.perimeterIncludeTag switches to opt-in',
      },
    ]);
    expect(plan({ ...NOTHING, cidrs: CIDR }, 'perimeter').notes).toEqual([
      {
        control: 'networkPerimeter',
        note: 'aws.perimeterIncludeTag is set: only principals tagged perimeter=true, and the credentials AWS issues to Lambda functions, EC2 instances and Glue jobs, are held to the network perimeter',
      },
    ]);
  });
});
