/**
 * `guardrails rules` in-process (printRules, printRulesJson): the exact header line per rule and target
 * (deployed or not, correlation type), the query (text as is, an object as indented JSON) or the compile
 * error in its place, --cloud and --target (a SQL dialect included), the count of deployed targets that
 * failed (the exit code), and the JSON report: one line per file, loaded or not, in file order.
 */
import { describe, expect, it } from 'vitest';
import { printRules, printRulesJson, RULES_TARGETS } from '../../../core/cli/rules.ts';
import { bindRules, compileCorrelation, compileRule, type CatalogRule } from '../../../core/detection/catalog.ts';
import { compileSqlQuery } from '../../../core/detection/compilers/sql.ts';
import type { SkippedFile } from '../../../core/detection/rule-folder.ts';
import { exampleModel } from '../../helpers/config.ts';
import { cloudtrailRule, correlationOver } from '../../helpers/correlations.ts';
import { inlineRule } from '../../helpers/rules.ts';
import { capture } from './detect-inputs.ts';

const model = exampleModel();
const bound = (id: string, detection: Record<string, unknown>, logsource: { product: string; service: string }, targets: string[]): CatalogRule =>
  bindRules([inlineRule(detection, logsource, { id, title: `Title of ${id}`, targets })], model)[0]!;
const CLOUDTRAIL = { product: 'aws', service: 'cloudtrail' };

/** Deployed to EventBridge (compiles); CloudWatch cannot take it (not deployed there). */
const stop = bound('stop-logging', { selection: { eventName: 'StopLogging' }, condition: 'selection' }, CLOUDTRAIL, ['eventbridge']);
/** Deployed to EventBridge, which cannot express a keyword: a failure. */
const keyword = bound('keyword-rule', { keywords: ['Exfil'], condition: 'keywords' }, CLOUDTRAIL, ['eventbridge']);
const gcp = bound(
  'gcp-set-iam',
  { selection: { 'protoPayload.methodName': 'SetIamPolicy' }, condition: 'selection' },
  { product: 'gcp', service: 'gcp.audit' },
  ['gcp'],
);
/** Deployed to CloudWatch (compiles) and not to EventBridge (cannot count). */
const counted = correlationOver([cloudtrailRule('base-list', 'List')], { condition: { gte: 2 }, targets: ['cloudwatch'] });
/** Deployed to EventBridge, which cannot count: a failure. */
const uncountable = correlationOver([cloudtrailRule('base-list', 'List')], { id: 'uncountable', condition: { gte: 2 }, targets: ['eventbridge'] });

const text = (rules: CatalogRule[], options: Omit<Parameters<typeof printRules>[1], 'out'>) => {
  const out = capture();
  const failures = printRules(rules, { ...options, out: out.stream });
  return { failures, out: out.text() };
};
const json = (rules: CatalogRule[], skipped: SkippedFile[], options: Omit<Parameters<typeof printRules>[1], 'out'>) => {
  const out = capture();
  const failures = printRulesJson(rules, skipped, { ...options, out: out.stream });
  return { failures, out: out.text() };
};
const reason = (f: () => unknown): string => {
  try {
    f();
  } catch (error) {
    return (error as { reason: string }).reason;
  }
  throw new Error('expected a compile error');
};
const message = (f: () => unknown): string => {
  try {
    f();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected a compile error');
};

const stopEventBridge = JSON.stringify(compileRule(stop, 'eventbridge'), null, 2);
const gcpQuery = String(compileRule(gcp, 'gcp'));
const countedCloudWatch = String(compileCorrelation(counted, 'cloudwatch'));

describe('guardrails rules (text)', () => {
  it('prints each rule per target of its cloud: the header, then the query (an object as indented JSON, text as is) or the compile error', () => {
    const { out, failures } = text([stop, keyword, gcp], {});
    expect(out).toBe(
      [
        '# stop-logging -> cloudwatch (not deployed): Title of stop-logging',
        `# ${message(() => compileRule(stop, 'cloudwatch'))}`,
        '',
        '# stop-logging -> eventbridge (deployed): Title of stop-logging',
        stopEventBridge,
        '',
        '# keyword-rule -> cloudwatch (not deployed): Title of keyword-rule',
        `# ${message(() => compileRule(keyword, 'cloudwatch'))}`,
        '',
        '# keyword-rule -> eventbridge (deployed): Title of keyword-rule',
        `# ${message(() => compileRule(keyword, 'eventbridge'))}`,
        '',
        '# gcp-set-iam -> gcp (deployed): Title of gcp-set-iam',
        gcpQuery,
        '',
        '',
      ].join('\n'),
    );
    expect(stopEventBridge.startsWith('{\n  "detail-type"')).toBe(true);
    // Only a failure at a deployed target counts.
    expect(failures).toBe(1);
  });

  it('prints the correlations after the rules, with their type, and counts a deployed target that cannot count them', () => {
    const { out, failures } = text([], { correlations: [counted, uncountable] });
    expect(out).toBe(
      [
        '# test-correlation -> cloudwatch (deployed, correlation event_count): A correlation under test',
        countedCloudWatch,
        '',
        '# test-correlation -> eventbridge (not deployed, correlation event_count): A correlation under test',
        `# ${message(() => compileCorrelation(counted, 'eventbridge'))}`,
        '',
        '# uncountable -> cloudwatch (not deployed, correlation event_count): A correlation under test',
        String(compileCorrelation(uncountable, 'cloudwatch')),
        '',
        '# uncountable -> eventbridge (deployed, correlation event_count): A correlation under test',
        `# ${message(() => compileCorrelation(uncountable, 'eventbridge'))}`,
        '',
        '',
      ].join('\n'),
    );
    expect(failures).toBe(1);
    expect(text([keyword], { correlations: [uncountable] }).failures).toBe(2);
  });

  it('--cloud keeps the rules and correlations of that cloud only', () => {
    expect(text([stop, gcp], { cloud: 'gcp', correlations: [counted] }).out).toBe(`# gcp-set-iam -> gcp (deployed): Title of gcp-set-iam\n${gcpQuery}\n\n`);
    const aws = text([stop, gcp], { cloud: 'aws', correlations: [counted] }).out;
    expect(aws.split('\n').filter((l) => l.startsWith('# ') && l.includes(' -> '))).toEqual([
      '# stop-logging -> cloudwatch (not deployed): Title of stop-logging',
      '# stop-logging -> eventbridge (deployed): Title of stop-logging',
      '# test-correlation -> cloudwatch (deployed, correlation event_count): A correlation under test',
      '# test-correlation -> eventbridge (not deployed, correlation event_count): A correlation under test',
    ]);
  });

  it('--target keeps that target only, for rules and correlations', () => {
    expect(text([stop, gcp], { target: 'eventbridge', correlations: [counted] }).out).toBe(
      [
        '# stop-logging -> eventbridge (deployed): Title of stop-logging',
        stopEventBridge,
        '',
        '# test-correlation -> eventbridge (not deployed, correlation event_count): A correlation under test',
        `# ${message(() => compileCorrelation(counted, 'eventbridge'))}`,
        '',
        '',
      ].join('\n'),
    );
  });

  it('--target athena prints SQL for the clouds its table holds, never deployed, and a correlation with the reason SQL cannot count', () => {
    const { out, failures } = text([stop, keyword, gcp], { target: 'athena', correlations: [counted] });
    expect(out).toBe(
      [
        '# stop-logging -> athena (not deployed): Title of stop-logging',
        String(compileSqlQuery(stop, 'athena')),
        '',
        '# keyword-rule -> athena (not deployed): Title of keyword-rule',
        `# ${message(() => compileSqlQuery(keyword, 'athena'))}`,
        '',
        '# test-correlation -> athena (not deployed, correlation event_count): A correlation under test',
        '# rule test-correlation cannot compile to athena: a correlation counts events per group within a time window; the SQL backend compiles single-event rules. Run it with guardrails detect, or deploy it to kql.',
        '',
        '',
      ].join('\n'),
    );
    // A SQL dialect is never a deployment target: its failures are not counted.
    expect(failures).toBe(0);
  });

  it('runs without correlations', () => {
    expect(text([gcp], {}).out).toBe(`# gcp-set-iam -> gcp (deployed): Title of gcp-set-iam\n${gcpQuery}\n\n`);
  });

  it('throws an error that is not a compile error instead of printing it', () => {
    const broken = { ...stop, expr: undefined } as unknown as CatalogRule;
    expect(() => text([broken], { target: 'eventbridge' })).toThrow(TypeError);
    expect(() => json([broken], [], { target: 'eventbridge' })).toThrow(TypeError);
  });

  it('takes the deployment targets and the SQL dialects as --target', () => {
    expect(RULES_TARGETS).toEqual(['cloudwatch', 'eventbridge', 'kql', 'gcp', 'duckdb', 'athena', 'bigquery']);
  });
});

describe('guardrails rules --format json', () => {
  const skipped: SkippedFile[] = [
    { file: 'b-broken.yml', reason: 'broken', id: 'broken-rule', title: 'Broken' } as SkippedFile,
    { file: 'a-broken.yml', reason: 'worse' } as SkippedFile,
  ];

  it('writes one line per file, loaded or not, sorted by file, with each target ok and its query or not ok and the reason', () => {
    const { out, failures } = json([stop, keyword, gcp], skipped, { correlations: [counted, uncountable] });
    expect(out.endsWith('\n')).toBe(true);
    expect(
      out
        .split('\n')
        .slice(0, -1)
        .map((l) => JSON.parse(l) as unknown),
    ).toEqual([
      { file: 'a-broken.yml', id: null, title: null, loaded: false, error: 'worse', targets: {} },
      { file: 'b-broken.yml', id: 'broken-rule', title: 'Broken', loaded: false, error: 'broken', targets: {} },
      { file: 'gcp-set-iam.yml', id: 'gcp-set-iam', title: 'Title of gcp-set-iam', loaded: true, targets: { gcp: { ok: true, query: gcpQuery } } },
      {
        file: 'keyword-rule.yml',
        id: 'keyword-rule',
        title: 'Title of keyword-rule',
        loaded: true,
        targets: {
          cloudwatch: { ok: false, error: reason(() => compileRule(keyword, 'cloudwatch')) },
          eventbridge: { ok: false, error: reason(() => compileRule(keyword, 'eventbridge')) },
        },
      },
      {
        file: 'stop-logging.yml',
        id: 'stop-logging',
        title: 'Title of stop-logging',
        loaded: true,
        targets: {
          cloudwatch: { ok: false, error: reason(() => compileRule(stop, 'cloudwatch')) },
          eventbridge: { ok: true, query: compileRule(stop, 'eventbridge') },
        },
      },
      {
        file: 'test-correlation.yml',
        id: 'test-correlation',
        title: 'A correlation under test',
        loaded: true,
        correlation: 'event_count',
        targets: {
          cloudwatch: { ok: true, query: countedCloudWatch },
          eventbridge: { ok: false, error: reason(() => compileCorrelation(counted, 'eventbridge')) },
        },
      },
      {
        file: 'test-correlation.yml',
        id: 'uncountable',
        title: 'A correlation under test',
        loaded: true,
        correlation: 'event_count',
        targets: {
          cloudwatch: { ok: true, query: String(compileCorrelation(uncountable, 'cloudwatch')) },
          eventbridge: { ok: false, error: reason(() => compileCorrelation(uncountable, 'eventbridge')) },
        },
      },
    ]);
    // keyword-rule at eventbridge and uncountable at eventbridge.
    expect(failures).toBe(2);
  });

  it('--cloud keeps the loaded files of that cloud, and every file that did not load', () => {
    const { out } = json([stop, gcp], skipped, { cloud: 'gcp', correlations: [counted] });
    expect(
      out
        .split('\n')
        .slice(0, -1)
        .map((l) => (JSON.parse(l) as { file: string }).file),
    ).toEqual(['a-broken.yml', 'b-broken.yml', 'gcp-set-iam.yml']);
    const aws = json([stop, gcp], [], { cloud: 'aws', correlations: [counted] }).out;
    expect(
      aws
        .split('\n')
        .slice(0, -1)
        .map((l) => (JSON.parse(l) as { file: string }).file),
    ).toEqual(['stop-logging.yml', 'test-correlation.yml']);
  });

  it('--target athena: only the rules of the clouds its table holds get a target; a correlation is not ok, with the reason', () => {
    const { out, failures } = json([stop, gcp], [], { target: 'athena', correlations: [counted] });
    expect(
      out
        .split('\n')
        .slice(0, -1)
        .map((l) => JSON.parse(l) as { targets: unknown }),
    ).toEqual([
      expect.objectContaining({ id: 'gcp-set-iam', targets: {} }),
      expect.objectContaining({ id: 'stop-logging', targets: { athena: { ok: true, query: String(compileSqlQuery(stop, 'athena')) } } }),
      expect.objectContaining({
        id: 'test-correlation',
        targets: { athena: { ok: false, error: 'a correlation counts events per group within a time window; the SQL backend compiles single-event rules' } },
      }),
    ]);
    expect(failures).toBe(0);
  });

  it('runs without correlations', () => {
    expect(json([gcp], [], {}).out).toBe(
      `${JSON.stringify({ file: 'gcp-set-iam.yml', id: 'gcp-set-iam', title: 'Title of gcp-set-iam', loaded: true, targets: { gcp: { ok: true, query: gcpQuery } } })}\n`,
    );
  });
});
