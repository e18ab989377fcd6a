import ipaddr from 'ipaddr.js';
import { describe, expect, it } from 'vitest';
import { EVENT_RULE_PARTS_MAX, planAlarms, splitEventPattern, type RealtimeRulePlan } from '../../../core/aws/alarm-plan.ts';
import { perimeterShadowRules } from '../../../core/aws/shadow-rules.ts';
import type { CatalogRule } from '../../../core/detection/catalog.ts';
import { compileEventPattern } from '../../../core/detection/compilers/eventbridge.ts';
import { detectSource } from '../../../core/detection/logsources/detect-source.ts';
import { complementCidrs } from '../../../core/detection/placeholders.ts';
import { eventPatternMatcher, matchesEventPattern, validateEventPattern } from '../../../core/detection/targets/eventbridge-pattern-evaluator.ts';
import type { GuardrailsModel } from '../../../core/config/model.ts';
import { catalogRules } from '../../helpers/catalog.ts';
import { configErrorOf, enforceModel, exampleModel, type Editable } from '../../helpers/config.ts';
import { corpusFiles, eventBridgeEnvelope } from '../../helpers/corpus.ts';

const cloudTrail = corpusFiles()
  .flatMap((f) => f.events.map((raw, i) => ({ where: `${f.name}#${i}`, raw: raw as Record<string, unknown> })))
  .filter((e) => detectSource(e.raw)?.service === 'cloudtrail');

// catalogRules(model) is loadCatalog(model), bound once per model content in the worker (helpers/catalog.ts):
// most tests here plan the same few models.

/** Every real-time rule of the plan with the catalog rule it came from. */
function realtimeRules(model: GuardrailsModel): Map<string, CatalogRule> {
  return new Map([...catalogRules(model), ...perimeterShadowRules(model).rules].map((r) => [r.rule.id, r]));
}

/** One address on each side of both ends of every CIDR: where a split CIDR list could leak or drop. */
function boundaryAddresses(cidrs: readonly string[]): string[] {
  return cidrs.flatMap((cidr) => {
    const [address, prefix] = ipaddr.parseCIDR(cidr);
    const bits = address.kind() === 'ipv4' ? 32 : 128;
    const first = BigInt(`0x${Buffer.from(address.toByteArray()).toString('hex')}`);
    const last = first + (1n << BigInt(bits - prefix)) - 1n;
    const max = (1n << BigInt(bits)) - 1n;
    return [first - 1n, first, last, last + 1n]
      .filter((n) => n >= 0n && n <= max)
      .map((n) => ipaddr.fromByteArray([...Buffer.from(n.toString(16).padStart(bits / 4, '0'), 'hex')]).toString());
  });
}

/** CloudTrail records from the corpus, re-addressed around the complement's boundaries, with and without the rules' other conditions. */
function generatedEvents(model: GuardrailsModel): Record<string, unknown>[] {
  const base = cloudTrail.find((e) => String(e.raw['userAgent']).startsWith('aws-cli/'))!.raw;
  const addresses = boundaryAddresses([...complementCidrs(model.trusted.cidrs), ...model.trusted.cidrs]);
  const variants: Record<string, unknown>[] = [
    {},
    { userAgent: 'Mozilla/5.0 (console)' },
    { vpcEndpointId: 'vpce-0123456789abcdef0' },
    { userIdentity: { type: 'AssumedRole', sessionContext: { sessionIssuer: { arn: 'arn:aws:iam::111122223333:role/BreakGlassAdmin' } } } },
  ];
  // Every other plain record also carries the marker of a session delivered to an EC2 instance (CloudTrail
  // userIdentity element: sessionContext.ec2RoleDelivery), which aws-instance-credentials-used-outside needs and
  // the other rules do not read.
  const instance = { userIdentity: { ...(base['userIdentity'] as Record<string, unknown>), sessionContext: { ec2RoleDelivery: '2.0' } } };
  // Every address plain, and each with one of the variants in turn (the variants do not depend on the address).
  return addresses.flatMap((sourceIPAddress, i) => [
    { ...base, sourceIPAddress, ...(i % 2 === 0 ? {} : instance) },
    { ...base, sourceIPAddress, ...variants[1 + (i % 3)] },
  ]);
}

/** The plan's parts of each split rule, grouped by rule. */
function splitRules(plan: readonly RealtimeRulePlan[]): Map<string, RealtimeRulePlan[]> {
  const byRule = new Map<string, RealtimeRulePlan[]>();
  for (const r of plan) byRule.set(r.ruleId, [...(byRule.get(r.ruleId) ?? []), r]);
  return new Map([...byRule].filter(([, parts]) => parts.length > 1));
}

describe('alarm plan', () => {
  it('deploys every catalog rule to each AWS target it lists, plus shadow and self-protection rules', () => {
    const model = exampleModel();
    const catalog = catalogRules(model).filter((r) => r.rule.logsource.product === 'aws');
    const plan = planAlarms(model, catalogRules(model));
    expect(plan.metric.map((m) => m.id).sort()).toEqual(
      catalog
        .filter((r) => r.rule.targets.includes('cloudwatch'))
        .map((r) => r.rule.id)
        .sort(),
    );
    const realtime = plan.realtime.map((r) => r.ruleId);
    for (const r of catalog.filter((x) => x.rule.targets.includes('eventbridge'))) expect(realtime).toContain(r.rule.id);
    expect(realtime).toContain('aws-perimeter-shadow-network');
    expect(planAlarms(enforceModel(), catalogRules(enforceModel())).realtime.map((r) => r.ruleId)).not.toContain('aws-perimeter-shadow-network');
    expect(new Set(plan.realtime.map((r) => r.id)).size, 'ids are unique').toBe(plan.realtime.length);
  });

  it('deploys the tamper rules for org-trail trusted access and the forwarding rules and role to CloudWatch and EventBridge', () => {
    const model = exampleModel();
    const plan = planAlarms(model, catalogRules(model));
    for (const id of ['aws-org-trail-trusted-access-removed', 'aws-guardrails-forwarding-tampering']) {
      expect(plan.metric.map((m) => m.id)).toContain(id);
      expect(plan.realtime.map((r) => r.id)).toContain(id);
    }
  });

  it('keeps every pattern within aws.eventPatternMaxLength (EventBridge quota "Event pattern size", default 2,048)', () => {
    for (const max of [2048, 4096]) {
      const model = exampleModel((c) => (c.aws.eventPatternMaxLength = max));
      for (const r of planAlarms(model, catalogRules(model)).realtime) expect(() => validateEventPattern(r.pattern, max), r.id).not.toThrow();
    }
  });

  it('splits the example config\'s long "outside the trusted networks" patterns into parts at 2,048 and not at 4,096', () => {
    const model = exampleModel();
    const plan = planAlarms(model, catalogRules(model));
    const split = splitRules(plan.realtime);
    expect([...split.keys()].sort()).toEqual(['aws-cli-outside-trusted-networks', 'aws-instance-credentials-used-outside', 'aws-perimeter-shadow-network']);
    for (const [ruleId, parts] of split) {
      expect(parts.map((p) => p.id)).toEqual(parts.map((_, i) => `${ruleId}-part${i + 1}`));
      expect(parts[0]!.title).toMatch(/\(part 1 of \d\)$/);
      expect(plan.notes).toContain(
        `EventBridge: rule ${ruleId} is deployed as ${parts.length} rules (${ruleId}-part1..${parts.length}), each within the 2048-character event pattern quota`,
      );
    }
    const raised = exampleModel((c) => (c.aws.eventPatternMaxLength = 4096));
    expect(splitRules(planAlarms(raised, catalogRules(raised)).realtime).size).toBe(0);
  });

  describe('the union of the parts matches exactly the events the whole pattern matches', () => {
    const configs: [string, (c: Editable) => void][] = [
      ['the example (quota 2,048)', () => {}],
      [
        'scattered trusted /24s and IPv6 /48s (several parts)',
        (c) => {
          c.trustedNetworks.cidrs = [...Array.from({ length: 5 }, (_, i) => `${40 + 17 * i}.${i * 3}.7.0/24`), '2001:db8:1::/48', '2a05:d000:42::/48'];
        },
      ],
    ];

    it.each(configs)('%s', (_name, edit) => {
      const model = exampleModel(edit);
      const rules = realtimeRules(model);
      const plan = planAlarms(model, catalogRules(model));
      const split = splitRules(plan.realtime);
      expect(split.size).toBeGreaterThan(0);
      const events = [...cloudTrail.map((e) => e.raw), ...generatedEvents(model)].map((raw) => ({ raw, envelope: eventBridgeEnvelope(raw) }));
      for (const [ruleId, parts] of split) {
        const rule = rules.get(ruleId)!;
        const whole = compileEventPattern(rule.rule, rule.expr, Number.POSITIVE_INFINITY);
        const evaluable = JSON.stringify(whole).length <= 4096;
        // Each pattern compiled once for all the events (matchesEventPattern compiles it per call).
        const matchesWhole = evaluable ? eventPatternMatcher(whole) : undefined;
        const partMatchers = parts.map((p) => eventPatternMatcher(p.pattern));
        let matched = 0;
        for (const { raw, envelope } of events) {
          const hits = partMatchers.filter((matches) => matches(envelope)).length;
          const expected = rule.matches(raw);
          if (matchesWhole) expect(matchesWhole(envelope), `${ruleId}: whole pattern vs rule`).toBe(expected);
          expect(hits > 0, `${ruleId} on ${String(raw['sourceIPAddress'])}`).toBe(expected);
          expect(hits, `${ruleId}: the parts split disjoint CIDRs, so one event alerts once`).toBeLessThanOrEqual(1);
          matched += hits;
        }
        expect(matched, `${ruleId}: the generated events exercise the parts`).toBeGreaterThan(parts.length);
      }
    });
  });

  it('splits $or branches and, inside a branch, its longest value list, and leaves anything-but lists whole', () => {
    const branch = (n: number) => ({ eventName: [`Call${n}`], sourceIPAddress: Array.from({ length: 20 }, (_, i) => ({ cidr: `10.${n}.${i}.0/24` })) });
    const pattern = {
      'detail-type': ['AWS API Call via CloudTrail'],
      detail: { $or: [branch(1), branch(2), { eventName: [{ 'anything-but': Array.from({ length: 30 }, (_, i) => `Other${i}`) }] }] },
    };
    const parts = splitEventPattern(pattern, 600);
    for (const part of parts) expect(() => validateEventPattern(part, 600)).not.toThrow();
    const probe = (eventName: string, ip: string) => ({ 'detail-type': 'AWS API Call via CloudTrail', detail: { eventName, sourceIPAddress: ip } });
    for (const event of [
      probe('Call1', '10.1.19.9'),
      probe('Call2', '10.2.0.1'),
      probe('Call1', '10.2.0.1'),
      probe('Other3', '8.8.8.8'),
      probe('Other99', '8.8.8.8'),
    ]) {
      expect(parts.some((p) => matchesEventPattern(p, event))).toBe(matchesEventPattern(pattern, event));
    }
    expect(() => splitEventPattern({ detail: { eventName: [{ 'anything-but': Array.from({ length: 60 }, (_, i) => `Other${i}`) }] } }, 512)).toThrow(
      /no field has two values/,
    );
  });

  it('turns a pattern no split can fit into one config error naming the rule and the quota to raise', () => {
    // Break-glass and automation ARNs are one anything-but list: it cannot be spread over rules.
    const arns = Array.from({ length: 40 }, (_, i) => `arn:aws:iam::111122223333:role/deployment-pipeline-automation-${i}`);
    const message = configErrorOf(() => {
      const model = exampleModel((c) => (c.automation.aws.roleArns = arns));
      planAlarms(model, catalogRules(model));
    });
    expect(message).toMatch(
      /^rule aws-perimeter-shadow-network \(.*\): the EventBridge pattern is \d+ characters, over aws\.eventPatternMaxLength 2048, and no field has two values to spread over several rules\. Raise the EventBridge quota "Event pattern size" to 4096 in every account and region and set aws\.eventPatternMaxLength: 4096/,
    );
  });

  it('refuses more parts than the plan allows, with the fix for the configured quota', () => {
    // Scattered /32s do not aggregate: the "outside the trusted networks" complement runs to thousands of CIDRs.
    const scattered = (c: Editable) => (c.trustedNetworks.cidrs = Array.from({ length: 60 }, (_, i) => `${20 + i}.1.2.3/32`));
    expect(configErrorOf(() => planAlarms(exampleModel(scattered), catalogRules(exampleModel(scattered))))).toMatch(
      new RegExp(
        `^rule aws-[a-z-]+ \\(.*\\): the EventBridge pattern is \\d+ characters and would need \\d+ rules of at most 2048 characters \\(the plan allows ${EVENT_RULE_PARTS_MAX}\\)\\. Raise the EventBridge quota`,
      ),
    );
    const at4096 = (c: Editable) => {
      scattered(c);
      c.aws.eventPatternMaxLength = 4096;
    };
    expect(configErrorOf(() => planAlarms(exampleModel(at4096), catalogRules(exampleModel(at4096))))).toMatch(
      /would need \d+ rules of at most 4096 characters .*\. Aggregate the trusted CIDRs/,
    );
  });

  it('requires us-east-1 among the event regions', () => {
    expect(() => exampleModel((c) => (c.aws.regions = ['eu-west-1']))).toThrow(
      /aws\.regions: does not include us-east-1, where IAM, Organizations and console sign-in events reach EventBridge\. Add us-east-1\./,
    );
    expect(exampleModel((c) => delete c.aws.regions).aws?.eventRegions).toEqual(['us-east-1']);
  });
});
