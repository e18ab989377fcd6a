/**
 * Absent, null and "" inside a dynamic column, in compiled KQL judged by the KQL oracle
 * (core/detection/targets/kql-evaluator.ts) against the rule engine. A dynamic value keeps the three apart
 * (https://learn.microsoft.com/kusto/query/scalar-data-types/dynamic): isnull() is false for "" and true for
 * null (https://learn.microsoft.com/kusto/query/isnull-function), and bag_has_key() sees a key even when it
 * holds null (https://learn.microsoft.com/kusto/query/bag-has-key-function). tostring() makes null ""
 * (https://learn.microsoft.com/kusto/query/tostring-function), so `tostring(D.k) =~ ""` alone also held
 * where the key is absent, while the engine holds `k: ''` only for a present "". A string column is another
 * matter: it has no null and stores an absent value as "" (null-values page), so it is compiled as before.
 */
import { describe, expect, it } from 'vitest';
import { compileRule } from '../../../core/detection/catalog.ts';
import { compileKql } from '../../../core/detection/compilers/kql.ts';
import { compileExpr } from '../../../core/detection/evaluator.ts';
import { kqlTableFor } from '../../../core/detection/logsources/kql-table-for.ts';
import { loadRuleFolder } from '../../../core/detection/rule-folder.ts';
import { checkKql } from '../../../core/detection/targets/kql-check.ts';
import { compileKqlQuery } from '../../../core/detection/targets/kql-evaluator.ts';
import { KQL_TABLES } from '../../../core/detection/targets/kql-tables.ts';
import { exampleModel } from '../../helpers/config.ts';
import { expand, inlineRule } from '../../helpers/rules.ts';

const SIGNIN = { product: 'azure', service: 'signinlogs' };
const AUDIT = { product: 'azure', service: 'auditlogs' };

function compiled(detection: Record<string, unknown>, logsource = SIGNIN) {
  const rule = inlineRule(detection, logsource);
  const expr = expand(rule);
  const query = compileKql(rule, expr, kqlTableFor(logsource.service));
  return { engine: compileExpr(expr), kql: compileKqlQuery(query, KQL_TABLES), query };
}

/** Each event's verdict from the engine, after checking that the query binds and the oracle agrees on every event. */
function verdicts(detection: Record<string, unknown>, events: readonly Record<string, unknown>[], logsource = SIGNIN): boolean[] {
  const { engine, kql, query } = compiled(detection, logsource);
  expect(checkKql(query), query).toEqual([]);
  return events.map((event) => {
    const expected = engine(event);
    expect(kql(event), `${JSON.stringify(event)}\n${query}`).toBe(expected);
    return expected;
  });
}

const sel = (selection: Record<string, unknown>, condition = 'sel') => ({ sel: selection, condition });

/**
 * DeviceDetail (dynamic in SigninLogs): no column, no key, the key holding null, "", a value, an object,
 * and a whole column that is "" or text (no property bag to hold the key).
 */
const DEVICES: readonly Record<string, unknown>[] = [
  {},
  { DeviceDetail: {} },
  { DeviceDetail: { deviceId: null } },
  { DeviceDetail: { deviceId: '' } },
  { DeviceDetail: { deviceId: 'd-1' } },
  { DeviceDetail: { deviceId: { a: '' } } },
  { DeviceDetail: '' },
  { DeviceDetail: 'text' },
];

describe('the two SigmaHQ rules that test an empty DeviceDetail value', () => {
  const { rules } = loadRuleFolder('test/fixtures/sigmahq/rules/azure/signin_logs', exampleModel());
  const published = (file: string) => rules.find((r) => r.rule.file.endsWith(`/${file}`))!;

  it('compile to a test that needs the key to hold "", not to be absent', () => {
    expect(compileRule(published('azure_ad_sign_ins_from_unknown_devices.yml'), 'kql')).toBe(
      [
        'SigninLogs',
        '| where AuthenticationRequirement =~ "singleFactorAuthentication" and ResultType =~ "0" and NetworkLocationDetails =~ "[]"' +
          ' and (isnotnull(DeviceDetail.deviceId) and tostring(DeviceDetail.deviceId) =~ "")',
      ].join('\n'),
    );
    expect(compileRule(published('azure_ad_risky_sign_ins_with_singlefactorauth_from_unknown_devices.yml'), 'kql')).toBe(
      [
        'SigninLogs',
        '| where tostring(Status) =~ "Success" and AuthenticationRequirement =~ "singleFactorAuthentication"' +
          ' and (isnotnull(DeviceDetail.trusttype) and tostring(DeviceDetail.trusttype) =~ "") and RiskState =~ "atRisk"',
      ].join('\n'),
    );
  });

  it('fire on a present empty device id only, as the engine does', () => {
    const r = published('azure_ad_sign_ins_from_unknown_devices.yml');
    const kql = compileKqlQuery(compileRule(r, 'kql') as string, KQL_TABLES);
    const base = { AuthenticationRequirement: 'singleFactorAuthentication', ResultType: '0', NetworkLocationDetails: '[]' };
    const events = [
      { ...base, DeviceDetail: { deviceId: '', operatingSystem: 'Windows 10' } },
      { ...base, DeviceDetail: { operatingSystem: 'Windows 10' } },
      { ...base, DeviceDetail: { deviceId: null } },
      { ...base },
      { ...base, DeviceDetail: { deviceId: '5d0e4f2a' } },
    ];
    expect(events.map((e) => [r.matches(e), kql(e)])).toEqual([
      [true, true],
      [false, false],
      [false, false],
      [false, false],
      [false, false],
    ]);
  });
});

describe('absent, null and "" inside a dynamic column', () => {
  it('an empty value holds on a present "" only', () => {
    expect(verdicts(sel({ 'DeviceDetail.deviceId': '' }), DEVICES)).toEqual([false, false, false, true, false, false, false, false]);
    expect(verdicts(sel({ 'DeviceDetail.deviceId|cased': '' }), DEVICES)).toEqual([false, false, false, true, false, false, false, false]);
  });

  it('negated, it holds everywhere else, absent and null included', () => {
    expect(verdicts(sel({ 'DeviceDetail.deviceId': '' }, 'not sel'), DEVICES)).toEqual([true, true, true, false, true, true, true, true]);
  });

  it('with another value in the list, either one', () => {
    expect(verdicts(sel({ 'DeviceDetail.deviceId': ['', 'D-1'] }), DEVICES)).toEqual([false, false, false, true, true, false, false, false]);
  });

  it('contains, startswith and endswith "", a lone * and a regex matching "" need a value (an object counts, as its JSON text)', () => {
    const anyValue = [false, false, false, true, true, true, false, false];
    for (const modifier of ['contains', 'startswith', 'endswith'])
      expect(verdicts(sel({ [`DeviceDetail.deviceId|${modifier}`]: '' }), DEVICES)).toEqual(anyValue);
    expect(verdicts(sel({ 'DeviceDetail.deviceId': '*' }), DEVICES)).toEqual(anyValue);
    expect(verdicts(sel({ 'DeviceDetail.deviceId|re': '^$' }), DEVICES)).toEqual([false, false, false, true, false, false, false, false]);
    expect(verdicts(sel({ 'DeviceDetail.deviceId|re': '^d?-?1?$' }), DEVICES)).toEqual([false, false, false, true, true, false, false, false]);
  });

  it('exists is the key being there, even holding null', () => {
    expect(verdicts(sel({ 'DeviceDetail.deviceId|exists': true }), DEVICES)).toEqual([false, false, true, true, true, true, false, false]);
    expect(verdicts(sel({ 'DeviceDetail.deviceId|exists': false }), DEVICES)).toEqual([true, true, false, false, false, false, true, true]);
  });

  it('null is an absent key or a key holding null, not ""', () => {
    expect(verdicts(sel({ 'DeviceDetail.deviceId': null }), DEVICES)).toEqual([true, true, true, false, false, false, true, true]);
    expect(verdicts(sel({ 'DeviceDetail.deviceId': null }, 'not sel'), DEVICES)).toEqual([false, false, false, true, true, true, false, false]);
  });

  it('two keys down, the bag is the value one key up', () => {
    const events = [
      {},
      { LocationDetails: {} },
      { LocationDetails: { geoCoordinates: 'n/a' } },
      { LocationDetails: { geoCoordinates: {} } },
      { LocationDetails: { geoCoordinates: { latitude: null } } },
      { LocationDetails: { geoCoordinates: { latitude: '' } } },
      { LocationDetails: { geoCoordinates: { latitude: 47.6 } } },
    ];
    expect(verdicts(sel({ 'LocationDetails.geoCoordinates.latitude|exists': true }), events)).toEqual([false, false, false, false, true, true, true]);
    expect(verdicts(sel({ 'LocationDetails.geoCoordinates.latitude': '' }), events)).toEqual([false, false, false, false, false, true, false]);
    expect(verdicts(sel({ 'LocationDetails.geoCoordinates.latitude': null }), events)).toEqual([true, true, true, true, true, false, false]);
  });

  it('a whole dynamic column: "" is a value; null is no column (a row has every column)', () => {
    const events = [{}, { DeviceDetail: '' }, { DeviceDetail: {} }, { DeviceDetail: 'text' }];
    expect(verdicts(sel({ DeviceDetail: '' }), events)).toEqual([false, true, false, false]);
    expect(verdicts(sel({ 'DeviceDetail|exists': true }), events)).toEqual([false, true, true, true]);
    expect(verdicts(sel({ DeviceDetail: null }), events)).toEqual([true, false, false, false]);
    // A null column and no column are one row in Log Analytics: the query answers for both as the engine does for no column.
    const { kql, engine } = compiled(sel({ 'DeviceDetail|exists': true }));
    expect([kql({}), kql({ DeviceDetail: null }), engine({})]).toEqual([false, false, false]);
  });

  it('fieldref: two present "" are equal, an absent one equals nothing', () => {
    const events = [
      { DeviceDetail: { deviceId: '', displayName: '' } },
      { DeviceDetail: { deviceId: '' } },
      { DeviceDetail: { deviceId: '', displayName: null } },
      { DeviceDetail: { displayName: '' } },
      { DeviceDetail: {} },
      { DeviceDetail: { deviceId: 'x', displayName: 'X' } },
    ];
    expect(verdicts(sel({ 'DeviceDetail.deviceId|fieldref': 'DeviceDetail.displayName' }), events)).toEqual([true, false, false, false, false, true]);
    // A string column on the other side: "" there is what an absent value is stored as, so it has no value.
    expect(
      verdicts(sel({ 'DeviceDetail.deviceId|fieldref': 'UserAgent' }), [
        { DeviceDetail: { deviceId: '' } },
        { DeviceDetail: { deviceId: 'a' }, UserAgent: 'A' },
      ]),
    ).toEqual([false, true]);
  });

  it('a string column is compiled as before: absent and "" are one value there', () => {
    const { query } = compiled(sel({ UserAgent: '' }));
    expect(query).toBe('SigninLogs\n| where UserAgent =~ ""');
    expect(compiled(sel({ 'UserAgent|exists': true })).query).toBe('SigninLogs\n| where isnotempty(UserAgent)');
  });
});

describe('absent, null and "" in the elements of an array', () => {
  // TargetResources is an array in AuditLogs; each event's elements differ only in displayName.
  const resources = (...names: unknown[]) => ({
    OperationName: 'Update policy',
    TargetResources: names.map((n) => (n === undefined ? { id: '1' } : { id: '1', displayName: n })),
  });
  const EVENTS = [
    { OperationName: 'Update policy' },
    resources(),
    resources(undefined),
    resources(null),
    resources(''),
    resources('Policy'),
    resources(undefined, ''),
    resources(null, 'Policy'),
  ];

  it('an empty value holds where some element has ""', () => {
    expect(verdicts(sel({ 'TargetResources.displayName': '' }), EVENTS, AUDIT)).toEqual([false, false, false, false, true, false, true, false]);
  });

  it('exists counts an element holding null; exists: false is no element with the key', () => {
    expect(verdicts(sel({ 'TargetResources.displayName|exists': true }), EVENTS, AUDIT)).toEqual([false, false, false, true, true, true, true, true]);
    expect(verdicts(sel({ 'TargetResources.displayName|exists': false }), EVENTS, AUDIT)).toEqual([true, true, true, false, false, false, false, false]);
  });

  it('null is no element with a value other than null ("" is a value)', () => {
    expect(verdicts(sel({ 'TargetResources.displayName': null }), EVENTS, AUDIT)).toEqual([true, true, true, true, false, false, false, false]);
  });

  it('compiles each to one count', () => {
    const count = (detection: Record<string, unknown>) => compiled(detection, AUDIT).query.split('\n')[1];
    expect(count(sel({ 'TargetResources.displayName': '' }))).toBe(
      '| mv-apply _a1_0 = TargetResources on (summarize _m1 = countif((isnotnull(_a1_0.displayName) and tostring(_a1_0.displayName) =~ "")))',
    );
    expect(count(sel({ 'TargetResources.displayName': null }))).toBe(
      '| mv-apply _a1_0 = TargetResources on (summarize _m1 = countif(isnotnull(_a1_0.displayName)))',
    );
  });
});
