/**
 * core/detection/rule-index.ts on hand-built expressions: which requirement a rule is filed under (an exact,
 * case-insensitive equality of text; eventName first inside an AND), which rules are offered for every
 * event, and how the candidates of several fields and array values are combined, in order, once each.
 */
import { describe, expect, it } from 'vitest';
import type { CatalogRule } from '../../../core/detection/catalog.ts';
import type { Expr } from '../../../core/detection/expr.ts';
import { indexRules } from '../../../core/detection/rule-index.ts';
import { equalsMatch } from '../../helpers/match.ts';

const eq = equalsMatch;
/** A rule reduced to what the index reads: its expression (the id is for the assertions). */
const rule = (id: string, expr: Expr) => ({ rule: { id }, expr, matches: () => true }) as unknown as CatalogRule;
const ids = (rules: readonly CatalogRule[]) => rules.map((r) => r.rule.id);

describe('what a rule is filed under', () => {
  it('files a rule under the text values of an exact equality, and offers it only for those', () => {
    const index = indexRules([rule('r', eq('eventName', ['StopLogging', 'DeleteTrail']))]);
    expect(ids(index({ eventName: 'DeleteTrail' }))).toEqual(['r']);
    expect(ids(index({ eventName: 'STOPLOGGING' }))).toEqual(['r']);
    expect(ids(index({ eventName: 'ListBuckets' }))).toEqual([]);
    expect(ids(index({}))).toEqual([]);
  });

  it('offers for every event a rule whose equality has a wildcard, a number, no value or |all, or is another operator', () => {
    const rules = [
      rule('wild', eq('eventName', ['Stop*'])),
      rule('number', eq('eventName', ['Stop', 5])),
      rule('none', eq('eventName', [])),
      rule('all', eq('eventName', ['Stop', 'Go'], { all: true })),
      rule('contains', eq('eventName', ['Stop'], { op: 'contains' })),
      rule('filed', eq('eventName', ['Stop'])),
    ];
    const index = indexRules(rules);
    expect(ids(index({ eventName: 'Other' }))).toEqual(['wild', 'number', 'none', 'all', 'contains']);
    expect(ids(index({ eventName: 'stop' }))).toEqual(['wild', 'number', 'none', 'all', 'contains', 'filed']);
  });

  it('offers for every event a rule under OR or NOT, and one whose AND has no equality', () => {
    const rules = [
      rule('or', { kind: 'or', items: [eq('eventName', ['A']), eq('eventName', ['B'])] }),
      rule('not', { kind: 'not', item: eq('eventName', ['A']) }),
      rule('and-free', { kind: 'and', items: [eq('eventName', ['A*']), eq('userAgent', ['x'], { op: 'contains' })] }),
    ];
    expect(ids(indexRules(rules)({ eventName: 'Z' }))).toEqual(['or', 'not', 'and-free']);
  });

  it('files an AND under its eventName equality when it has one, else under its first equality', () => {
    const both = rule('both', {
      kind: 'and',
      items: [eq('userAgent', ['x*']), eq('eventSource', ['iam.amazonaws.com']), eq('eventName', ['CreateUser'])],
    });
    const first = rule('first', { kind: 'and', items: [eq('userAgent', ['x*']), eq('eventSource', ['s3.amazonaws.com']), eq('awsRegion', ['us-east-1'])] });
    const index = indexRules([both, first]);
    expect(ids(index({ eventName: 'CreateUser', eventSource: 'other' }))).toEqual(['both']);
    expect(ids(index({ eventName: 'Other', eventSource: 'iam.amazonaws.com' }))).toEqual([]);
    expect(ids(index({ eventSource: 's3.amazonaws.com', awsRegion: 'eu-west-1' }))).toEqual(['first']);
    expect(ids(index({ eventSource: 'other', awsRegion: 'us-east-1' }))).toEqual([]);
  });

  it('files escaped wildcards under the literal text', () => {
    const index = indexRules([rule('lit', eq('eventName', ['Get\\*Secret']))]);
    expect(ids(index({ eventName: 'get*secret' }))).toEqual(['lit']);
    expect(ids(index({ eventName: 'get\\*secret' }))).toEqual([]);
  });
});

describe('the candidates of an event', () => {
  it('offers only the unguarded rules when no rule is filed, whatever the event', () => {
    const index = indexRules([rule('free', eq('eventName', ['A*']))]);
    expect(ids(index({ eventName: 'A' }))).toEqual(['free']);
    expect(ids(indexRules([])({ eventName: 'A' }))).toEqual([]);
  });

  it('offers the unguarded rules first, then the rules filed under each value the event has, in field order', () => {
    const rules = [
      rule('by-source', eq('eventSource', ['iam.amazonaws.com'])),
      rule('free', eq('eventName', ['*'])),
      rule('by-name', eq('eventName', ['CreateUser'])),
      rule('by-name-too', eq('eventName', ['createuser', 'DeleteUser'])),
    ];
    const index = indexRules(rules);
    expect(ids(index({ eventName: 'CreateUser', eventSource: 'iam.amazonaws.com' }))).toEqual(['free', 'by-source', 'by-name', 'by-name-too']);
    expect(ids(index({ eventName: 'DeleteUser' }))).toEqual(['free', 'by-name-too']);
  });

  it('reads every value of an array field, skips values that are not text, and offers each rule once', () => {
    const rules = [rule('ab', eq('resources.type', ['A', 'B'])), rule('c', eq('resources.type', ['C']))];
    const index = indexRules(rules);
    expect(ids(index({ resources: [{ type: 'b' }, { type: 7 }, { type: 'a' }, { type: 'C' }] }))).toEqual(['ab', 'c']);
    expect(index({ resources: [{ type: 'b' }, { type: 'a' }] })).toHaveLength(1);
    expect(ids(index({ resources: [{ type: 7 }] }))).toEqual([]);
  });
});
