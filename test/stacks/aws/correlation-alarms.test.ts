/**
 * Correlations that list cloudwatch, from the alarm plan to the management stack: the plan compiles them
 * (and refuses one it cannot compile, as a one-line config error); the stack holds a metric filter with
 * the group-by dimension and a Metrics Insights alarm per correlation, with no alarm action (the state
 * change is forwarded to the central bus, as for the other metric alarms).
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as logs from 'aws-cdk-lib/aws-logs';
import { describe, expect, it } from 'vitest';
import { planAlarms } from '../../../core/aws/alarm-plan.ts';
import { planPerimeter } from '../../../core/aws/perimeter-plan.ts';
import { loadCatalogWithCorrelations } from '../../../core/detection/catalog.ts';
import { MetricAlarms } from '../../../constructs/aws/metric-alarms.ts';
import { buildAwsApp } from '../../../stacks/aws/app.ts';
import { CDK_JSON_CONTEXT } from '../../helpers/aws-app.ts';
import { configErrorOf, exampleModel } from '../../helpers/config.ts';

const model = exampleModel();
const { rules, correlations } = loadCatalogWithCorrelations(model);
const alarms = planAlarms(model, rules, correlations);

type Resource = { Properties: Record<string, any> };
const resources = (t: Template, type: string) => Object.values(t.findResources(type)) as Resource[];

describe('the alarm plan', () => {
  it('compiles the correlations that list cloudwatch, and only those', () => {
    expect(alarms.metricCorrelations).toEqual([
      expect.objectContaining({ id: 'aws-bulk-secret-retrieval', title: correlations.find((c) => c.id === 'aws-bulk-secret-retrieval')!.title, level: 'high' }),
    ]);
    expect(planAlarms(model, rules).metricCorrelations).toEqual([]);
  });

  it('refuses a correlation that lists cloudwatch but cannot be counted there, naming it', () => {
    const recon = correlations.find((c) => c.id === 'aws-recon-burst')!;
    expect(configErrorOf(() => planAlarms(model, rules, [{ ...recon, targets: ['cloudwatch'] }]))).toMatch(
      /^correlation aws-recon-burst \(detections\/aws\/aws-recon-burst\.yml\): cannot compile to cloudwatch with this config: a metric filter publishes a number per matching event, and a metric cannot count the distinct values of a field per group\. Run it with guardrails detect/,
    );
  });
});

describe('the management stack', async () => {
  const { stack } = buildAwsApp(model, await planPerimeter(model), alarms, { context: CDK_JSON_CONTEXT });
  const t = Template.fromStack(stack);
  const [plan] = alarms.metricCorrelations!;

  it('filters the trail log group with the ARN as the metric dimension', () => {
    const filters = resources(t, 'AWS::Logs::MetricFilter').filter((f) => f.Properties['FilterName'] === 'aws-bulk-secret-retrieval');
    expect(filters).toHaveLength(1);
    expect(filters[0]!.Properties['FilterPattern']).toBe(plan!.filterPattern);
    expect(filters[0]!.Properties['MetricTransformations']).toEqual([
      {
        MetricNamespace: 'CloudApiGuardrails',
        MetricName: 'aws-bulk-secret-retrieval',
        MetricValue: '1',
        Dimensions: [{ Key: 'userIdentity_arn', Value: '$.userIdentity.arn' }],
      },
    ]);
  });

  it('alarms on the Metrics Insights query, per ARN, over 10-minute periods, at 20 or more, without an action', () => {
    const [alarm] = resources(t, 'AWS::CloudWatch::Alarm').filter((a) => a.Properties['AlarmName'] === 'guardrails-aws-bulk-secret-retrieval');
    expect(alarm!.Properties).toMatchObject({
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Threshold: 20,
      EvaluationPeriods: 1,
      DatapointsToAlarm: 1,
      TreatMissingData: 'notBreaching',
    });
    expect(alarm!.Properties['Metrics']).toEqual([
      expect.objectContaining({
        Expression: 'SELECT SUM("aws-bulk-secret-retrieval") FROM SCHEMA("CloudApiGuardrails", userIdentity_arn) GROUP BY userIdentity_arn',
        Period: 600,
        ReturnData: true,
      }),
    ]);
    expect(alarm!.Properties['MetricName']).toBeUndefined();
    expect(alarm!.Properties['AlarmActions']).toBeUndefined();
  });

  it('deploys nothing for the detect-only recon burst', () => {
    expect(resources(t, 'AWS::Logs::MetricFilter').map((f) => f.Properties['FilterName'])).not.toContain('aws-recon-burst');
  });
});

describe('MetricAlarms with correlations', () => {
  it('counts the correlations against the 100 metric filters of the log group', () => {
    const stack = new Stack(new App(), 'Limit', { env: { account: '111122223333', region: 'us-east-1' } });
    const logGroup = logs.LogGroup.fromLogGroupName(stack, 'Trail', '/guardrails/trail');
    const rule = { id: 'r', title: 'A rule', level: 'high', pattern: '{ $.eventName = "X" }', patternSource: 'compiled' as const };
    const rules = Array.from({ length: 99 }, (_, i) => ({ ...rule, id: `r${i}` }));
    expect(() => new MetricAlarms(stack, 'Fits', { logGroup, rules, correlations: alarms.metricCorrelations })).not.toThrow();
    expect(() => new MetricAlarms(stack, 'Over', { logGroup, rules: [...rules, rule], correlations: alarms.metricCorrelations })).toThrow(
      '101 CloudWatch rules and correlations exceed the 100 metric filters a log group allows',
    );
  });
});
