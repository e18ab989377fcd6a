/**
 * What the SCPs allow and deny, by simulation (@cloud-copilot/iam-simulate, a test-only dependency).
 * The caller has an identity policy allowing everything, so every denial comes from our SCPs.
 * The harness builds the request context as AWS does: aws:PrincipalArn is always present,
 * aws:SourceIp is absent when the call comes through a VPC endpoint. Each request in
 * test/helpers/perimeter-requests.ts names the AWS page that documents its request context.
 */
import { describe, expect, it } from 'vitest';
import { planPerimeter } from '../../../core/aws/perimeter-plan.ts';
import { enforceModel, exampleModel } from '../../helpers/config.ts';
import {
  BREAK_GLASS,
  cases,
  decide,
  exemptionCases,
  INCLUDE_TAG,
  MEMBER,
  optInCases,
  tagCases,
  TRUSTED_IP,
  workloadCases,
  type Case,
  type Context,
} from '../../helpers/perimeter-requests.ts';

const matrix = {
  'network, CloudShell and tamper protection': cases,
  workloads: workloadCases,
  'exemptions that cannot be squatted': exemptionCases,
  'protected tags': tagCases,
};

describe('SCPs in enforce mode', async () => {
  const plan = await planPerimeter(enforceModel());

  for (const [group, list] of Object.entries(matrix)) {
    describe(group, () => {
      it.each(list.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
        expect(await decide(plan, c)).toBe(c.expected);
      });
    });
  }

  it('let break-glass do everything they deny to others', async () => {
    const denied = Object.values(matrix)
      .flat()
      .filter((c) => c.expected === 'Denied');
    expect(denied.length).toBeGreaterThan(30);
    for (const c of denied) {
      expect(await decide(plan, { ...c, principal: BREAK_GLASS }), c.name).toBe('Allowed');
    }
  });
});

describe('SCPs in report mode', async () => {
  const plan = await planPerimeter(exampleModel());

  it('deny nothing, because nothing is attached', async () => {
    for (const c of Object.values(matrix)
      .flat()
      .filter((x) => x.expected === 'Denied')) {
      expect(await decide(plan, c), c.name).toBe('Allowed');
    }
  });
});

describe('SCPs with the opt-in perimeter (aws.perimeterIncludeTag)', async () => {
  const plan = await planPerimeter(enforceModel((c) => (c.aws.perimeterIncludeTag = INCLUDE_TAG)));

  it.each(optInCases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    expect(await decide(plan, c)).toBe(c.expected);
  });

  it('keep every protection of the default scope', async () => {
    // Role and tag protection do not depend on the scope; an untagged principal is simply outside the perimeter.
    const outsideTheScope = 'and is not exempt from the perimeter';
    for (const c of [...exemptionCases, ...tagCases].filter((x) => x.name !== outsideTheScope)) expect(await decide(plan, c), c.name).toBe(c.expected);
  });
});

describe('SCPs with cloudShell: block', async () => {
  const plan = await planPerimeter(enforceModel((c) => (c.aws.cloudShell = 'block')));

  it.each<[string, string | undefined, Context, string]>([
    ['from a trusted IP', undefined, { 'aws:SourceIp': TRUSTED_IP }, 'Denied'],
    ['by break-glass', BREAK_GLASS, { 'aws:SourceIp': TRUSTED_IP }, 'Allowed'],
  ])('CloudShell CreateSession %s', async (_name, principal, context, expected) => {
    const c: Case = {
      name: _name,
      action: 'cloudshell:CreateSession',
      principal,
      resource: `arn:aws:cloudshell:us-east-1:${MEMBER}:environment/abc`,
      context,
      expected: expected as Case['expected'],
    };
    expect(await decide(plan, c)).toBe(expected);
  });
});
