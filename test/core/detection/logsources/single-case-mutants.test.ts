/**
 * applySingleCase (logsources/single-case.ts) on hand-built expressions: which matches it marks `cased`,
 * which eventSource equalities pin the service of an eventName, and that it leaves alone what it cannot
 * prove (non-text values, wildcards, ops other than equality on enum and API-name fields). Written
 * against the surviving mutants of the first StrykerJS run of core/detection/logsources.
 */
import { describe, expect, it } from 'vitest';
import type { Expr, Match } from '../../../../core/detection/expr.ts';
import { logSource } from '../../../../core/detection/logsources/registry.ts';
import { applySingleCase } from '../../../../core/detection/logsources/single-case.ts';
import { equalsMatch } from '../../../helpers/match.ts';

const cloudtrail = logSource('aws', 'cloudtrail')!;
const gcp = logSource('gcp', 'gcp.audit')!;

const match = equalsMatch;
const iam = match('eventSource', ['iam.amazonaws.com']);
const createAccessKey = match('eventName', ['CreateAccessKey']);
/** The `cased` flag of the eventName match of an AND's items (its last item). */
const eventNameCased = (e: Expr): boolean => {
  if (e.kind !== 'and') throw new Error(`expected an and, got ${e.kind}`);
  const last = e.items[e.items.length - 1]!;
  if (last.kind === 'and') return eventNameCased(last);
  if (last.kind !== 'match' || last.field !== 'eventName') throw new Error('expected eventName last');
  return last.cased;
};

describe('a log source without single-case fields', () => {
  it('gets the very expression back', () => {
    const expr: Expr = { kind: 'and', items: [match('protoPayload.methodName', ['SetIamPolicy']), { kind: 'not', item: match('severity', ['INFO']) }] };
    expect(applySingleCase(expr, gcp)).toBe(expr);
  });
});

describe('an OR', () => {
  it('stays an OR, and pins no service for an eventName beside an eventSource', () => {
    expect(applySingleCase({ kind: 'or', items: [iam, createAccessKey] }, cloudtrail)).toEqual({
      kind: 'or',
      items: [{ ...iam, cased: true }, createAccessKey],
    });
  });
});

describe('the eventSource equality that pins an AND', () => {
  it('is found in any item, after an eventName', () => {
    expect(eventNameCased(applySingleCase({ kind: 'and', items: [createAccessKey, iam, createAccessKey] }, cloudtrail))).toBe(true);
  });

  it('is not an eventName equality: alone, eventName stays case-insensitive', () => {
    expect(applySingleCase({ kind: 'and', items: [createAccessKey, match('eventName', ['CreateUser'])] }, cloudtrail)).toEqual({
      kind: 'and',
      items: [createAccessKey, match('eventName', ['CreateUser'])],
    });
  });

  it('is not an eventSource equality without values', () => {
    expect(eventNameCased(applySingleCase({ kind: 'and', items: [match('eventSource', []), createAccessKey] }, cloudtrail))).toBe(false);
  });

  it('is not one with a wildcard or a non-text value: an enclosing pin holds then', () => {
    for (const values of [['ia*'], ['iam.amazonaws.com', 'ia*'], [5]] as Match['values'][]) {
      const inner: Expr = { kind: 'and', items: [match('eventSource', values), createAccessKey] };
      expect(eventNameCased(applySingleCase({ kind: 'and', items: [iam, inner] }, cloudtrail)), JSON.stringify(values)).toBe(true);
    }
  });

  it('is not a contains on eventSource, nor an equality with all', () => {
    const contains = match('eventSource', ['iam.amazonaws.com'], { op: 'contains' });
    expect(eventNameCased(applySingleCase({ kind: 'and', items: [contains, createAccessKey] }, cloudtrail))).toBe(false);
    const all = match('eventSource', ['iam.amazonaws.com'], { all: true });
    expect(eventNameCased(applySingleCase({ kind: 'and', items: [all, createAccessKey] }, cloudtrail))).toBe(false);
  });
});

describe('marking a match', () => {
  it('leaves a match already cased as it is, even with a value in another case', () => {
    const m = match('eventSource', ['iam.amazonaws.com', 'IAM.amazonaws.com'], { cased: true });
    expect(applySingleCase(m, cloudtrail)).toBe(m);
  });

  it('leaves a match whose values are all non-text as it is', () => {
    const m = match('eventSource', [5]);
    expect(applySingleCase(m, cloudtrail)).toBe(m);
  });

  it('marks text and non-text values together, without splitting them', () => {
    expect(applySingleCase(match('eventSource', [5, 'iam.amazonaws.com']), cloudtrail)).toEqual(
      match('eventSource', [5, 'iam.amazonaws.com'], { cased: true }),
    );
  });

  it('splits a match with all into an AND of its provable and unprovable values', () => {
    const m = match('eventSource', ['iam', 'IAM'], { op: 'contains', all: true });
    expect(applySingleCase(m, cloudtrail)).toEqual({
      kind: 'and',
      items: [
        { ...m, values: ['iam'], cased: true },
        { ...m, values: ['IAM'] },
      ],
    });
  });

  it('marks an enum field only for an equality: a contains stays case-insensitive', () => {
    const m = match('userIdentity.type', ['IAMUser'], { op: 'contains' });
    expect(applySingleCase(m, cloudtrail)).toBe(m);
    expect(applySingleCase(match('userIdentity.type', ['IAMUser']), cloudtrail)).toEqual(match('userIdentity.type', ['IAMUser'], { cased: true }));
  });

  it('marks an API name only for an equality: a contains stays case-insensitive under a pin', () => {
    const contains = match('eventName', ['CreateAccessKey'], { op: 'contains' });
    expect(applySingleCase({ kind: 'and', items: [iam, contains] }, cloudtrail)).toEqual({ kind: 'and', items: [{ ...iam, cased: true }, contains] });
  });
});
