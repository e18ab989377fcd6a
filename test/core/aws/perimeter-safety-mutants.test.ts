/** The safety checks every way into the AWS controls shares. Written for the surviving mutants of core/aws/perimeter-safety.ts. */
import { describe, expect, it } from 'vitest';
import {
  enforceWithoutTargetsProblem,
  enforceWithoutTrustedContextProblem,
  hasTrustedContext,
  missingBreakGlassProblem,
} from '../../../core/aws/perimeter-safety.ts';

const NOTHING = { cidrs: [], awsVpcs: [], awsVpcEndpointIds: [] };
const CIDR = ['198.51.100.0/24'];
const VPC = [{ id: 'vpc-0a1b2c3d4e5f60718', region: 'eu-west-1' }];
const VPCE = ['vpce-0123456789abcdef0'];
const NAMES = { trusted: 'trustedNetworks', report: 'aws.modes.networkPerimeter: report' };

describe('missingBreakGlassProblem', () => {
  it('refuses an empty list with the problem and the fix', () => {
    expect(missingBreakGlassProblem([])).toEqual({
      problem: 'is empty; every preventive control needs a way back in when it misfires',
      fix: 'Add at least one break-glass role, e.g. arn:aws:iam::*:role/BreakGlass*.',
    });
  });

  it('accepts one role', () => {
    expect(missingBreakGlassProblem(['arn:aws:iam::*:role/BreakGlass*'])).toBeUndefined();
  });
});

describe('hasTrustedContext', () => {
  it('is true with any one CIDR, VPC or VPC endpoint, alone or together, and false with none', () => {
    expect(hasTrustedContext(NOTHING)).toBe(false);
    expect(hasTrustedContext({ ...NOTHING, cidrs: CIDR })).toBe(true);
    expect(hasTrustedContext({ ...NOTHING, awsVpcs: VPC })).toBe(true);
    expect(hasTrustedContext({ ...NOTHING, awsVpcEndpointIds: VPCE })).toBe(true);
    expect(hasTrustedContext({ cidrs: CIDR, awsVpcs: VPC, awsVpcEndpointIds: [] })).toBe(true);
    expect(hasTrustedContext({ cidrs: [], awsVpcs: VPC, awsVpcEndpointIds: VPCE })).toBe(true);
  });
});

describe('enforceWithoutTrustedContextProblem', () => {
  it('refuses enforce with nothing trusted, naming the caller fields', () => {
    expect(enforceWithoutTrustedContextProblem('enforce', NOTHING, NAMES)).toEqual({
      problem: 'enforce with no trusted context would deny every API call from everywhere',
      fix: 'Add trustedNetworks, or keep aws.modes.networkPerimeter: report.',
    });
  });

  it('accepts report with nothing trusted, and enforce with a VPC endpoint', () => {
    expect(enforceWithoutTrustedContextProblem('report', NOTHING, NAMES)).toBeUndefined();
    expect(enforceWithoutTrustedContextProblem('enforce', { ...NOTHING, awsVpcEndpointIds: VPCE }, NAMES)).toBeUndefined();
  });
});

describe('enforceWithoutTargetsProblem', () => {
  it('names the one enforced control with "is"', () => {
    expect(enforceWithoutTargetsProblem({ networkPerimeter: 'report', cloudShell: 'enforce', logProtection: 'report' }, [])).toEqual({
      problem: 'is empty while cloudShell is in enforce mode, so the SCPs would be attached nowhere',
      fix: 'List the root (r-xxxx), OUs or accounts to attach them to.',
    });
  });

  it('names several enforced controls with "are"', () => {
    expect(enforceWithoutTargetsProblem({ networkPerimeter: 'enforce', cloudShell: 'report', logProtection: 'enforce' }, [])?.problem).toBe(
      'is empty while networkPerimeter, logProtection are in enforce mode, so the SCPs would be attached nowhere',
    );
  });

  it('accepts no targets when nothing is enforced, and enforce with a target', () => {
    expect(enforceWithoutTargetsProblem({ networkPerimeter: 'report', cloudShell: 'report', logProtection: 'report' }, [])).toBeUndefined();
    expect(enforceWithoutTargetsProblem({ networkPerimeter: 'enforce', cloudShell: 'enforce', logProtection: 'enforce' }, ['r-ab12'])).toBeUndefined();
  });
});
