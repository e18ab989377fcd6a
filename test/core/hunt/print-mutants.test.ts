/** The hunt's match printer: ids outside the catalog are not matches, and each rule's count adds up. */
import { describe, expect, it } from 'vitest';
import { matchPrinter } from '../../../core/hunt/print.ts';
import { capture } from './hunt-fixtures.ts';

const rules = new Map([['r-1', { id: 'r-1', title: 'Title of r-1', level: 'high' as const }]]);

describe('matchPrinter', () => {
  it('prints nothing for a rule id the catalog does not have, and counts each rule once per match', () => {
    const out = capture();
    const { print, byRule } = matchPrinter('ndjson', out, rules);
    expect(print({ rules: ['unknown', 'r-1'], where: 'f#1', fields: { eventid: '1' } })).toBe(1);
    expect(print({ rules: ['r-1'], where: 'f#2', fields: { eventid: '2' } })).toBe(1);
    expect(print({ rules: ['unknown'], where: 'f#3', fields: {} })).toBe(0);
    expect([...byRule]).toEqual([['r-1', 2]]);
    expect(
      out
        .text()
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line).rule),
    ).toEqual(['r-1', 'r-1']);
  });
});
