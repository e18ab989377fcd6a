/**
 * The one field check before every compiler (catalog.ts compileRule, logsources/field-check.ts): a field
 * the log source does not have, or a text test on an object where the target cannot see an object's text,
 * is a CompileError naming the field, the log source and why, instead of a query that never matches.
 */
import { describe, expect, it } from 'vitest';
import { bindRules, compileRule, type CatalogRule } from '../../../../core/detection/catalog.ts';
import { CompileError } from '../../../../core/detection/compilers/compile-error.ts';
import type { Target } from '../../../../core/detection/rule.ts';
import { exampleModel } from '../../../helpers/config.ts';
import { inlineRule } from '../../../helpers/rules.ts';

const model = exampleModel();
const bind = (detection: Record<string, unknown>, logsource = { product: 'aws', service: 'cloudtrail' }): CatalogRule =>
  bindRules([inlineRule(detection, logsource)], model)[0]!;
const refusal = (r: CatalogRule, target: Target): CompileError => {
  try {
    compileRule(r, target);
  } catch (error) {
    if (error instanceof CompileError) return error;
    throw error;
  }
  throw new Error(`${target} compiled`);
};
const gcp = { product: 'gcp', service: 'gcp.audit' };

describe('fields the log source does not have', () => {
  it('are refused on every target, with the nearest documented field', () => {
    const r = bind({ s: { 'eventSource|cased': 's3.amazonaws.com', 'sourceIpAddress|cased': '192.0.2.1' }, condition: 's' });
    for (const target of ['cloudwatch', 'eventbridge'] as const) {
      const error = refusal(r, target);
      expect(error.reason).toBe('aws/cloudtrail has no field sourceIpAddress (nearest: sourceIPAddress), so the rule can never match its logs');
      expect(error.suggestion).toMatch(/^Use a field of aws\/cloudtrail \(https:/);
    }
  });

  it('are refused for GCP too, which had no check of its own', () => {
    const r = bind({ s: { 'protoPayload.methodName': 'SetIamPolicy', 'protopayload.servicename': 'iam.googleapis.com' }, condition: 's' }, gcp);
    expect(refusal(r, 'gcp').reason).toMatch(/^gcp\/gcp\.audit has no field protopayload\.servicename \(nearest: protoPayload\.serviceName\)/);
  });

  it('name no nearest field when none is close', () => {
    const r = bind({ s: { Workload: 'AzureActiveDirectory' }, condition: 's' }, { product: 'azure', service: 'azureactivity' });
    expect(refusal(r, 'kql').reason).toBe('azure/azureactivity has no field Workload, so the rule can never match its logs');
  });

  it('are refused below a field that holds a value', () => {
    const r = bind({ s: { 'eventName.first|cased': 'x' }, condition: 's' });
    expect(refusal(r, 'eventbridge').reason).toBe(
      'aws/cloudtrail has no field eventName.first (eventName holds a value, not fields), so the rule can never match its logs',
    );
  });

  it('are checked under a not', () => {
    const negated = bind({ s: { 'eventName|cased': 'A' }, f: { 'userName|cased': 'x' }, condition: 's and not f' });
    expect(refusal(negated, 'cloudwatch').reason).toMatch(/^aws\/cloudtrail has no field userName/);
  });

  it('pass anywhere inside a free-form object, and under protoPayload in any case', () => {
    expect(() => compileRule(bind({ s: { 'requestParameters.anything.at.all|cased': 'x' }, condition: 's' }), 'eventbridge')).not.toThrow();
    expect(() => compileRule(bind({ s: { 'protoPayload.requestMetadata.callerIP|cidr': '10.0.0.0/8' }, condition: 's' }, gcp), 'gcp')).not.toThrow();
    expect(() =>
      compileRule(bind({ s: { 'Properties_d.requestbody|contains': 'x' }, condition: 's' }, { product: 'azure', service: 'azureactivity' }), 'kql'),
    ).not.toThrow();
  });
});

describe('text tests on fields that hold objects', () => {
  const object = { s: { 'userIdentity|contains|cased': 'Root' }, condition: 's' };

  it('are refused on CloudWatch, which compares text and numbers only', () => {
    expect(refusal(bind(object), 'cloudwatch').reason).toBe(
      'field userIdentity of aws/cloudtrail holds an object; the rule compares its JSON text, and a CloudWatch filter pattern compares a selector holding text or a number, never an object, so on cloudwatch the rule could never match',
    );
    expect(refusal(bind(object), 'cloudwatch').suggestion).toBe('Test a field inside it (userIdentity.<name>).');
  });

  it('are refused on EventBridge, which matches leaf values', () => {
    expect(refusal(bind({ s: { 'resources|cased': 'arn:aws:s3:::b' }, condition: 's' }), 'eventbridge').reason).toBe(
      'field resources of aws/cloudtrail holds objects; the rule compares its JSON text, and an EventBridge event pattern matches leaf values (text, numbers, booleans, null), never an object, so on eventbridge the rule could never match',
    );
  });

  it('are refused on Cloud Logging, whose comparisons with a struct fail', () => {
    const r = bind({ s: { 'protoPayload.authenticationInfo|contains': 'admin@' }, condition: 's' }, gcp);
    expect(refusal(r, 'gcp').reason).toMatch(
      /holds an object; the rule compares its JSON text, and a Cloud Logging comparison on a field holding a struct fails/,
    );
    const open = bind({ s: { 'protoPayload.request|contains': 'x' }, condition: 's' }, gcp);
    expect(refusal(open, 'gcp').reason).toMatch(/^field protoPayload\.request of gcp\/gcp\.audit holds an object/);
  });

  it('compile on KQL, which compares the JSON text (tostring)', () => {
    const r = bind({ s: { 'InitiatedBy|contains': 'admin@' }, condition: 's' }, { product: 'azure', service: 'auditlogs' });
    expect(compileRule(r, 'kql')).toBe('AuditLogs\n| where tostring(InitiatedBy) contains "admin@"');
  });

  it('are fine as presence tests, and on fields inside the object', () => {
    expect(() => compileRule(bind({ s: { 'userIdentity|exists': true }, condition: 's' }), 'eventbridge')).not.toThrow();
    expect(() => compileRule(bind({ s: { 'userIdentity.arn|contains|cased': 'Admin' }, condition: 's' }), 'cloudwatch')).not.toThrow();
  });
});

describe('targets that do not read the log source', () => {
  it('are refused before any field is looked at', () => {
    const r = bind({ s: { Workload: 'x' }, condition: 's' }, { product: 'azure', service: 'azureactivity' });
    expect(refusal(r, 'cloudwatch').message).toBe('rule inline-test-rule cannot compile to cloudwatch: cloudwatch does not read azure logs. Use kql.');
  });
});

describe('values a field never takes', () => {
  const audit = { product: 'azure', service: 'auditlogs' };

  it('refuse a rule whose equality on a field with documented values can match none of them', () => {
    // SigmaHQ's portal "Status" is AuditLogs' Result: success, failure, timeout or unknownFutureValue.
    const r = bind(
      { s: { ActivityDisplayName: 'Admin registered security info', Result: 'Admin registered temporary access pass method for user' }, condition: 's' },
      audit,
    );
    expect(refusal(r, 'kql').reason).toBe(
      'Result of azure/auditlogs only takes success, failure, timeout, unknownFutureValue (https://learn.microsoft.com/graph/api/resources/directoryaudit); Admin registered temporary access pass method for user is none of them, so the rule can never match its logs',
    );
  });

  it('compile when a value is documented (in any case), under a not, or in one branch of an OR', () => {
    for (const detection of [
      { s: { Result: 'Success' }, condition: 's' },
      { s: { Result: ['nonsense', 'failure'] }, condition: 's' },
      { s: { ActivityDisplayName: 'Add user' }, f: { Result: 'nonsense' }, condition: 's and not f' },
      { s: { ActivityDisplayName: 'Add user' }, f: { Result: 'nonsense' }, condition: 's or f' },
      { s: { 'Result|contains': 'nonsense' }, condition: 's' },
      { s: { Result: 'succ*' }, condition: 's' },
    ])
      expect(() => compileRule(bind(detection, audit), 'kql'), JSON.stringify(detection)).not.toThrow();
  });

  it('refuse when every branch of an OR, or one item of an AND, cannot match', () => {
    expect(refusal(bind({ a: { Result: 'nonsense' }, b: { Result: 'other' }, condition: 'a or b' }, audit), 'kql').reason).toMatch(
      /^Result of azure\/auditlogs only takes/,
    );
    expect(refusal(bind({ a: { ActivityDisplayName: 'Add user' }, b: { Result: 'other' }, condition: 'a and b' }, audit), 'kql').reason).toMatch(
      /other is none of them/,
    );
  });
});
