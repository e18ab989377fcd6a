/**
 * From a detection to its Expr: the exact Match each form becomes (keywords, null, lists of maps, canonical
 * escapes), and the RuleError each malformed key or value gets, with where it is and what is wrong.
 */
import { describe, expect, it } from 'vitest';
import { expandRule } from '../../../core/detection/expand.ts';
import type { Match } from '../../../core/detection/expr.ts';
import type { PlaceholderValues } from '../../../core/detection/placeholders.ts';
import { RuleError } from '../../../core/detection/rule-error.ts';
import type { Detection } from '../../../core/detection/rule.ts';

const values: PlaceholderValues = { 'trustedNetworks.cidrs': ['203.0.113.0/24'], 'aws.organizationId': ['o-abc123'] };

const expandOf = (detection: Record<string, unknown>) => expandRule({ file: 'probe.yml', detection: detection as Detection }, values);

/** `where: problem` of the RuleError the detection raises; fails the test if it expands. */
function problem(detection: Record<string, unknown>): string {
  try {
    expandOf(detection);
  } catch (error) {
    if (error instanceof RuleError) return `${error.where}: ${error.problem}`;
    throw error;
  }
  throw new Error('expected a RuleError');
}

const eq = (field: string, ...vs: Match['values']): Match => ({ kind: 'match', field, op: 'equals', values: vs, all: false, cased: false });
const keyword = (vs: Match['values'], extra: Partial<Match> = {}): Match => ({
  kind: 'match',
  field: '',
  op: 'keyword',
  values: vs,
  all: false,
  cased: false,
  ...extra,
});

describe('selections', () => {
  it('a list of maps is the OR of the maps, and nothing else', () => {
    expect(expandOf({ sel: [{ a: 'x' }, { b: 'y' }], condition: 'sel' })).toEqual({ kind: 'or', items: [eq('a', 'x'), eq('b', 'y')] });
  });

  it('an error inside a list of maps names the item by its index', () => {
    expect(problem({ sel: [{ a: 'x' }, { 'b|bogus': 'y' }], condition: 'sel' })).toMatch(/^detection\.sel\[1\]\.b\|bogus: unknown modifier "bogus"/);
  });

  it('an empty map is refused', () => {
    expect(problem({ sel: {}, condition: 'sel' })).toBe('detection.sel: a selection needs at least one field');
  });

  it('an error that is not about the condition text propagates as it is, not as a RuleError', () => {
    expect(() => expandOf({ sel: { a: 'x' }, condition: Object.create(null) })).toThrow(TypeError);
  });
});

describe('keywords', () => {
  it('a keyword is a Match with an empty field; numbers are keywords as text', () => {
    expect(expandOf({ kw: [42, 'x'], condition: 'kw' })).toEqual(keyword(['42', 'x']));
  });

  it('a boolean keyword is refused', () => {
    expect(problem({ kw: ['x', true], condition: 'kw' })).toBe('detection.kw: a keyword (a value without a field) must be text');
  });

  it('take |cased, |all and |contains', () => {
    expect(expandOf({ kw: { '|cased': ['Admin'] }, condition: 'kw' })).toEqual(keyword(['Admin'], { cased: true }));
    expect(expandOf({ kw: { '|all': ['a', 'b'] }, condition: 'kw' })).toEqual(keyword(['a', 'b'], { all: true }));
    expect(expandOf({ kw: { '|contains': 'x' }, condition: 'kw' })).toEqual(keyword(['x']));
  });

  it('refuse other modifiers, naming each', () => {
    expect(problem({ kw: { '|startswith|endswith': 'x' }, condition: 'kw' })).toBe(
      'detection.kw.|startswith|endswith: a keyword (no field before the |) takes only |all and |cased (got |startswith|endswith)',
    );
  });
});

describe('field keys', () => {
  it('a field that is not a dotted path is refused', () => {
    expect(problem({ sel: { 'event name': 'x' }, condition: 'sel' })).toBe('detection.sel.event name: "event name" is not a dotted field path');
  });

  it('|s without |re is refused as a regex flag', () => {
    expect(problem({ sel: { 'f|s': 'x' }, condition: 'sel' })).toBe('detection.sel.f|s: |s is a flag of |re (regular expressions)');
  });
});

describe('null', () => {
  it('a field that is null alone is the null Match, with no values', () => {
    expect(expandOf({ sel: { f: null }, condition: 'sel' })).toStrictEqual({ kind: 'match', field: 'f', op: 'null', values: [], all: false, cased: false });
  });

  it('a plain value stays an equals Match', () => {
    expect(expandOf({ sel: { f: 'x' }, condition: 'sel' })).toEqual(eq('f', 'x'));
  });

  it('null is refused in a list or under a modifier', () => {
    expect(problem({ sel: { f: [null, 'x'] }, condition: 'sel' })).toBe('detection.sel.f: null can only stand alone (it means "field absent")');
    expect(problem({ sel: { 'f|contains': null }, condition: 'sel' })).toBe('detection.sel.f|contains: null can only stand alone (it means "field absent")');
  });
});

describe('values', () => {
  it('|expand leaves a number as it is', () => {
    expect(expandOf({ sel: { 'f|expand': 5 }, condition: 'sel' })).toEqual(eq('f', 5));
  });

  it('an unknown {{placeholder}} names every known one', () => {
    expect(problem({ sel: { f: '{{nope}}' }, condition: 'sel' })).toBe(
      'detection.sel.f: unknown placeholder {{nope}} (known: {{trustedNetworks.cidrs}}, {{aws.organizationId}})',
    );
  });

  it('a plain value is written canonically: an escaped backslash before a letter is one backslash', () => {
    expect(expandOf({ sel: { f: 'C:\\\\Windows' }, condition: 'sel' })).toEqual(eq('f', 'C:\\Windows'));
  });
});

describe('what each operator takes', () => {
  it.each([
    ['f|exists', 'yes', '|exists takes true or false'],
    ['f|exists', [true, false], '|exists takes true or false'],
    ['f|re', 5, '|re takes strings'],
    ['f|gte', 'abc', '|gte takes numbers (got "abc")'],
    ['f|lt', 'abc', '|lt takes numbers (got "abc")'],
    ['f|fieldref', 'not a field', '|fieldref takes field names (got "not a field")'],
    ['f|fieldref', 5, '|fieldref takes field names (got 5)'],
    ['f|fieldref', true, '|fieldref takes field names (got true)'],
    ['f|startswith', 5, '|startswith takes strings'],
    ['f|endswith', 5, '|endswith takes strings'],
    ['f|contains', ['a', 5], '|contains takes strings'],
  ])('%s: %j is refused', (key, value, message) => {
    expect(problem({ sel: { [key]: value }, condition: 'sel' })).toBe(`detection.sel.${key}: ${message}`);
  });

  it('|fieldref takes a dotted field name', () => {
    expect(expandOf({ sel: { 'f|fieldref': 'other.field' }, condition: 'sel' })).toEqual({ ...eq('f', 'other.field'), op: 'fieldref' });
  });
});
