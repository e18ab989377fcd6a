import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RuleError } from '../../../core/detection/rule-error.ts';
import { loadCorrelationFiles, loadRules, loadSigmaRules, parseRule, parseSigmaDocuments, parseSigmaRule } from '../../../core/detection/rule-loader.ts';
import { temporaryFolders } from '../../helpers/temporary-folders.ts';

const folder = temporaryFolders('rule-loader-mutants-');

/** The file name the loaders report for a path under a folder. */
const shown = (root: string, name: string) => relative(process.cwd(), join(root, name));

function catalogRule(id: string, extra = ''): string {
  return [
    `id: ${id}`,
    'title: A catalog rule',
    'description: A rule written for these tests.',
    'level: low',
    'tags: [attack.t1059]',
    'logsource: {product: aws, service: cloudtrail}',
    'detection:',
    '  sel: {eventName: RunInstances}',
    '  condition: sel',
    extra,
  ].join('\n');
}

function sigmaRule(title: string, extra = ''): string {
  return `title: ${title}\nlogsource: {product: aws}\ndetection: {sel: {eventName: X}, condition: sel}\n${extra}`;
}

/** The RuleError message `f` throws, or a note that it threw something else or nothing. */
function ruleErrorOf(f: () => unknown): string {
  try {
    f();
  } catch (error) {
    return error instanceof RuleError ? error.message : `not a RuleError: ${String(error)}`;
  }
  return 'no error';
}

describe('parseRule (the catalog, strict)', () => {
  it('refuses a repeated key, naming its line and the first line of the YAML message', () => {
    expect(ruleErrorOf(() => parseRule(catalogRule('dup-key-rule', 'level: high\n'), 'dup-key-rule.yml'))).toBe(
      'dup-key-rule.yml: line 10: Map keys must be unique at line 10, column 1:',
    );
  });

  it('names every service of the product when the log source is not one of them', () => {
    const text = catalogRule('azure-rule').replace('{product: aws, service: cloudtrail}', '{product: azure, service: nope}');
    expect(ruleErrorOf(() => parseRule(text, 'azure-rule.yml'))).toBe(
      'azure-rule.yml: logsource.service: "nope" is not a azure log source (known: signinlogs, azureactivity, auditlogs, graphactivity)',
    );
  });

  it('wants the file named <id>.yml, not .yaml and not the bare id', () => {
    expect(ruleErrorOf(() => parseRule(catalogRule('named-rule'), 'named-rule.yaml'))).toBe(
      'named-rule.yaml: id: the file must be named after the id: named-rule.yml',
    );
    expect(ruleErrorOf(() => parseRule(catalogRule('named-rule'), 'named-rule'))).toBe('named-rule: id: the file must be named after the id: named-rule.yml');
    expect(parseRule(catalogRule('named-rule'), 'dir/named-rule.yml').file).toBe('dir/named-rule.yml');
  });

  it('reports a missing field by its path alone (no node, no line), and a bad one with its line', () => {
    const missing = catalogRule('short-rule').replace('description: A rule written for these tests.\n', '');
    expect(ruleErrorOf(() => parseRule(missing, 'short-rule.yml'))).toBe('short-rule.yml: description: Invalid input: expected string, received undefined');
    expect(ruleErrorOf(() => parseRule(catalogRule('extra-rule', 'colour: red\n'), 'extra-rule.yml'))).toBe(
      'extra-rule.yml: colour (line 10): is not a rule field',
    );
  });
});

describe('loadRules and loadCorrelationFiles (folders of catalog files)', () => {
  it('names each file relative to the working directory', () => {
    const root = folder({ 'aws/one-rule.yml': catalogRule('one-rule') });
    expect(loadRules(root).map((r) => r.file)).toEqual([shown(root, 'aws/one-rule.yml')]);
  });

  it('refuses a second rule with an id already loaded, naming both files', () => {
    const root = folder({ 'a/same-rule.yml': catalogRule('same-rule'), 'b/same-rule.yml': catalogRule('same-rule') });
    expect(ruleErrorOf(() => loadRules(root))).toBe(`${shown(root, 'b/same-rule.yml')}: id: "same-rule" is also the id of ${shown(root, 'a/same-rule.yml')}`);
  });

  it('reads a correlation file apart from the rules, named relative to the working directory', () => {
    const correlation = [
      'id: corr-rule',
      'title: A catalog correlation',
      'description: A correlation written for these tests.',
      'level: medium',
      'tags: [attack.t1059]',
      'correlation: {type: event_count, rules: [one-rule], timespan: 5m, condition: {gte: 2}}',
      '',
    ].join('\n');
    const root = folder({ 'one-rule.yml': catalogRule('one-rule'), 'corr-rule.yml': correlation });
    expect(loadCorrelationFiles(root).map((c) => [c.id, c.file])).toEqual([['corr-rule', shown(root, 'corr-rule.yml')]]);
    expect(loadRules(root).map((r) => r.id)).toEqual(['one-rule']);
  });
});

describe('parseSigmaRule (one Sigma document)', () => {
  it('refuses an empty file, a file of two documents and a correlation, each with its reason', () => {
    expect(ruleErrorOf(() => parseSigmaRule('', 'e.yml'))).toBe('e.yml: (top level): is empty');
    expect(ruleErrorOf(() => parseSigmaRule('title: a\n---\ntitle: b\n', 'e.yml'))).toBe(
      'e.yml: (top level): holds 2 YAML documents; parseSigmaDocuments reads each of them',
    );
    expect(ruleErrorOf(() => parseSigmaRule('title: a\ncorrelation: {}\n', 'e.yml'))).toBe(
      'e.yml: correlation: is a Sigma correlation rule; parseSigmaDocuments reads it',
    );
  });

  it('refuses a repeated key with its line', () => {
    expect(ruleErrorOf(() => parseSigmaRule('title: a\ntitle: b\n', 'e.yml'))).toBe('e.yml: line 2: Map keys must be unique at line 2, column 1:');
  });
});

describe('parseSigmaDocuments (every document of a Sigma file)', () => {
  it('skips an empty file as document 1', () => {
    const parsed = parseSigmaDocuments('', 'e.yml');
    expect(parsed.skipped).toEqual([{ document: 1, problem: '(top level): is empty' }]);
    expect(parsed.rules).toEqual([]);
  });

  it('refuses a repeated key with its line', () => {
    expect(parseSigmaDocuments(sigmaRule('R', 'title: again\n'), 'e.yml').skipped).toEqual([
      { document: 1, problem: 'line 4: Map keys must be unique at line 4, column 1:' },
    ]);
  });

  it('names a lone document after the file, and each of several after the file and its number', () => {
    const one = parseSigmaDocuments(sigmaRule('R1'), 'dir/e.yml');
    expect(one.rules.map((r) => [r.id, one.documentOf.get(r)])).toEqual([['e', 1]]);
    const two = parseSigmaDocuments(`${sigmaRule('R1')}---\n${sigmaRule('R2')}`, 'dir/e.yml');
    expect(two.rules.map((r) => [r.id, two.documentOf.get(r)])).toEqual([
      ['e#1', 1],
      ['e#2', 2],
    ]);
  });

  it('numbers a correlation by its document', () => {
    const correlation = 'title: C\ncorrelation: {type: event_count, rules: [e#1], timespan: 5m, condition: {gte: 2}}\n';
    const parsed = parseSigmaDocuments(`${sigmaRule('R1')}---\n${correlation}`, 'e.yml');
    expect(parsed.correlations.map((c) => [c.id, parsed.documentOf.get(c)])).toEqual([['e#2', 2]]);
  });

  it('reports a correlation schema problem at its YAML line', () => {
    const parsed = parseSigmaDocuments('title: C\ncorrelation: {type: event_count, rules: [a], timespan: 5m, condition: {gte: 2}}\nid: [x]\n', 'e.yml');
    expect(parsed.skipped).toEqual([{ document: 1, problem: 'id (line 3): Invalid input', title: 'C' }]);
  });

  it('refuses a Sigma 1 collection, keeping its id and title', () => {
    expect(parseSigmaDocuments('action: global\nid: g-1\ntitle: T\n', 'e.yml').skipped).toEqual([
      {
        document: 1,
        problem: 'action: is a Sigma 1 collection (action: global / reset / repeat), which Sigma 2 removed; write each rule as a whole document',
        id: 'g-1',
        title: 'T',
      },
    ]);
  });

  it('skips documents that are not maps, and a syntax error, without id or title', () => {
    expect(parseSigmaDocuments('hello\n---\n- a\n---\n~\n---\ntitle: [x\n', 'e.yml').skipped).toEqual([
      { document: 1, problem: '(top level): is not a YAML map of rule fields' },
      { document: 2, problem: '(top level): is not a YAML map of rule fields' },
      { document: 3, problem: '(top level): is not a YAML map of rule fields' },
      { document: 4, problem: 'line 8: Flow sequence in block collection must be sufficiently indented and end with a ] at line 8, column 1:' },
    ]);
  });

  it('keeps the string id, title and name of a skipped document, and only strings', () => {
    expect(parseSigmaDocuments('id: s-1\ntitle: T\nname: n1\nlogsource: {product: aws}\n', 'e.yml').skipped).toEqual([
      { document: 1, problem: 'detection: Invalid input: expected record, received undefined', id: 's-1', title: 'T', name: 'n1' },
    ]);
    expect(parseSigmaDocuments('id: 5\ntitle: 7\nname: 9\nlogsource: {product: aws}\n', 'e.yml').skipped).toEqual([
      { document: 1, problem: 'detection: Invalid input: expected record, received undefined' },
    ]);
  });

  it('refuses a filter without a detection, and loads a rule that has both', () => {
    const filter = parseSigmaDocuments('title: F\nlogsource: {product: aws}\nfilter: {rules: [a], selection: {x: 1}, condition: selection}\n', 'e.yml');
    expect(filter.skipped).toEqual([{ document: 1, problem: 'filter: is a Sigma filter; only detection rules are supported', title: 'F' }]);
    const both = parseSigmaDocuments(sigmaRule('F', 'filter: {x: 1}\n'), 'e.yml');
    expect([both.rules.map((r) => r.id), both.skipped]).toEqual([['e'], []]);
    const neither = parseSigmaDocuments('title: F\nlogsource: {product: aws}\n', 'e.yml');
    expect(neither.skipped).toEqual([{ document: 1, problem: 'detection: Invalid input: expected record, received undefined', title: 'F' }]);
  });

  it('reports a schema problem of a rule by its path', () => {
    expect(parseSigmaDocuments('logsource: {product: aws}\ndetection: {sel: {a: 1}, condition: sel}\n', 'e.yml').skipped).toEqual([
      { document: 1, problem: 'title: Invalid input' },
    ]);
  });

  it('lets an error that is not a rule problem through', () => {
    const bomb = [
      'a: &a [x, x, x, x, x, x, x, x, x, x]',
      'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]',
      'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]',
      'd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]',
      '',
    ].join('\n');
    expect(() => parseSigmaDocuments(bomb, 'e.yml')).toThrow(ReferenceError);
  });
});

describe('loadSigmaRules (a folder, in bulk)', () => {
  it('prefixes a reason with its document number only in a file of several documents', () => {
    const root = folder({ 'one.yml': 'title: [x\n', 'two.yml': `${sigmaRule('R1')}---\ntitle: [x\n` });
    const loaded = loadSigmaRules(root);
    expect(loaded.skipped).toEqual([
      { file: shown(root, 'one.yml'), reason: 'line 2: Flow sequence in block collection must be sufficiently indented and end with a ] at line 2, column 1:' },
      {
        file: shown(root, 'two.yml'),
        reason: 'document 2: line 6: Flow sequence in block collection must be sufficiently indented and end with a ] at line 6, column 1:',
      },
    ]);
    expect(loaded.rules.map((r) => [r.id, r.file])).toEqual([['two#1', shown(root, 'two.yml')]]);
  });

  it('skips a second rule or correlation with an id already seen, naming the first file', () => {
    const correlation = 'title: C\nid: c-1\ncorrelation: {type: event_count, rules: [r-1], timespan: 5m, condition: {gte: 2}}\n';
    const root = folder({
      'a.yml': `${sigmaRule('R', 'id: r-1\n')}---\n${correlation}`,
      'b.yml': `${sigmaRule('R', 'id: x-1\n')}---\n${sigmaRule('R', 'id: r-1\n')}---\n${correlation}`,
    });
    const loaded = loadSigmaRules(root);
    const [a, b] = [shown(root, 'a.yml'), shown(root, 'b.yml')];
    expect(loaded.skipped).toEqual([
      { file: b, reason: `document 2: id: "r-1" is also the id of ${a}` },
      { file: b, reason: `document 3: id: "c-1" is also the id of ${a}` },
    ]);
    expect(loaded.rules.map((r) => [r.id, r.file])).toEqual([
      ['r-1', a],
      ['x-1', b],
    ]);
    expect(loaded.correlations.map((c) => [c.id, c.file])).toEqual([['c-1', a]]);
  });

  it('skips a second rule or correlation with a Sigma name already seen (a correlation refers to rules by name), naming the first file', () => {
    const named = (id: string, name: string) =>
      `title: C\nid: ${id}\nname: ${name}\ncorrelation: {type: event_count, rules: [r-1], timespan: 5m, condition: {gte: 2}}\n`;
    const root = folder({
      'a.yml': `${sigmaRule('R', 'id: r-1\nname: first\n')}---\n${named('c-1', 'counting')}`,
      'b.yml': `${sigmaRule('R', 'id: r-2\nname: counting\n')}---\n${named('c-2', 'first')}---\n${sigmaRule('R', 'id: r-3\nname: third\n')}`,
    });
    const loaded = loadSigmaRules(root);
    const [a, b] = [shown(root, 'a.yml'), shown(root, 'b.yml')];
    expect(loaded.skipped).toEqual([
      { file: b, reason: `document 1: name: "counting" is also the name of ${a}` },
      { file: b, reason: `document 2: name: "first" is also the name of ${a}` },
    ]);
    expect(loaded.rules.map((r) => r.id)).toEqual(['r-1', 'r-3']);
    expect(loaded.correlations.map((c) => c.id)).toEqual(['c-1']);
  });

  it('reads .yml and .yaml at any depth, sorted by whole path, and nothing else', () => {
    const root = folder({ 'a/b.yml': sigmaRule('B'), 'a-c.yaml': sigmaRule('C'), 'notes.txt': 'not a rule' });
    expect(loadSigmaRules(root).rules.map((r) => r.id)).toEqual(['a-c', 'b']);
  });
});
