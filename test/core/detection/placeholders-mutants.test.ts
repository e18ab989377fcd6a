/** Placeholder values from a model with and without AWS, complements of one address family, unknown names, `\%`. */
import { describe, expect, it } from 'vitest';
import type { GuardrailsModel } from '../../../core/config/model.ts';
import { complementCidrs, expandPlaceholder, expandSigmaPlaceholders, placeholderValues } from '../../../core/detection/placeholders.ts';

const trusted = { cidrs: ['203.0.113.0/24'], awsVpcs: [{ id: 'vpc-1', region: 'eu-west-1' }], awsVpcEndpointIds: ['vpce-1'] };
const aws = {
  breakGlassRoleArns: ['arn:aws:iam::111111111111:role/BreakGlass'],
  automationRoleArns: ['arn:aws:iam::111111111111:role/Ci'],
  organizationId: 'o-abc123',
  managementAccountId: '111111111111',
};

describe('placeholderValues', () => {
  it('reads every list from a model with AWS', () => {
    const model = { mode: 'monitor', trusted, aws } as unknown as GuardrailsModel;
    expect(placeholderValues(model)).toStrictEqual({
      'trustedNetworks.cidrs': ['203.0.113.0/24'],
      'trustedNetworks.aws.vpcIds': ['vpc-1'],
      'trustedNetworks.aws.vpcEndpointIds': ['vpce-1'],
      'breakGlass.aws.roleArns': ['arn:aws:iam::111111111111:role/BreakGlass'],
      'automation.aws.roleArns': ['arn:aws:iam::111111111111:role/Ci'],
      'aws.organizationId': ['o-abc123'],
      'aws.managementAccountId': ['111111111111'],
    });
  });

  it('gives empty AWS lists for a model without AWS', () => {
    const model = { mode: 'monitor', trusted } as unknown as GuardrailsModel;
    const values = placeholderValues(model);
    expect([
      values['breakGlass.aws.roleArns'],
      values['automation.aws.roleArns'],
      values['aws.organizationId'],
      values['aws.managementAccountId'],
    ]).toStrictEqual([[], [], [], []]);
  });
});

describe('complementCidrs', () => {
  it('of IPv6 networks alone includes all of IPv4', () => {
    const complement = complementCidrs(['2001:db8::/32']);
    expect(complement).toContain('0.0.0.0/0');
    expect(complement).not.toContain('2001:db8::/32');
  });

  it('of IPv4 networks alone includes all of IPv6', () => {
    const complement = complementCidrs(['10.0.0.0/8']);
    expect(complement).toContain('::/0');
    expect(complement).toContain('11.0.0.0/8');
  });
});

describe('expanding', () => {
  it('an unknown name with |complement is unknown, not an error', () => {
    expect(expandPlaceholder('{{nope|complement}}', { 'trustedNetworks.cidrs': ['10.0.0.0/8'] })).toBeUndefined();
  });

  it('|expand turns \\% into % before and after a placeholder', () => {
    expect(expandSigmaPlaceholders('100\\%-%a%-\\%', { a: ['x', 'y'] })).toStrictEqual({ values: ['100%-x-%', '100%-y-%'] });
  });
});
