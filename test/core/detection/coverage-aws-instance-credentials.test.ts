/**
 * Issue 14, AWS item 4: instance-role credentials used outside the instance. The rule
 * aws-instance-credentials-used-outside matches sessions CloudTrail marks as delivered to an EC2 instance
 * (`userIdentity.sessionContext.ec2RoleDelivery`, "CloudTrail userIdentity element":
 * https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-user-identity.html) used
 * from outside the trusted networks, whatever the client, with the agent-traffic exclusions of
 * aws-cli-outside-trusted-networks. Records are hand-written
 * (test/fixtures/events/aws/aws-instance-credentials-used-outside.json, shapes and sources in SOURCES.md there),
 * each naming the page it is written from.
 *
 * Each record is judged by the catalog rule (`rule.matches`) and by the EventBridge pattern oracle
 * (matchesEventPattern, written from the EventBridge event pattern reference) over every part the plan deploys,
 * inside the envelope EventBridge documents for CloudTrail events. Positives must fire in both, negatives in
 * neither.
 */
import { describe, expect, it } from 'vitest';
import { planAlarms } from '../../../core/aws/alarm-plan.ts';
import { compileRule, loadCatalog } from '../../../core/detection/catalog.ts';
import { CompileError } from '../../../core/detection/compilers/compile-error.ts';
import { detectSource } from '../../../core/detection/logsources/detect-source.ts';
import { matchesEventPattern } from '../../../core/detection/targets/eventbridge-pattern-evaluator.ts';
import { exampleModel } from '../../helpers/config.ts';
import { awsEventFixture } from '../../helpers/event-fixtures.ts';
import { eventBridgeEnvelope } from '../../helpers/corpus.ts';

const ID = 'aws-instance-credentials-used-outside';
const fixture = awsEventFixture(ID);
const model = exampleModel();
const catalog = loadCatalog(model);
const rule = catalog.find((r) => r.rule.id === ID)!;
const parts = planAlarms(model, catalog).realtime.filter((r) => r.ruleId === ID);
const eventBridge = (raw: Record<string, unknown>) => parts.some((p) => matchesEventPattern(p.pattern, eventBridgeEnvelope(raw)));
const sessionContext = (e: Record<string, unknown>) => (e['userIdentity'] as { sessionContext?: Record<string, unknown> }).sessionContext;

describe(`${ID}: the rule and its deployment`, () => {
  it('is in the catalog, deployed to EventBridge only, as parts that each test the instance-session marker', () => {
    expect(rule).toBeDefined();
    expect(rule.rule.targets).toEqual(['eventbridge']);
    expect(rule.rule.level).toBe('medium');
    expect(parts.length).toBeGreaterThan(0);
    for (const p of parts) {
      const detail = p.pattern['detail'] as { userIdentity: { sessionContext: Record<string, unknown> } };
      expect(detail.userIdentity.sessionContext).toEqual({ ec2RoleDelivery: [{ exists: true }] });
    }
  });

  it('cannot be written for CloudWatch, whose filter patterns have no CIDR test', () => {
    expect(() => compileRule(rule, 'cloudwatch')).toThrow(CompileError);
  });

  it('has documented records: at least three positives and three negatives, each naming its vendor page', () => {
    expect(fixture.rule).toBe(ID);
    expect(fixture.positive.length).toBeGreaterThanOrEqual(3);
    expect(fixture.negative.length).toBeGreaterThanOrEqual(3);
    for (const c of [...fixture.positive, ...fixture.negative]) expect(c.source, c.note).toMatch(/^https:\/\/docs\.aws\.amazon\.com\//);
    // Both documented delivery values are exercised ("1.0" IMDSv1, "2.0" IMDSv2).
    expect(new Set(fixture.positive.map((c) => sessionContext(c.event)?.['ec2RoleDelivery']))).toEqual(new Set(['1.0', '2.0']));
  });
});

describe(`${ID}: records`, () => {
  it.each(fixture.positive.map((c) => [c.note, c] as const))('fires: %s', (_note, c) => {
    const sourced = detectSource(c.event);
    expect(sourced?.product === 'aws' && sourced.service === 'cloudtrail').toBe(true);
    expect(rule.matches(sourced!.event), 'rule engine').toBe(true);
    expect(eventBridge(c.event), 'eventbridge').toBe(true);
  });

  it.each(fixture.negative.map((c) => [c.note, c] as const))('stays quiet: %s', (_note, c) => {
    const sourced = detectSource(c.event);
    expect(sourced?.product === 'aws' && sourced.service === 'cloudtrail').toBe(true);
    expect(rule.matches(sourced!.event), 'rule engine').toBe(false);
    expect(eventBridge(c.event), 'eventbridge').toBe(false);
  });

  it('turns quiet when only the instance-session marker is removed from a positive, in the engine and in EventBridge', () => {
    for (const c of fixture.positive) {
      const e = structuredClone(c.event);
      delete sessionContext(e)!['ec2RoleDelivery'];
      expect([rule.matches(e), eventBridge(e)], c.note).toEqual([false, false]);
    }
  });

  it('turns quiet when only the source address of a positive moves into a trusted range', () => {
    for (const c of fixture.positive) {
      const e = { ...structuredClone(c.event), sourceIPAddress: '198.51.100.44' };
      expect([rule.matches(e), eventBridge(e)], c.note).toEqual([false, false]);
    }
  });
});
