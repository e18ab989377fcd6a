import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Pipeline, parsePipeline } from '../../../core/detection/pipeline.ts';
import { generatedRule } from '../../../core/detection/rule.ts';
import { loadRuleFolder } from '../../../core/detection/rule-folder.ts';
import { exampleModel } from '../../helpers/config.ts';
import { temporaryFolders } from '../../helpers/temporary-folders.ts';

const folder = temporaryFolders('rule-folder-');

/** A file's name as the loader reports it (relative to the working directory). */
const shown = (dir: string, path: string) => relative(process.cwd(), join(dir, path));

/** A Sigma rule on CloudTrail: `id`, optional `name`, one selection on `field`, optional extra lines. */
const sigma = (id: string, options: { name?: string; field?: string; extra?: string } = {}) => `title: Rule ${id}
${options.name ? `name: ${options.name}\n` : ''}id: ${id}
logsource: { product: aws, service: cloudtrail }
detection:
  selection:
    ${options.field ?? 'eventName'}: ConsoleLogin
  condition: selection
level: low
${options.extra ?? ''}`;

/** A Sigma event_count correlation over `rules`. */
const correlation = (id: string, rules: string[], extra = '') => `title: Correlation ${id}
id: ${id}
level: high
correlation:
  type: event_count
  rules: [${rules.join(', ')}]
  group-by: [userIdentity.arn]
  timespan: 5m
  condition: { gte: 5 }
${extra}`;

/** A rule in this package's own format, in a file named after its id. */
const own = (id: string, extra = 'targets: []\n') => `id: ${id}
title: Own rule ${id}
description: A rule in this package's format.
level: low
tags: [attack.t1059.009]
logsource: { product: aws, service: cloudtrail }
detection:
  selection:
    eventName: ConsoleLogin
  condition: selection
${extra}`;

/** One pipeline: `transformations` (YAML list items) for aws/cloudtrail. */
const pipeline = (transformations: string): Pipeline[] => [parsePipeline(`name: test\ntransformations:\n${transformations}`, 'test.yml')];

const REFUSE_FIELDS = pipeline(`  - type: detection_item_failure
    rule_conditions: [{ type: logsource, product: aws, service: cloudtrail }]
    field_name_conditions: [{ type: include_fields, fields: [badA, badB] }]
    message: is refused here
`);

describe('loadRuleFolder: rules a pipeline refuses', () => {
  it('skips a rule a pipeline refuses, with file, "where: problem" reason, id and title, and loads the rest', () => {
    const dir = folder({ 'a.yml': sigma('rule-a', { field: 'badA' }), 'b.yml': sigma('rule-b') });
    const result = loadRuleFolder(dir, exampleModel(), REFUSE_FIELDS);
    expect(result.skipped).toEqual([
      { file: shown(dir, 'a.yml'), reason: 'detection.selection.badA: badA: is refused here (pipeline test (test.yml))', id: 'rule-a', title: 'Rule rule-a' },
    ]);
    expect(result.rules.map((r) => r.rule.id)).toEqual(['rule-b']);
    expect(result.notes).toEqual([]);
  });

  it('gives a correlation the reason of the first refused rule with the name it refers to', () => {
    const dir = folder({
      'a.yml': sigma('rule-a', { name: 'dup', field: 'badA' }),
      'b.yml': sigma('rule-b', { name: 'dup', field: 'badB' }),
      'c.yml': correlation('corr', ['dup']),
    });
    const result = loadRuleFolder(dir, exampleModel(), REFUSE_FIELDS);
    expect(result.skipped.find((s) => s.id === 'corr')?.reason).toBe(
      'correlation.rules[0]: base rule dup did not load: detection.selection.badA: badA: is refused here (pipeline test (test.yml))',
    );
    expect(result.correlations).toEqual([]);
  });

  it('gives a correlation the reason of the first unreadable rule with the name it refers to', () => {
    const dir = folder({
      'a.yml': sigma('rule-a', { name: 'dup', field: 'CommandLine|windash' }),
      'b.yml': sigma('rule-b', { name: 'dup', field: 'eventName|nosuchmodifier' }),
      'c.yml': correlation('corr', ['dup']),
    });
    const result = loadRuleFolder(dir, exampleModel());
    const reason = result.skipped.find((s) => s.id === 'corr')?.reason;
    expect(reason).toMatch(/^correlation\.rules\[0\]: base rule dup did not load: detection\.selection\.CommandLine\|windash: \|windash has no meaning/);
    expect(result.skipped).toHaveLength(3);
  });

  it('rethrows a failure that is not a rule error (a bug), while loading a rule', () => {
    const dir = folder({ 'a.yml': sigma('rule-a') });
    const broken = {
      name: 'broken',
      priority: 0,
      file: 'broken.yml',
      get transformations(): never {
        throw new TypeError('pipeline bug');
      },
    } as unknown as Pipeline;
    expect(() => loadRuleFolder(dir, exampleModel(), [broken])).toThrow('pipeline bug');
  });

  it("rethrows a failure that is not a rule error (a bug), while mapping a correlation's field", () => {
    const dir = folder({ 'a.yml': sigma('rule-a'), 'c.yml': correlation('corr', ['rule-a']) });
    let reads = 0;
    const broken = {
      name: 'broken',
      priority: 0,
      file: 'broken.yml',
      get transformations() {
        reads += 1;
        if (reads > 1) throw new TypeError('pipeline bug on the probe');
        return [];
      },
    } as unknown as Pipeline;
    expect(() => loadRuleFolder(dir, exampleModel(), [broken])).toThrow('pipeline bug on the probe');
    expect(reads).toBe(2);
  });
});

describe('loadRuleFolder: names and correlations', () => {
  it('skips a second rule with a name already seen, so that a correlation names one rule: no rule dropped with an untrue note', () => {
    // Before, rule-b loaded, and was then dropped with the note "is a base rule of a correlation that did not
    // load" although the correlation had loaded (over rule-a): it ran nowhere, and nothing said why.
    const dir = folder({
      'a.yml': sigma('rule-a', { name: 'dup' }),
      'b.yml': sigma('rule-b', { name: 'dup' }),
      'c.yml': correlation('corr', ['dup']),
    });
    const result = loadRuleFolder(dir, exampleModel());
    expect(result.skipped).toEqual([{ file: shown(dir, 'b.yml'), reason: `name: "dup" is also the name of ${shown(dir, 'a.yml')}` }]);
    expect(result.correlations.map((c) => c.bases.map((b) => b.rule.rule.id))).toEqual([['rule-a']]);
    expect(result.notes).toEqual([]);
    expect(result.rules).toEqual([]);
  });

  it('keeps both rules of a name no correlation uses apart from the second, which is skipped all the same', () => {
    const dir = folder({ 'a.yml': sigma('rule-a', { name: 'same' }), 'b.yml': sigma('rule-b', { name: 'same' }) });
    const result = loadRuleFolder(dir, exampleModel());
    expect(result.rules.map((r) => r.rule.id)).toEqual(['rule-a']);
    expect(result.skipped.map((s) => s.reason)).toEqual([`name: "same" is also the name of ${shown(dir, 'a.yml')}`]);
  });

  it('keeps a rule that no correlation refers to standalone, with no note', () => {
    const dir = folder({ 'a.yml': sigma('rule-a', { name: 'alone' }) });
    const result = loadRuleFolder(dir, exampleModel());
    expect(result.rules.map((r) => r.rule.id)).toEqual(['rule-a']);
    expect(result.notes).toEqual([]);
  });

  it('runs a base rule of a loaded correlation only inside it, with no note', () => {
    const dir = folder({ 'a.yml': sigma('rule-a', { name: 'base' }), 'c.yml': correlation('corr', ['base']) });
    const result = loadRuleFolder(dir, exampleModel());
    expect(result.rules).toEqual([]);
    expect(result.notes).toEqual([]);
    expect(result.correlations.map((c) => c.id)).toEqual(['corr']);
  });

  it('notes a base rule referred to by name whose only correlation did not load, and drops it', () => {
    const dir = folder({
      'a.yml': sigma('rule-a', { name: 'base' }),
      'c.yml': correlation('corr', ['base', 'nowhere']),
    });
    const result = loadRuleFolder(dir, exampleModel());
    expect(result.rules).toEqual([]);
    expect(result.notes).toEqual([
      {
        file: shown(dir, 'a.yml'),
        note: 'rule rule-a is a base rule of a correlation that did not load (generate: false): it does not run on its own',
      },
    ]);
  });

  it('keeps standalone a base rule whose generate: true correlation did not load', () => {
    const dir = folder({
      'a.yml': sigma('rule-a', { name: 'base' }),
      'c.yml': correlation('corr', ['base', 'nowhere'], 'generate: true\n'),
    });
    const result = loadRuleFolder(dir, exampleModel());
    expect(result.rules.map((r) => r.rule.id)).toEqual(['rule-a']);
    expect(result.notes).toEqual([]);
  });

  it('keeps standalone a base rule a loaded correlation generates, though another (generate: false) did not load', () => {
    const dir = folder({
      'a.yml': sigma('rule-a', { name: 'base' }),
      'c.yml': correlation('corr-generating', ['base'], 'generate: true\n'),
      'd.yml': correlation('corr-failing', ['base', 'nowhere']),
    });
    const result = loadRuleFolder(dir, exampleModel());
    expect(result.correlations.map((c) => c.id)).toEqual(['corr-generating']);
    expect(result.rules.map((r) => r.rule.id)).toEqual(['rule-a']);
    expect(result.notes).toEqual([]);
  });
});

describe("loadRuleFolder: files in this package's format", () => {
  it('reads a file with targets as a rule of this format: no Sigma metadata, no pipeline', () => {
    const dir = folder({ 'own-rule.yml': own('own-rule'), 'cis-rule.yml': own('cis-rule', 'cisPattern: "{ $.eventName = ConsoleLogin }"\n') });
    const mapping = pipeline(`  - type: field_name_mapping
    mapping: { eventName: eventSource }
`);
    const result = loadRuleFolder(dir, exampleModel(), mapping);
    expect(result.skipped).toEqual([]);
    expect(result.rules.map((r) => [r.rule.id, r.rule.sigma, r.rule.description, r.rule.file, Object.keys(r.rule.detection['selection'] as object)])).toEqual([
      ['cis-rule', undefined, "A rule in this package's format.", shown(dir, 'cis-rule.yml'), ['eventName']],
      ['own-rule', undefined, "A rule in this package's format.", shown(dir, 'own-rule.yml'), ['eventName']],
    ]);
    expect(result.rules[0]!.rule.cisPattern).toBe('{ $.eventName = ConsoleLogin }');
  });

  it("keeps a correlation's group-by as written for a base rule of this format (no pipeline mapping)", () => {
    const dir = folder({ 'own-rule.yml': own('own-rule'), 'c.yml': correlation('corr', ['own-rule']) });
    const mapping = pipeline(`  - type: field_name_mapping
    mapping: { userIdentity.arn: sourceIPAddress }
`);
    const result = loadRuleFolder(dir, exampleModel(), mapping);
    expect(result.skipped).toEqual([]);
    expect(result.correlations.map((c) => c.bases.map((b) => b.groupBy))).toEqual([[['userIdentity.arn']]]);
  });

  it("maps a correlation's group-by through the pipelines for a Sigma base rule", () => {
    const dir = folder({ 'a.yml': sigma('rule-a'), 'c.yml': correlation('corr', ['rule-a']) });
    const mapping = pipeline(`  - type: field_name_mapping
    mapping: { userIdentity.arn: sourceIPAddress }
`);
    const result = loadRuleFolder(dir, exampleModel(), mapping);
    expect(result.correlations.map((c) => c.bases.map((b) => b.groupBy))).toEqual([[['sourceIPAddress']]]);
  });
});

describe('loadRuleFolder: ATT&CK v18 tags', () => {
  it('maps a v18 technique tag to v19, with a note naming the file', () => {
    const dir = folder({ 'a.yml': sigma('rule-a', { extra: 'tags: [attack.t1562.008, attack.t1110]\n' }) });
    const result = loadRuleFolder(dir, exampleModel());
    expect(result.rules.map((r) => r.rule.tags)).toEqual([['attack.t1685.002', 'attack.t1110']]);
    expect(result.notes).toEqual([{ file: shown(dir, 'a.yml'), note: 'attack.t1562.008 is ATT&CK v18; mapped to attack.t1685.002 (v19)' }]);
  });
});

describe('generatedRule', () => {
  it('labels the rule with its source where a file name would be', () => {
    const rule = generatedRule(
      {
        id: 'generated-rule',
        title: 'Generated',
        description: 'Built in code.',
        level: 'low',
        tags: ['attack.t1059.009'],
        logsource: { product: 'aws', service: 'cloudtrail' },
        detection: { selection: { eventName: 'X' }, condition: 'selection' },
      },
      'config shadow',
    );
    expect(rule.file).toBe('(generated: config shadow)');
  });
});
