/**
 * Issue 14, AWS, Stratus Red Team techniques the CLI rule alone saw: unusual (GPU, accelerator, high-memory)
 * instance launches (aws.execution.ec2-launch-unusual-instances), Lambda layers and extensions
 * (aws.persistence.lambda-layer-extension) and SageMaker notebook lifecycle configurations
 * (aws.execution.sagemaker-update-lifecycle-config). Hand-written CloudTrail records in
 * test/fixtures/events/aws/<rule-id>.json (shapes and sources in its SOURCES.md); every record names the page it
 * is written from (`source`) and says what it shows (`note`).
 *
 * Each record is judged twice: by the catalog rule (`loadCatalog(exampleModel())`, `rule.matches`) and by the
 * independent evaluator of the target the rule is deployed to, over what that target deploys: the metric filter
 * pattern of the alarm plan, read by compileCloudWatchPattern (written from the CloudWatch Logs filter pattern
 * syntax page). Positives must fire in both, negatives in neither.
 */
import { describe, expect, it } from 'vitest';
import { planAlarms } from '../../../core/aws/alarm-plan.ts';
import { compileRule, loadCatalog } from '../../../core/detection/catalog.ts';
import { detectSource } from '../../../core/detection/logsources/detect-source.ts';
import { TARGETS } from '../../../core/detection/rule.ts';
import { compileCloudWatchPattern } from '../../../core/detection/targets/cloudwatch-pattern-evaluator.ts';
import { exampleModel } from '../../helpers/config.ts';
import { awsEventFixture, type EventFixture, type FixtureCase } from '../../helpers/event-fixtures.ts';

/** The rules these tests cover, one fixture file each. */
const MORE_AWS_RULES = [
  'aws-ec2-accelerated-instance-launched',
  'aws-lambda-layer-or-extension-changed',
  'aws-sagemaker-notebook-lifecycle-config-changed',
] as const;

const fixtures: EventFixture[] = MORE_AWS_RULES.map(awsEventFixture);

const model = exampleModel();
const catalog = loadCatalog(model);
const plan = planAlarms(model, catalog);
const ruleOf = (id: string) => catalog.find((r) => r.rule.id === id)!;

/** The metric filter the alarm plan deploys for a rule, as a predicate over the raw CloudTrail record. */
function metricFilter(id: string): (raw: Record<string, unknown>) => boolean {
  const metric = plan.metric.find((m) => m.id === id);
  if (!metric) throw new Error(`${id}: the alarm plan deploys no metric filter for it`);
  return compileCloudWatchPattern(metric.pattern);
}

const caseOf = (rule: string, notePrefix: string): FixtureCase => {
  const f = fixtures.find((x) => x.rule === rule)!;
  const c = [...f.positive, ...f.negative].find((x) => x.note.startsWith(notePrefix));
  if (!c) throw new Error(`${rule}: no fixture record whose note starts with "${notePrefix}"`);
  return structuredClone(c);
};

describe('issue 14 AWS rules, second batch: fixtures and targets', () => {
  it('has one fixture per rule, each with cited positives and negatives', () => {
    expect(fixtures.map((f) => f.rule)).toEqual([...MORE_AWS_RULES]);
    for (const f of fixtures) {
      expect(f.positive.length, f.rule).toBeGreaterThan(0);
      expect(f.negative.length, f.rule).toBeGreaterThan(0);
      for (const c of [...f.positive, ...f.negative]) {
        expect(c.source, `${f.rule}: ${c.note}`).toMatch(/^https:\/\/(docs\.aws\.amazon\.com|github\.com\/aws\/|stratus-red-team\.cloud)/);
        expect(c.note.length, f.rule).toBeGreaterThan(10);
      }
    }
  });

  it('deploys each rule to CloudWatch only (the member-account EventBridge template is full) and alerts on it', () => {
    for (const id of MORE_AWS_RULES) {
      const r = ruleOf(id);
      expect(r, id).toBeDefined();
      expect(r.rule.targets, id).toEqual(['cloudwatch']);
      expect(
        plan.metric.some((m) => m.id === id),
        id,
      ).toBe(true);
      expect(
        plan.realtime.some((p) => p.ruleId === id),
        id,
      ).toBe(false);
    }
  });

  it('compiles for every target it lists, and each is still expressible in EventBridge', () => {
    for (const id of MORE_AWS_RULES) {
      const r = ruleOf(id);
      for (const target of r.rule.targets) expect(TARGETS, id).toContain(target);
      for (const target of [...r.rule.targets, 'eventbridge' as const]) expect(() => compileRule(r, target), `${id} ${target}`).not.toThrow();
    }
  });
});

describe.each(fixtures.map((f) => [f.rule, f] as const))('%s', (id, fixture) => {
  const r = ruleOf(id);
  const cloudwatch = metricFilter(id);

  it.each(fixture.positive.map((c) => [c.note, c] as const))('fires: %s', (_note, c) => {
    const sourced = detectSource(c.event);
    expect(sourced?.product === 'aws' && sourced.service === 'cloudtrail').toBe(true);
    expect([r.matches(sourced!.event), cloudwatch(c.event)], 'rule engine, cloudwatch').toEqual([true, true]);
  });

  it.each(fixture.negative.map((c) => [c.note, c] as const))('stays quiet: %s', (_note, c) => {
    const sourced = detectSource(c.event);
    expect(sourced?.product === 'aws' && sourced.service === 'cloudtrail').toBe(true);
    expect([r.matches(sourced!.event), cloudwatch(c.event)], 'rule engine, cloudwatch').toEqual([false, false]);
  });
});

describe('what the rules approximate, pinned', () => {
  it('aws-ec2-accelerated-instance-launched: every listed family prefix fires, in the rule and the metric filter', () => {
    const r = ruleOf('aws-ec2-accelerated-instance-launched');
    const cloudwatch = metricFilter('aws-ec2-accelerated-instance-launched');
    const e = caseOf('aws-ec2-accelerated-instance-launched', 'RunInstances of t3.micro').event;
    const request = e['requestParameters'] as Record<string, unknown>;
    for (const type of [
      'p5.48xlarge',
      'g6.xlarge',
      'inf2.xlarge',
      'trn1.2xlarge',
      'dl1.24xlarge',
      'f1.2xlarge',
      'vt1.3xlarge',
      'x2idn.16xlarge',
      'u7i-12tb.224xlarge',
    ]) {
      request['instanceType'] = type;
      expect([r.matches(e), cloudwatch(e)], type).toEqual([true, true]);
    }
    for (const type of ['c7i.48xlarge', 'r7iz.32xlarge', 'hpc7g.16xlarge', 'i4i.32xlarge']) {
      request['instanceType'] = type;
      expect([r.matches(e), cloudwatch(e)], type).toEqual([false, false]);
    }
  });

  it('aws-ec2-accelerated-instance-launched: the type is read from the request only; a GPU in responseElements alone is missed', () => {
    const e = caseOf('aws-ec2-accelerated-instance-launched', 'Known limit').event;
    const items = ((e['responseElements'] as Record<string, unknown>)['instancesSet'] as Record<string, unknown>)['items'] as Record<string, unknown>[];
    expect(items[0]!['instanceType']).toBe('g5.xlarge');
    expect((e['requestParameters'] as Record<string, unknown>)['instanceType']).toBeUndefined();
    expect(ruleOf('aws-ec2-accelerated-instance-launched').matches(e)).toBe(false);
  });

  it('aws-lambda-layer-or-extension-changed: a configuration change without layers counts too (layers is a list CloudWatch cannot test)', () => {
    const r = ruleOf('aws-lambda-layer-or-extension-changed');
    const e = caseOf('aws-lambda-layer-or-extension-changed', 'UpdateFunctionConfiguration20150331v2 attaching').event;
    e['requestParameters'] = { functionName: 'orders-api', memorySize: 512 };
    expect([r.matches(e), metricFilter('aws-lambda-layer-or-extension-changed')(e)]).toEqual([true, true]);
  });

  it('aws-sagemaker-notebook-lifecycle-config-changed: an UpdateNotebookInstance that changes only the instance type counts too', () => {
    const r = ruleOf('aws-sagemaker-notebook-lifecycle-config-changed');
    const e = caseOf('aws-sagemaker-notebook-lifecycle-config-changed', 'UpdateNotebookInstance attaching').event;
    e['requestParameters'] = { NotebookInstanceName: 'research-notebook', InstanceType: 'ml.t3.large' };
    expect([r.matches(e), metricFilter('aws-sagemaker-notebook-lifecycle-config-changed')(e)]).toEqual([true, true]);
  });
});
