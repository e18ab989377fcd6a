/**
 * checkFields (logsources/field-check.ts) on hand-built expressions: the exact refusal for a log source the
 * package does not read, a field with no near name, the fields a fieldref names, fields inside an AND,
 * and an equality outside a documented value domain; and what it lets through (keyword searches, empty
 * or non-text values, an OR one of whose items can match). Written against the surviving mutants of the
 * first StrykerJS run of core/detection/logsources.
 */
import { describe, expect, it } from 'vitest';
import { CompileError } from '../../../../core/detection/compilers/compile-error.ts';
import type { Expr } from '../../../../core/detection/expr.ts';
import { checkFields } from '../../../../core/detection/logsources/field-check.ts';
import type { Rule, Target } from '../../../../core/detection/rule.ts';
import { equalsMatch } from '../../../helpers/match.ts';

const rule = (product: string, service: string): Rule => ({ id: 'field-check-rule', logsource: { product, service } }) as unknown as Rule;
const cloudtrail = rule('aws', 'cloudtrail');
const auditlogs = rule('azure', 'auditlogs');
const match = equalsMatch;
const refusal = (r: Rule, expr: Expr, target: Target): CompileError => {
  try {
    checkFields(r, expr, target);
  } catch (error) {
    if (error instanceof CompileError) return error;
    throw error;
  }
  throw new Error('checkFields passed');
};

describe('a log source the package does not read', () => {
  it('is refused with the list of known log sources', () => {
    const error = refusal(rule('aws', 'vpcflow'), match('action', ['REJECT']), 'cloudwatch');
    expect(error.reason).toBe('aws/vpcflow is not a log source this package reads');
    expect(error.suggestion).toBe(
      'Known: aws/cloudtrail, gcp/gcp.audit, azure/signinlogs, azure/azureactivity, azure/auditlogs, azure/graphactivity, azure/riskdetection.',
    );
  });
});

describe('fields the log source does not have', () => {
  it('are refused without a nearest name when none is close', () => {
    expect(refusal(cloudtrail, match('qqqqqqqqqqqqqqqqqqqq', ['x']), 'cloudwatch').reason).toBe(
      'aws/cloudtrail has no field qqqqqqqqqqqqqqqqqqqq, so the rule can never match its logs',
    );
  });

  it('are refused when a fieldref names them, not only as the tested field', () => {
    expect(refusal(cloudtrail, match('eventName', ['qqqqqqqqqqqqqqqqqqqq'], { op: 'fieldref' }), 'eventbridge').reason).toBe(
      'aws/cloudtrail has no field qqqqqqqqqqqqqqqqqqqq, so the rule can never match its logs',
    );
  });

  it('are refused inside an AND', () => {
    const expr: Expr = { kind: 'and', items: [match('eventName', ['CreateUser']), match('qqqqqqqqqqqqqqqqqqqq', ['x'])] };
    expect(refusal(cloudtrail, expr, 'cloudwatch').reason).toBe('aws/cloudtrail has no field qqqqqqqqqqqqqqqqqqqq, so the rule can never match its logs');
  });

  it('are refused inside an OR', () => {
    const expr: Expr = { kind: 'or', items: [match('eventName', ['CreateUser']), match('qqqqqqqqqqqqqqqqqqqq', ['x'])] };
    expect(refusal(cloudtrail, expr, 'cloudwatch').reason).toBe('aws/cloudtrail has no field qqqqqqqqqqqqqqqqqqqq, so the rule can never match its logs');
  });

  it('are not looked for in a keyword search, which names no field', () => {
    expect(() => checkFields(cloudtrail, match('', ['mimikatz'], { op: 'keyword' }), 'cloudwatch')).not.toThrow();
  });
});

describe('an equality outside a documented value domain', () => {
  it('is refused with every documented value and every value of the rule', () => {
    const error = refusal(auditlogs, match('Result', ['ok', 'bad']), 'kql');
    expect(error.reason).toBe(
      'Result of azure/auditlogs only takes success, failure, timeout, unknownFutureValue (https://learn.microsoft.com/graph/api/resources/directoryaudit); ok, bad is none of them, so the rule can never match its logs',
    );
    expect(error.suggestion).toBe('Compare Result with one of its values, or test the field that holds this text.');
  });

  it('is not concluded from an equality without values, or with a non-text value', () => {
    expect(() => checkFields(auditlogs, match('Result', []), 'kql')).not.toThrow();
    expect(() => checkFields(auditlogs, match('Result', [5]), 'kql')).not.toThrow();
  });

  it('decides an OR only when every item is dead', () => {
    const live: Expr = { kind: 'or', items: [match('Result', ['bad']), match('Result', ['success'])] };
    expect(() => checkFields(auditlogs, live, 'kql')).not.toThrow();
    const dead: Expr = { kind: 'or', items: [match('Result', ['bad']), match('Result', ['worse'])] };
    expect(refusal(auditlogs, dead, 'kql').reason).toMatch(/; bad is none of them, so the rule can never match its logs$/);
  });
});
