/**
 * What the SCPs allow and deny, by simulation (@cloud-copilot/iam-simulate, a test-only dependency).
 * The caller has an identity policy allowing everything, so every denial comes from our SCPs.
 * The harness builds the request context as AWS does: aws:PrincipalArn is always present,
 * aws:SourceIp is absent when the call comes through a VPC endpoint.
 */
import { describe, expect, it } from 'vitest';
import { planPerimeter } from '../../../core/aws/perimeter-plan.ts';
import { enforceModel, exampleModel } from '../../helpers/config.ts';
import { BREAK_GLASS, cases, decide, MEMBER, TRUSTED_IP, type Case, type Context } from '../../helpers/perimeter-requests.ts';

describe('SCPs in enforce mode', async () => {
  const plan = await planPerimeter(enforceModel());

  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    expect(await decide(plan, c)).toBe(c.expected);
  });
});

describe('SCPs in report mode', async () => {
  const plan = await planPerimeter(exampleModel());

  it('deny nothing, because nothing is attached', async () => {
    for (const c of cases.filter((x) => x.expected === 'Denied')) {
      expect(await decide(plan, c), c.name).toBe('Allowed');
    }
  });
});

describe('SCPs with cloudShell: block', async () => {
  const plan = await planPerimeter(enforceModel((c) => (c.aws.cloudShell = 'block')));

  it.each<[string, string | undefined, Context, string]>([
    ['from a trusted IP', undefined, { 'aws:SourceIp': TRUSTED_IP }, 'Denied'],
    ['by break-glass', BREAK_GLASS, { 'aws:SourceIp': TRUSTED_IP }, 'Allowed'],
  ])('CloudShell CreateSession %s', async (_name, principal, context, expected) => {
    const c: Case = { name: _name, action: 'cloudshell:CreateSession', principal, resource: `arn:aws:cloudshell:us-east-1:${MEMBER}:environment/abc`, context, expected: expected as Case['expected'] };
    expect(await decide(plan, c)).toBe(expected);
  });
});
