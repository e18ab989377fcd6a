/**
 * Shadow mode: the rule derived from the perimeter config fires on the CloudTrail record of exactly the
 * requests the network-perimeter SCP denies (by simulation), except where CloudTrail cannot show what
 * the SCP sees; those differences are asserted one by one, as documented in core/aws/shadow-rules.ts.
 */
import { describe, expect, it } from 'vitest';
import { perimeterShadowRules } from '../../../core/aws/shadow-rules.ts';
import { perimeterStatements } from '../../../core/aws/perimeter-statements.ts';
import { packStatements, packingLimits } from '../../../core/aws/scp-packing.ts';
import type { PerimeterPlan } from '../../../core/aws/perimeter-plan.ts';
import { compileRule } from '../../../core/detection/catalog.ts';
import { matchesEventPattern } from '../../../core/detection/targets/eventbridge-pattern-evaluator.ts';
import { enforceModel } from '../../helpers/config.ts';
import { eventBridgeEnvelope } from '../../helpers/corpus.ts';
import { cases, cloudTrailRecord, decide } from '../../helpers/perimeter-requests.ts';

// The perimeter in report mode (shadow rules exist), everything else as in the enforce example.
const model = enforceModel((c) => (c.aws.controls = { networkPerimeter: 'report' }));
const [shadow] = perimeterShadowRules(model).rules;
const pattern = compileRule(shadow!, 'eventbridge') as Record<string, unknown>;

/** The network-perimeter statements alone, attached, to judge what enforcing them would deny. */
function networkOnlyPlan(): PerimeterPlan {
  const enforced = enforceModel();
  const statements = perimeterStatements(enforced.aws!, enforced.trusted).statements.filter((s) => s.control === 'networkPerimeter');
  return {
    policies: packStatements(statements, enforced.aws!.modes, packingLimits(enforced.aws!), enforced.trusted),
    targets: ['ou-ab12-34cd56ef'],
    notes: [],
  };
}

/** Requests where CloudTrail cannot show what the SCP decides on, with what the shadow rule does instead. */
const KNOWN_DIFFERENCES: Record<string, 'fires' | 'silent'> = {
  'principal tagged perimeter-exempt': 'fires', // tags are not in CloudTrail
  'through an endpoint of an untrusted VPC': 'silent', // CloudTrail names the endpoint, not its VPC
  'trusted VPC id used for another region': 'silent', // likewise
};

describe('perimeter shadow rule', async () => {
  const plan = networkOnlyPlan();
  const representable = cases.filter((c) => cloudTrailRecord(c) !== undefined);

  it('is generated only while the perimeter is in report mode', () => {
    expect(perimeterShadowRules(enforceModel()).rules).toEqual([]);
    expect(shadow?.rule.id).toBe('aws-perimeter-shadow-network');
  });

  it.each(representable.map((c) => [c.name, c] as const))('%s', async (name, c) => {
    const record = cloudTrailRecord(c)!;
    const denied = (await decide(plan, c)) === 'Denied';
    const expected = KNOWN_DIFFERENCES[name] ? KNOWN_DIFFERENCES[name] === 'fires' : denied;
    expect(shadow!.matches(record), 'rule engine').toBe(expected);
    expect(matchesEventPattern(pattern, eventBridgeEnvelope(record)), 'deployed EventBridge pattern').toBe(expected);
  });

  it('covers the known differences, each against a real SCP decision that differs', async () => {
    for (const name of Object.keys(KNOWN_DIFFERENCES)) {
      const c = cases.find((x) => x.name === name)!;
      const denied = (await decide(plan, c)) === 'Denied';
      expect(denied, name).toBe(KNOWN_DIFFERENCES[name] === 'silent');
    }
  });
});
