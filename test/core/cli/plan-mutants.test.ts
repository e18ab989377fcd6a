/**
 * `guardrails plan` in-process (cloudsToPlan, runPlan, readCdkContext): which clouds `--cloud` plans and the
 * exact error when there is none, and per cloud what runPlan writes (the AWS cloud assembly, the Pulumi
 * plans, the report, the ATT&CK layer), the facts it returns, and its stderr: timed phases, the mocks
 * disclaimer, each cloud's notes and the files written. The first synth or Pulumi run loads the cloud code
 * (about 2 s); the later ones take a fraction of that.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { cloudsToPlan, PLAN_DISCLAIMER, readCdkContext, runPlan, type PlanCloud, type PlanResult } from '../../../core/cli/plan.ts';
import { ConfigError } from '../../../core/config/config-error.ts';
import { bindRules, type CatalogRule } from '../../../core/detection/catalog.ts';
import type { Correlation } from '../../../core/detection/correlation.ts';
import { generatedRule } from '../../../core/detection/rule.ts';
import { navigatorLayer } from '../../../core/report/navigator-layer.ts';
import { preventiveControlNames, renderPlanReport } from '../../../core/report/plan-report.ts';
import { coverageOf } from '../../../core/report/technique-coverage.ts';
import { azurePlanNotes } from '../../../stacks/azure/program.ts';
import { GCP_PLAN_NOTES } from '../../../stacks/gcp/program.ts';
import { exampleModel } from '../../helpers/config.ts';
import { cloudtrailRule, correlationOver, signinRule } from '../../helpers/correlations.ts';
import { inlineRule } from '../../helpers/rules.ts';
import { capture } from './detect-inputs.ts';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const model = exampleModel();
const dir = mkdtempSync(join(tmpdir(), 'plan-mutants-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const catalog: CatalogRule[] = bindRules(
  [
    inlineRule(
      { selection: { eventName: 'StopLogging' }, condition: 'selection' },
      { product: 'aws', service: 'cloudtrail' },
      { id: 'plan-stop-logging', targets: ['eventbridge'], tags: ['attack.t1562.008'] },
    ),
  ],
  model,
);
const gcpBase = generatedRule(
  {
    id: 'plan-gcp-base',
    title: 'Base rule plan-gcp-base',
    description: 'A GCP base rule.',
    level: 'informational',
    tags: ['attack.discovery'],
    logsource: { product: 'gcp', service: 'gcp.audit' },
    detection: { sel: { 'protoPayload.methodName': 'SetIamPolicy' }, condition: 'sel' },
  },
  'plan tests',
);
const awsCorrelation = correlationOver([cloudtrailRule('plan-aws-base', 'List')], { id: 'plan-aws-burst', condition: { gte: 5 }, targets: ['cloudwatch'] });
const gcpCorrelation = correlationOver([gcpBase], {
  id: 'plan-gcp-burst',
  groupBy: ['protoPayload.authenticationInfo.principalEmail'],
  condition: { gte: 5 },
  targets: ['gcp'],
});
const azureCorrelation = correlationOver([signinRule('plan-azure-base', ['50126'])], {
  id: 'plan-azure-spray',
  groupBy: ['IPAddress'],
  condition: { gte: 5 },
  targets: ['kql'],
});

async function plan(clouds: PlanCloud[], outDir: string, correlations?: readonly Correlation[]) {
  const err = capture();
  const result = await runPlan({
    clouds,
    model,
    catalog,
    correlations,
    outDir,
    configFile: 'guardrails.yaml',
    version: '9.9.9',
    cdkContext: readCdkContext(ROOT),
    err: err.stream,
  });
  return { result, err: err.text() };
}

/** stderr with each phase's time checked (a few seconds at most) and replaced by T. */
function timed(err: string): string {
  return err.replace(/ done in (\d+\.\d) s\n/g, (_, seconds: string) => {
    expect(Number(seconds)).toBeLessThan(120);
    return ' done in T s\n';
  });
}
const phase = (name: string) => [`plan: ${name}...`, `plan: ${name} done in T s`];
const REPORT_PHASE = phase('report and ATT&CK layer');

/** The report and the layer written as runPlan's facts say. */
function expectReportAndLayer(outDir: string, result: PlanResult) {
  expect(readFileSync(join(outDir, 'report.md'), 'utf8')).toBe(renderPlanReport(result.facts));
  const layer = navigatorLayer(
    catalog.map((r) => ({ id: r.rule.id, product: r.rule.logsource.product, tags: r.rule.tags })),
    preventiveControlNames(result.facts),
  );
  expect(readFileSync(join(outDir, 'attack-navigator-layer.json'), 'utf8')).toBe(`${JSON.stringify(layer, null, 2)}\n`);
  expect(layer.techniques.length).toBeGreaterThan(0);
}

describe('cloudsToPlan', () => {
  it('plans the cloud asked for, and for all the clouds the config has a section for', () => {
    expect(cloudsToPlan('gcp', model)).toEqual(['gcp']);
    expect(cloudsToPlan('all', model)).toEqual(['aws', 'azure', 'gcp']);
    const { azure: _, ...noAzure } = model;
    expect(cloudsToPlan('all', noAzure as typeof model)).toEqual(['aws', 'gcp']);
  });

  it('refuses a cloud without a section, naming the config and the fix', () => {
    const { gcp: _, ...noGcp } = model;
    const error = (() => {
      try {
        cloudsToPlan('gcp', noGcp as typeof model);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toBe(
      'gcp: has no section in guardrails.yaml, so there is nothing to plan. Add a "gcp:" section (see guardrails.example.yaml), or plan another cloud.',
    );
  });

  it('refuses --cloud all for a config without any cloud section', () => {
    const { aws: _a, azure: _z, gcp: _g, ...none } = model;
    expect(() => cloudsToPlan('all', none as typeof model)).toThrow(
      new ConfigError(
        '(top level)',
        'has no aws, azure or gcp section, so there is nothing to plan',
        'Add at least one cloud section (see guardrails.example.yaml).',
      ),
    );
    expect(() => cloudsToPlan('all', none as typeof model)).toThrow(
      '(top level): has no aws, azure or gcp section, so there is nothing to plan. Add at least one cloud section (see guardrails.example.yaml).',
    );
  });
});

describe('readCdkContext', () => {
  it("returns cdk.json's context", () => {
    const context = readCdkContext(ROOT);
    expect(context).toEqual((JSON.parse(readFileSync(join(ROOT, 'cdk.json'), 'utf8')) as { context: object }).context);
    expect(Object.keys(context).length).toBeGreaterThan(0);
  });
});

describe('runPlan', () => {
  it('with no cloud: writes the report and the layer into a new nested directory, and returns the facts', async () => {
    const outDir = join(dir, 'none', 'nested');
    const { result, err } = await plan([], outDir);
    const files = [join(outDir, 'report.md'), join(outDir, 'attack-navigator-layer.json')];
    expect(timed(err)).toBe(`${[...REPORT_PHASE, `wrote ${files.join(', ')}`].join('\n')}\n`);
    expect(result.files).toEqual(files);
    expect(result.facts).toEqual({
      version: '9.9.9',
      configFile: 'guardrails.yaml',
      model,
      rules: catalog.map((r) => r.rule),
      correlations: [],
      aws: undefined,
      azure: undefined,
      gcp: undefined,
    });
    expectReportAndLayer(outDir, result);
  });

  it('gcp: the Pulumi plan with the correlations it deploys, the disclaimer and the GCP notes', async () => {
    const outDir = join(dir, 'gcp');
    const { result, err } = await plan(['gcp'], outDir, [gcpCorrelation]);
    const files = [join(outDir, 'gcp.plan.json'), join(outDir, 'report.md'), join(outDir, 'attack-navigator-layer.json')];
    expect(timed(err)).toBe(
      `${[...phase('gcp (Pulumi program under mocks)'), ...REPORT_PHASE, PLAN_DISCLAIMER, ...GCP_PLAN_NOTES.map((n) => `note: ${n}`), `wrote ${files.join(', ')}`].join('\n')}\n`,
    );
    expect(result.files).toEqual(files);
    expect(result.facts.azure).toBeUndefined();
    expect(result.facts.aws).toBeUndefined();
    expect(result.facts.correlations).toEqual([coverageOf(gcpCorrelation)]);
    const gcp = result.facts.gcp!;
    expect(gcp.file).toBe('gcp.plan.json');
    expect(gcp.notes).toEqual(GCP_PLAN_NOTES);
    expect(JSON.parse(readFileSync(join(outDir, 'gcp.plan.json'), 'utf8'))).toEqual({ resources: gcp.resources });
    expect(JSON.stringify(gcp.resources)).toContain('plan-gcp-burst');
    expect(gcp.resources.some((r) => r.type.startsWith('gcp:'))).toBe(true);
    expectReportAndLayer(outDir, result);
    // Without correlations: none planned.
    const bare = await plan(['gcp'], join(dir, 'gcp-bare'));
    expect(JSON.stringify(bare.result.facts.gcp!.resources)).not.toContain('plan-gcp-burst');
    expect(bare.result.facts.gcp!.resources.length).toBeGreaterThan(0);
  });

  it('azure: the Pulumi plan with the correlations it deploys, the disclaimer and the Azure notes', async () => {
    const outDir = join(dir, 'azure');
    const { result, err } = await plan(['azure'], outDir, [azureCorrelation]);
    const files = [join(outDir, 'azure.plan.json'), join(outDir, 'report.md'), join(outDir, 'attack-navigator-layer.json')];
    expect(timed(err)).toBe(
      `${[...phase('azure (Pulumi program under mocks)'), ...REPORT_PHASE, PLAN_DISCLAIMER, ...azurePlanNotes(model).map((n) => `note: ${n}`), `wrote ${files.join(', ')}`].join('\n')}\n`,
    );
    expect(result.files).toEqual(files);
    expect(result.facts.gcp).toBeUndefined();
    const azure = result.facts.azure!;
    expect(azure.file).toBe('azure.plan.json');
    expect(azure.notes).toEqual(azurePlanNotes(model));
    expect(JSON.parse(readFileSync(join(outDir, 'azure.plan.json'), 'utf8'))).toEqual({ resources: azure.resources });
    expect(JSON.stringify(azure.resources)).toContain('plan-azure-spray');
    expect(azure.resources.some((r) => r.type.startsWith('azure'))).toBe(true);
    const bare = await plan(['azure'], join(dir, 'azure-bare'));
    expect(JSON.stringify(bare.result.facts.azure!.resources)).not.toContain('plan-azure-spray');
    expect(bare.result.facts.azure!.resources.length).toBeGreaterThan(0);
  });

  it('aws: the cloud assembly in DIR/aws with its stacks and alarms; a directory it did not write is kept, its own is replaced', async () => {
    const outDir = join(dir, 'aws-out');
    mkdirSync(join(outDir, 'aws'), { recursive: true });
    writeFileSync(join(outDir, 'aws', 'mine.txt'), 'a file of the user');
    const { result, err } = await plan(['aws'], outDir, [awsCorrelation]);
    const files = [join(outDir, 'aws'), join(outDir, 'report.md'), join(outDir, 'attack-navigator-layer.json')];
    expect(timed(err)).toBe(`${[...phase('aws (cdk synth with cdk-nag)'), ...REPORT_PHASE, `wrote ${files.join(', ')}`].join('\n')}\n`);
    expect(result.files).toEqual(files);
    // Not a cloud assembly of ours: left in place.
    expect(existsSync(join(outDir, 'aws', 'mine.txt'))).toBe(true);
    expect(existsSync(join(outDir, 'aws', 'manifest.json'))).toBe(true);
    const aws = result.facts.aws!;
    expect(aws.assemblyDir).toBe('aws');
    expect(aws.perimeter).toBeDefined();
    expect(aws.alarms.metricCorrelations!.map((c) => c.id)).toEqual(['plan-aws-burst']);
    expect(aws.alarms.realtime.map((r) => r.id)).toContain('plan-stop-logging');
    expect(aws.stacks.length).toBeGreaterThan(0);
    for (const stack of aws.stacks) {
      expect(stack.name).toMatch(/\S/);
      expect(stack.resources).toBeGreaterThan(0);
    }
    expect(result.facts.azure).toBeUndefined();
    expectReportAndLayer(outDir, result);
    // Now it is our assembly: planned again, it is replaced whole.
    writeFileSync(join(outDir, 'aws', 'stale.txt'), 'from the last plan');
    const again = await plan(['aws'], outDir);
    expect(existsSync(join(outDir, 'aws', 'stale.txt'))).toBe(false);
    expect(existsSync(join(outDir, 'aws', 'mine.txt'))).toBe(false);
    expect(existsSync(join(outDir, 'aws', 'manifest.json'))).toBe(true);
    expect(again.result.facts.aws!.alarms.metricCorrelations ?? []).toEqual([]);
  });
});
