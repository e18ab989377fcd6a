/**
 * The alarm plan's exact output on small inputs (core/aws/alarm-plan.ts): which rules and correlations it
 * deploys, its notes, the config error of a rule EventBridge cannot express, and how splitEventPattern
 * packs branches, picks the list to spread, fills the parts and halves a list, down to the character.
 */
import { describe, expect, it } from 'vitest';
import { planAlarms, splitEventPattern } from '../../../core/aws/alarm-plan.ts';
import { bindRules } from '../../../core/detection/catalog.ts';
import { generatedRule } from '../../../core/detection/rule.ts';
import { configErrorOf, exampleModel } from '../../helpers/config.ts';
import { cloudtrailRule, correlationOver } from '../../helpers/correlations.ts';

/** The example at the raised quota: the shadow rule (report mode) and the self-protection rules, none split. */
const raised = exampleModel((c) => (c.aws.eventPatternMaxLength = 4096));
const REALTIME_IDS = [
  'aws-perimeter-shadow-network',
  'guardrails-trail-changed',
  'guardrails-scp-changed',
  'guardrails-alerting-changed',
  'guardrails-stackset-changed',
];
const SHADOW_NOTES = [
  'shadow mode: the network-perimeter SCP is in report mode; EventBridge rule aws-perimeter-shadow-network alerts on the calls it would deny',
  'shadow mode: principals exempted only by the perimeter-exemption tag still alert (tags are not in CloudTrail)',
  'shadow mode: calls through any VPC endpoint are treated as trusted (CloudTrail records the endpoint, not its VPC)',
  'shadow mode: calls the SCP would deny that CloudTrail records only as data events (s3:GetObject, lambda:Invoke, ...) never alert unless the trail logs data events; the SCP denies them all the same',
  'shadow mode: the data-plane actions and Lambda/Glue log delivery the SCP allows from anywhere still alert where CloudTrail records them (the service key that exempts them is not in CloudTrail)',
];

const rule = (id: string, product: 'aws' | 'azure', detection: Record<string, unknown>, targets: ('cloudwatch' | 'eventbridge')[]) =>
  generatedRule(
    {
      id,
      title: `Test rule ${id}`,
      description: 'A rule built for the alarm plan tests.',
      level: 'low',
      tags: ['attack.execution'],
      logsource: product === 'aws' ? { product, service: 'cloudtrail' } : { product, service: 'signinlogs' },
      detection: detection as never,
      targets,
    },
    'alarm plan tests',
  );

describe('planAlarms', () => {
  it('deploys no rule of another product, even one that lists cloudwatch and eventbridge', () => {
    const azure = rule('azure-sign-in-failed', 'azure', { sel: { ResultType: ['50126'] }, condition: 'sel' }, ['cloudwatch', 'eventbridge']);
    const plan = planAlarms(raised, bindRules([azure], raised));
    expect(plan.metric).toEqual([]);
    expect(plan.realtime.map((r) => r.id)).toEqual(REALTIME_IDS);
  });

  it('plans the correlations that list cloudwatch, and only those, with their compiled metric and alarm', () => {
    const counted = correlationOver([cloudtrailRule('alarm-base-list', 'List')], { id: 'alarm-list-burst', condition: { gte: 5 }, targets: ['cloudwatch'] });
    const kqlOnly = correlationOver([cloudtrailRule('alarm-base-get', 'Get')], { id: 'alarm-get-burst', condition: { gte: 5 }, targets: ['kql'] });
    expect(planAlarms(raised, [], [counted, kqlOnly]).metricCorrelations).toEqual([
      {
        id: 'alarm-list-burst',
        title: 'A correlation under test',
        level: 'high',
        target: 'cloudwatch',
        filterPattern: '{ ($.eventName = "List*") && ($.userIdentity.arn = *) && ($.userIdentity.arn != "") }',
        metricName: 'alarm-list-burst',
        dimensions: { userIdentity_arn: '$.userIdentity.arn' },
        periodSeconds: 300,
        threshold: 5,
        comparisonOperator: 'GreaterThanOrEqualToThreshold',
      },
    ]);
  });

  it('plans nothing, without failing, for a config without an aws section', () => {
    const model = exampleModel((c) => delete c.aws);
    expect(planAlarms(model, [])).toEqual({ metric: [], metricCorrelations: [], realtime: [], notes: [] });
  });

  it('notes the shadow notes and one line per split rule, none for a rule deployed whole', () => {
    const whole = planAlarms(raised, []);
    expect(whole.realtime.map((r) => r.id)).toEqual(REALTIME_IDS);
    expect(whole.notes).toEqual(SHADOW_NOTES);
    const split = planAlarms(exampleModel(), []);
    const parts = split.realtime.filter((r) => r.ruleId === 'aws-perimeter-shadow-network').length;
    expect(parts).toBeGreaterThan(1);
    expect(split.notes).toEqual([
      ...SHADOW_NOTES,
      `EventBridge: rule aws-perimeter-shadow-network is deployed as ${parts} rules (aws-perimeter-shadow-network-part1..${parts}), each within the 2048-character event pattern quota`,
    ]);
  });

  it('turns a rule EventBridge cannot express into one config error naming the rule, the reason and the fix', () => {
    const regex = rule('alarm-regex', 'aws', { sel: { 'eventName|re': '^Get.*' }, condition: 'sel' }, ['eventbridge']);
    expect(configErrorOf(() => planAlarms(raised, bindRules([regex], raised)))).toBe(
      'rule alarm-regex ((generated: alarm plan tests)): cannot compile to eventbridge with this config: event patterns have no regular expressions. Simplify the condition or split the rule.',
    );
  });
});

/** A pattern of `detail` alone: `{"detail":` and `}` add 11 characters to the detail's JSON. */
const d = (detail: unknown): Record<string, unknown> => ({ detail });
const H = 'H'.repeat(40);

describe('splitEventPattern', () => {
  it('returns the pattern itself when it is within the limit, up to exactly the limit', () => {
    const pattern = d({ $or: [{ a: ['1'] }, { a: ['2'] }, { a: ['3'] }] });
    expect(JSON.stringify(pattern)).toHaveLength(56);
    for (const max of [56, 100]) {
      const parts = splitEventPattern(pattern, max);
      expect(parts).toHaveLength(1);
      expect(parts[0]).toBe(pattern);
    }
  });

  it('packs $or branches in order into as few parts as fit, a part exactly at the limit included', () => {
    // {"detail":{"$or":[{"a":["1"]},{"a":["2"]}]}} is 44 characters.
    expect(splitEventPattern(d({ $or: [{ a: ['1'] }, { a: ['2'] }, { a: ['3'] }] }), 44)).toEqual([d({ $or: [{ a: ['1'] }, { a: ['2'] }] }), d({ a: ['3'] })]);
  });

  it('keeps a branch exactly at the limit as it is, even one with no list to spread', () => {
    expect(JSON.stringify(d({ a: ['1'] }))).toHaveLength(22);
    expect(splitEventPattern(d({ $or: [{ a: ['1'] }, { a: ['2'] }] }), 22)).toEqual([d({ a: ['1'] }), d({ a: ['2'] })]);
  });

  it('treats a detail with $or beside other fields as one branch, keeping those fields in every part', () => {
    expect(splitEventPattern(d({ $or: [{ a: ['1'] }, { a: ['2'] }], c: ['x', 'y'] }), 50)).toEqual([
      d({ $or: [{ a: ['1'] }], c: ['x', 'y'] }),
      d({ $or: [{ a: ['2'] }], c: ['x', 'y'] }),
    ]);
  });

  it('spreads the longest list by characters when several lists could each be spread', () => {
    // short alone: 68 characters, long alone: 50; the whole is 72.
    expect(splitEventPattern(d({ short: ['a', 'b'], long: ['xxxxxxxx', 'yyyyyyyy', 'zzzzzzzz'] }), 70)).toEqual([
      d({ short: ['a', 'b'], long: ['xxxxxxxx', 'yyyyyyyy'] }),
      d({ short: ['a', 'b'], long: ['zzzzzzzz'] }),
    ]);
  });

  describe('spreads only a list whose every value fits beside the rest, filling each part up to the limit', () => {
    // x is the longest list but its 40-character value with all of y is 83 characters; each value of y with all of x is 75.
    const pattern = d({ x: [H, 's'], y: ['1', '2', '3', '4'] });

    it('one value of y per part at 75 (each exactly at the limit)', () => {
      expect(splitEventPattern(pattern, 75)).toEqual(['1', '2', '3', '4'].map((v) => d({ x: [H, 's'], y: [v] })));
    });

    it('two values of y per part at 79 (each exactly at the limit)', () => {
      expect(splitEventPattern(pattern, 79)).toEqual([d({ x: [H, 's'], y: ['1', '2'] }), d({ x: [H, 's'], y: ['3', '4'] })]);
    });
  });

  describe('halves the longest list when no list can be spread, then splits each half', () => {
    it('after the longest prefix within half the characters, a prefix of exactly half included', () => {
      // z is 22 characters and ["p1","q1"] exactly 11: the halves are [p1, q1] and [rrrrrrrr].
      expect(splitEventPattern(d({ z: ['p1', 'q1', 'rrrrrrrr'], w: ['1', '2', '3', '4'] }), 45)).toEqual([
        d({ z: ['p1', 'q1'], w: ['1', '2'] }),
        d({ z: ['p1', 'q1'], w: ['3', '4'] }),
        d({ z: ['rrrrrrrr'], w: ['1', '2'] }),
        d({ z: ['rrrrrrrr'], w: ['3', '4'] }),
      ]);
    });

    it('after the first value when two values are already over half', () => {
      // z is 29 characters and its first two values 15: the halves are [aaaa] and [bbbb, cccc, dddd], then [bbbb] and [cccc, dddd].
      expect(splitEventPattern(d({ z: ['aaaa', 'bbbb', 'cccc', 'dddd'], w: ['1', '2', '3', '4'] }), 45)).toEqual([
        d({ z: ['aaaa'], w: ['1', '2', '3'] }),
        d({ z: ['aaaa'], w: ['4'] }),
        d({ z: ['bbbb'], w: ['1', '2', '3'] }),
        d({ z: ['bbbb'], w: ['4'] }),
        ...['1', '2', '3', '4'].map((v) => d({ z: ['cccc', 'dddd'], w: [v] })),
      ]);
    });
  });

  it('spreads a list nested in an object, leaving the object around it', () => {
    expect(splitEventPattern(d({ eventName: ['x'], userIdentity: { arn: ['a1', 'a2', 'a3'] } }), 60)).toEqual(
      ['a1', 'a2', 'a3'].map((arn) => d({ eventName: ['x'], userIdentity: { arn: [arn] } })),
    );
  });

  it('copies a field that is not a list (null, a string) into every part and never spreads it', () => {
    expect(splitEventPattern(d({ a: ['1', '2', '3', '4'], b: null, c: 'text' }), 50)).toEqual([
      d({ a: ['1', '2', '3'], b: null, c: 'text' }),
      d({ a: ['4'], b: null, c: 'text' }),
    ]);
  });
});
