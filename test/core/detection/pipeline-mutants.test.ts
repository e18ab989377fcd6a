/** Processing pipelines (core/detection/pipeline.ts) at their edges: loading order, condition logic, each item's exact effect and message. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { applyPipelines, loadPipelines, parsePipeline, type Pipeline } from '../../../core/detection/pipeline.ts';
import { ruleRefusal } from '../../helpers/rule-refusal.ts';
import { parseSigmaRule } from '../../../core/detection/rule-loader.ts';
import type { Rule } from '../../../core/detection/rule.ts';
import type { SigmaRule } from '../../../core/detection/sigma-rule.ts';

const CLOUDTRAIL = { product: 'aws', service: 'cloudtrail' };

function sigma(logsource: Record<string, string>, detection: Record<string, unknown>) {
  return parseSigmaRule(stringify({ title: 'Pipeline edge rule', id: 'edge-rule', logsource, detection }), 'r.yml');
}
function pipeline(transformations: unknown[], extra: Record<string, unknown> = {}): Pipeline {
  return parsePipeline(stringify({ name: 'p', transformations, ...extra }), 'p.yml');
}
function apply(transformations: unknown[], detection: Record<string, unknown>, logsource: Record<string, string> = CLOUDTRAIL): Rule {
  return applyPipelines(sigma(logsource, detection), [pipeline(transformations)]);
}
const refusal = ruleRefusal;
const invalid = (yaml: string) => refusal(() => parsePipeline(yaml, 'my.yml'));

describe('parsePipeline', () => {
  it('names the line of a YAML syntax error and keeps only the first line of its message', () => {
    expect(invalid('name: p\ntransformations:\n  - type: [x\n')).toBe(
      'my.yml: line 4: Flow sequence in block collection must be sufficiently indented and end with a ] at line 4, column 1:',
    );
  });

  it('names the line of a duplicate key (uniqueKeys)', () => {
    expect(invalid('name: p\nname: q\ntransformations:\n  - { type: rule_failure, message: a }\n')).toMatch(/^my\.yml: line 2: /);
  });

  it('keeps the defaults: priority 0, and conditions combined by "and", not negated', () => {
    const p = parsePipeline('name: p\ntransformations:\n  - { type: field_name_mapping, mapping: { a: b } }\n', 'p.yml');
    expect(p.priority).toBe(0);
    expect(p.file).toBe('p.yml');
    expect(p.transformations[0]).toMatchObject({ rule_cond_op: 'and', rule_cond_not: false, field_name_cond_op: 'and', field_name_cond_not: false });
  });

  it('defaults a field condition to plain mode and camel_case_rest to false', () => {
    const p = pipeline([{ type: 'field_name_prefix_mapping', mapping: { 'a.': 'b.' }, field_name_conditions: [{ type: 'include_fields', fields: ['a.x'] }] }]);
    expect(p.transformations[0]).toMatchObject({ camel_case_rest: false, field_name_conditions: [{ type: 'include_fields', fields: ['a.x'], mode: 'plain' }] });
  });

  it('does not compile a plain field name as a regular expression', () => {
    const p = pipeline([{ type: 'field_name_mapping', mapping: { '((': 'eventName' }, field_name_conditions: [{ type: 'include_fields', fields: ['(('] }] }]);
    expect(p.transformations).toHaveLength(1);
  });

  it('checks every pattern of every regex condition, naming the one that fails', () => {
    expect(
      invalid(
        'name: p\ntransformations:\n  - type: field_name_mapping\n    mapping: { a: b }\n    field_name_conditions:\n      - { type: include_fields, mode: re, fields: [ok] }\n      - { type: exclude_fields, mode: re, fields: [fine, "(("] }\n',
      ),
    ).toMatch(/^my\.yml: transformations\[0\]\.field_name_conditions\[1\]\.fields\[1\] \(line 7\): is not a regular expression: /);
  });

  it('names the transformation a repeated id first appeared in, not the first transformation', () => {
    expect(
      invalid(
        'name: p\ntransformations:\n  - { type: rule_failure, message: a }\n  - { id: x, type: rule_failure, message: b }\n  - { id: y, type: rule_failure, message: c }\n  - { id: x, type: rule_failure, message: d }\n',
      ),
    ).toBe('my.yml: transformations[3].id (line 6): "x" is also the id of transformations[1]');
  });

  it('accepts distinct ids and a change_logsource that names only a product, or a known log source', () => {
    const p = pipeline([
      { id: 'a', type: 'change_logsource', product: 'nowhere' },
      { id: 'b', type: 'change_logsource', service: 'nothing' },
      { id: 'c', type: 'change_logsource', product: 'aws', service: 'cloudtrail' },
    ]);
    expect(p.transformations.map((t) => t.id)).toEqual(['a', 'b', 'c']);
  });

  it('refuses an unknown log source with the whole list of known ones', () => {
    const message = invalid('name: p\ntransformations:\n  - { type: change_logsource, product: aws, service: nope }\n');
    expect(message).toMatch(
      /^my\.yml: transformations\[0\]\.service \(line 3\): aws\/nope is not a log source this package reads \(known: aws\/cloudtrail, .*gcp\/gcp\.audit.*\)$/,
    );
  });

  it('names the first unknown key of an item', () => {
    expect(invalid('name: p\ntransformations:\n  - { type: rule_failure, message: a, bad: 1, worse: 2 }\n')).toBe(
      'my.yml: transformations[0].bad (line 3): is not a pipeline key',
    );
  });

  it('reports a schema problem with the message zod gives, at the path without a line when the node is missing', () => {
    expect(invalid('transformations:\n  - { type: rule_failure, message: a }\n')).toBe('my.yml: name: Invalid input: expected string, received undefined');
  });
});

describe('loadPipelines', () => {
  it('reads only .yml and .yaml files, by priority then file name, each naming its file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pipelines-'));
    try {
      const file = (name: string, body: Record<string, unknown>) =>
        writeFileSync(join(dir, name), stringify({ transformations: [{ type: 'rule_failure', message: 'm' }], ...body }));
      // Two pairs of equal priority, written in opposite orders, so that one pair is out of name order in
      // the directory listing whatever order the file system lists them in.
      file('b.yml', { name: 'b', priority: 5 });
      file('a.yaml', { name: 'a', priority: 5 });
      file('e.yml', { name: 'e', priority: 7 });
      file('f.yml', { name: 'f', priority: 7 });
      file('c.yml', { name: 'c', priority: -1 });
      // readdirSync lists names in UTF-8 byte order; JavaScript's sort orders UTF-16 code units, which puts
      // an astral character (a surrogate pair) before U+FF42.
      file('\uFF42.yml', { name: 'fullwidth', priority: 9 });
      file('\u{1F600}.yml', { name: 'emoji', priority: 9 });
      file('d.yml', { name: 'd' });
      writeFileSync(join(dir, 'notes.txt'), 'not: [yaml');
      writeFileSync(join(dir, 'x.yml.bak'), 'not: [yaml');
      const loaded = loadPipelines(dir);
      expect(loaded.map((p) => p.name)).toEqual(['c', 'd', 'a', 'b', 'e', 'f', 'emoji', 'fullwidth']);
      expect(loaded.map((p) => p.file)).toEqual(
        ['c.yml', 'd.yml', 'a.yaml', 'b.yml', 'e.yml', 'f.yml', '\u{1F600}.yml', '\uFF42.yml'].map((f) => relative(process.cwd(), join(dir, f))),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('applyPipelines: order and rule conditions', () => {
  it('runs the pipelines by priority whatever order they are given in', () => {
    const late = parsePipeline(
      stringify({ name: 'late', priority: 9, transformations: [{ type: 'field_name_mapping', mapping: { b: 'eventName' } }] }),
      'l.yml',
    );
    const early = parsePipeline(stringify({ name: 'early', priority: 1, transformations: [{ type: 'field_name_mapping', mapping: { a: 'b' } }] }), 'e.yml');
    expect(applyPipelines(sigma(CLOUDTRAIL, { s: { a: 1 }, condition: 's' }), [late, early]).detection['s']).toEqual({ eventName: 1 });
  });

  it('requires every given key of a logsource condition: product, service and category', () => {
    const mapping = (condition: Record<string, string>) => ({
      type: 'field_name_mapping',
      mapping: { a: 'eventName' },
      rule_conditions: [{ type: 'logsource', ...condition }],
    });
    const field = (condition: Record<string, string>, logsource: Record<string, string>) =>
      Object.keys(apply([mapping(condition)], { s: { a: 1 }, condition: 's' }, logsource).detection['s'] as object)[0];
    const withCategory = { ...CLOUDTRAIL, category: 'iam' };
    expect(field({ service: 'cloudtrail' }, CLOUDTRAIL)).toBe('eventName');
    expect(field({ service: 'other' }, CLOUDTRAIL)).toBe('a');
    expect(field({ product: 'gcp' }, CLOUDTRAIL)).toBe('a');
    expect(field({ category: 'iam' }, withCategory)).toBe('eventName');
    expect(field({ category: 'iam' }, CLOUDTRAIL)).toBe('a');
    expect(field({ product: 'aws' }, withCategory)).toBe('eventName');
    expect(field({ product: 'aws', category: 'other' }, withCategory)).toBe('a');
    expect(field({ product: 'aws', service: 'cloudtrail', category: 'iam' }, withCategory)).toBe('eventName');
  });

  it('with "or", applies when any condition holds and not when none does; negation turns "and" around', () => {
    const item = (op: 'and' | 'or', not: boolean, products: string[]) => ({
      type: 'field_name_mapping',
      mapping: { a: 'eventName' },
      rule_conditions: products.map((product) => ({ type: 'logsource', product })),
      rule_cond_op: op,
      rule_cond_not: not,
    });
    const field = (t: unknown) => Object.keys(apply([t], { s: { a: 1 }, condition: 's' }).detection['s'] as object)[0];
    expect(field(item('or', false, ['gcp', 'azure']))).toBe('a');
    expect(field(item('or', false, ['gcp', 'aws']))).toBe('eventName');
    expect(field(item('and', false, ['aws', 'aws']))).toBe('eventName');
    expect(field(item('and', true, ['aws', 'aws']))).toBe('a');
    expect(field(item('or', true, ['gcp', 'azure']))).toBe('eventName');
  });

  it('checks rule conditions against the log source as changed by earlier items', () => {
    const rule = apply(
      [
        { type: 'change_logsource', product: 'aws', service: 'cloudtrail', category: 'moved' },
        { type: 'field_name_mapping', mapping: { a: 'eventName' }, rule_conditions: [{ type: 'logsource', category: 'moved' }] },
      ],
      { s: { a: 1 }, condition: 's' },
      { product: 'mine', service: 'thing' },
    );
    expect(rule.logsource).toEqual(CLOUDTRAIL);
    expect(rule.detection['s']).toEqual({ eventName: 1 });
  });

  it('skips a rule_failure whose conditions do not hold', () => {
    expect(apply([{ type: 'rule_failure', message: 'no', rule_conditions: [{ type: 'logsource', product: 'gcp' }] }], { s: { a: 1 }, condition: 's' }).id).toBe(
      'edge-rule',
    );
  });
});

describe('applyPipelines: field conditions', () => {
  const keys = (conditions: unknown[], extra: Record<string, unknown> = {}) =>
    Object.keys(
      apply([{ type: 'field_name_prefix_mapping', mapping: { 'x.': 'requestParameters.' }, field_name_conditions: conditions, ...extra }], {
        s: { 'x.a': 1, 'x.b': 2, 'x.ab': 3 },
        condition: 's',
      }).detection['s'] as object,
    );

  it('anchors a regex at the start only: a prefix match selects the field', () => {
    expect(keys([{ type: 'include_fields', mode: 're', fields: ['x\\.a'] }])).toEqual(['requestParameters.a', 'x.b', 'requestParameters.ab']);
    expect(keys([{ type: 'include_fields', mode: 're', fields: ['\\.a'] }])).toEqual(['x.a', 'x.b', 'x.ab']);
  });

  it('groups an alternation before anchoring it', () => {
    expect(keys([{ type: 'include_fields', mode: 're', fields: ['zzz|x\\.b'] }])).toEqual(['x.a', 'requestParameters.b', 'x.ab']);
  });

  it('selects a field any one of the patterns matches', () => {
    expect(keys([{ type: 'include_fields', mode: 're', fields: ['zzz', 'x\\.b'] }])).toEqual(['x.a', 'requestParameters.b', 'x.ab']);
  });

  it('matches plain names exactly, any of the listed ones', () => {
    expect(keys([{ type: 'include_fields', fields: ['x.a'] }])).toEqual(['requestParameters.a', 'x.b', 'x.ab']);
    expect(keys([{ type: 'include_fields', fields: ['x.b', 'x.ab'] }])).toEqual(['x.a', 'requestParameters.b', 'requestParameters.ab']);
    expect(keys([{ type: 'exclude_fields', fields: ['x.b', 'x.ab'] }])).toEqual(['requestParameters.a', 'x.b', 'x.ab']);
  });

  it('combines field conditions by "and" by default, "or" when asked, and negates them', () => {
    const both = [
      { type: 'include_fields', fields: ['x.a', 'x.b'] },
      { type: 'include_fields', fields: ['x.b', 'x.ab'] },
    ];
    expect(keys(both)).toEqual(['x.a', 'requestParameters.b', 'x.ab']);
    expect(keys(both, { field_name_cond_op: 'or' })).toEqual(['requestParameters.a', 'requestParameters.b', 'requestParameters.ab']);
    expect(keys(both, { field_name_cond_not: true })).toEqual(['requestParameters.a', 'x.b', 'requestParameters.ab']);
  });
});

describe('applyPipelines: field mappings', () => {
  it('maps fieldref values in a list, and in selections of the list form, leaving keywords', () => {
    const rule = apply([{ type: 'field_name_mapping', mapping: { a: 'eventName', b: 'eventSource' } }], {
      s: [{ 'a|fieldref': ['b', 'c'] }, { b: 'a', 'c|fieldref': 'a' }],
      k: ['a'],
      condition: 's or k',
    });
    expect(rule.detection['s']).toEqual([{ 'eventName|fieldref': ['eventSource', 'c'] }, { eventSource: 'a', 'c|fieldref': 'eventName' }]);
    expect(rule.detection['k']).toEqual(['a']);
  });

  it('leaves a fieldref value that is not a string as it is (a rule built in code)', () => {
    const rule: SigmaRule = {
      id: 'built',
      title: 'Built in code',
      file: 'built.yml',
      logsource: CLOUDTRAIL,
      detection: { s: { 'a|fieldref': [7, 'x'], 'b|fieldref': 7 }, condition: 's' },
      sigma: { title: 'Built in code', logsource: CLOUDTRAIL, custom: {} },
    };
    const mapped = applyPipelines(rule, [pipeline([{ type: 'field_name_mapping', mapping: { '7': 'seven', x: 'eventName' } }])]);
    expect(mapped.detection['s']).toEqual({ 'a|fieldref': [7, 'eventName'], 'b|fieldref': 7 });
  });

  it('leaves a value that is not a field reference alone, even when it names a mapped field', () => {
    const rule = apply([{ type: 'field_name_mapping', mapping: { a: 'eventName' } }], { s: { 'a|contains': 'a', x: ['a'] }, condition: 's' });
    expect(rule.detection['s']).toEqual({ 'eventName|contains': 'a', x: ['a'] });
  });

  it('does not rename fieldref values the field conditions leave out', () => {
    const rule = apply(
      [{ type: 'field_name_mapping', mapping: { a: 'eventName', b: 'eventSource' }, field_name_conditions: [{ type: 'exclude_fields', fields: ['b'] }] }],
      { s: { 'a|fieldref': 'b' }, condition: 's' },
    );
    expect(rule.detection['s']).toEqual({ 'eventName|fieldref': 'b' });
  });

  it('refuses two keys mapped onto one in a selection of the list form, naming its index and key', () => {
    expect(refusal(() => apply([{ type: 'field_name_mapping', mapping: { a: 'eventName' } }], { s: [{ x: 1 }, { a: 1, eventName: 2 }], condition: 's' }))).toBe(
      'r.yml: detection.s[1].eventName: a pipeline maps two keys of this selection to eventName; write them as two selections',
    );
  });

  it('keeps modifiers, and maps whole names only, not a name the mapping is a prefix of', () => {
    const rule = apply([{ type: 'field_name_mapping', mapping: { a: 'eventName' } }], { s: { 'a|contains|all': ['x', 'y'], ab: 1 }, condition: 's' });
    expect(rule.detection['s']).toEqual({ 'eventName|contains|all': ['x', 'y'], ab: 1 });
  });

  it('maps a prefix to the empty string, and the first listed prefix that matches', () => {
    const rule = apply([{ type: 'field_name_prefix_mapping', mapping: { 'properties.': '', 'properties.deep.': 'never.' } }], {
      s: { 'properties.eventName': 1, 'properties.deep.x': 2, other: 3 },
      condition: 's',
    });
    expect(rule.detection['s']).toEqual({ eventName: 1, 'deep.x': 2, other: 3 });
  });

  it('writes the rest in lowerCamelCase only when asked, digits included, leaving an upper-case letter after "_"', () => {
    const item = (camel: boolean) => ({ type: 'field_name_prefix_mapping', mapping: { 'r.': 'requestParameters.' }, camel_case_rest: camel });
    const detection = { s: { 'r.ip_v4_range.to_port': 1, 'r.keep_As': 2 }, condition: 's' };
    expect(apply([item(true)], detection).detection['s']).toEqual({ 'requestParameters.ipV4Range.toPort': 1, 'requestParameters.keep_As': 2 });
    expect(apply([item(false)], detection).detection['s']).toEqual({ 'requestParameters.ip_v4_range.to_port': 1, 'requestParameters.keep_As': 2 });
  });
});

describe('applyPipelines: field_name_case_resolve', () => {
  const resolve = (fields: Record<string, unknown>, logsource: Record<string, string> = CLOUDTRAIL) =>
    apply([{ type: 'field_name_case_resolve' }], { s: fields, condition: 's' }, logsource).detection['s'];

  it('spells each documented segment as the log source does, and keeps what lies inside an open object as written', () => {
    expect(resolve({ eventname: 1, 'USERIDENTITY.arn': 2, 'requestparameters.Bucket_name.x': 3, sourceIPAddress: 4 })).toEqual({
      eventName: 1,
      'userIdentity.arn': 2,
      'requestParameters.Bucket_name.x': 3,
      sourceIPAddress: 4,
    });
  });

  it('leaves a name alone when a segment matches no documented field, or the log source is unknown', () => {
    expect(resolve({ 'useridentity.nothing': 1, nosuchfield: 2, 'nosuch.eventname': 3 })).toEqual({
      'useridentity.nothing': 1,
      nosuchfield: 2,
      'nosuch.eventname': 3,
    });
    const rule = applyPipelines(sigma({ product: 'mine', service: 'x' }, { s: { eventname: 1 }, condition: 's' }), [
      pipeline([{ type: 'field_name_case_resolve' }, { type: 'change_logsource', product: 'aws', service: 'cloudtrail' }]),
    ]);
    expect(rule.detection['s']).toEqual({ eventname: 1 });
  });

  it('leaves a name the log source already knows as written, even one it matches ignoring case', () => {
    expect(resolve({ 'protoPayload.methodname': 1 }, { product: 'gcp', service: 'gcp.audit' })).toEqual({ 'protoPayload.methodname': 1 });
  });

  it('resolves below a documented object whose segment is spelled right', () => {
    expect(resolve({ 'userIdentity.sessioncontext.SESSIONISSUER.type': 1 })).toEqual({ 'userIdentity.sessionContext.sessionIssuer.type': 1 });
  });
});

describe('applyPipelines: other items', () => {
  it('changes the log source to exactly the given product, service and category', () => {
    const rule = apply(
      [{ type: 'change_logsource', product: 'gcp', service: 'gcp.audit' }],
      { s: { a: 1 }, condition: 's' },
      { product: 'x', service: 'y', category: 'c' },
    );
    expect(rule.logsource).toEqual({ product: 'gcp', service: 'gcp.audit' });
  });

  it('names an added selection after the pipeline when the item has no id, avoiding taken names', () => {
    const rule = apply([{ type: 'add_condition', conditions: { eventSource: ['a', 'b'] } }], {
      _pipeline_p: { eventName: 'x' },
      _pipeline_p_: { eventName: 'y' },
      condition: ['_pipeline_p', '_pipeline_p_ or _pipeline_p'],
    });
    expect(rule.detection['_pipeline_p__']).toEqual({ eventSource: ['a', 'b'] });
    expect(rule.detection['condition']).toEqual(['(_pipeline_p) and _pipeline_p__', '(_pipeline_p_ or _pipeline_p) and _pipeline_p__']);
    expect(rule.detection['_pipeline_p']).toEqual({ eventName: 'x' });
  });

  it('writes every non-word character of the id as "_"', () => {
    const rule = apply([{ id: 'a-b.c d', type: 'add_condition', conditions: { eventSource: 'x' } }], { s: { eventName: 1 }, condition: 's' });
    expect(rule.detection['condition']).toBe('(s) and _a_b_c_d');
  });

  it('refuses the rule with the item message and the pipeline it came from', () => {
    expect(refusal(() => apply([{ type: 'rule_failure', message: 'not here' }], { s: { a: 1 }, condition: 's' }))).toBe(
      'r.yml: logsource: not here (pipeline p (p.yml))',
    );
  });

  it('checks field names only, not the condition or keywords, against an exclude_fields failure', () => {
    const item = { type: 'detection_item_failure', message: 'unusable', field_name_conditions: [{ type: 'exclude_fields', fields: ['ok'] }] };
    expect(apply([item], { k: ['kw'], s: { ok: 1 }, condition: 'k or s' }).detection['s']).toEqual({ ok: 1 });
    expect(refusal(() => apply([item], { s: [{ ok: 1 }, { ok: 2, other: 3 }], condition: 's' }))).toBe(
      'r.yml: detection.s[1].other: other: unusable (pipeline p (p.yml))',
    );
  });

  it('refuses a field a detection_item_failure selects, at its YAML path, and passes the others', () => {
    const item = { type: 'detection_item_failure', message: 'unusable', field_name_conditions: [{ type: 'include_fields', fields: ['bad'] }] };
    expect(refusal(() => apply([item], { k: ['bad'], s: [{ ok: 1 }, { 'bad|contains': 'x' }], condition: 'k or s' }))).toBe(
      'r.yml: detection.s[1].bad|contains: bad: unusable (pipeline p (p.yml))',
    );
    expect(refusal(() => apply([item], { s: { bad: 1 }, condition: 's' }))).toBe('r.yml: detection.s.bad: bad: unusable (pipeline p (p.yml))');
    expect(apply([item], { k: ['bad'], s: { ok: 1 }, condition: 'k or s' }).detection['s']).toEqual({ ok: 1 });
  });

  it('names a missing product and a missing service separately', () => {
    const none = [{ type: 'field_name_mapping', mapping: { z: 'eventName' } }];
    expect(refusal(() => apply(none, { s: { a: 1 }, condition: 's' }, { product: 'aws' }))).toMatch(
      /^r\.yml: logsource: aws\/\(no service\) is not a log source this package reads, and no pipeline maps it to one \(known: aws\/cloudtrail, /,
    );
    expect(refusal(() => apply(none, { s: { a: 1 }, condition: 's' }, { service: 'cloudtrail' }))).toMatch(
      /^r\.yml: logsource: \(no product\)\/cloudtrail is not/,
    );
  });

  it('turns a Sigma rule into a Rule for the mapped log source, keeping its detection as mapped', () => {
    const rule = apply([{ type: 'field_name_mapping', mapping: { a: 'eventName' } }], { s: { a: 1 }, condition: 's' });
    expect(rule).toMatchObject({
      id: 'edge-rule',
      title: 'Pipeline edge rule',
      logsource: CLOUDTRAIL,
      detection: { s: { eventName: 1 }, condition: 's' },
      targets: [],
    });
  });
});
