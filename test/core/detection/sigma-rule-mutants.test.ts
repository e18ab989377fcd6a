/** A Sigma rule's schema, its metadata as written (toSigmaRule) and the strict Rule made of it (sigmaToRule), key by key. */
import { describe, expect, it } from 'vitest';
import { sigmaRuleSchema, sigmaToRule, toSigmaRule, type SigmaRule } from '../../../core/detection/sigma-rule.ts';

const CLOUDTRAIL = { product: 'aws', service: 'cloudtrail' } as const;

/** A minimal valid document with `extra` keys over it. */
const doc = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  title: 'T',
  logsource: { product: 'aws' },
  detection: { s: { a: 1 }, condition: 's' },
  ...extra,
});
/** The first problem of a document the schema refuses, as "path: message"; fails the test when it passes. */
function problem(document: Record<string, unknown>): string {
  const parsed = sigmaRuleSchema.safeParse(document);
  if (parsed.success) throw new Error('expected the schema to refuse the document');
  const issue = parsed.error.issues[0]!;
  return `${issue.path.join('.')}: ${issue.message}`;
}
const parse = (document: Record<string, unknown>) => sigmaRuleSchema.parse(document);
const sigmaRule = (extra: Record<string, unknown> = {}, fallbackId = 'fallback'): SigmaRule => toSigmaRule(parse(doc(extra)), 'f.yml', fallbackId);

describe('sigmaRuleSchema', () => {
  it('reads numbers as text, and a lone string as a list of one', () => {
    const parsed = parse(doc({ title: 42, date: 20240102, references: 'https://example.com', tags: ['attack.t1078', 7], fields: 'a' }));
    expect(parsed.title).toBe('42');
    expect(parsed.date).toBe('20240102');
    expect(parsed.references).toEqual(['https://example.com']);
    expect(parsed.tags).toEqual(['attack.t1078', '7']);
    expect(parsed.fields).toEqual(['a']);
  });

  it('accepts a log source with only a category, only a product or only a service', () => {
    for (const logsource of [{ category: 'c' }, { product: 'p' }, { service: 's' }]) expect(parse(doc({ logsource })).logsource).toEqual(logsource);
  });

  it('refuses a log source with none of category, product or service, with the reason', () => {
    expect(problem(doc({ logsource: { definition: 'only this' } }))).toBe('logsource: needs at least one of category, product or service');
  });

  it('keeps the other keys of a log source as written', () => {
    expect(parse(doc({ logsource: { product: 'aws', custom_key: { x: 1 } } })).logsource).toEqual({ product: 'aws', custom_key: { x: 1 } });
  });

  it('refuses an empty title and an empty id', () => {
    expect(problem(doc({ title: '' }))).toMatch(/^title: /);
    expect(problem(doc({ id: '' }))).toMatch(/^id: /);
  });

  it('accepts a condition list of strings and refuses an empty list, a list with a non-string and no condition', () => {
    expect(parse(doc({ detection: { s: { a: 1 }, condition: ['s', 'not s'] } })).detection['condition']).toEqual(['s', 'not s']);
    const reason = 'detection: needs a condition, e.g. "condition: selection and not filter" (a string, or a list of strings)';
    expect(problem(doc({ detection: { s: { a: 1 }, condition: [] } }))).toMatch(/^detection\.condition: /);
    expect(problem(doc({ detection: { s: { a: 1 }, condition: ['s', 3] } }))).toBe(reason);
    expect(problem(doc({ detection: { s: { a: 1 }, condition: [3, 's'] } }))).toBe(reason);
    expect(problem(doc({ detection: { s: { a: 1 } } }))).toBe(reason);
  });

  it('refuses a related entry with an unknown type or an extra key, and an unknown status or level', () => {
    expect(parse(doc({ related: [{ id: 'x', type: 'similar' }] })).related).toEqual([{ id: 'x', type: 'similar' }]);
    expect(problem(doc({ related: [{ id: 'x', type: 'cousin' }] }))).toMatch(/^related\.0\.type: /);
    expect(problem(doc({ related: [{ id: 'x', type: 'derived', note: 'n' }] }))).toMatch(/^related\.0: /);
    expect(problem(doc({ status: 'retired' }))).toMatch(/^status: /);
    expect(problem(doc({ level: 'severe' }))).toMatch(/^level: /);
  });
});

describe('toSigmaRule', () => {
  it('keeps every key of the specification in the metadata, and only the others as custom', () => {
    const all = {
      id: 'the-id',
      name: 'the_name',
      related: [{ id: 'other', type: 'derived' }],
      status: 'deprecated',
      description: 'D',
      license: 'DRL',
      author: 'A',
      references: ['r'],
      date: '2024-01-02',
      modified: '2024-02-03',
      fields: ['f'],
      falsepositives: ['fp'],
      level: 'high',
      tags: ['attack.t1078', 'cve.2024-1'],
      scope: ['server'],
      taxonomy: 'sigma',
    };
    const rule = sigmaRule({ ...all, x_custom: { deep: true }, simulation: 1 });
    expect(rule.sigma).toStrictEqual({
      ...all,
      title: 'T',
      logsource: { product: 'aws' },
      custom: { x_custom: { deep: true }, simulation: 1 },
    });
    expect(rule).toMatchObject({ id: 'the-id', title: 'T', file: 'f.yml', logsource: { product: 'aws' }, detection: { s: { a: 1 }, condition: 's' } });
  });

  it('leaves out the keys the document does not have, and takes the fallback id', () => {
    const rule = sigmaRule({}, 'file-stem');
    expect(rule.id).toBe('file-stem');
    expect(Object.keys(rule.sigma).sort()).toEqual(['custom', 'logsource', 'title']);
    expect(rule.sigma.custom).toStrictEqual({});
  });
});

describe('sigmaToRule', () => {
  it('keeps stable and test, reads any other status as experimental', () => {
    const status = (s?: string) => sigmaToRule(sigmaRule(s === undefined ? {} : { status: s }), CLOUDTRAIL).status;
    expect(status('stable')).toBe('stable');
    expect(status('test')).toBe('test');
    expect(status('deprecated')).toBe('experimental');
    expect(status('unsupported')).toBe('experimental');
    expect(status()).toBe('experimental');
  });

  it('defaults the description to empty and the level to informational, and keeps them when given', () => {
    expect(sigmaToRule(sigmaRule(), CLOUDTRAIL)).toMatchObject({
      description: '',
      level: 'informational',
      falsepositives: [],
      references: [],
      tags: [],
      targets: [],
    });
    expect(sigmaToRule(sigmaRule({ description: 'What it sees', level: 'critical' }), CLOUDTRAIL)).toMatchObject({
      description: 'What it sees',
      level: 'critical',
    });
  });

  it('keeps the attack.* tags in any case and drops the others; every tag stays in sigma.tags', () => {
    const rule = sigmaToRule(sigmaRule({ tags: ['attack.t1078', 'ATTACK.Persistence', 'cve.2024-1', 'detection.threat-hunting', 'xattack.t1'] }), CLOUDTRAIL);
    expect(rule.tags).toEqual(['attack.t1078', 'ATTACK.Persistence']);
    expect(rule.sigma?.tags).toHaveLength(5);
  });

  it('takes the mapped log source, not the one written, and keeps the rest of the Sigma rule', () => {
    const source = sigmaRule({
      id: 'sid',
      falsepositives: ['admins'],
      references: ['https://example.com'],
      logsource: { product: 'aws', category: 'iam', extra: 1 },
    });
    const rule = sigmaToRule(source, CLOUDTRAIL, ['kql', 'gcp']);
    expect(rule).toStrictEqual({
      id: 'sid',
      title: 'T',
      description: '',
      level: 'informational',
      status: 'experimental',
      tags: [],
      logsource: { product: 'aws', service: 'cloudtrail' },
      detection: { s: { a: 1 }, condition: 's' },
      falsepositives: ['admins'],
      targets: ['kql', 'gcp'],
      references: ['https://example.com'],
      file: 'f.yml',
      sigma: source.sigma,
    });
  });
});
