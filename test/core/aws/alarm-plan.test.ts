import { describe, expect, it } from 'vitest';
import { planAlarms } from '../../../core/aws/alarm-plan.ts';
import { ConfigError } from '../../../core/config/config-error.ts';
import { loadCatalog } from '../../../core/detection/catalog.ts';
import { enforceModel, exampleModel } from '../../helpers/config.ts';

describe('alarm plan', () => {
  it('deploys every catalog rule to each AWS target it lists, plus shadow and self-protection rules', () => {
    const model = exampleModel();
    const catalog = loadCatalog(model).filter((r) => r.rule.logsource.product === 'aws');
    const plan = planAlarms(model, loadCatalog(model));
    expect(plan.metric.map((m) => m.id).sort()).toEqual(catalog.filter((r) => r.rule.targets.includes('cloudwatch')).map((r) => r.rule.id).sort());
    const realtime = plan.realtime.map((r) => r.id);
    for (const r of catalog.filter((x) => x.rule.targets.includes('eventbridge'))) expect(realtime).toContain(r.rule.id);
    expect(realtime).toContain('aws-perimeter-shadow-network');
    expect(planAlarms(enforceModel(), loadCatalog(enforceModel())).realtime.map((r) => r.id)).not.toContain('aws-perimeter-shadow-network');
  });

  it('turns a rule the config makes inexpressible into one config error naming the rule', () => {
    // Scattered /32s do not aggregate: the "outside the trusted networks" complement outgrows 4,096 characters.
    const model = exampleModel((c) => (c.trustedNetworks.cidrs = Array.from({ length: 60 }, (_, i) => `${20 + i}.1.2.3/32`)));
    let error: unknown;
    try {
      planAlarms(model, loadCatalog(model));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/^rule aws-[a-z-]+ \(.*\): cannot compile to eventbridge with this config: the pattern is \d+ characters, over EventBridge's 4096\. Aggregate the CIDRs or split the rule/);
  });

  it('requires us-east-1 among the event regions', () => {
    expect(() => exampleModel((c) => (c.aws.regions = ['eu-west-1']))).toThrow(/aws\.regions: does not include us-east-1, where IAM, Organizations and console sign-in events reach EventBridge\. Add us-east-1\./);
    expect(exampleModel((c) => delete c.aws.regions).aws?.eventRegions).toEqual(['us-east-1']);
  });
});
