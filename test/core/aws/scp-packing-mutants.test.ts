/**
 * packStatements at the exact edges of its limits: a statement or a bin exactly at the budget, the
 * attachment quota exactly met, and the one-line refusals (too large a statement, too many CIDRs, too many
 * SCPs). Written for the surviving mutants of core/aws/scp-packing.ts.
 */
import { describe, expect, it } from 'vitest';
import type { ControlStatement } from '../../../core/aws/perimeter-statements.ts';
import { documentSize, type PolicyStatement } from '../../../core/aws/policy-document.ts';
import { packStatements } from '../../../core/aws/scp-packing.ts';
import { ConfigError } from '../../../core/config/config-error.ts';
import type { ControlName, Mode } from '../../../core/config/schema.ts';

const NOTHING = { cidrs: [], awsVpcs: [], awsVpcEndpointIds: [] };
const REPORT: Record<ControlName, Mode> = { networkPerimeter: 'report', cloudShell: 'report', logProtection: 'report' };
const deny = (Sid: string): PolicyStatement => ({ Sid, Effect: 'Deny', Action: 's3:DeleteBucket', Resource: '*' });
const item = (control: ControlName, Sid: string): ControlStatement => ({ control, statement: deny(Sid) });
const A = item('logProtection', 'A');
const B = item('cloudShell', 'B');
const C = item('logProtection', 'C');
const sizeOf = (...items: ControlStatement[]) => documentSize(items.map((i) => i.statement));
const limits = (sizeBudget: number, maxAttachedPolicies = 9) => ({ sizeBudget, maxAttachedPolicies });

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).message;
  }
  throw new Error('accepted');
}

/** The network perimeter statement with these CIDRs. */
const perimeter = (cidrs: string[]): ControlStatement => ({
  control: 'networkPerimeter',
  statement: { Sid: 'P', Effect: 'Deny', NotAction: ['s3-outposts:*'], Resource: '*', Condition: { NotIpAddressIfExists: { 'aws:SourceIp': cidrs } } },
});
const CIDRS = ['198.51.100.0/24', '203.0.113.0/24', '192.0.2.0/24'];

describe('packStatements', () => {
  it('packs a statement exactly at the budget, and two statements whose document is exactly the budget into one SCP', () => {
    expect(packStatements([A], REPORT, limits(sizeOf(A)), NOTHING).map((p) => p.size)).toEqual([sizeOf(A)]);
    const together = packStatements([A, B], REPORT, limits(sizeOf(A, B)), NOTHING);
    expect(together.map((p) => [p.name, p.controls, p.size])).toEqual([['guardrails-report-1', ['logProtection', 'cloudShell'], sizeOf(A, B)]]);
  });

  it('numbers the SCPs of a mode from 1 and lists the controls of each', () => {
    const policies = packStatements([A, B, C], REPORT, limits(sizeOf(A, C)), NOTHING);
    expect(policies.map((p) => [p.name, p.mode, p.controls, p.document.Statement.map((s) => s.Sid)])).toEqual([
      ['guardrails-report-1', 'report', ['logProtection', 'cloudShell'], ['A', 'B']],
      ['guardrails-report-2', 'report', ['logProtection'], ['C']],
    ]);
  });

  it('counts only enforce-mode SCPs against the attachment quota, and accepts it exactly met', () => {
    const modes: Record<ControlName, Mode> = { ...REPORT, logProtection: 'enforce' };
    const policies = packStatements([A, B], modes, limits(sizeOf(A), 1), NOTHING);
    expect(policies.map((p) => [p.name, p.controls])).toEqual([
      ['guardrails-enforce-1', ['logProtection']],
      ['guardrails-report-1', ['cloudShell']],
    ]);
  });

  it('refuses more enforce-mode SCPs than the quota, with the fix', () => {
    const modes: Record<ControlName, Mode> = { ...REPORT, logProtection: 'enforce' };
    expect(refusal(() => packStatements([A, C], modes, limits(sizeOf(A), 1), NOTHING))).toBe(
      'aws.scpSizeBudget: the enforced statements need 2 SCPs per target, but only 1 fit under maxPoliciesPerTarget less existingPoliciesPerTarget. Aggregate trustedNetworks.cidrs, raise scpSizeBudget (max 10240), or set some controls to report.',
    );
  });

  it('refuses a statement without CIDRs that alone is over the budget, naming it and its size', () => {
    const budget = sizeOf(A) - 1;
    expect(refusal(() => packStatements([A], REPORT, limits(budget), NOTHING))).toBe(
      `aws.scpSizeBudget: statement A alone is ${sizeOf(A)} characters, over the budget of ${budget}. Raise aws.scpSizeBudget (max 10240) or shorten the role ARN lists.`,
    );
  });

  it('refuses a perimeter statement over the budget, saying how many CIDRs fit when the budget is exactly the size with two', () => {
    const all = perimeter(CIDRS);
    const budget = sizeOf(perimeter(CIDRS.slice(0, 2)));
    const trusted = { ...NOTHING, cidrs: CIDRS };
    expect(refusal(() => packStatements([all], REPORT, limits(budget), trusted))).toBe(
      `trustedNetworks.cidrs: the network perimeter statement is ${sizeOf(all)} characters with 3 aggregated CIDRs, over the SCP budget of ${budget}, and it cannot be split across policies without denying everything. Drop or aggregate at least 1 CIDRs (at most 2 fit), or raise aws.scpSizeBudget (max 10240).`,
    );
  });

  it('says no CIDR fits when the perimeter statement is over the budget even without them', () => {
    const all = perimeter(CIDRS);
    const budget = sizeOf(perimeter([])) - 1;
    expect(refusal(() => packStatements([all], REPORT, limits(budget), { ...NOTHING, cidrs: CIDRS }))).toContain(
      'Drop or aggregate at least 3 CIDRs (at most 0 fit), or raise aws.scpSizeBudget (max 10240).',
    );
  });
});
