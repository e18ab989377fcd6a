/**
 * `field|exists: false` and `field: null` on a field under an array, in compiled KQL, judged by the KQL
 * oracle (core/detection/targets/kql-evaluator.ts) against the rule engine. The engine reads the field
 * from every element (core/detection/field-path.ts) and asks that no element have it (exists: false) or
 * that none have a value other than null (null); an absent or empty array qualifies. The compiler used
 * to test "some element is empty" instead, which matches as soon as one element lacks the field, even
 * when another has it.
 */
import { describe, expect, it } from 'vitest';
import { compileKql } from '../../../core/detection/compilers/kql.ts';
import { compileExpr } from '../../../core/detection/evaluator.ts';
import { kqlTableFor } from '../../../core/detection/logsources/kql-table-for.ts';
import { checkKql } from '../../../core/detection/targets/kql-check.ts';
import { compileKqlQuery } from '../../../core/detection/targets/kql-evaluator.ts';
import { KQL_TABLES } from '../../../core/detection/targets/kql-tables.ts';
import { expand, inlineRule } from '../../helpers/rules.ts';

const AUDIT = { product: 'azure', service: 'auditlogs' };
const SIGNIN = { product: 'azure', service: 'signinlogs' };

function both(detection: Record<string, unknown>, logsource = AUDIT) {
  const rule = inlineRule(detection, logsource);
  const expr = expand(rule);
  const query = compileKql(rule, expr, kqlTableFor(logsource.service));
  return { engine: compileExpr(expr), kql: compileKqlQuery(query, KQL_TABLES), query };
}

/** Each event's verdict from the engine, after checking that the compiled query gives the same one. */
function verdicts(detection: Record<string, unknown>, events: readonly Record<string, unknown>[], logsource = AUDIT): boolean[] {
  const { engine, kql, query } = both(detection, logsource);
  expect(checkKql(query), query).toEqual([]);
  return events.map((event) => {
    const expected = engine(event);
    expect(kql(event), `${JSON.stringify(event)}\n${query}`).toBe(expected);
    return expected;
  });
}

const base = { OperationName: 'Update policy' };
/** (a) no element has the field, (b) one element has it and another does not, (c) no array, (d) an empty array. */
const ONE_LEVEL = [
  { ...base, TargetResources: [{ id: '1' }, { id: '2' }] },
  { ...base, TargetResources: [{ id: '1', displayName: 'Policy' }, { id: '2' }] },
  { ...base },
  { ...base, TargetResources: [] },
  { ...base, TargetResources: [{ id: '1', displayName: 'Policy' }] },
];

describe('exists: false and null under an array in compiled KQL', () => {
  it('exists: false matches only where no element has the field', () => {
    expect(verdicts({ sel: { 'TargetResources.displayName|exists': false }, condition: 'sel' }, ONE_LEVEL)).toEqual([true, false, true, true, false]);
  });

  it('null matches only where no element has a value other than null', () => {
    const events = [...ONE_LEVEL, { ...base, TargetResources: [{ id: '1', displayName: null }, { id: '2' }] }];
    expect(verdicts({ sel: { 'TargetResources.displayName': null }, condition: 'sel' }, events)).toEqual([true, false, true, true, false, true]);
  });

  it('negated, they mean "some element has the field"', () => {
    expect(verdicts({ sel: { 'TargetResources.displayName|exists': false }, condition: 'not sel' }, ONE_LEVEL)).toEqual([false, true, false, false, true]);
    expect(verdicts({ sel: { 'TargetResources.displayName': null }, condition: 'not sel' }, ONE_LEVEL)).toEqual([false, true, false, false, true]);
  });

  it('through nested arrays, one element with the field anywhere is enough to miss', () => {
    const mod = (newValue?: string) => ({ displayName: 'State', ...(newValue === undefined ? {} : { newValue }) });
    const events = [
      { ...base, TargetResources: [{ modifiedProperties: [mod(), mod()] }, { modifiedProperties: [] }] },
      { ...base, TargetResources: [{ modifiedProperties: [mod()] }, { modifiedProperties: [mod(), mod('enabled')] }] },
      { ...base },
      { ...base, TargetResources: [{ id: '1' }] },
      { ...base, TargetResources: [{ modifiedProperties: [mod('enabled')] }] },
    ];
    expect(verdicts({ sel: { 'TargetResources.modifiedProperties.newValue|exists': false }, condition: 'sel' }, events)).toEqual([
      true,
      false,
      true,
      true,
      false,
    ]);
    expect(verdicts({ sel: { 'TargetResources.modifiedProperties.newValue': null }, condition: 'sel' }, events)).toEqual([true, false, true, true, false]);
  });

  it('in a SigninLogs dynamic array column, alongside other conditions', () => {
    const events = [
      { AppId: 'a', ConditionalAccessPolicies: [{ id: '1' }, { id: '2' }] },
      { AppId: 'a', ConditionalAccessPolicies: [{ id: '1', result: 'success' }, { id: '2' }] },
      { AppId: 'a' },
      { AppId: 'b', ConditionalAccessPolicies: [{ id: '1' }] },
    ];
    expect(verdicts({ app: { AppId: 'a' }, none: { 'ConditionalAccessPolicies.result|exists': false }, condition: 'app and none' }, events, SIGNIN)).toEqual([
      true,
      false,
      true,
      false,
    ]);
  });

  it('compiles to a count of elements that have the key, tested == 0', () => {
    const { query } = both({ sel: { 'TargetResources.displayName|exists': false }, condition: 'sel' });
    expect(query).toBe(
      [
        'AuditLogs',
        '| mv-apply _a1_0 = TargetResources on (summarize _m1 = countif(gettype(_a1_0) == "dictionary" and bag_has_key(_a1_0, "displayName")))',
        '| where _m1 == 0',
      ].join('\n'),
    );
  });
});
