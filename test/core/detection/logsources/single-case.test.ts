/**
 * Case-insensitive matches on fields AWS writes in one case, made case-sensitive when rules are bound
 * (logsources/single-case.ts), so that SigmaHQ-style rules without |cased compile to CloudWatch. Each
 * change must leave what the rule matches on real spellings as it was; a value in another case stays
 * case-insensitive.
 */
import { describe, expect, it } from 'vitest';
import { bindRules, compileRule, type CatalogRule } from '../../../../core/detection/catalog.ts';
import { compileExpr } from '../../../../core/detection/evaluator.ts';
import type { Expr, Match } from '../../../../core/detection/expr.ts';
import { apiNameSpellings } from '../../../../core/detection/logsources/aws-api-names.ts';
import { logSource } from '../../../../core/detection/logsources/registry.ts';
import { applySingleCase } from '../../../../core/detection/logsources/single-case.ts';
import { exampleModel } from '../../../helpers/config.ts';
import { expand, inlineRule } from '../../../helpers/rules.ts';

const model = exampleModel();
const bind = (detection: Record<string, unknown>): CatalogRule => bindRules([inlineRule(detection)], model)[0]!;
const matches = (e: Expr): Match[] => (e.kind === 'match' ? [e] : e.kind === 'not' ? matches(e.item) : e.items.flatMap(matches));
const cased = (r: CatalogRule) => Object.fromEntries(matches(r.expr).map((m) => [`${m.field}=${m.values.join(',')}`, m.cased]));

describe('fields AWS writes in lower case', () => {
  it('compare case-sensitively when the value has no upper-case letter', () => {
    const r = bind({ s: { eventSource: 'iam.amazonaws.com', 'awsRegion|startswith': 'eu-' }, condition: 's' });
    expect(cased(r)).toEqual({ 'eventSource=iam.amazonaws.com': true, 'awsRegion=eu-': true });
  });

  it('keep a value with capitals case-insensitive, splitting a list', () => {
    const r = bind({ s: { eventSource: ['IAM.amazonaws.com', 'sts.amazonaws.com'] }, condition: 's' });
    expect(r.expr).toEqual({
      kind: 'or',
      items: [
        { kind: 'match', field: 'eventSource', op: 'equals', values: ['sts.amazonaws.com'], all: false, cased: true },
        { kind: 'match', field: 'eventSource', op: 'equals', values: ['IAM.amazonaws.com'], all: false, cased: false },
      ],
    });
  });

  it('never touch a case-insensitive regex (|i), whose character classes mean more under the i flag', () => {
    const r = bind({ s: { 'eventSource|re|i': '^[a-z]+\\.amazonaws\\.com$', 'eventSource|contains': '.amazonaws.' }, condition: 's' });
    expect(cased(r)).toEqual({ 'eventSource=^[a-z]+\\.amazonaws\\.com$': false, 'eventSource=.amazonaws.': true });
  });
});

describe('fields AWS writes from a fixed list', () => {
  it('compare case-sensitively on a documented spelling only', () => {
    const r = bind({ s: { 'userIdentity.type': 'AssumedRole', eventType: 'awsapicall', eventCategory: 'Management' }, condition: 's' });
    expect(cased(r)).toEqual({ 'userIdentity.type=AssumedRole': true, 'eventType=awsapicall': false, 'eventCategory=Management': true });
  });

  it('leave partial matches alone (a type AWS adds later could contain the text in another case)', () => {
    expect(cased(bind({ s: { 'userIdentity.type|endswith': 'User' }, condition: 's' }))).toEqual({ 'userIdentity.type=User': false });
  });
});

describe('eventName', () => {
  it('compares case-sensitively when an eventSource equality pins a service that spells the action so', () => {
    expect(apiNameSpellings('iam.amazonaws.com')?.get('createaccesskey')).toEqual(['CreateAccessKey']);
    const r = bind({ s: { eventSource: 'iam.amazonaws.com', eventName: ['CreateAccessKey', 'createuser', 'NotAnAction'] }, condition: 's' });
    expect(cased(r)).toEqual({ 'eventSource=iam.amazonaws.com': true, 'eventName=CreateAccessKey': true, 'eventName=createuser,NotAnAction': false });
  });

  it('reads the pinned service through or and not, from any enclosing and', () => {
    const r = bind({
      s: { eventSource: 'kms.amazonaws.com' },
      a: { eventName: 'DisableKey' },
      b: { eventName: 'ScheduleKeyDeletion' },
      condition: 's and not (a or b)',
    });
    expect(cased(r)).toEqual({ 'eventSource=kms.amazonaws.com': true, 'eventName=DisableKey': true, 'eventName=ScheduleKeyDeletion': true });
  });

  it('stays case-insensitive without a pinned service, or with a negated or wildcard one', () => {
    expect(cased(bind({ s: { eventName: 'CreateAccessKey' }, condition: 's' }))).toEqual({ 'eventName=CreateAccessKey': false });
    expect(
      cased(bind({ s: { eventName: 'CreateAccessKey' }, f: { eventSource: 'iam.amazonaws.com' }, condition: 's and not f' }))['eventName=CreateAccessKey'],
    ).toBe(false);
    expect(cased(bind({ s: { eventName: 'CreateAccessKey', 'eventSource|endswith': 'iam.amazonaws.com' }, condition: 's' }))['eventName=CreateAccessKey']).toBe(
      false,
    );
    expect(cased(bind({ s: { eventName: 'CreateAccessKey', eventSource: 'nosuchservice.amazonaws.com' }, condition: 's' }))['eventName=CreateAccessKey']).toBe(
      false,
    );
  });

  it('needs every pinned service to spell it so', () => {
    const r = bind({ s: { eventSource: ['iam.amazonaws.com', 'sts.amazonaws.com'], eventName: 'CreateAccessKey' }, condition: 's' });
    expect(cased(r)['eventName=CreateAccessKey']).toBe(false);
  });
});

describe('what the change does to matching', () => {
  const source = logSource('aws', 'cloudtrail')!;

  it('matches the same real records as before', () => {
    const rule = inlineRule({
      s: { eventSource: 'iam.amazonaws.com', eventName: ['CreateAccessKey', 'deleteaccesskey'], 'userIdentity.type': ['IAMUser', 'root'] },
      condition: 's',
    });
    const before = compileExpr(expand(rule));
    const after = compileExpr(applySingleCase(expand(rule), source));
    const records = ['CreateAccessKey', 'DeleteAccessKey', 'CreateUser'].flatMap((eventName) =>
      ['IAMUser', 'Root', 'AssumedRole'].flatMap((type) =>
        ['iam.amazonaws.com', 'sts.amazonaws.com'].map((eventSource) => ({ eventSource, eventName, userIdentity: { type } })),
      ),
    );
    for (const record of records) expect(after(record), JSON.stringify(record)).toBe(before(record));
    expect(records.filter(after)).toHaveLength(4);
  });

  it('lets a Sigma-style rule compile to CloudWatch', () => {
    const r = bind({ s: { eventSource: 'cloudtrail.amazonaws.com', eventName: ['StopLogging', 'DeleteTrail'] }, condition: 's' });
    expect(compileRule(r, 'cloudwatch')).toBe(
      '{ (($.eventSource = "cloudtrail.amazonaws.com") && (($.eventName = "StopLogging") || ($.eventName = "DeleteTrail"))) }',
    );
  });

  it('does nothing on log sources without single-case fields', () => {
    const expr = expand(inlineRule({ s: { OperationName: 'Add member to role' }, condition: 's' }, { product: 'azure', service: 'auditlogs' }));
    expect(applySingleCase(expr, logSource('azure', 'auditlogs')!)).toBe(expr);
  });
});
