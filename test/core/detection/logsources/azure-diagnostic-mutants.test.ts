/**
 * Azure diagnostic-setting records mapped onto Log Analytics rows (logsources/azure-diagnostic.ts): records
 * missing the nested paths a column reads, Entra audit records known by their payload keys, and the
 * sign-in error code that becomes ResultType. Written against the surviving mutants of the first StrykerJS
 * run of core/detection/logsources.
 */
import { describe, expect, it } from 'vitest';
import { diagnosticService, normalizeDiagnostic } from '../../../../core/detection/logsources/azure-diagnostic.ts';

describe('diagnosticService', () => {
  it('is undefined for a record of another category with no properties, without reading below a missing or null key', () => {
    expect(diagnosticService({ category: 'StorageRead' })).toBeUndefined();
    expect(diagnosticService({})).toBeUndefined();
    expect(diagnosticService({ properties: null })).toBeUndefined();
  });

  it('is auditlogs for an Entra audit record without its category, by properties.operationType alone', () => {
    expect(diagnosticService({ properties: { operationType: 'Assign' } })).toBe('auditlogs');
    expect(diagnosticService({ properties: { activityDisplayName: 'Add member to role' } })).toBe('auditlogs');
    expect(diagnosticService({ properties: { other: 'x' } })).toBeUndefined();
  });
});

describe('normalizeDiagnostic', () => {
  it('leaves out a column whose nested path is missing (identity.claims.name with no identity)', () => {
    expect(normalizeDiagnostic({ category: 'Administrative', operationName: 'X/WRITE' }, 'azureactivity')).toEqual({
      OperationNameValue: 'X/WRITE',
      CategoryValue: 'Administrative',
    });
    expect(Object.keys(normalizeDiagnostic({ category: 'Administrative', identity: 'text' }, 'azureactivity'))).toEqual(['CategoryValue']);
  });

  it('gives a sign-in ResultType as the text of properties.status.errorCode, over resultType', () => {
    const record = { category: 'SignInLogs', resultType: '50126', properties: { status: { errorCode: 0 } } };
    expect(normalizeDiagnostic(record, 'signinlogs')).toEqual({ Category: 'SignInLogs', ResultType: '0', Status: { errorCode: 0 } });
  });

  it('keeps a sign-in resultType when the record has no error code, and never writes ResultType "undefined"', () => {
    expect(normalizeDiagnostic({ resultType: '50126', properties: { status: {} } }, 'signinlogs')).toEqual({ ResultType: '50126', Status: {} });
    expect(normalizeDiagnostic({ properties: {} }, 'signinlogs')).toEqual({});
    expect(normalizeDiagnostic({ properties: { status: null } }, 'signinlogs')).toEqual({ Status: null });
  });

  it('reads the error code only for sign-ins: other tables get no ResultType from it', () => {
    const record = { operationName: 'Add member to role', properties: { status: { errorCode: 50126 } } };
    expect(normalizeDiagnostic(record, 'auditlogs')).toEqual({ OperationName: 'Add member to role' });
  });
});
